from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

pytest.importorskip("PySide6")

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication, QTableView, QTableWidget, QTableWidgetItem, QWidget
    from pytestqt.qtbot import QtBot

    from desktop_cls.core.data.dataset import DatasetIndex
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.gui.pages.train.train_form import TrainForm
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.widgets.image_viewer import ImageViewer

from tests.gui.filed_steps import held, queued_steps, steps_filed_at_once  # noqa: F401  (fixtures)

Found = TypeVar("Found", bound="QObject")


def child(parent: QObject, kind: type[Found], name: str) -> Found:
    """The named child, or a failure that names what is missing (findChild's None would fail later, unclearly)."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def desktop_scheme(monkeypatch: pytest.MonkeyPatch, scheme: Any) -> None:
    """The theme module sees a desktop that reports `scheme` (a Qt.ColorScheme) and ignores the app's requests."""
    from PySide6.QtCore import QObject, Qt, Signal

    from desktop_cls.gui.widgets import theme

    class Hints(QObject):
        colorSchemeChanged = Signal(Qt.ColorScheme)

        def colorScheme(self) -> Qt.ColorScheme:
            return scheme

        def setColorScheme(self, _scheme: Qt.ColorScheme) -> None:
            pass

    hints = Hints()

    class Gui:
        @staticmethod
        def styleHints() -> Hints:
            return hints

    monkeypatch.setattr(theme, "QGuiApplication", Gui)


def opened_viewer(owner: QWidget) -> ImageViewer:
    """The viewer OWNER opened; failing here when it opened none."""
    from desktop_cls.gui.widgets.image_viewer import viewer_of

    viewer = viewer_of(owner)
    assert viewer is not None, f"{type(owner).__name__} opened no viewer"
    return viewer


def saved_settings(window: MainWindow) -> Settings:
    """The settings on disk once the writes WINDOW has handed to its settings lane have ended (each change is
    handed over as it happens; a burst still waiting to pause is not forced out)."""
    from desktop_cls.gui.settings import load_settings

    assert window.autosave.wait_written(30_000), "a settings write did not end"
    settings, notice = load_settings()
    assert notice is None
    return settings


