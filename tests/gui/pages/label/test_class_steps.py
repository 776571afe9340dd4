"""Class steps on the Label page (new, rename, merge, delete class, and their undo) at scale: none lists the
dataset folder on the UI thread (beside 2,000 loose images; the engine's FolderShape follows them), and a merge,
whose work grows with the class, moves its files on a worker thread as one journaled step, with Cancel rolling it
back and a second step refused with the reason meanwhile. Work is counted (listings and file moves by thread),
never timed; the threshold is lowered so a tiny class is large."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from desktop_cls.core.data import labeling
from desktop_cls.gui.pages import labeling_step
from desktop_cls.gui.pages.label import label_classes
from tests.gui.conftest import dataset_line, open_and_wait, opened_workspace
from tests.gui.pages.data.test_class_drop import boxes
from tests.gui.pages.data.test_large_moves import Gate
from tests.gui.pages.label.conftest import LOOSE, Listings

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow


class Answers:
    """The class dialogs' answers, in order: a class picked from the list, or a name typed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.queue: list[str] = []
        monkeypatch.setattr(label_classes, "ask_item", lambda *_a: (self.queue.pop(0), True))
        monkeypatch.setattr(label_classes, "ask_text", lambda *_a: (self.queue.pop(0), True))

    def __call__(self, *answers: str) -> Answers:
        self.queue = list(answers)
        return self


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return Answers(monkeypatch)


@pytest.fixture
def moves(monkeypatch: pytest.MonkeyPatch) -> Gate:
    """Every file move of the labeling engine, counted by thread; a step of more than 5 files is large."""
    gate = Gate()
    monkeypatch.setattr(labeling, "apply_moves", gate.wrap(labeling.apply_moves, wait=False))
    monkeypatch.setattr(labeling_step, "LARGE_STEP", 5)
    return gate


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_class_steps_and_their_undo_list_no_folder(qtbot: QtBot, window: MainWindow, crowded: Path,
                                                    listings: Listings, answers: Answers) -> None:
    open_and_wait(qtbot, window, crowded)
    window.show_page("label")
    lp, panel = window.label_page, window.label_page.classes
    shown = lp.model.current()
    listings.seen.clear()

    def made(step: Callable[[], object], classes: list[str]) -> None:
        step()
        qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)  # (a merge: in the background)
        assert listings.seen == [], listings.told()
        assert len(lp.model.queue) == LOOSE and lp.model.current() == shown  # loose images untouched
        assert lp.model.classes == classes == sorted(p.name for p in crowded.iterdir() if p.is_dir()
                                                     and not p.name.startswith("."))  # (the test's own look)
        listings.seen.clear()

    made(lambda: panel.new_class() if answers("bird") else None, ["bird", "cat", "dog", "fish"])
    made(lambda: panel.rename_class() if answers("bird", "owl") else None, ["cat", "dog", "fish", "owl"])
    made(lambda: panel.delete_class() if answers("owl") else None, ["cat", "dog", "fish"])
    made(lambda: panel.merge_class() if answers("fish", "cat") else None, ["cat", "dog"])
    assert len(list((crowded / "cat").iterdir())) == 16
    for classes in (["cat", "dog", "fish"], ["cat", "dog", "fish", "owl"], ["bird", "cat", "dog", "fish"],
                    ["cat", "dog", "fish"]):
        made(lp.undo, classes)
    assert len(list((crowded / "cat").iterdir())) == 8 and not opened_workspace(window).can_undo()
    made(lp.redo, ["bird", "cat", "dog", "fish"])
    assert [b.text() for b in boxes()] == []


