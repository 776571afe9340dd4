"""The main window: a sidebar of steps, one page per step, menus, shortcuts and a status bar."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.gui.settings import Settings, load_settings, save_settings

from .autosave import SettingsAutosave
from .dialogs import show_error, show_shortcuts
from .interrupted_runs import InterruptedRunBanner
from .pages.classify_page import ClassifyPage
from .pages.dataset_page import DatasetPage
from .pages.evaluate_page import EvaluatePage
from .pages.export_page import ExportPage
from .pages.label_page import LabelPage
from .pages.train_page import TrainPage
from .shortcuts import WindowShortcutGuard
from .state import AppState
from .tasks import TaskRunner

BADGES = {"done": "✓", "attention": "!", "none": "—"}


class _CoreLoader(QObject):
    """Imports torch and the core in a background thread so the window appears first."""

    loaded = Signal(object)  # list of DeviceInfo
    failed = Signal(str)

    def start(self) -> None:
        threading.Thread(target=self._load, name="core-loader", daemon=True).start()

    def _load(self) -> None:
        try:
            from desktop_cls.core.devices import list_devices
            from desktop_cls.core.inference import evaluation, export, predictor  # noqa: F401
            from desktop_cls.core.training import trainer  # noqa: F401

            self.loaded.emit(list_devices())
        except Exception as e:  # a broken torch install must not take the window down
            self.failed.emit(f"{type(e).__name__}: {e}")


# Work the app starts by itself and simply redoes next time: closing interrupts it without asking.
RECOMPUTABLE_TASKS = frozenset({"scan", "heatmaps", "suggestions", "learning-rate finder", "evaluate"})


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, load_core: bool = True) -> None:
        super().__init__()
        notice = None
        if settings is None:
            settings, notice = load_settings()
        self.state = AppState(settings)
        self.tasks = TaskRunner(self)
        self.setWindowTitle("desktop_cls")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self._closing = False

        self.pages: dict[str, QWidget] = {}
        self.dataset_page = DatasetPage(self.state, self.tasks)
        self.label_page = LabelPage(self.state, self.tasks)
        self.train_page = TrainPage(self.state, self.tasks)
        self.evaluate_page = EvaluatePage(self.state, self.tasks)
        self.classify_page = ClassifyPage(self.state, self.tasks)
        self.export_page = ExportPage(self.state, self.tasks)
        order = [("data", "Data", self.dataset_page), ("label", "Label", self.label_page),
                 ("train", "Train", self.train_page), ("evaluate", "Evaluate", self.evaluate_page),
                 ("classify", "Classify", self.classify_page), ("export", "Export", self.export_page)]

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Steps")
        self.stack = QStackedWidget()
        self._keys: list[str] = []
        self._titles: dict[str, str] = {}
        for key, title, page in order:
            self.pages[key] = page
            self._keys.append(key)
            self._titles[key] = title
            item = QListWidgetItem(f"{BADGES['none']}  {title}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
            self.stack.addWidget(page)
        self.sidebar.currentRowChanged.connect(self._show_row)
        sf = self.sidebar.font()
        sf.setPointSizeF(sf.pointSizeF() * 1.2)
        self.sidebar.setFont(sf)
        self.sidebar.setSpacing(4)
        self.sidebar.setFixedWidth(self.sidebar.fontMetrics().horizontalAdvance("M") * 9)

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

        self._build_status_bar()
        self._build_menus()
        self.shortcut_guard = WindowShortcutGuard(self)  # menu shortcuts also work from a text field
        self.state.status_changed.connect(self._set_badge)
        self.state.dataset_changed.connect(self._on_dataset)
        self.tasks.task_progress.connect(self._on_task_progress)
        self.tasks.task_finished.connect(self._on_task_finished)
        self.train_page.progress_text.connect(self._on_train_progress)
        self.label_page.retrain_button.clicked.connect(self._start_training)
        self.sidebar.setCurrentRow(0)
        self.resize(1280, 800)
        self._restore_geometry()
        self.autosave = SettingsAutosave(self.save_settings, self)
        self.state.settings_changed.connect(self.autosave.changed)
        self.autosave.watch_inputs(self.train_page.form)
        self.interrupted_banner.check()
        if notice:
            QTimer.singleShot(0, lambda: QMessageBox.information(self, "Settings", notice))
        self._loader = _CoreLoader()
        self._loader.loaded.connect(self._on_core_loaded)
        self._loader.failed.connect(lambda m: show_error(self, "PyTorch could not be loaded", m))
        if load_core:
            self._loader.start()

    # ---- public API for tests and scripts -------------------------------------------------------
    def open_dataset(self, path: str | Path) -> None:
        """Scan the folder in the background and show it on the Data page."""
        self.show_page("data")
        self.dataset_page.open_folder(str(path))

    def show_page(self, key: str) -> None:
        self.sidebar.setCurrentRow(self._keys.index(key))

    def reopen_last(self) -> None:
        """Pick up where the user left off: the last dataset and the last model, when they still exist."""
        s = self.state.settings
        if s.recent_folders and Path(s.recent_folders[0]).is_dir():
            self.open_dataset(s.recent_folders[0])
        if s.recent_runs and Path(s.recent_runs[0]).exists():
            self.state.set_run(s.recent_runs[0])

    def wait_until_core_loaded(self) -> None:
        """For scripts and tests: import the core on this thread and mark it loaded."""
        from desktop_cls.core.devices import list_devices

        self._on_core_loaded(list_devices())

    # ---- layout pieces -------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.dataset_status = QLabel("No dataset")
        self.device_status = QLabel("Loading PyTorch…")
        self.task_status = QLabel("")
        self.task_progress = QProgressBar()
        self.task_progress.setObjectName("statusProgress")
        self.task_progress.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 16)
        self.task_progress.setVisible(False)
        sb.addWidget(self.dataset_status)
        sb.addWidget(QLabel("·"))
        sb.addWidget(self.device_status)
        sb.addPermanentWidget(self.task_status)
        sb.addPermanentWidget(self.task_progress)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        act = QAction("&Open folder…", self)
        act.setShortcut(QKeySequence.StandardKey.Open)
        act.triggered.connect(self.dataset_page.browse)
        file_menu.addAction(act)
        demo = QAction("Try the &demo dataset", self)
        demo.triggered.connect(self.dataset_page.open_demo)
        file_menu.addAction(demo)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_runs_menu = file_menu.addMenu("Recent r&uns")
        self.recent_runs_menu.aboutToShow.connect(self._fill_recent_runs)
        model = QAction("Open &model or run…", self)
        model.setShortcut(QKeySequence("Ctrl+M"))
        model.triggered.connect(self._open_model)
        file_menu.addAction(model)
        file_menu.addSeparator()
        quit_ = QAction("&Quit", self)
        quit_.setShortcut(QKeySequence.StandardKey.Quit)
        quit_.triggered.connect(self.close)
        file_menu.addAction(quit_)

        go = mb.addMenu("&Go")
        for i, key in enumerate(self._keys):
            a = QAction(self._titles[key], self)
            a.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            a.triggered.connect(lambda _=False, k=key: self.show_page(k))
            go.addAction(a)

        train = mb.addMenu("&Train")
        start = QAction("&Start training", self)
        start.setShortcut(QKeySequence("Ctrl+T"))
        start.triggered.connect(self._start_training)
        train.addAction(start)
        pause = QAction("&Pause / resume", self)
        pause.setShortcut(QKeySequence("Ctrl+P"))
        pause.triggered.connect(self.train_page.toggle_pause)
        train.addAction(pause)
        stop = QAction("S&top", self)
        stop.setShortcut(QKeySequence("Ctrl+."))
        stop.triggered.connect(self.train_page.stop)
        train.addAction(stop)
        evaluate = QAction(self.tr("&Evaluate the model"), self)
        evaluate.setObjectName("evaluateAction")
        evaluate.setShortcut(QKeySequence("Ctrl+E"))
        evaluate.triggered.connect(self._evaluate)
        train.addAction(evaluate)
        save_cfg = QAction("Save configuration as run &file…", self)
        save_cfg.triggered.connect(self.train_page.save_config_file)
        train.addAction(save_cfg)

        help_menu = mb.addMenu("&Help")
        sc = QAction("&Keyboard shortcuts", self)
        sc.setShortcut(QKeySequence("F1"))
        sc.triggered.connect(lambda: show_shortcuts(self))
        help_menu.addAction(sc)
        about = QAction("&About desktop_cls", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _evaluate(self) -> None:
        self.show_page("evaluate")
        self.evaluate_page.evaluate()

    def _start_training(self) -> None:
        self.show_page("train")
        self.train_page.start()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        folders = self.state.settings.recent_folders
        if not folders:
            a = self.recent_menu.addAction("No recent folders")
            a.setEnabled(False)
        for f in folders:
            a = self.recent_menu.addAction(f)
            a.triggered.connect(lambda _=False, p=f: self.open_dataset(p))

    def _fill_recent_runs(self) -> None:
        self.recent_runs_menu.clear()
        runs = [r for r in self.state.settings.recent_runs if Path(r).exists()]
        if not runs:
            a = self.recent_runs_menu.addAction("No recent runs")
            a.setEnabled(False)
        for r in runs:
            a = self.recent_runs_menu.addAction(r)
            a.triggered.connect(lambda _=False, p=r: self.state.set_run(p))

    def _resume_interrupted(self, run: str) -> None:
        self.show_page("train")
        self.train_page.resume(run)

    def _open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a model", "",
                                              "Models (*.safetensors *.onnx *.torchscript *.pt *.pth run.json)")
        if path:
            p = Path(path)
            self.state.set_run(str(p.parent if p.name == "run.json" else p))

    def _about(self) -> None:
        from .. import __version__

        QMessageBox.about(self, "About desktop_cls",
                          f"desktop_cls {__version__}\nTrain image classifiers on your own computer, offline.")

    # ---- reactions -----------------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.title_label.setText(self._titles[self._keys[row]])

    def _set_badge(self, key: str, status: str) -> None:
        row = self._keys.index(key)
        item = self.sidebar.item(row)
        item.setText(f"{BADGES.get(status, BADGES['none'])}  {self._titles[key]}")

    def _on_dataset(self, index: object) -> None:
        ds = self.state.dataset
        if ds is None:
            return
        self.dataset_status.setText(f"{Path(ds.root).name}: {len(ds.samples):,} images, {len(ds.classes)} classes")

    def _on_core_loaded(self, devices: object) -> None:
        if self.state.core_loaded:
            return
        self.state.devices = list(devices)  # type: ignore[call-overload]
        self.state.core_loaded = True
        gpus = [d for d in self.state.devices if d.id != "cpu"]
        self.device_status.setText(gpus[0].name if gpus else self.state.devices[0].name)
        self.state.core_ready.emit()

    def _on_task_progress(self, name: str, done: int, total: int, what: str) -> None:
        self.task_status.setText(what)
        self.task_progress.setVisible(True)
        self.task_progress.setMaximum(max(total, 1))
        self.task_progress.setValue(min(done, max(total, 1)))

    def _on_train_progress(self, text: str, done: int, total: int) -> None:
        self._on_task_progress("training", done, total, text)

    def _on_task_finished(self, name: str) -> None:
        if not self.tasks.running() and not self.state.training:
            self.task_status.setText("")
            self.task_progress.setVisible(False)

    # ---- persistence and closing ---------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = self.state.settings
        if s.window_geometry:
            with contextlib.suppress(ValueError, TypeError):
                self.restoreGeometry(QByteArray.fromHex(s.window_geometry.encode()))

    def save_settings(self) -> None:
        s = self.state.settings
        s.window_geometry = bytes(self.saveGeometry().toHex().data()).decode()
        s.last_train_config = self.train_page.current_config_dict()
        s.image_size_follows_data = self.train_page.form.size_follows_data
        s.flips_follow_data = self.train_page.form.flips_follow_data
        with contextlib.suppress(OSError):
            save_settings(s)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible() and not self._closing:
            self.autosave.changed()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        if self.isVisible() and not self._closing:
            self.autosave.changed()

    def closeEvent(self, event: QCloseEvent) -> None:
        user_work = [t for t in self.tasks.running() if t.name not in RECOMPUTABLE_TASKS]
        busy = self.state.training or bool(user_work)
        if busy and not self._closing:
            if self.state.training:
                text = ("Training is running. Quit anyway? Training stops cleanly and keeps its last finished "
                        "epoch; you can resume it later.")
            else:
                name = user_work[0].name
                text = f"{name.capitalize()} is still running. Quit anyway? The {name} is cancelled unfinished."
            answer = QMessageBox.question(
                self, "Quit desktop_cls?", text,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop every worker and join its thread; safe to call more than once."""
        self._closing = True
        self.classify_page.shutdown()
        self.train_page.stop_and_wait()
        self.tasks.stop_all()
        self.dataset_page.thumb_model.shutdown()
        self.evaluate_page.gallery_model.shutdown()
        self.save_settings()

    # ---- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and Path(urls[0].toLocalFile()).is_dir():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.open_dataset(urls[0].toLocalFile())
            event.acceptProposedAction()

