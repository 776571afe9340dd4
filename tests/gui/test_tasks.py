"""TaskRunner hands results back on the UI thread, whatever kind of callable the caller passes."""

from __future__ import annotations

import functools
import os
import sys
import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot


def held(name: str, running: list[str], release: threading.Event) -> Any:
    """A request's work that says it runs (appends name to running), then waits for release."""

    def work(progress: Any, cancel: Any) -> str:
        running.append(name)
        release.wait(10)
        return name

    return work


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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread has its own nice value on Linux")
def test_background_work_and_the_threads_it_starts_give_way_to_the_ui(qtbot: QtBot) -> None:
    """A health check on the background lane runs at a lower CPU priority, and so do the decoding threads it
    starts; the UI thread keeps its own, and the window's interpreter switches threads every millisecond."""
    from concurrent.futures import ThreadPoolExecutor

    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work.tasks import BACKGROUND_NICE, SWITCH_INTERVAL_S, Lane, TaskRunner

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    ui = nice()
    seen: list[tuple[int, int]] = []

    def work(progress: Any, cancel: Any) -> tuple[int, int]:
        with ThreadPoolExecutor(1) as pool:
            return nice(), pool.submit(nice).result()

    runner.start("check", work, on_done=seen.append, lane=Lane.BACKGROUND)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [(max(ui, BACKGROUND_NICE), max(ui, BACKGROUND_NICE))] and nice() == ui
    assert sys.getswitchinterval() <= SWITCH_INTERVAL_S
    assert runner.stop_all()


def test_a_request_is_handed_to_a_waiting_thread_not_a_new_one(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting a request is a queue put on the UI thread: the lane's threads are started by its workers (a
    spare kept waiting), so overlapping requests still run side by side, up to the lane's size, and the UI
    thread never waits for a thread to start or for a pool's lock (a page switch once waited 1.7 s there)."""
    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work.tasks import LANE_THREADS, Lane, TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    first: list[int] = []
    runner.start("first", lambda progress, cancel: 1, on_done=first.append)  # the lane's first thread
    qtbot.waitUntil(lambda: first == [1], timeout=10_000)

    starters: list[bool] = []
    real_start = threading.Thread.start

    def recording_start(thread: threading.Thread) -> None:
        starters.append(threading.current_thread() is threading.main_thread())
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", recording_start)
    release = threading.Event()
    running: list[str] = []

    done: list[str] = []
    for name in ("a", "b", "c"):
        runner.start(name, held(name, running, release), on_done=done.append)
    qtbot.waitUntil(lambda: len(running) == 3, timeout=10_000)  # all three at once: none waits behind another
    release.set()
    qtbot.waitUntil(lambda: sorted(done) == ["a", "b", "c"], timeout=10_000)
    assert starters and not any(starters), "the UI thread started a thread for a request"
    assert runner.lane_threads(Lane.TASKS) <= LANE_THREADS[Lane.TASKS]
    assert runner.stop_all()


def test_image_requests_run_one_at_a_time_while_background_work_runs(qtbot: QtBot) -> None:
    """While the health check runs (background lane), its thread and its worker processes already compete with the
    UI thread: the images lane then decodes on one thread, one fewer to take the interpreter lock in turns with
    the UI thread. Without background work its requests run side by side again."""
    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work.tasks import GATE, Lane, TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    window, grid = TaskRunner(owner), TaskRunner(owner)  # the grid has its own runner, as in the app
    check_done, release = threading.Event(), threading.Event()
    running: list[str] = []
    done: list[str] = []

    window.start("check", lambda progress, cancel: check_done.wait(10), lane=Lane.BACKGROUND)
    qtbot.waitUntil(lambda: GATE.background == 1, timeout=10_000)
    for name in ("a", "b"):
        grid.start(name, held(name, running, release), on_done=done.append, lane=Lane.IMAGES)
    qtbot.waitUntil(lambda: len(running) == 1, timeout=10_000)
    qtbot.wait(300)
    assert len(running) == 1  # the second waits for the first
    release.set()
    qtbot.waitUntil(lambda: sorted(done) == ["a", "b"], timeout=10_000)
    check_done.set()
    qtbot.waitUntil(lambda: GATE.background == 0, timeout=10_000)
    release.clear()
    running.clear()
    for name in ("c", "d"):
        grid.start(name, held(name, running, release), on_done=done.append, lane=Lane.IMAGES)
    qtbot.waitUntil(lambda: len(running) == 2, timeout=10_000)  # side by side again
    release.set()
    qtbot.waitUntil(lambda: len(done) == 4, timeout=10_000)
    assert window.stop_all() and grid.stop_all()


