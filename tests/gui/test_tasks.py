"""TaskRunner hands results back on the UI thread, whatever kind of callable the caller passes."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot


def test_closures_and_lambdas_are_called_on_the_ui_thread(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work.tasks import TaskRunner

    owner = QWidget()  # the runner lives as long as its window, as in the app
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    calls: list[tuple[str, bool]] = []

    def on_main(what: str) -> None:
        calls.append((what, threading.current_thread() is threading.main_thread()))

    def work(progress: Any, cancel: Any) -> int:
        progress(1, 1, "working")
        return 5

    def failing(progress: Any, cancel: Any) -> int:
        raise ValueError("no")

    runner.start("ok", work, on_done=lambda result: on_main(f"done {result}"),
                 on_progress=lambda d, t, w: on_main("progress"))
    runner.start("bad", failing, on_error=lambda message, details: on_main("failed"))
    qtbot.waitUntil(lambda: {"done 5", "failed"} <= {c for c, _ in calls}, timeout=10_000)
    assert runner.stop_all()
    qtbot.waitUntil(lambda: not runner.tasks, timeout=10_000)  # the threads' last signals are delivered
    assert ("progress", True) in calls and all(main for _, main in calls), calls
