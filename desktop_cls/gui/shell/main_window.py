"""The main window: a sidebar of steps, one page per step, menus, shortcuts and a status bar."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.i18n import isolated, without_direction_controls
from desktop_cls.gui.autosave import SettingsAutosave
from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
from desktop_cls.gui.pages.data.dataset_page import DatasetPage
from desktop_cls.gui.pages.evaluate.evaluate_page import EvaluatePage
from desktop_cls.gui.pages.export.export_page import ExportPage
from desktop_cls.gui.pages.label.label_page import LabelPage
from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.pages.train.train_page import TrainPage
from desktop_cls.gui.settings import Settings, load_settings, settings_snapshot, write_settings_snapshot
from desktop_cls.gui.shell.engine import AfterFirstPaint, load_engine
from desktop_cls.gui.shell.first_size import PREFERRED, first_window_size
from desktop_cls.gui.shell.interrupted_runs import InterruptedRunBanner
from desktop_cls.gui.shell.menus import WindowMenus
from desktop_cls.gui.shell.page_stack import PageStack
from desktop_cls.gui.shell.preferences import apply_data_folder, show_settings_problem
from desktop_cls.gui.shell.quitting import UNWAITED_AT_QUIT, may_quit, quit_question
from desktop_cls.gui.shell.shortcuts import WindowShortcutGuard
from desktop_cls.gui.shell.status_bar import WindowStatusBar
from desktop_cls.gui.state import AppState, Badge, PageKey
from desktop_cls.gui.widgets.common import accept_as_copy
from desktop_cls.gui.widgets.dialogs import close_errors, inform, show_error
from desktop_cls.gui.widgets.icons import SidebarIcons, decorate_actions
from desktop_cls.gui.widgets.image_viewer import close_viewer
from desktop_cls.gui.widgets.thumbnail_drag import from_the_app
from desktop_cls.gui.work.tasks import Lane, Task, TaskRunner


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, load_core: bool = True) -> None:
        super().__init__()
        notice = None
        if settings is None:
            settings, notice = load_settings()
        self.state = AppState(settings)
        folder_notice = apply_data_folder(settings)  # before the pages list the runs in it
        notice = "\n\n".join(n for n in (notice, folder_notice) if n)
        self.tasks = TaskRunner(self)
        self.setWindowTitle("desktop_cls")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self._closing = False

        self._build_pages()
        self._build_central()
        self.status_bar = WindowStatusBar(self, self.tasks, self.state)
        self.menus = WindowMenus(self)
        self.shortcut_guard = WindowShortcutGuard(self)  # menu shortcuts also work from a text field
        decorate_actions(self)
        self._connect_signals()
        self.sidebar.setCurrentRow(0)
        screen = self.screen()
        self.resize(first_window_size(screen.availableGeometry().size()) if screen is not None else PREFERRED)
        self._restore_geometry()
        self.autosave = SettingsAutosave(self._settings_snapshot, lambda snap: write_settings_snapshot(snap),
                                         self._write_on_lane, self)
        self.autosave.problem.connect(lambda text: show_settings_problem(self.status_bar.settings_status, text))
        self.state.settings_changed.connect(self.autosave.changed)
        self.use_default_device()
        self.state.core_ready.connect(self._default_device_when_listed)  # after the Train page lists the GPUs
        self.interrupted_banner.check()
        if notice:
            QTimer.singleShot(0, lambda: inform(self, self.tr("Settings"), notice))
        if load_core:  # once the window is painted; a broken torch install must not take the window down: reported
            self.engine_start = AfterFirstPaint(self, lambda: self.tasks.start(
                "engine", load_engine, self._on_core_loaded, on_error=lambda m, d: show_error(
                    self, self.tr("PyTorch could not be loaded"), m, d)))

    def _build_pages(self) -> None:
        """The six steps, in order, each a page on the shared state and task runner."""
        self.pages: dict[PageKey, Page] = {}
        self.dataset_page = DatasetPage(self.state, self.tasks)
        self.label_page = LabelPage(self.state, self.tasks)
        self.train_page = TrainPage(self.state, self.tasks)
        self.evaluate_page = EvaluatePage(self.state, self.tasks)
        self.classify_page = ClassifyPage(self.state, self.tasks)
        self.export_page = ExportPage(self.state, self.tasks)
        order = [(PageKey.DATA, self.tr("Data"), self.dataset_page), (PageKey.LABEL, self.tr("Label"), self.label_page),
                 (PageKey.TRAIN, self.tr("Train"), self.train_page),
                 (PageKey.EVALUATE, self.tr("Evaluate"), self.evaluate_page),
                 (PageKey.CLASSIFY, self.tr("Classify"), self.classify_page),
                 (PageKey.EXPORT, self.tr("Export"), self.export_page)]
        self._build_sidebar(order)

    def _build_central(self) -> None:
        """Sidebar | (page title, the interrupted-run banner, the current page)."""
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        f = self.title_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.title_label.setFont(f)
        self.interrupted_banner = InterruptedRunBanner(self.state)
        self.interrupted_banner.resume_requested.connect(self._resume_interrupted)
        right = QVBoxLayout()
        right.addWidget(self.title_label)
        right.addWidget(self.interrupted_banner)
        right.addWidget(self.stack, 1)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.addWidget(self.sidebar)
        lay.addLayout(right, 1)
        self.setCentralWidget(central)

    def _connect_signals(self) -> None:
        """What the window itself follows: badges, the open dataset, tasks' progress, requests from pages."""
        self.state.status_changed.connect(self._set_badge)
        self.state.dataset_changed.connect(self._on_dataset)
        self.state.dataset_opening.connect(lambda _folder: self._close_windows_of_dataset())
        self.train_page.monitor.progress_text.connect(self.status_bar.on_train_progress)
        self.label_page.retrain_requested.connect(self.start_training)
        self.label_page.classes.counted.connect(self._on_dataset)
        self.label_page.left_changed.connect(self._on_dataset)  # ("N to label" as each key takes its image)

    def _build_sidebar(self, order: list[tuple[PageKey, str, Page]]) -> None:
        """The steps in order, each with its page in the stack, its icon and status badge."""
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Steps"))
        self.stack = PageStack()
        self._keys: list[PageKey] = []
        self._titles: dict[PageKey, str] = {}
        for key, title, page in order:
            self.pages[key] = page
            self._keys.append(key)
            self._titles[key] = title
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
            self.stack.add_page(page)
        self.sidebar.currentRowChanged.connect(self._show_row)
        sf = self.sidebar.font()
        sf.setPointSizeF(sf.pointSizeF() * 1.2)
        self.sidebar.setFont(sf)
        self.sidebar.setSpacing(4)
        self.sidebar_icons = SidebarIcons(self.sidebar)  # each step's icon and status badge, from the palette
        self.sidebar.setFixedWidth(self.sidebar.fontMetrics().horizontalAdvance("M") * 9)

    # ---- public API for tests and scripts -------------------------------------------------------
    def open_dataset(self, path: str | Path) -> None:
        """Scan the folder in the background and show it on the Data page."""
        self.show_page(PageKey.DATA)
        self.dataset_page.open_folder(str(path))

    def show_page(self, key: PageKey | str) -> None:
        self.sidebar.setCurrentRow(self._keys.index(PageKey(key)))

    def page_keys(self) -> list[PageKey]:
        """The steps in sidebar order: "data", "label", "train", "evaluate", "classify", "export"."""
        return list(self._keys)

    def page_title(self, key: PageKey | str) -> str:
        return self._titles[PageKey(key)]

    def reopen_last(self, folder: str | None = None, first_start: str | None = None) -> None:
        """Pick up where the user left off: the last dataset and its last model, when they still exist.
        Started on a folder, open that one instead (with its last model). `first_start` is opened only when
        there is nothing to reopen (the demo data of `dev.py run`)."""
        s = self.state.settings
        recent = [f for f in s.recent_folders if Path(f).is_dir()]
        if folder is not None or (not recent and first_start is not None):
            self.open_recent(folder or first_start or "")
            return
        if recent:
            self.open_dataset(recent[0])
        if s.recent_runs and Path(s.recent_runs[0]).exists() and not self._without_model(s.recent_runs[0]):
            self.state.set_run(s.recent_runs[0])  # the model as it was left, whatever it was
            if recent:  # (also once the folder is in: not replaced by that folder's last run)
                self.state.choose_run_when_open(recent[0], s.recent_runs[0])

    def _without_model(self, run: str) -> bool:
        """A run left chosen that has no model (stopped before it saved one) is not chosen again: the status bar says
        why, as Past runs would."""
        from desktop_cls.gui.pages.train.run_without_model import run_without_model

        why = run_without_model(run)
        if why is not None:
            self.statusBar().showMessage(why, 30_000)
        return why is not None

    def open_recent(self, folder: str) -> None:
        """A folder and the last model trained on it (File → Open recent, and the start), chosen once the folder is
        open: a folder that does not open leaves the model of the one still open alone."""
        self.open_dataset(folder)
        run = self.state.last_run_of(folder)
        if run is not None:
            self.state.choose_run_when_open(folder, run)

    def wait_until_core_loaded(self) -> None:
        """For scripts and tests: import the core on this thread and mark it loaded."""
        from desktop_cls.core.devices import list_devices
        self._on_core_loaded(list_devices())

    # ---- requests from menus and pages -------------------------------------------------------
    def evaluate(self) -> None:
        self.show_page(PageKey.EVALUATE)
        self.evaluate_page.evaluate()

    def start_training(self) -> None:
        self.show_page(PageKey.TRAIN)
        self.train_page.start()

    def use_default_device(self) -> None:
        """The Train form starts on the Preferences' device; a GPU not listed yet follows once it is."""
        self._device_pending = not self.train_page.use_device(self.state.settings.default_device)

    def _default_device_when_listed(self) -> None:
        if self._device_pending:  # never overrides a device the user picked meanwhile
            self.use_default_device()

    def _resume_interrupted(self, run: str) -> None:
        self.show_page(PageKey.TRAIN)
        self.train_page.resume(run)

    # ---- reactions -----------------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
            self.title_label.setText(self._titles[self._keys[row]])

    def _set_badge(self, key: PageKey, status: Badge) -> None:
        row = self._keys.index(key)
        item = self.sidebar.item(row)
        self.sidebar_icons.set_status(key, status)
        said = {Badge.DONE: self.tr("done"), Badge.ATTENTION: self.tr("needs attention")}.get(status)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{self._titles[key]}: {said}" if said else None)

    def _on_dataset(self, _index: object = None) -> None:
        """The status bar's summary: what the Label page shows (every class, empty ones too; its own steps at
        once), else the scan's (which leaves empty classes out and is read again only a moment after a step)."""
        ds, lp = self.state.dataset, self.label_page
        if ds is None:
            return
        shown = lp.classes.counts() if lp.model.classes else None
        images, classes = (sum(shown.values()), len(shown)) if shown else (len(ds.samples), len(ds.classes))
        text = self.tr("{folder}: {images}, {classes}").format(folder=isolated(Path(ds.root).name), classes=self.tr(
            "%n class(es)", "", classes), images=self.tr("%Ln image(s)", "", images))
        loose = len(lp.model.queue)
        self.status_bar.dataset_status.setText(text if not loose else self.tr("{0}, {1} to label").format(text, loose))
        # the taskbar and the window switcher name the dataset, as an editor names its document (the desktop draws
        # the title: no isolation marks there, only the name's own direction controls taken out)
        plain_name = without_direction_controls(Path(ds.root).name)
        self.setWindowTitle(self.tr("{folder} — desktop_cls").format(folder=plain_name))

    def _close_windows_of_dataset(self) -> None:
        """Another folder opens: the error boxes and the image viewers over the window spoke of the one before."""
        close_errors(self)
        for owner in (self.dataset_page, self.label_page.view):
            close_viewer(owner)

    def _on_core_loaded(self, devices: object) -> None:
        if self.state.core_loaded:
            return
        self.state.devices = list(devices)  # type: ignore[call-overload]
        self.state.core_loaded = True
        gpus = [d for d in self.state.devices if d.id != "cpu"]
        self.status_bar.device_status.setText(gpus[0].name if gpus else self.state.devices[0].name)
        self.state.core_ready.emit()

    # ---- persistence and closing ---------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = self.state.settings
        if s.window_geometry:
            with contextlib.suppress(ValueError, TypeError):
                self.restoreGeometry(QByteArray.fromHex(s.window_geometry.encode()))

    def _settings_snapshot(self) -> tuple[Path, dict[str, Any]]:
        """What the settings file gets, as plain data (the write happens on the settings lane)."""
        s = self.state.settings
        s.window_geometry = bytes(self.saveGeometry().toHex().data()).decode()
        self.train_page.remember_options()
        return settings_snapshot(s)

    def _write_on_lane(self, write: Callable[[], object], ended: Callable[[], object]) -> Task:
        return self.tasks.start("settings", lambda progress, cancel: write(), lane=Lane.SETTINGS, on_ended=ended)

    def save_settings(self) -> None:
        """Write the settings here and now (closing the window): after any write still on the lane."""
        self.autosave.write_now()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible() and not self._closing:
            self.autosave.changed()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        if self.isVisible() and not self._closing:
            self.autosave.changed()

    def closeEvent(self, event: QCloseEvent) -> None:
        def question() -> str | None:
            return quit_question(self.state, self.tasks, self.export_page.serve_panel, self.train_page.training)

        if not may_quit(self, None if self._closing else question(), question,
                        (self.tasks.task_finished, self.state.training_changed)):
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop every worker and join its thread; nothing starts after it. Safe to call more than once."""
        self._closing = True
        for page in self.pages.values():  # each stops its own threads: the camera, training, thumbnails
            page.shutdown()
        self.tasks.close(unwaited=UNWAITED_AT_QUIT)
        self.save_settings()

    # ---- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if from_the_app(event.mimeData()):  # thumbnails dragged over the window: images, not a folder to open
            return
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and Path(urls[0].toLocalFile()).is_dir():
            accept_as_copy(event)

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [] if from_the_app(event.mimeData()) else event.mimeData().urls()
        if urls:
            self.open_dataset(urls[0].toLocalFile())
            accept_as_copy(event)

