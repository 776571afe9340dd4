"""The Train page's bar is the run's progress: a second run starts near 0, never at what a preparation stage or the
run before left (a second run of a tiny dataset once showed 99 % as it started)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import choose_method, open_and_wait, set_fast_training


def _run(qtbot: QtBot, w: MainWindow) -> list[int]:
    """Start a run and wait for its end; the bar's values from the start to the run's first batch."""
    tp = w.train_page
    seen: list[int] = []

    def value(v: int) -> None:
        if tp.monitor._stage_moves_bar:  # (set off by the first batch, before it moves the bar)
            seen.append(v)

    tp.monitor.progress.valueChanged.connect(value)
    try:
        tp.start()
        qtbot.waitUntil(lambda: tp.training.task is None, timeout=120_000)
    finally:
        tp.monitor.progress.valueChanged.disconnect(value)
    return seen


def test_a_second_run_starts_its_bar_at_the_start(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    w = window
    open_and_wait(qtbot, w, tiny_folder)
    choose_method(w.train_page.form, "scratch")
    set_fast_training(w, epochs=3)
    bar = w.train_page.monitor.progress
    first = _run(qtbot, w)
    assert bar.value() == bar.maximum()  # the first run finished
    second = _run(qtbot, w)  # the images are cached now: loading them is over in one report
    for seen in (first, second):  # loading the images runs the bar busy (0 of 0), never near full
        assert all(v < bar.maximum() // 10 for v in seen), seen
    assert bar.maximum() > 0 and bar.value() == bar.maximum()  # counting again, and full at the end


def test_a_run_that_fails_while_loading_leaves_no_busy_bar(qtbot: QtBot) -> None:
    from desktop_cls.core.events import StageChanged
    from desktop_cls.gui.pages.train.run_monitor import STEPS, RunMonitor

    m = RunMonitor()
    m.begin(4, None, quick=False)
    m.event(StageChanged("loading images", 3, 10))
    assert m.progress.maximum() == 0
    m.failed("disk gone")
    assert m.progress.maximum() == STEPS