def test_a_merge_moves_on_a_worker_thread_as_one_undoable_step(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                              moves: Gate, answers: Answers,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp, ws, panel = window.label_page, opened_workspace(window), window.label_page.classes
    dogs, cats = files(tiny_folder / "dog"), files(tiny_folder / "cat")
    step = Gate()
    monkeypatch.setattr(ws, "merge_classes", step.wrap(ws.merge_classes))
    answers("dog", "cat")
    panel.merge_class()
    qtbot.waitUntil(lambda: step.on_ui == [False])  # planned and made on a worker thread...
    assert window.state.moving_files and lp.status_line.cancel_button.isEnabled()  # ...while the UI went on
    answers("bird")
    panel.new_class()  # a second step is refused, with the reason, before any question
    assert any("still running" in b.text() for b in boxes()) and answers.queue == ["bird"]
    step.open.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert moves.on_ui == [False]  # no file moved on the UI thread
    assert not (tiny_folder / "dog").exists() and not (tiny_folder / "bird").exists()
    assert files(tiny_folder / "cat") == sorted(cats + dogs)
    assert len(ws.history) == 1 and ws.describe_undo() == "merge 'dog' into 'cat'"
    assert lp.model.classes == ["cat", "fish"] and lp.status_line.isHidden()
    lp.undo()  # ten moves: in the background as well
    assert window.state.moving_files
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert moves.on_ui == [False, False]
    assert files(tiny_folder / "dog") == dogs and files(tiny_folder / "cat") == cats
    assert lp.model.classes == ["cat", "dog", "fish"] and not ws.can_undo() and ws.can_redo()


def test_cancel_rolls_a_merge_back(qtbot: QtBot, window: MainWindow, tiny_folder: Path, moves: Gate,
                                   answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp, ws, panel = window.label_page, opened_workspace(window), window.label_page.classes
    dogs, cats = files(tiny_folder / "dog"), files(tiny_folder / "cat")
    told: list[tuple[int, int]] = []
    real = labeling_step.step_work

    def cancelled_half_way(workspace: Any, fn: Any, args: Any, what: str) -> Any:
        work: Any = real(workspace, fn, args, what)

        def run(*, progress: Any, cancel: Any) -> Any:
            def at(done: int, total: int, text: str) -> None:
                told.append((done, total))
                if done == 4:
                    cancel.set()  # as the Cancel button does, four moves in (the fifth goes on)
                progress(done, total, text)
            return work(progress=at, cancel=cancel)
        return run

    monkeypatch.setattr(labeling_step, "step_work", cancelled_half_way)
    answers("dog", "cat")
    panel.merge_class()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert told[-1] == (4, 9) and moves.on_ui == [False]  # stopped with five of nine moves made, on a worker
    assert files(tiny_folder / "dog") == dogs and files(tiny_folder / "cat") == cats  # as it was
    assert not ws.can_undo() and lp.model.classes == ["cat", "dog", "fish"] and not boxes()


def _unfollowed(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the engine cannot follow a class step (it lost the folder's shape: read again on a worker thread
    after the step), and no read of the folder lands during the test."""
    monkeypatch.setattr(opened_workspace(window).shape, "kept", lambda: None)
    window.label_page.reread.timer.setInterval(60_000)


def test_a_class_deleted_while_the_folder_is_listed_again_leaves_the_summary_at_once(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the engine cannot follow a class step (it lost the folder's shape), the classes are listed on a worker
    thread and shown as they were meanwhile: the deleted class stayed, with no images, and the status bar said
    "16 images, 3 classes" while the Data page said 2 classes. The class the step moved to the trash goes now, and
    its undo brings it back now (with its images), where it stayed away until the listing came."""
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    _unfollowed(window, monkeypatch)
    answers("dog")
    lp.classes.delete_class()  # (a small step: made before this returns; no event ran since)
    assert "tiny: 16 images, 2 classes" in dataset_line(window)
    assert lp.classes.counts() == {"cat": 8, "fish": 8}
    lp.undo()
    assert lp.model.classes == ["cat", "dog", "fish"] and lp.classes.counts() == {"cat": 8, "dog": 8, "fish": 8}
    assert "tiny: 24 images, 3 classes" in dataset_line(window)


def test_a_class_renamed_while_the_folder_is_listed_again_shows_its_new_name_at_once(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list, the class buttons and the counts showed the old name (and the new class, once listed, no images)
    until the listing came, a second later; the step's own moves say the new name, and its undo the old one."""
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    _unfollowed(window, monkeypatch)
    answers("dog", "puppy")
    lp.classes.rename_class()
    assert lp.model.classes == ["cat", "fish", "puppy"] and lp.classes.counts() == {"cat": 8, "fish": 8, "puppy": 8}
    lp.undo()
    lp.redo()
    assert lp.model.classes == ["cat", "fish", "puppy"]
    answers("bird")
    lp.classes.new_class()
    assert lp.model.classes == ["bird", "cat", "fish", "puppy"] and (lp.classes.counts() or {}).get("bird") == 0
    lp.undo()
    assert lp.model.classes == ["cat", "fish", "puppy"]
    assert "tiny: 24 images, 3 classes" in dataset_line(window)


def test_the_undo_of_a_rename_while_the_folder_is_listed_again_shows_the_old_name_at_once(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp = window.label_page
    answers("dog", "puppy")
    lp.classes.rename_class()  # (followed by the engine)
    assert lp.model.classes == ["cat", "fish", "puppy"]
    _unfollowed(window, monkeypatch)
    lp.undo()
    assert lp.model.classes == ["cat", "dog", "fish"] and lp.classes.counts() == {"cat": 8, "dog": 8, "fish": 8}
    assert "tiny: 24 images, 3 classes" in dataset_line(window)


def test_a_class_renamed_in_split_folders_while_the_folder_is_listed_again_shows_its_new_name_at_once(
        qtbot: QtBot, window: MainWindow, split_root: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    """The class is its folder in train/ (its test/ folder moves along): the step names it once, under train/."""
    open_and_wait(qtbot, window, split_root)
    window.show_page("label")
    lp = window.label_page
    _unfollowed(window, monkeypatch)
    answers("3", "three")
    lp.classes.rename_class()
    assert (split_root / "train" / "three").is_dir() and (split_root / "test" / "three").is_dir()
    assert lp.model.classes == [*(str(d) for d in range(10) if d != 3), "three"]
    lp.undo()
    assert lp.model.classes == [str(d) for d in range(10)]
