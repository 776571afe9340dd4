"""The one way the window runs work in the background; with work.lanes, the only code that creates threads.

`TaskRunner.start(name, fn, ...)` runs fn(progress=..., cancel=...) as one request on a lane and reports
through callbacks that run on the UI thread: progress (throttled), core events (stage / batch / epoch),
result, error, cancelled. Every request gets its own cancel token, so a Cancel pressed while it still
waits in its lane is never lost, and a newer request never inherits an older one's Cancel.

A lane is a set of long-lived threads fed by a queue (work.lanes; Orange's one-thread executor is a lane of one):
`TASKS` gives each request its own thread (scans, training, evaluation, exports); `CLASSIFIER` runs one
request at a time, in order, so the loaded model is never used by two at once; `IMAGES` decodes pictures
for thumbnails and the viewer (one request at a time while the background lane runs: `LaneGate`);
`BACKGROUND` runs what nobody waits for (a dataset's health check) at a lower CPU priority, so the window and
training keep the processor; `SETTINGS` writes the settings file, one write at a time; `LABELING` carries out the
Label page's key presses, in the order pressed. Only plain data crosses back, through queued signals.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken, PauseToken
from desktop_cls.core.storage import is_write_failure, write_problem
from desktop_cls.gui.work.lanes import LaneWorkers

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Lane(StrEnum):
    TASKS = "tasks"
    CLASSIFIER = "classifier"
    IMAGES = "images"
    BACKGROUND = "background"  # work nobody waits for (the health check): it gives way to the UI and training
    SETTINGS = "settings"  # the settings file's writes, one at a time and in order, never on the UI thread
    LABELING = "labeling"  # the Label page's queued steps (core.data.labeling_queue), one worker, in order


LANE_THREADS = {Lane.TASKS: 16, Lane.CLASSIFIER: 1, Lane.IMAGES: 2, Lane.BACKGROUND: 2, Lane.SETTINGS: 1,
                Lane.LABELING: 1}
REPORTED_LANES = (Lane.TASKS, Lane.BACKGROUND)  # the window's status bar shows these requests
BACKGROUND_NICE = 10  # a background request's thread, and the threads and processes it starts, run at this nice
# How long a worker may hold Python's interpreter lock before the UI thread gets it (Python's default: 5 ms).
# The UI thread takes the lock again after each call into Qt, hundreds of times a frame: with a health check's
# decoding threads running, 5 ms waits added up to stalls of 150+ ms while scrolling; 1 ms keeps frames smooth.
SWITCH_INTERVAL_S = 0.001


def give_way() -> None:
    """Lower this worker thread's CPU priority; the threads and processes it starts inherit it (Linux, where a
    thread has its own nice value; elsewhere nothing changes). On two cores a health check's decoders otherwise
    take the CPU from the UI thread: scrolling stalled 200 ms at a time."""
    if sys.platform.startswith("linux"):
        tid = threading.get_native_id()
        with contextlib.suppress(OSError):
            if os.getpriority(os.PRIO_PROCESS, tid) < BACKGROUND_NICE:
                os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICE)


def share_interpreter_with_ui() -> None:
    """Called before the first worker thread starts (see SWITCH_INTERVAL_S); never lengthens a shorter one."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)


