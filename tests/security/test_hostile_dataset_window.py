"""The window opens a hostile dataset (a forged journal through a link to the user's files, a journal that
is a link to a shell start file, a class folder that links up the tree) with a notice, touches nothing
outside it, and labeling still works."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import keep_palette, no_unexpected_dialogs, open_and_wait, opened, window  # noqa: F401 - fixtures
from tests.security.conftest import needs_symlinks, tree_snapshot

pytestmark = needs_symlinks


def test_the_window_opens_a_hostile_dataset_with_a_notice_and_leaves_the_victim_alone(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, victim: Path,  # noqa: F811 - the fixture imported above
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tiny_folder(tmp_path / "shared", classes=("cat", "dog"), per_class=4)
    (root / "new_0.png").write_bytes((root / "cat" / "cat_00.png").read_bytes())
    os.symlink(victim, root / "home")  # not a class: shown among the classes, but never written through
    os.symlink("..", root / "loop")
    (root / STATE_DIR).mkdir()
    (root / STATE_DIR / "steps.jsonl").write_text(json.dumps(
        {"type": "begin", "id": 1, "kind": "assign", "description": "x",
         "moves": [["home/secret.txt", "cat/secret.txt"], [None, "home/newdir/sub"]]}) + "\n")
    os.symlink("steps.jsonl", root / STATE_DIR / "journal.jsonl")  # forged step, behind a link, too
    before = tree_snapshot(victim)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    open_and_wait(qtbot, window, root)
    qtbot.waitUntil(lambda: window.state.workspace is not None)
    assert shown and "is a link" in shown[0] and "kept aside" in shown[0]
    index = opened(window)
    assert index.counts()["cat"] == 4 and "loop" not in index.classes
    lp = window.label_page
    lp.classes.assign_files("dog", [str(root / "new_0.png")])  # labeling works
    assert (root / "dog" / "new_0.png").is_file() and not (root / STATE_DIR / JOURNAL).is_symlink()
    assert tree_snapshot(victim) == before
