"""The quit question names the work it would stop in the user's words (never the code's name for a task), and is
not asked for a reading the app redoes by itself (a kept evaluation or exports read back)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.shell.quitting import quit_question
from desktop_cls.gui.widgets import dialogs


def _asked(*names: str) -> str | None:
    tasks = SimpleNamespace(running=lambda: [SimpleNamespace(name=n) for n in names])
    serve = SimpleNamespace(quit_question=lambda: "", starting=lambda: None)
    return quit_question(cast(Any, SimpleNamespace(training=False)), cast(Any, tasks), cast(Any, serve),
                         cast(Any, None))


def test_the_quit_question_says_what_the_task_does(qapp: Any) -> None:
    assert _asked("export") == "Still running: exporting the model. Quit anyway? It is cancelled unfinished."
    asked = _asked("emptyTrash") or ""
    assert "emptying the trash" in asked and "emptyTrash" not in asked
    assert "labelSteps" not in (_asked("labelSteps") or "labelSteps")


def test_reading_kept_results_back_is_not_work_quitting_would_lose(qapp: Any) -> None:
    assert _asked("kept evaluation") is None and _asked("kept exports") is None


def _answered_after(monkeypatch: Any, qtbot: QtBot, work: Callable[[], None], ended: Callable[[], bool]) -> list[str]:
    """Answer the next question box by doing `work` while it is open and waiting (events, no clock) for `ended`;
    the answer is whatever the box was closed with meanwhile (none: No). Returns the texts it showed."""
    shown: list[str] = []

    def answer(box: QMessageBox, kind: str) -> QMessageBox.StandardButton:
        shown.append(box.text())
        work()
        qtbot.waitUntil(ended)
        # the box follows the task's end signal, which comes after the task stops counting as running
        qtbot.waitUntil(lambda: bool(box.result()) or box.text() != shown[0])
        shown.append(box.text())
        return QMessageBox.StandardButton(box.result()) if box.result() else QMessageBox.StandardButton.No

    monkeypatch.setattr(dialogs, "answer", answer)
    return shown


def test_quit_goes_ahead_when_the_work_it_asked_about_ends_while_asking(
        monkeypatch: Any, qtbot: QtBot, window: MainWindow) -> None:
    """The box said "exporting the model" after the export had finished: once nothing would be stopped, the
    user's Quit goes ahead (there is nothing left to ask about)."""
    release = threading.Event()
    window.tasks.start("export", lambda progress, cancel: release.wait())
    shown = _answered_after(monkeypatch, qtbot, release.set, lambda: not window.tasks.running())
    event = QCloseEvent()
    window.closeEvent(event)
    assert "exporting the model" in shown[0]
    assert event.isAccepted()


def test_the_question_names_what_is_still_running_once_one_task_ends(
        monkeypatch: Any, qtbot: QtBot, window: MainWindow) -> None:
    export, trash = threading.Event(), threading.Event()
    window.tasks.start("export", lambda progress, cancel: export.wait())
    window.tasks.start("emptyTrash", lambda progress, cancel: trash.wait())
    try:
        shown = _answered_after(monkeypatch, qtbot, export.set,
                                lambda: [t.name for t in window.tasks.running()] == ["emptyTrash"])
        event = QCloseEvent()
        window.closeEvent(event)
        assert "exporting the model" in shown[0]
        assert "emptying the trash" in shown[1] and "exporting the model" not in shown[1]
        assert not event.isAccepted()  # the user was asked, and answered No
    finally:
        trash.set()
