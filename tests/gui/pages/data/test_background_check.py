"""Opening a folder in the window: training waits only for the folder walk; the health check runs after it in
the background, shows its progress on the Problems tab, stops when another folder is opened, and its late result
for a folder opened before is never shown. The check is held on an event the test releases, not on time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.data import health
from desktop_cls.core.data.dataset import DatasetIndex, Problem
from desktop_cls.core.events import CancelToken, ProgressFn
from desktop_cls.gui.pages.data.data_model import CheckStatus
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait


class HeldCheck:
    """Stands in for core's health check: reports 43 %, then waits for `release` (or a Cancel); its result
    adds one finding named after the folder, so a test can tell whose result is shown."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.waiting = threading.Event()
        self.tokens: list[CancelToken] = []

    def __call__(self, index: DatasetIndex, progress: ProgressFn, cancel: CancelToken) -> DatasetIndex:
        self.tokens.append(cancel)
        progress(43, 100, "comparing images")
        self.waiting.set()
        while not self.release.wait(0.01):
            cancel.raise_if_set()
        return index.without([], [Problem(index.samples[0].path, "duplicate", f"finding of {index.root}")])


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldCheck]:
    check = HeldCheck()
    monkeypatch.setattr(health, "with_health", check)
    yield check
    check.release.set()  # never leave a worker waiting


def test_train_is_enabled_while_the_check_runs_and_the_problems_tab_says_how_far(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, held: HeldCheck) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    assert held.waiting.wait(10)
    page = window.dataset_page
    qtbot.waitUntil(lambda: page.model.percent == 43)
    assert page.model.checking  # the check is still held: nothing of its result is known yet
    assert window.train_page.buttons["trainButton"].isEnabled()
    assert page.class_table.rowCount() == 3 and page.thumb_model.rowCount() == 24
    line = page.problems.check
    assert line.isVisibleTo(page.problems) and "Still checking: 43 %" in line.label.text()
    assert line.bar.value() == 43 and line.stop_button.isVisibleTo(page.problems)
    assert not page.problems.none_found.isVisibleTo(page.problems)  # "no problems" is not claimed yet
    held.release.set()
    qtbot.waitUntil(lambda: page.model.status is CheckStatus.DONE)
    assert not line.isVisibleTo(page.problems)
    assert page.problems.table.rowCount() == 1 and page.tabs.tabText(1) == "Problems (1)"


def test_stop_checking_keeps_the_dataset_and_says_the_check_was_stopped(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, held: HeldCheck) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    assert held.waiting.wait(10)
    page = window.dataset_page
    page.problems.check.stop_button.click()
    qtbot.waitUntil(lambda: page.model.status is CheckStatus.STOPPED)
    assert held.tokens[0].is_set() and window.state.dataset is page.model.index
    assert "stopped" in page.problems.check.label.text() and window.train_page.buttons["trainButton"].isEnabled()


def test_opening_another_folder_stops_its_check(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                held: HeldCheck) -> None:
    open_and_wait(qtbot, window, make_tiny_folder(tmp_path / "first"))
    assert held.waiting.wait(10)
    window.dataset_page.open_folder(str(make_tiny_folder(tmp_path / "second", classes=("x", "y"))))
    assert held.tokens[0].is_set()
    qtbot.waitUntil(lambda: len(held.tokens) == 2)  # the second folder's check started
    assert not held.tokens[1].is_set()


def test_a_late_result_for_the_folder_opened_before_is_never_shown(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, held: HeldCheck, monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_tiny_folder(tmp_path / "first")
    second = make_tiny_folder(tmp_path / "second", classes=("x", "y"))
    page = window.dataset_page
    filled: list[str] = []
    fill = page.problems.fill

    def recording_fill(index: DatasetIndex, final: bool = True) -> None:
        filled.append(index.root)
        fill(index, final)

    monkeypatch.setattr(page.problems, "fill", recording_fill)
    open_and_wait(qtbot, window, first)
    assert held.waiting.wait(10)
    checking_first = page.check.task
    assert checking_first is not None
    held.release.set()
    assert checking_first.wait()  # its result now waits in the queue of the UI thread
    filled.clear()
    page.open_folder(str(second))  # before that late result is delivered
    qtbot.waitUntil(lambda: page.model.status is CheckStatus.DONE and page.model.index is window.state.dataset)
    assert window.state.dataset is not None and Path(window.state.dataset.root).name == "second"
    assert filled and all(Path(root).name == "second" for root in filled)
    messages = [p.message for p in page.model.problems]
    assert messages == [f"finding of {window.state.dataset.root}"]
