"""The status bar's progress is redrawn at most every PROGRESS_MS, so reports from busy tasks do not keep the
UI thread painting."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def test_bursts_of_task_progress_redraw_the_status_bar_once(qtbot: QtBot, window: MainWindow) -> None:
    """A progress bar repaints itself on the spot for each new value; three tasks reporting 20 times a second
    each kept the UI thread busy. The first report shows at once, the latest one when the pause is over."""
    drawn: list[int] = []
    window.task_progress.valueChanged.connect(drawn.append)
    for done in range(1, 51):
        window.tasks.task_progress.emit("scan", done, 100, f"reading {done}")
    assert drawn == [1] and window.task_status.text() == "reading 1"
    qtbot.waitUntil(lambda: drawn == [1, 50])
    assert window.task_status.text() == "reading 50"
