"""The Edit menu and the Label page name a step journaled in another session in the language the app runs in now,
and a hostile journal's class name is shown as text."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace
from desktop_cls.core.storage import append_jsonl
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import child, open_and_wait


@pytest.fixture
def with_unlabeled(tiny_folder: Path) -> Path:
    shutil.copy(tiny_folder / "dog" / "dog_00.png", tiny_folder / "new_0.png")
    return tiny_folder


def test_a_step_of_an_english_session_is_named_in_chinese(qtbot: QtBot, window: MainWindow, with_unlabeled: Path,
                                                          language: Callable[[str], str]) -> None:
    Workspace(with_unlabeled).assign([with_unlabeled / "new_0.png"], "fish")  # in English, in an earlier session
    language("zh_CN")
    open_and_wait(qtbot, window, with_unlabeled)
    undo = child(window, QAction, "undoAction")
    assert "fish" in undo.text() and "image" not in undo.text() and "图像" in undo.text()
    window.label_page.view.show_history(window.state.workspace)
    tip = window.label_page.buttons["undoButton"].toolTip()
    assert tip.startswith("撤销") and "1 张图像移到 “fish”" in tip, tip


def test_a_hostile_class_name_is_shown_as_text(qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    (with_unlabeled / "bird").mkdir()
    for rec in ({"type": "begin", "id": 1, "kind": "create_class", "description": "new class",
                 "facts": {"names": ["<img src=x>&b"]}, "moves": [[None, "bird"]]}, {"type": "commit", "id": 1}):
        append_jsonl(with_unlabeled / STATE_DIR / JOURNAL, rec)
    open_and_wait(qtbot, window, with_unlabeled)
    window.label_page.view.show_history(window.state.workspace)
    tip = window.label_page.buttons["undoButton"].toolTip()
    assert "&lt;img src=x&gt;&amp;b" in tip and "<img" not in tip
