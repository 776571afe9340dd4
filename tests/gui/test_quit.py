"""Quitting: the process ends once what the user made is written, without waiting for work that writes nothing."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell import app
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.work.tasks import TaskRunner
from tests.gui.conftest import open_and_wait


class _NeverWaited:
    """A task's end that must not be waited for: the test fails where someone waits for it."""

    def __init__(self, ended: threading.Event) -> None:
        self._ended = ended

    def set(self) -> None:
        self._ended.set()

    def is_set(self) -> bool:
        return self._ended.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        raise AssertionError("quitting waited for the import of torch")


def test_quitting_does_not_wait_for_torch_to_finish_loading(qtbot: QtBot, window: MainWindow) -> None:
    """Importing torch cannot stop midway (seconds on a busy machine) and writes nothing: quitting left the window
    waiting for it."""
    release = threading.Event()
    task = window.tasks.start("engine", lambda progress, cancel: release.wait())
    task._released = _NeverWaited(task._released)  # type: ignore[assignment]
    try:
        window.shutdown()
        assert task.token.is_set()  # asked to stop all the same
        assert window.state.settings is not None and not window.autosave.pending()
    finally:
        release.set()
    qtbot.waitUntil(task._released.is_set)  # the lane's thread is done with it before the window goes


def test_a_runner_still_waits_for_the_requests_it_is_not_told_to_leave(qtbot: QtBot) -> None:
    owner = QWidget()  # the runner lives as long as its window, as in the app
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    release = threading.Event()
    loading = runner.start("engine", lambda progress, cancel: release.wait())
    written: list[str] = []
    writing = runner.start("export", lambda progress, cancel: written.append("done"))
    loading._released = _NeverWaited(loading._released)  # type: ignore[assignment]
    try:
        assert runner.stop_all(unwaited=frozenset({"engine"}))
        assert not writing.is_running()
    finally:
        release.set()
    qtbot.waitUntil(loading._released.is_set)  # the lane's thread is done with it before the owner goes


class _Flushes(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def emit(self, record: logging.LogRecord) -> None:
        pass

    def close(self) -> None:
        self.closed = True
        super().close()


def test_the_process_ends_with_the_log_closed_and_no_worker_process_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaving skips the interpreter's teardown (seconds with torch loaded); the log is closed first and worker
    processes (a health check's decoders) are ended, as they would outlive the app."""
    handler = _Flushes()
    logging.getLogger("desktop_cls").addHandler(handler)
    worker = multiprocessing.get_context("spawn").Process(target=signal.pause, daemon=True)
    worker.start()
    codes: list[int] = []
    try:
        with pytest.raises(SystemExit):
            app.end_process(3, codes.append)
        worker.join(60)
        assert codes == [3]
        assert handler.closed
        assert worker.exitcode == -signal.SIGTERM
    finally:
        logging.getLogger("desktop_cls").removeHandler(handler)
        if worker.is_alive():
            worker.kill()


def test_quitting_while_a_folder_is_read_starts_no_work_after_it(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder's re-read, cancelled by quitting, tells the window it was cancelled once the window has closed: it
    showed the open folder again, which started its health check and the Label page's listing, on threads nobody
    joined any more (at exit they printed "worker failed ... cannot schedule new futures after shutdown")."""
    from desktop_cls.gui.pages.data import dataset_page

    open_and_wait(qtbot, window, tiny_folder)
    reading = threading.Event()

    def held_read(path: str, open_root: Any, split: Any, progress: Any, cancel: Any, engine: Any = None) -> Any:
        reading.set()
        while not cancel.is_set():  # a folder read stops only at its next Cancel check
            reading.wait(0.01)
        cancel.raise_if_set()

    monkeypatch.setattr(dataset_page, "read_folder", held_read)
    window.state.files_changed.emit(str(tiny_folder))  # the Label page moved files: read the folder again
    assert reading.wait(30)
    started: list[str] = []
    window.tasks.task_started.connect(started.append)
    window.shutdown()
    QCoreApplication.processEvents()  # the re-read's "cancelled", queued while the window closed
    assert started == []
    assert window.tasks.tasks == []
