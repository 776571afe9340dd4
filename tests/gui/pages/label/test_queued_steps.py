"""Key presses on the Label page are filed off the UI thread, in order: the page moves on at once while a worker
(held here, as a slow or network drive would hold it) journals and moves each image; Undo waits behind them; a
move that fails brings its image back with a message naming it and the fix; quitting waits for them all."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.storage import read_jsonl
from desktop_cls.gui.pages.label.label_page import LabelPage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.pages.label.conftest import label_page, press, refuse_moving, shut_down_letting_go


def _begun(folder: Path) -> list[str]:
    """The images the journal's steps took, in the order journaled."""
    return [r["moves"][0][0] for r in read_jsonl(folder / ".desktop_cls" / "journal.jsonl") if r["type"] == "begin"]


def test_ten_keys_in_a_row_are_ten_moves_in_that_order(qtbot: QtBot, window: MainWindow, loose: Path,
                                                       held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    pressed = [("cat", "dog", "fish")[(i * 2) % 3] for i in range(10)]
    names = lp.model.queue[:10]
    press(lp, *pressed)
    assert lp.model.current() == "new_10.png" and lp.model.queue == ["new_10.png", "new_11.png"]  # moved on at once
    assert all((loose / n).exists() for n in names) and lp.steps.busy()  # nothing filed yet: the disk holds it
    held.set()
    qtbot.waitUntil(lambda: not lp.steps.busy(), timeout=30_000)
    assert all((loose / cls / n).exists() for n, cls in zip(names, pressed, strict=True))
    assert _begun(loose) == names  # journaled one by one, in the order the keys were pressed
    assert lp.model.queue == ["new_10.png", "new_11.png"] and not window.state.moving_files


def test_undo_waits_behind_the_keys_pressed_before_it(qtbot: QtBot, window: MainWindow, loose: Path,
                                                      held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    press(lp, "cat", "dog")
    undo = window.menus.undo.undo_action
    assert undo.isEnabled()  # nothing journaled yet, but an undo is queued behind the two keys
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    held.set()
    qtbot.waitUntil(lambda: not lp.steps.busy(), timeout=30_000)
    assert (loose / "cat" / "new_00.png").exists() and (loose / "new_01.png").exists()  # the second key undone
    assert lp.model.current() == "new_01.png"  # the image it put back is on screen, to be labeled again
    assert window.state.workspace is not None and window.state.workspace.describe_redo() == "1 image to 'dog'"


def _error_text(lp: LabelPage) -> str:
    boxes = lp.findChildren(QMessageBox, "errorDialog")
    assert boxes, "the failed move was not reported"
    return boxes[-1].text()


def test_a_refused_move_brings_its_image_back_and_says_why(qtbot: QtBot, window: MainWindow, loose: Path,
                                                            held: threading.Event,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_moving(monkeypatch, "new_01.png")
    lp = label_page(qtbot, window, loose)
    press(lp, "fish", "fish", "fish")
    assert lp.model.current() == "new_03.png"
    held.set()
    qtbot.waitUntil(lambda: not lp.steps.busy(), timeout=30_000)
    assert (loose / "fish" / "new_00.png").exists() and (loose / "fish" / "new_02.png").exists()
    assert (loose / "new_01.png").exists() and lp.model.current() == "new_01.png"  # back on screen, still loose
    assert "new_01.png" in [Path(p).name for p, _caption in lp.view.strip_model.items]
    text = _error_text(lp)
    assert "new_01.png" in text and "permission" in text.lower()


def test_a_file_gone_before_its_turn_leaves_the_list_and_is_named(qtbot: QtBot, window: MainWindow, loose: Path,
                                                                 held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    press(lp, "cat", "cat")
    (loose / "new_00.png").unlink()  # deleted outside the app while its move waited
    held.set()
    qtbot.waitUntil(lambda: not lp.steps.busy(), timeout=30_000)
    assert "new_00.png" not in lp.model.queue and lp.model.current() == "new_02.png"
    assert (loose / "cat" / "new_01.png").exists()
    text = _error_text(lp)
    assert "new_00.png" in text and "left the list" in text


def test_quitting_waits_for_the_keys_pressed(qtbot: QtBot, window: MainWindow, loose: Path,
                                             held: threading.Event) -> None:
    lp = label_page(qtbot, window, loose)
    names = lp.model.queue[:3]
    press(lp, "dog", "fish", "cat")

    shut_down_letting_go(window, held)
    assert [(loose / cls / n).exists() for n, cls in zip(names, ("dog", "fish", "cat"), strict=True)] == [True] * 3
    commits = [r for r in read_jsonl(loose / ".desktop_cls" / "journal.jsonl") if r["type"] == "commit"]
    assert len(commits) == 3
