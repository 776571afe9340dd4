"""The page skeleton: its status line shows a task while it runs, Cancel stops it, a newer task replaces an
older one quietly, and a failure ends in an error box."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.state import PageKey
from tests.gui.conftest import child


@pytest.fixture
def page(qtbot: QtBot, isolated_user_dirs: Path) -> Iterator[Page]:
    """A bare page on a small owner window (the task runner holds its window weakly: the fixture keeps it)."""
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState
    from desktop_cls.gui.work.tasks import TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    demo = Page(AppState(Settings()), TaskRunner(owner), "demo")
    demo.setParent(owner)
    demo.set_body("nothing yet", QWidget(), QWidget())
    owner.show()
    yield demo


def test_status_line_follows_a_task_and_cancel_stops_it(qtbot: QtBot, page: Page) -> None:
    release = threading.Event()
    results: list[str] = []

    def slow(progress: Any, cancel: Any) -> str:
        progress(1, 4, "step one")
        while not cancel.is_set() and not release.wait(0.01):
            pass
        return "finished"

    page.run_task("slow", slow, results.append, status="Working…", on_cancelled=lambda: results.append("cancelled"))
    line = page.status_line
    assert line.isVisible() and line.label.text() == "Working…"
    qtbot.waitUntil(lambda: line.label.text() == "Step one" and line.bar.maximum() == 4, timeout=10_000)
    line.cancel_button.click()
    qtbot.waitUntil(lambda: results == ["cancelled"], timeout=10_000)
    assert not line.isVisible()

    page.run_task("slow", slow, results.append, status="Again…")
    release.set()
    qtbot.waitUntil(lambda: results[-1] == "finished", timeout=10_000)
    assert not line.isVisible()


def test_a_newer_task_replaces_an_older_one_quietly(qtbot: QtBot, page: Page) -> None:
    results: list[str] = []

    def waits(progress: Any, cancel: Any) -> str:
        while not cancel.is_set():
            threading.Event().wait(0.01)
        return "old"

    page.run_task("first", waits, results.append, status="First…", on_cancelled=lambda: results.append("cancelled"))
    page.run_task("second", lambda progress, cancel: "new", results.append, status="Second…")
    qtbot.waitUntil(lambda: "new" in results and page.tasks is not None and not page.tasks.running(), timeout=10_000)
    assert results == ["new"]  # the replaced one neither reports a result nor a cancellation
    assert not page.status_line.isVisible()


def test_a_failed_task_ends_in_an_error_box(qtbot: QtBot, page: Page) -> None:

    def fails(progress: Any, cancel: Any) -> None:
        raise ValueError("the disk is on fire")

    page.run_task("bad", fails, lambda _r: None, error_title="Could not do it", status="Trying…")
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in page.window().findChildren(
        QMessageBox)), timeout=10_000)
    box = next(w for w in page.window().findChildren(QMessageBox) if w.isVisible())
    assert box.windowTitle() == "Could not do it" and "the disk is on fire" in box.text()
    assert not page.status_line.isVisible()
    box.close()


def test_the_label_page_asks_for_training_through_its_signal(qtbot: QtBot, window: MainWindow,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[bool] = []
    monkeypatch.setattr(window.train_page, "start", lambda: started.append(True))
    window.show_page("label")
    with qtbot.waitSignal(window.label_page.retrain_requested, timeout=1000):
        window.label_page.buttons["retrainButton"].click()
    assert started == [True] and window.stack.current_page() is window.train_page
    window.label_page.retrain_requested.emit()  # the window listens to the signal, not to the button
    assert started == [True, True]


def test_closing_the_window_shuts_every_page_down(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    stopped: list[PageKey] = []
    for key, page in window.pages.items():
        def shutdown(key: PageKey = key, real: Callable[[], None] = page.shutdown) -> None:
            stopped.append(key)
            real()

        monkeypatch.setattr(page, "shutdown", shutdown)
    window.shutdown()
    assert stopped == window.page_keys()


def test_every_page_is_a_page_with_a_status_line(window: MainWindow) -> None:
    from desktop_cls.gui.pages.page import Page

    for key, page in window.pages.items():
        assert isinstance(page, Page), key
        assert page.status_line.parent() is page, key  # placed in the page's layout


def test_a_declared_action_becomes_the_pages_button_and_build_runs_the_steps_in_order(
        qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from PySide6.QtWidgets import QHBoxLayout, QLayout

    from desktop_cls.gui.pages.page import Page, PageAction
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    calls: list[str] = []

    class Demo(Page):
        def __init__(self) -> None:
            super().__init__(AppState(Settings()), None, "demo")
            self.build()

        def page_actions(self) -> list[PageAction]:
            return [PageAction("goAction", "&Go", lambda: calls.append("go"), "Ctrl+G", "Do it",
                               button="goButton", button_text="▶ &Go")]

        def build_controls(self) -> QLayout | None:
            calls.append("controls")
            row = QHBoxLayout()
            row.addWidget(self.buttons["goButton"])
            return row

        def build_body(self, top: QLayout | None) -> None:
            calls.append("body" if top is not None else "body without controls")
            self.set_body("nothing yet", QWidget(), QWidget(), top=top)

        def connect_state(self) -> None:
            calls.append("state")

    page = Demo()
    qtbot.addWidget(page)
    assert calls == ["controls", "body", "state"]
    go = child(page, QWidget, "goButton")
    assert go is page.buttons["goButton"] and go.text() == "▶ &Go"
    assert go.toolTip().startswith("Do it (") and "G" in go.toolTip()
    page.buttons["goButton"].click()
    assert calls[-1] == "go"


def test_a_burst_of_progress_redraws_the_status_line_once(qtbot: QtBot, page: Page) -> None:
    """The bar repaints itself on the spot for each new value (about 5 ms each on the Label page while it suggested
    labels): the first report shows at once, the latest one when PROGRESS_MS is over, none after the task ended."""
    line = page.status_line
    drawn: list[int] = []
    line.bar.valueChanged.connect(drawn.append)
    line.start("Suggesting…")
    for done in range(1, 51):
        line.progress(done, 100, f"suggested {done}")
    assert drawn == [1] and line.label.text() == "Suggested 1"
    qtbot.waitUntil(lambda: drawn == [1, 50])
    assert line.label.text() == "Suggested 50"
    line.progress(60, 100, "suggested 60")
    line.progress(70, 100, "suggested 70")
    line.setVisible(False)  # the task ended before the pause was over
    qtbot.waitUntil(lambda: not line._timer.isActive())  # its pause is over: the waiting report was dropped
    assert drawn == [1, 50, 60]


def test_escape_cancels_the_task_the_status_line_shows(qtbot: QtBot, page: Page) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    results: list[str] = []

    def waits(progress: Any, cancel: Any) -> str:
        while not cancel.is_set():
            threading.Event().wait(0.01)
        return "stopped"

    page.run_task("slow", waits, results.append, status="Working…", on_cancelled=lambda: results.append("cancelled"))
    qtbot.waitUntil(page.status_line.isVisible, timeout=10_000)
    cancel = page.status_line.cancel_button
    assert cancel.shortcut() == QKeySequence(Qt.Key.Key_Escape)
    page.window().activateWindow()
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: results == ["cancelled"], timeout=10_000)