class Reporter:
    """What a request reports through: call it as a core progress function (done, total, what); `event(e)`
    passes a core event (StageChanged, BatchEnd, EpochEnd, Notice) on to the UI thread unchanged."""

    def __init__(self, signals: _Signals, min_interval_s: float = 0.05) -> None:
        self._signals = signals
        self._last = 0.0
        self._interval = min_interval_s

    def __call__(self, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - self._last >= self._interval or done >= total:
            self._last = now
            self._signals.progressed.emit(done, total, what)

    def event(self, e: object) -> None:
        self._signals.reported.emit(e)


class TaskFn(Protocol[T_co]):
    """What a request runs on its thread: work(progress=..., cancel=...) returning plain data (it crosses
    back to the UI thread). Core functions take exactly these two, so most tasks are one-line wrappers."""

    def __call__(self, *, progress: Reporter, cancel: CancelToken) -> T_co: ...


class _Signals(QObject):
    """Lives on the UI thread; a worker emits these and the relay receives them queued."""

    progressed = Signal(int, int, str)
    reported = Signal(object)  # a core event
    succeeded = Signal(object)
    failed = Signal(str, str)  # message, details
    cancelled = Signal()
    ended = Signal()


def user_message(e: BaseException) -> str | None:
    """The one-line message for an error the user can act on (a UserError; a full, size-limited or
    read-only disk), or None for a bug."""
    if isinstance(e, UserError):
        return e.for_gui()
    if isinstance(e, OSError) and is_write_failure(e):
        return write_problem(e)
    return None


def bug_message(e: BaseException | None = None) -> str:
    """What an error box says for a bug: a sentence with the error's own first line (a CUDA "out of memory" helps the
    user), never its class name; that and the traceback go in the folded details."""
    first = str(e).strip().splitlines()[0] if e is not None and str(e).strip() else ""
    if first:
        return QCoreApplication.translate("Tasks", "Something went wrong inside desktop_cls: {0}. This is a bug, not a "
                                          "problem with your data, and what you made is kept; the details below say "
                                          "what happened (they are also in the log file).").format(first.rstrip("."))
    return QCoreApplication.translate("Tasks", "Something went wrong inside desktop_cls: a bug, not a problem with "
                                      "your data. What you made is kept; the details below say what happened "
                                      "(they are also in the log file).")


def describe_failure(e: BaseException, log: bool = True) -> tuple[str, str]:
    """(message, details) for the error dialog: a user error is its plain sentence alone; anything else is a bug,
    logged (unless log is False: the caller did) with its traceback, which the dialog folds away."""
    message = user_message(e)
    if message is not None:
        return message, ""
    if log:
        log_exception(e)
    return bug_message(e), "".join(traceback.format_exception(e))


def log_exception(e: BaseException) -> None:
    """Keep a record under the user log folder; never let logging itself raise."""
    try:
        import logging

        logging.getLogger("desktop_cls").error("worker failed", exc_info=e)
    except Exception:
        pass


class Task:
    """One request: cancel() asks it to stop (before it starts, it then never runs); wait() joins it."""

    def __init__(self, name: str, lane: Lane, pause: PauseToken | None = None) -> None:
        self.name = name
        self.lane = lane
        self.token = CancelToken()
        self.pause = pause
        self.let_go = False  # cancelled and no longer shown nor asked about (TaskRunner.let_go); it may still run
        self._ended = threading.Event()  # ended as the UI sees it: set before its `ended` signal is sent
        # the lane's thread is done with it, its last signal sent: what a closing window waits for (the window
        # going away between `_ended` and that signal left the thread emitting on a deleted object: a crash)
        self._released = threading.Event()

    def cancel(self, reason: str = "user") -> None:
        """reason: who stopped it ("user", or "quit" when the app closes), for the run's record."""
        self.token.set(reason)
        if self.pause is not None:
            self.pause.resume()  # a paused loop must wake up to see the Cancel

    def is_running(self) -> bool:
        """Queued or running: not ended yet."""
        return not self._ended.is_set()

    def wait(self, ms: int = 30_000) -> bool:
        return self._released.wait(ms / 1000)


class LaneGate:
    """While a request runs on the background lane (in any runner), the images lane runs one request at a time.

    The health check's thread stores what its worker processes read while they keep both cores busy; with
    the images lane's two threads storing thumbnails beside it, four threads took the interpreter lock in turns
    with the UI thread, and scrolling once waited 127 ms for it. One decoding thread then is fewer turns; alone,
    the lane decodes on both threads (a photo's pixels decode without the lock)."""

    def __init__(self) -> None:
        self.background = 0  # background requests running now
        self._count = threading.Lock()
        self._one_image = threading.Lock()

    def enter(self, lane: Lane) -> Callable[[], None]:
        """Called before a request of `lane` runs (it may wait here); returns what to call once it has run."""
        if lane == Lane.BACKGROUND:
            with self._count:
                self.background += 1
            return self._background_done
        if lane == Lane.IMAGES and self.background:
            self._one_image.acquire()
            return self._one_image.release
        return _nothing

    def _background_done(self) -> None:
        with self._count:
            self.background -= 1


def _nothing() -> None:
    pass


GATE = LaneGate()  # one for the process: the grids' runners are not the window's


class _Job:
    """One request as its lane runs it: a plain callable, so handing it to the lane is a queue put."""

    def __init__(self, fn: TaskFn[Any], task: Task, signals: _Signals, keep_result: bool) -> None:
        self.fn, self.task, self.signals, self.keep_result = fn, task, signals, keep_result

    def __call__(self) -> None:
        leave = GATE.enter(self.task.lane)
        try:
            self._run()
        except RuntimeError:  # the owner (a closed window) was deleted meanwhile: nobody is left to tell
            pass
        finally:
            leave()
            self.task._ended.set()
            self.task._released.set()

    def _run(self) -> None:
        s = self.signals
        try:
            if self.task.token.is_set():
                raise CancelledError()
            result = self.fn(progress=Reporter(s), cancel=self.task.token)
            if self.task.token.is_set() and not self.keep_result:
                s.cancelled.emit()
            else:
                s.succeeded.emit(result)
        except CancelledError:
            s.cancelled.emit()
        except Exception as e:
            s.failed.emit(*describe_failure(e))
        self.task._ended.set()
        s.ended.emit()


class _Relay(QObject):
    """Forwards one request's reports to its callbacks and its runner, on the UI thread. A child of the runner,
    so when the window (and the runner) is destroyed the connections go with it."""

    def __init__(self, runner: TaskRunner, task: Task, callbacks: dict[str, Callable[..., object] | None]) -> None:
        super().__init__(runner)
        self.runner, self.task, self.callbacks = runner, task, callbacks
        self.signals = _Signals(self)
        for name in ("progressed", "reported", "succeeded", "failed", "cancelled", "ended"):
            getattr(self.signals, name).connect(getattr(self, name))

    def _call(self, name: str, *args: object) -> None:
        fn = self.callbacks.get(name)
        if fn is not None:
            fn(*args)

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, what: str) -> None:
        if self.task.lane in REPORTED_LANES and not self.task.let_go:  # the status bar clears only what it was
            self.runner.task_progress.emit(self.task.name, done, total, what)  # told ended (task_finished)
        self._call("on_progress", done, total, what)

    @Slot(object)
    def reported(self, e: object) -> None:
        self._call("on_event", e)

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self._call("on_done", result)

    @Slot(str, str)
    def failed(self, message: str, details: str) -> None:
        self._call("on_error", message, details)

    @Slot()
    def cancelled(self) -> None:
        self._call("on_cancelled")

    @Slot()
    def ended(self) -> None:
        self._call("on_ended")
        self.runner._forget(self.task)
        self.deleteLater()


