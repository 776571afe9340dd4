"""What a key press on the Label page costs does not grow with the folder: labeling one image, undoing it, and
the dataset read again afterwards list no folder on the UI thread (at 20,000 loose images each listing was
~10 ms of it). The page follows its own journaled steps; changes from outside are listed on a worker thread.
Work is counted, not timed: the loose images are hard links of one small picture."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_cls.gui.pages.label import label_steps
from tests.gui.conftest import open_and_wait, opened_workspace
from tests.gui.pages.label.conftest import LOOSE, Listings

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow

def test_a_key_press_and_its_undo_list_no_folder(qtbot: QtBot, window: MainWindow, crowded: Path,
                                                 listings: Listings) -> None:
    open_and_wait(qtbot, window, crowded)
    window.show_page("label")
    lp, ws = window.label_page, opened_workspace(window)
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    reads, before = ws.shape.reads, window.state.dataset
    listings.seen.clear()
    QTest.keyClick(lp, Qt.Key.Key_2)  # classes: cat, dog, fish -> 2 = dog
    QTest.keyClick(lp, Qt.Key.Key_3)
    assert (crowded / "dog" / "loose_00000.png").is_file() and (crowded / "fish" / "loose_00001.png").is_file()
    assert lp.model.current() == "loose_00002.png" and len(lp.model.queue) == LOOSE - 2
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the image comes back, and is shown
    assert lp.model.queue[:2] == ["loose_00001.png", "loose_00002.png"] and lp.model.current() == "loose_00001.png"
    assert listings.seen == [], listings.told()
    qtbot.waitUntil(lambda: window.state.dataset is not before, timeout=30_000)  # the Data page reads it again
    assert listings.seen == [], listings.told()  # ...on its thread; the Label page keeps what its steps left
    qtbot.waitUntil(lambda: ws.shape.reads == reads + 2)  # the Data page's read and the Label page's own look,
    qtbot.wait(50)  # both on worker threads
    assert listings.seen == [] and ws.shape.reads == reads + 2, listings.told()
    assert lp.model.queue[:2] == ["loose_00001.png", "loose_00002.png"] and lp.model.current() == "loose_00001.png"


def test_changes_from_outside_arrive_from_a_worker_thread(qtbot: QtBot, window: MainWindow, crowded: Path,
                                                          listings: Listings) -> None:
    open_and_wait(qtbot, window, crowded)
    window.show_page("label")
    lp, ws = window.label_page, opened_workspace(window)
    os.link(crowded / "cat" / "cat_00.png", crowded / "a_new_one.png")  # another program puts files in
    (crowded / "bird").mkdir()
    listings.seen.clear()
    window.state.files_changed.emit(str(crowded))
    qtbot.waitUntil(lambda: "a_new_one.png" in lp.model.queue and "bird" in lp.model.classes, timeout=30_000)
    assert listings.seen == [], listings.told()
    assert ws.classes() == ["bird", "cat", "dog", "fish"]  # a key press files into "bird" without listing
    assert lp.model.current() == "loose_00000.png"  # the image on screen stayed on screen
    listings.seen.clear()
    lp.assign_current("bird")
    assert (crowded / "bird" / "loose_00000.png").is_file() and listings.seen == [], listings.told()


def test_a_listing_older_than_a_step_is_not_shown(qtbot: QtBot, window: MainWindow, crowded: Path) -> None:
    """A key pressed while the folder was being listed: the listing still has that image; the page does not."""
    open_and_wait(qtbot, window, crowded)
    lp, ws = window.label_page, opened_workspace(window)
    listing = ws.reread()
    started = ws.next_id
    lp.assign_current("dog")
    assert ws.next_id != started and "loose_00000.png" in listing[0]
    lp.reread.start()  # (the listing it makes now is newer than the step: it agrees with the page)
    qtbot.wait(200)
    assert "loose_00000.png" not in lp.model.queue and len(lp.model.queue) == LOOSE - 1


def test_a_failed_step_lists_no_folder(qtbot: QtBot, window: MainWindow, crowded: Path, listings: Listings,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that fails is rolled back: the page keeps what it showed (the worker-thread look catches the rest)."""
    said: list[str] = []
    monkeypatch.setattr(label_steps, "show_error", lambda _parent, _title, message, *a: said.append(message))
    open_and_wait(qtbot, window, crowded)
    window.show_page("label")
    lp, ws = window.label_page, opened_workspace(window)
    shown = lp.model.as_shown()
    listings.seen.clear()
    lp.do(ws.assign, ["loose_00000.png"], "no/class")  # an invalid class name: refused
    assert said and listings.seen == [], listings.told()
    assert lp.model.as_shown() == shown and (crowded / "loose_00000.png").is_file()