def test_a_lane_never_grows_past_its_size_and_runs_its_jobs_in_order() -> None:
    """The classifier's lane of one runs requests one at a time, in the order they came."""
    from desktop_cls.gui.work.lanes import LaneWorkers

    lane = LaneWorkers("one", 1)
    order: list[int] = []
    finished = threading.Event()
    for i in range(20):
        lane.submit(functools.partial(order.append, i))
    lane.submit(finished.set)
    assert finished.wait(10)
    assert order == list(range(20)) and lane.threads() == 1
    lane.close()


def test_the_status_bar_hears_of_progress_only_from_requests_whose_end_it_hears_of(qtbot: QtBot) -> None:
    """Classifying a folder runs on the classifier lane, which never says task_finished: its progress reached
    the status bar and stayed there ("classifying 100%") on every page long after the run had ended."""
    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work.tasks import Lane, TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    reported: list[str] = []
    ended: list[str] = []
    runner.task_progress.connect(lambda name, *_: reported.append(name))
    runner.task_finished.connect(ended.append)
    done: list[str] = []

    def work(progress: Any, cancel: Any) -> str:
        progress(1, 1, "working")
        return "ok"

    for lane in Lane:
        runner.start(lane.value, work, on_done=done.append, on_progress=lambda *_: None, lane=lane)
    qtbot.waitUntil(lambda: len(done) == len(Lane) and not runner.tasks, timeout=10_000)
    assert reported and set(reported) <= set(ended)  # what was shown was taken down again
    assert runner.stop_all()


def test_a_closed_runner_drops_new_requests_as_cancelled_without_a_thread(qtbot: QtBot) -> None:
    """The window's runner is closed when it quits; a timer or queued signal that comes later must not start
    work that nobody joins any more (it ran on into the interpreter's exit and failed there)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work.tasks import Lane, TaskRunner

    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner)
    assert runner.close()
    ran: list[str] = []
    called: list[str] = []

    def work(progress: Any, cancel: Any) -> None:
        ran.append("ran")

    task = runner.start("late", work, on_done=lambda r: called.append("done"),
                        on_cancelled=lambda: called.append("cancelled"), on_ended=lambda: called.append("ended"),
                        lane=Lane.BACKGROUND)
    assert not task.is_running() and task.token.is_set() and task.token.reason == "quit"
    assert runner.lane_threads(Lane.BACKGROUND) == 0 and runner.tasks == [] and runner.running(Lane.BACKGROUND) == []
    QCoreApplication.processEvents()
    assert ran == [] and called == []


def test_waiting_for_a_request_waits_until_its_thread_has_sent_its_last_signal(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request counts as ended for the UI before its `ended` signal is sent; a closing window that waited only
    for that was destroyed while the lane's thread still emitted on it (a segmentation fault in CI)."""
    from PySide6.QtWidgets import QWidget

    from desktop_cls.gui.work import tasks

    gate = threading.Event()
    run = tasks._Job._run

    def run_then_hold(self: Any) -> None:  # the lane's thread, after the request ended, before it lets go
        run(self)
        gate.wait(30)

    monkeypatch.setattr(tasks._Job, "_run", run_then_hold)
    owner = QWidget()
    qtbot.addWidget(owner)
    runner = tasks.TaskRunner(owner)
    task = runner.start("short", lambda progress, cancel: None, lane=tasks.Lane.BACKGROUND)
    qtbot.waitUntil(lambda: not task.is_running())
    try:
        assert not task.wait(ms=50)  # the thread is still on it: a window must not go yet
    finally:
        gate.set()
    assert task.wait()