def _close_lanes(lanes: dict[Lane, LaneWorkers], *_: object) -> None:
    for workers in lanes.values():
        workers.close()


class TaskRunner(QObject):
    """Owns the lanes of a window (or of a widget that decodes images) so closing can stop and join them."""

    task_started = Signal(str)
    task_progress = Signal(str, int, int, str)
    task_finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks: list[Task] = []
        self._lanes: dict[Lane, LaneWorkers] = {}
        self._closed = False  # close() was called: new requests are dropped
        self.destroyed.connect(functools.partial(_close_lanes, self._lanes))  # their threads end with the runner

    def _lane(self, lane: Lane) -> LaneWorkers:
        if lane not in self._lanes:
            share_interpreter_with_ui()
            # the background lane's threads do nothing else, so their lower priority is never given back
            self._lanes[lane] = LaneWorkers(lane.value, LANE_THREADS[lane],
                                            give_way if lane == Lane.BACKGROUND else None)
        return self._lanes[lane]

    def lane_threads(self, lane: Lane) -> int:
        """How many threads the lane has now (it grows up to LANE_THREADS as requests overlap)."""
        return self._lanes[lane].threads() if lane in self._lanes else 0

    def start(self, name: str, fn: TaskFn[T], on_done: Callable[[T], object] | None = None,
              on_error: Callable[[str, str], object] | None = None,
              on_progress: Callable[[int, int, str], object] | None = None,
              on_cancelled: Callable[[], object] | None = None, *,
              on_event: Callable[[Any], object] | None = None, on_ended: Callable[[], object] | None = None,
              lane: Lane = Lane.TASKS, pause: PauseToken | None = None, keep_result: bool = False) -> Task:
        """Queue one request on its lane; on_ended follows whichever of done / error / cancelled came.
        With keep_result, what fn returns after a Cancel still goes to on_done (training returns how far it got).
        Once the runner is closed, the request is dropped: it comes back cancelled and ended, and nothing is called."""
        task = Task(name, lane, pause)
        if self._closed:  # dropped as cancelled: no thread, no callback (one could start the next request)
            task.cancel("quit")
            task._ended.set()
            task._released.set()
            return task
        relay = _Relay(self, task, {"on_done": on_done, "on_error": on_error, "on_progress": on_progress,
                                    "on_cancelled": on_cancelled, "on_event": on_event, "on_ended": on_ended})
        self.tasks.append(task)
        if lane in REPORTED_LANES:
            self.task_started.emit(name)
        self._lane(lane).submit(_Job(fn, task, relay.signals, keep_result))
        return task

    def _forget(self, task: Task) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
            if task.lane in REPORTED_LANES and not task.let_go:
                self.task_finished.emit(task.name)

    def let_go(self, task: Task) -> None:
        """Cancel a request the user gave up, and count it as ended at once although its thread may go on a while
        (opening a model cannot stop midway): the status bar clears, and quitting does not ask about it."""
        task.cancel()
        if task.let_go or not task.is_running():
            return
        task.let_go = True
        if task.lane in REPORTED_LANES:
            self.task_finished.emit(task.name)

    def running(self, lane: Lane = Lane.TASKS) -> list[Task]:
        """The requests queued or running on `lane`, but those let go."""
        return [t for t in self.tasks if t.lane == lane and t.is_running() and not t.let_go]

    def cancel_lane(self, lane: Lane) -> None:
        for t in list(self.tasks):
            if t.lane == lane:
                t.cancel()

    def stop_all(self, timeout_ms: int = 60_000, unwaited: frozenset[str] = frozenset()) -> bool:
        """Cancel every request and wait for them all to end (queued ones end at once, as cancelled). Requests
        named in `unwaited` are cancelled and not waited for: work that cannot stop midway and writes nothing."""
        tasks = list(self.tasks)
        for t in tasks:
            t.cancel()
        deadline = time.monotonic() + timeout_ms / 1000
        return all(t._released.wait(max(0.0, deadline - time.monotonic())) for t in tasks if t.name not in unwaited)

    def close(self, timeout_ms: int = 60_000, unwaited: frozenset[str] = frozenset()) -> bool:
        """stop_all, and from now on drop every new request (the window is closing). A queued signal or a timer
        that comes after it (a cancelled scan's on_cancelled showing the open folder again, which starts its
        health check) would otherwise start work that nobody joins, cut off when the process ends."""
        self._closed = True
        return self.stop_all(timeout_ms, unwaited)
