"""The Label page's *Empty trash* at scale: the trash is handed to the system trash on a worker thread (counted by
thread), with progress and Cancel on the status line (Cancel stops after the item being handed over: the rest
stays, and so do its steps), refused while a labeling step runs and refusing steps while it runs, and nothing of
the dataset folder is listed on the UI thread afterwards. Work is counted, never timed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import send2trash
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QPushButton

from tests.gui.conftest import open_and_wait, opened_workspace
from tests.gui.pages.data.test_class_drop import boxes
from tests.gui.pages.data.test_large_moves import Gate
from tests.gui.pages.label.conftest import LOOSE, Listings
from tests.gui.pages.label.test_class_steps import Answers

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow

TRASH = Path(".desktop_cls") / "trash"


@pytest.fixture
def os_trash(tmp_path: Path) -> Path:
    folder = tmp_path / "os_trash"
    folder.mkdir()
    return folder


def hand_over(monkeypatch: pytest.MonkeyPatch, os_trash: Path, wait: bool) -> Gate:
    """Every item handed to the system trash (moved into os_trash), counted by thread; held until opened (wait)."""
    gate = Gate()
    monkeypatch.setattr(send2trash, "send2trash", gate.wrap(lambda p: shutil.move(p, os_trash), wait=wait))
    return gate


def trashed(window: MainWindow, folder: Path, steps: int) -> None:
    """`steps` trash steps of one class image each (each its own item in the dataset's trash)."""
    ws = opened_workspace(window)
    for i in range(steps):
        ws.trash([folder / "cat" / f"cat_{i:02d}.png"])


def empty(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user presses Empty trash… and answers Yes."""
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    button = window.label_page.classes.findChild(QPushButton, "emptyTrashButton")
    assert button is not None
    button.click()


def test_emptying_hands_over_on_a_worker_thread_and_steps_wait(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                               os_trash: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    shutil.copy(tiny_folder / "dog" / "dog_00.png", tiny_folder / "loose.png")
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp, panel, ws = window.label_page, window.label_page.classes, opened_workspace(window)
    trashed(window, tiny_folder, 3)
    sent = hand_over(monkeypatch, os_trash, wait=True)
    empty(window, monkeypatch)
    qtbot.waitUntil(lambda: sent.on_ui == [False])  # the first item is being handed over on a worker thread...
    assert window.state.moving_files and lp.status_line.isVisible() and lp.status_line.cancel_button.isEnabled()
    answers = Answers(monkeypatch)("bird")
    panel.new_class()  # ...a class step is refused with the reason, before any question...
    assert any("still running" in b.text() for b in boxes()) and answers.queue == ["bird"]
    lp.trash_current()  # ...a key press moves nothing...
    assert (tiny_folder / "loose.png").is_file() and len(ws.history) == 3
    for box in boxes():
        box.close()
    empty(window, monkeypatch)  # ...and a second emptying is refused as well
    assert any("still running" in b.text() for b in boxes())
    sent.open.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert sent.on_ui == [False, False, False]  # nothing handed over on the UI thread
    assert not any((tiny_folder / TRASH).iterdir()) and len(list(os_trash.rglob("*.png"))) == 3
    assert not ws.can_undo() and not lp.buttons["undoButton"].isEnabled() and lp.status_line.isHidden()
    lp.trash_current()  # steps run again once it is over
    assert not (tiny_folder / "loose.png").exists() and ws.can_undo()


def test_refused_while_a_labeling_step_runs(qtbot: QtBot, window: MainWindow, tiny_folder: Path, os_trash: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    trashed(window, tiny_folder, 1)
    sent = hand_over(monkeypatch, os_trash, wait=False)
    asked: list[object] = []

    def question(*a: object, **_k: object) -> QMessageBox.StandardButton:
        asked.append(a)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    window.state.moving_files = True  # a step (a large move, an import) runs on a worker thread
    window.label_page.trash.start()
    assert any("still running" in b.text() for b in boxes()) and asked == [] and sent.on_ui == []
    assert len(list((tiny_folder / TRASH).iterdir())) == 1


def test_cancel_stops_after_the_item_handed_over(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                 os_trash: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp, ws = window.label_page, opened_workspace(window)
    trashed(window, tiny_folder, 3)
    items = sorted(p.name for p in (tiny_folder / TRASH).iterdir())
    sent = hand_over(monkeypatch, os_trash, wait=True)
    empty(window, monkeypatch)
    qtbot.waitUntil(lambda: sent.on_ui == [False])
    lp.status_line.cancel_button.click()  # while the first item is being handed over
    sent.open.set()
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    assert sent.on_ui == [False]  # the item under way went; the rest stayed
    assert sorted(p.name for p in (tiny_folder / TRASH).iterdir()) == items[1:]
    assert [p.name for p in os_trash.iterdir()] == items[:1]
    assert len(ws.history) == 2 and lp.buttons["undoButton"].isEnabled()  # their steps can still be undone
    lp.undo()
    assert (tiny_folder / "cat" / "cat_02.png").is_file() and lp.status_line.isHidden() and not boxes()


def test_nothing_is_listed_on_the_ui_thread_afterwards(qtbot: QtBot, window: MainWindow, crowded: Path,
                                                       listings: Listings, os_trash: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, crowded)
    window.show_page("label")
    lp = window.label_page
    trashed(window, crowded, 4)
    shown, classes = lp.model.current(), list(lp.model.classes)
    hand_over(monkeypatch, os_trash, wait=False)
    listings.seen.clear()
    empty(window, monkeypatch)
    qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
    QCoreApplication.processEvents()  # (what the end of the task queued)
    assert listings.seen == [], listings.told()
    assert not any((crowded / TRASH).iterdir())
    assert len(lp.model.queue) == LOOSE and lp.model.current() == shown and lp.model.classes == classes
    assert not lp.reread.timer.isActive()  # the dataset is not read again either: its images did not change


@pytest.mark.parametrize("delete", [False, True])
def test_an_unsafe_system_trash_folder_is_named_and_the_items_kept_or_deleted_for_good(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, os_trash: Path, monkeypatch: pytest.MonkeyPatch,
        delete: bool) -> None:
    from desktop_cls.core.data import system_trash
    from desktop_cls.gui.pages.label import trash_emptying

    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("label")
    lp, ws = window.label_page, opened_workspace(window)
    trashed(window, tiny_folder, 2)
    sent = hand_over(monkeypatch, os_trash, wait=False)
    unsafe = Path("/media/stick/.Trash-1000")

    def check(path: Path) -> None:
        raise system_trash.UnsafeTrash(path, unsafe, "is a link to /home/someone/Pictures")

    monkeypatch.setattr(system_trash, "check", check)
    offered: list[str] = []
    def offer(_parent: object, text: str) -> bool:
        offered.append(text)
        return delete

    monkeypatch.setattr(trash_emptying, "offer_deleting_for_good", offer)
    empty(window, monkeypatch)
    qtbot.waitUntil(lambda: bool(offered) and not window.state.moving_files, timeout=30_000)
    assert str(unsafe) in offered[0] and "is a link to /home/someone/Pictures" in offered[0]
    assert sent.on_ui == []  # nothing handed to the system trash
    if delete:  # the second emptying, for good, runs on its own
        qtbot.waitUntil(lambda: not any((tiny_folder / TRASH).iterdir()), timeout=30_000)
        qtbot.waitUntil(lambda: not window.state.moving_files, timeout=30_000)
        assert not ws.can_undo() and not list(os_trash.iterdir()) and len(offered) == 1
    else:
        assert len(list((tiny_folder / TRASH).iterdir())) == 2 and len(ws.history) == 2
        assert lp.buttons["undoButton"].isEnabled()