def item_at(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """A table's item; a missing one fails here, naming the cell."""
    item = table.item(row, column)
    assert item is not None, f"no item at ({row}, {column}) in {table.objectName()}"
    return item


def cell(table: QTableWidget | QTableView, row: int, column: int) -> str:
    """A cell's text, of a table of items or a view of a model (a missing cell fails here, naming it)."""
    from PySide6.QtWidgets import QTableWidget

    if isinstance(table, QTableWidget):
        return item_at(table, row, column).text()
    index = table.model().index(row, column)
    assert index.isValid(), f"no cell ({row}, {column}) in {table.objectName()}"
    return str(index.data() or "")


def heading(view: QTableView, section: int, vertical: bool = False, tooltip: bool = False) -> str:
    """A header's text (or tooltip) as a view of a model shows it."""
    from PySide6.QtCore import Qt

    role = Qt.ItemDataRole.ToolTipRole if tooltip else Qt.ItemDataRole.DisplayRole
    orientation = Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
    value = view.model().headerData(section, orientation, role)
    assert value is not None, f"no header {section} in {view.objectName()}"
    return str(value)


def tooltip(view: QTableView, row: int, column: int) -> str:
    """A cell's tooltip, of a view of a model."""
    from PySide6.QtCore import Qt

    return str(view.model().index(row, column).data(Qt.ItemDataRole.ToolTipRole) or "")


def as_shown(tip: str) -> str:
    """A tooltip's text as Qt shows it: rich text when Qt takes it for rich text, rendered; else as it is."""
    from PySide6.QtGui import Qt, QTextDocument

    if not Qt.mightBeRichText(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def header(table: QTableWidget, column: int) -> QTableWidgetItem:
    item = table.horizontalHeaderItem(column)
    assert item is not None, f"no header item {column} in {table.objectName()}"
    return item


def opened_workspace(window: MainWindow) -> Workspace:
    """The open dataset's labeling workspace; failing here when there is none."""
    ws = window.state.workspace
    assert ws is not None, "no labeling workspace is open"
    return ws


def opened(window: MainWindow) -> DatasetIndex:
    """The open dataset; failing here when none is open."""
    index = window.state.dataset
    assert index is not None, "no dataset is open"
    return index


def answer_through_statics(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's message boxes (plain text, made by dialogs.message) are answered by QMessageBox's static function
    of their kind: the one a test patched to answer (or no_unexpected_dialogs' failure)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from desktop_cls.gui.widgets import dialogs

    def answered(box: QMessageBox, kind: str) -> QMessageBox.StandardButton:
        assert box.textFormat() == Qt.TextFormat.PlainText, box.text()
        if kind == "question":
            default = box.standardButton(box.defaultButton()) if box.defaultButton() is not None else \
                QMessageBox.StandardButton.NoButton
            return getattr(QMessageBox, kind)(box.parent(), box.windowTitle(), box.text(), box.standardButtons(),
                                              default)
        getattr(QMessageBox, kind)(box.parent(), box.windowTitle(), box.text())
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(dialogs, "answer", answered)


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal message box nobody answers would hang the run: fail fast instead. Tests that expect one
    patch it themselves (their monkeypatch wins, being applied later)."""
    from PySide6.QtWidgets import QMessageBox

    for name in ("question", "information", "warning", "critical"):
        def unexpected(*args: object, _name: str = name, **kwargs: object) -> None:
            text = next((a for a in args if isinstance(a, str) and len(a) > 20), args[1:3])
            raise AssertionError(f"unexpected QMessageBox.{_name}: {text}")

        monkeypatch.setattr(QMessageBox, name, unexpected)

    answer_through_statics(monkeypatch)


@pytest.fixture
def keep_palette() -> Iterator[None]:
    """Theme tests change the application's palette: put it back for the tests after them."""
    from PySide6.QtGui import QGuiApplication, QPalette
    from PySide6.QtWidgets import QApplication, QToolTip

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette, tips = app.style().name(), app.palette(), QPalette(QToolTip.palette())
    yield
    QGuiApplication.styleHints().unsetColorScheme()
    app.setStyle(style)
    app.setPalette(palette)
    QToolTip.setPalette(tips)


@pytest.fixture
def window(qtbot: QtBot, isolated_user_dirs: Path) -> Iterator[MainWindow]:
    from desktop_cls.gui.shell.main_window import MainWindow

    w = MainWindow(load_core=False)
    # stop every worker before pytest-qt closes the window: a task still running then (a health check
    # that outlived the test) would otherwise raise the "Quit anyway?" dialog and wait forever
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    w.wait_until_core_loaded()
    yield w
    w.shutdown()
    _close_message_boxes()


def _close_message_boxes() -> None:
    """A message box a test left open (an error the test did not look at) is closed with its window: the next
    test's window would otherwise find it among the top-level widgets and take it for its own."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.close()


def open_and_wait(qtbot: QtBot, w: MainWindow, folder: Path) -> None:
    """Open a folder and wait for its index (a new one, when another dataset was open before)."""
    before = w.state.dataset
    w.open_dataset(folder)
    qtbot.waitUntil(lambda: w.state.dataset is not None and w.state.dataset is not before, timeout=30_000)


def open_and_check(qtbot: QtBot, w: MainWindow, folder: Path) -> DatasetIndex:
    """Open a folder and wait for its health check too (training waits for neither): the checked dataset,
    whose problems the Problems tab lists."""
    open_and_wait(qtbot, w, folder)
    model = w.dataset_page.model
    qtbot.waitUntil(lambda: model.checked is not None and model.index is w.state.dataset, timeout=30_000)
    assert model.checked is not None
    return model.checked


def set_fast_training(w: MainWindow, epochs: int = 2) -> None:
    tp = w.train_page
    tp.form.model_combo.setCurrentIndex(tp.form.model_combo.findData("simple_cnn"))
    tp.form.epochs_spin.setValue(epochs)
    tp.form.batch_spin.setValue(4)
    tp.form.image_size_spin.setValue(16)
    tp.form.device_combo.setCurrentIndex(tp.form.device_combo.findData("cpu"))


def train_and_stop_after(qtbot: QtBot, w: MainWindow, monkeypatch: pytest.MonkeyPatch, epoch: int) -> str:
    """Start a training with the form as it is and stop it once `epoch` has ended (as the Stop button does);
    returns the stopped run."""
    from desktop_cls.core.events import EpochEnd
    from desktop_cls.gui.pages.train import training_task

    tp = w.train_page
    passed_on = training_task._Events.on_epoch_end

    def stop_after(self: training_task._Events, e: EpochEnd) -> None:  # on the training's thread, as the epoch ends
        passed_on(self, e)
        if e.epoch == epoch and tp.training.task is not None:
            tp.training.task.cancel()

    monkeypatch.setattr(training_task._Events, "on_epoch_end", stop_after)
    tp.start()
    qtbot.waitUntil(lambda: tp.training.task is None, timeout=60_000)
    monkeypatch.setattr(training_task._Events, "on_epoch_end", passed_on)
    run = w.state.run
    assert run is not None
    return run


def run_stopped_after_one_epoch(qtbot: QtBot, w: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A run of 4 small epochs on `folder`, stopped after its first: a run to resume."""
    open_and_wait(qtbot, w, folder)
    set_fast_training(w, epochs=4)
    return train_and_stop_after(qtbot, w, monkeypatch, epoch=1)


def choose_method(form: TrainForm, key: str) -> None:
    """Pick the Train form's method ("auto", "quick", "fine-tune", "scratch", "custom"): tests of the options that
    a from-scratch run has (epochs, optimizer, image size) choose it, as the tiny test sets would get quick."""
    combo = form.method_choice.combo
    combo.setCurrentIndex(combo.findData(key))
    assert combo.currentData() == key


@pytest.fixture(scope="session", autouse=True)
def english_catalogue(qapp: QApplication) -> None:
    """The window in English as the app starts it: with the English catalogue, whose plural forms turn
    "%n image(s)" into "1 image" and "2 images" (without it Qt shows the source text)."""
    from desktop_cls.gui.shell.language import install_language

    install_language("en")


@pytest.fixture
def language() -> Iterator[Any]:
    """install_language for the test; English again afterwards, so other tests see the source texts."""
    from PySide6.QtCore import QLocale

    from desktop_cls.gui.shell.language import install_language

    before = QLocale()
    yield install_language
    install_language("en")
    QLocale.setDefault(before)


def dataset_line(window: MainWindow) -> str:
    """The status bar's dataset line as written, whatever the label's width (it elides), without the marks that
    isolate the folder's name in it (core.i18n.isolated)."""
    return window.status_bar.dataset_status.full_text().replace("\u2068", "").replace("\u2069", "")
