"""A move of many images on the Data page (thumbnails dropped on a class row, the Problems tab's Undo) runs on a
worker thread as the Label page's does: the UI thread returns at once, the step is one journaled, undoable step
with progress and Cancel on the page's status line, a second step meanwhile is refused with the reason, and the
folder is read again once it is over. The threshold is lowered so a tiny dataset shows it; work is counted (on
which thread each move ran), never timed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from desktop_cls.core.data import labeling
from desktop_cls.gui.pages import labeling_step
from tests.gui.conftest import open_and_wait, opened, opened_workspace
from tests.gui.pages.data.test_class_drop import boxes, drop_on_row

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow


class Gate:
    """Wraps a function: records whether each call ran on the UI thread, and holds it until opened."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.on_ui: list[bool] = []

    def wrap(self, fn: Callable[..., Any], wait: bool = True) -> Callable[..., Any]:
        def gated(*args: Any, **kwargs: Any) -> Any:
            self.on_ui.append(threading.current_thread() is threading.main_thread())
            if wait:
                assert self.open.wait(30)
            return fn(*args, **kwargs)
        return gated


def held_drop(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
              monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Gate, list[Path]]:
    """The cat images (8: more than the threshold) dropped on the fish row, their step held at a gate on its
    worker thread: (the workspace, the gate, the images)."""
    open_and_wait(qtbot, window, tiny_folder)
    ws = opened_workspace(window)
    step = Gate()
    monkeypatch.setattr(ws, "assign", step.wrap(ws.assign))
    cats = sorted((tiny_folder / "cat").glob("*.png"))
    assert drop_on_row(window, "fish", cats)
    qtbot.waitUntil(lambda: step.on_ui == [False])
    return ws, step, cats


@pytest.fixture
def moves(monkeypatch: pytest.MonkeyPatch) -> Gate:
    """Every file move of the labeling engine, counted by thread."""
    gate = Gate()
    monkeypatch.setattr(labeling, "apply_moves", gate.wrap(labeling.apply_moves, wait=False))
    monkeypatch.setattr(labeling_step, "LARGE_STEP", 5)  # a step of more than 5 files goes to the background
    return gate


def test_a_large_drop_moves_on_a_worker_thread_as_one_undoable_step(qtbot: QtBot, window: MainWindow,
                                                                    tiny_folder: Path, moves: Gate,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.dataset_page
    ws, step, cats = held_drop(qtbot, window, tiny_folder, monkeypatch)  # the step runs on a worker thread...
    assert all(p.is_file() for p in cats) and window.state.moving_files  # ...while the UI thread went on
    assert page.status_line.isVisible() and page.status_line.cancel_button.isEnabled()
    before = opened(window)
    page.open_folder(str(tiny_folder))  # a reading asked for meanwhile waits (it would cancel the step)
    assert opened(window) is before and page.busy()
    assert drop_on_row(window, "dog", [tiny_folder / "fish" / "fish_00.png"])  # a second step is refused...
    assert any("still running" in b.text() for b in boxes())  # ...with the reason
    assert (tiny_folder / "fish" / "fish_00.png").is_file()
    step.open.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert moves.on_ui == [False]  # no file moved on the UI thread
    assert not any(p.exists() for p in cats) and all((tiny_folder / "fish" / p.name).is_file() for p in cats)
    assert len(ws.history) == 1 and ws.describe_undo() == "8 images to 'fish'"
    qtbot.waitUntil(lambda: opened(window) is not before and opened(window).counts()["fish"] == 16,
                    timeout=30_000)  # read again once it was over
    assert page.status_line.isHidden()
    page.problems.undo_fix.click()  # the Problems tab's Undo: as large, in the background as well
    assert window.state.moving_files
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert moves.on_ui == [False, False]
    assert all(p.is_file() for p in cats) and not ws.can_undo() and ws.can_redo()
    qtbot.waitUntil(lambda: opened(window).counts().get("cat") == 8, timeout=30_000)


def test_cancel_rolls_a_large_move_back(qtbot: QtBot, window: MainWindow, tiny_folder: Path, moves: Gate,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.dataset_page
    ws, step, cats = held_drop(qtbot, window, tiny_folder, monkeypatch)
    page.status_line.cancel_button.click()
    step.open.set()  # the step begins, sees the Cancel before its first move, and is rolled back
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert all(p.is_file() for p in cats) and not (tiny_folder / "fish" / cats[0].name).exists()
    assert not ws.can_undo() and not boxes()  # nothing changed, nothing went wrong
    assert page.status_line.isHidden()


def test_a_small_drop_moves_at_once(qtbot: QtBot, window: MainWindow, tiny_folder: Path, moves: Gate) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    few = sorted((tiny_folder / "cat").glob("*.png"))[:5]  # not more than the threshold
    assert drop_on_row(window, "fish", few)
    assert moves.on_ui == [True] and not window.state.moving_files
    assert all((tiny_folder / "fish" / p.name).is_file() for p in few)


def test_a_step_replaced_on_the_status_line_still_lets_steps_run_again(qtbot: QtBot, window: MainWindow,
                                                                      tiny_folder: Path, moves: Gate,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer status-line task cancels the step without calling its on_cancelled (it was replaced, not
    stopped): the step must still give back the one-writer flag, or every later step is refused."""
    page = window.dataset_page
    ws, step, cats = held_drop(qtbot, window, tiny_folder, monkeypatch)
    results: list[str] = []
    page.run_task("other", lambda progress, cancel: "other", results.append, status="Something else…")
    step.open.set()  # the step sees the Cancel its replacement sent, and is rolled back
    qtbot.waitUntil(lambda: not window.state.moving_files and results == ["other"], timeout=30_000)
    assert all(p.is_file() for p in cats) and not ws.can_undo()
    few = cats[:2]
    assert drop_on_row(window, "fish", few)  # and the next step runs
    assert all((tiny_folder / "fish" / p.name).is_file() for p in few) and not boxes()
