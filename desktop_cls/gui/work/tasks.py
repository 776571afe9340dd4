"""Run core functions on worker QThreads. Only plain data crosses back, through queued signals.

`TaskRunner.start(fn, ...)` calls fn(progress=..., cancel=...) on a new QThread and reports
through callbacks that run on the UI thread. Progress is throttled so a fast loop cannot flood
the event queue.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken, ProgressFn
from desktop_cls.core.storage import is_write_failure, write_problem

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class TaskFn(Protocol[T_co]):
    """What a task runs on its thread: work(progress=..., cancel=...) returning plain data (it crosses
    back to the UI thread). Core functions take exactly these two, so most tasks are one-line wrappers."""

    def __call__(self, *, progress: ProgressFn, cancel: CancelToken) -> T_co: ...


class FunctionWorker(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str, str)  # message, details
    cancelled = Signal()
    done = Signal()

    def __init__(self, fn: TaskFn[Any], cancel: CancelToken, min_interval_s: float = 0.05) -> None:
        super().__init__()
        self.fn = fn
        self.cancel = cancel
        self._last = 0.0
        self._interval = min_interval_s

    def _progress(self, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - self._last >= self._interval or done >= total:
            self._last = now
            self.progressed.emit(done, total, what)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(progress=self._progress, cancel=self.cancel)
            if self.cancel.is_set():
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        except CancelledError:
            self.cancelled.emit()
        except Exception as e:
            self.failed.emit(*describe_failure(e))
        finally:
            self.done.emit()


def user_message(e: BaseException) -> str | None:
    """The one-line message for an error the user can act on (a UserError; a full, size-limited or
    read-only disk), or None for a bug."""
    if isinstance(e, UserError):
        return e.for_gui()
    if isinstance(e, OSError) and is_write_failure(e):
        return write_problem(e)
    return None


def describe_failure(e: Exception) -> tuple[str, str]:
    """(message, details) for the error dialog: a user error is one line; anything else is logged with
    its traceback, which the dialog folds away."""
    message = user_message(e)
    if message is not None:
        return message, ""
    log_exception(e)
    return f"{type(e).__name__}: {e}", traceback.format_exc()


def log_exception(e: BaseException) -> None:
    """Keep a record under the user log folder; never let logging itself raise."""
    try:
        import logging

        logging.getLogger("desktop_cls").error("worker failed", exc_info=e)
    except Exception:
        pass


class Task:
    """A running job: cancel() asks it to stop; wait() joins its thread."""

    def __init__(self, thread: QThread, worker: QObject, cancel: CancelToken, name: str) -> None:
        self.thread = thread
        self.worker = worker
        self.token = cancel
        self.name = name

    def cancel(self) -> None:
        self.token.set()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def wait(self, ms: int = 30_000) -> bool:
        return self.thread.wait(ms)


class _Relay(QObject):
    """Forwards one task's results, progress and end to its callbacks and its runner, on the UI thread: it lives
    there, so the worker's signals reach it queued, whatever the callbacks are (a lambda or a closure connected
    straight to the worker would run on the worker's thread). A child of the runner, so when the window (and
    the runner) is destroyed the connections go with it, even if the thread's last signals are still queued."""

    def __init__(self, runner: TaskRunner, task: Task, on_done: Callable[[Any], object] | None = None,
                 on_error: Callable[[str, str], object] | None = None,
                 on_progress: Callable[[int, int, str], object] | None = None,
                 on_cancelled: Callable[[], object] | None = None) -> None:
        super().__init__(runner)
        self.runner = runner
        self.task = task
        self.on_done, self.on_error, self.on_progress, self.on_cancelled = on_done, on_error, on_progress, on_cancelled

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, what: str) -> None:
        self.runner.task_progress.emit(self.task.name, done, total, what)
        if self.on_progress is not None:
            self.on_progress(done, total, what)

    @Slot(object)
    def succeeded(self, result: object) -> None:
        if self.on_done is not None:
            self.on_done(result)

    @Slot(str, str)
    def failed(self, message: str, details: str) -> None:
        if self.on_error is not None:
            self.on_error(message, details)

    @Slot()
    def cancelled(self) -> None:
        if self.on_cancelled is not None:
            self.on_cancelled()

    @Slot()
    def finished(self) -> None:
        self.runner._forget(self.task)
        self.deleteLater()


class TaskRunner(QObject):
    """Owns every worker thread of the app so closing the window can stop and join them all."""

    task_started = Signal(str)
    task_progress = Signal(str, int, int, str)
    task_finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks: list[Task] = []

    def start(self, name: str, fn: TaskFn[T], on_done: Callable[[T], object] | None = None,
              on_error: Callable[[str, str], object] | None = None,
              on_progress: Callable[[int, int, str], object] | None = None,
              on_cancelled: Callable[[], object] | None = None) -> Task:
        cancel = CancelToken()
        thread = QThread()
        thread.setObjectName(f"task:{name}")
        worker = FunctionWorker(fn, cancel)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # quit even while the UI thread waits
        task = Task(thread, worker, cancel, name)
        relay = _Relay(self, task, on_done, on_error, on_progress, on_cancelled)
        worker.progressed.connect(relay.progressed)
        worker.succeeded.connect(relay.succeeded)
        worker.failed.connect(relay.failed)
        worker.cancelled.connect(relay.cancelled)
        thread.finished.connect(relay.finished)
        self.tasks.append(task)
        self.task_started.emit(name)
        thread.start()
        return task

    def adopt(self, task: Task) -> None:
        """Track a task whose worker was built elsewhere (training)."""
        self.tasks.append(task)
        task.thread.finished.connect(_Relay(self, task).finished)
        self.task_started.emit(task.name)

    def _forget(self, task: Task) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
            self.task_finished.emit(task.name)

    def running(self) -> list[Task]:
        return [t for t in self.tasks if t.is_running()]

    def stop_all(self, timeout_ms: int = 60_000) -> bool:
        for t in list(self.tasks):
            t.cancel()
        ok = True
        for t in list(self.tasks):
            ok = t.wait(timeout_ms) and ok
        return ok
