"""A step's watch (core.labeling.Workspace.watch): told before each move, so a worker thread shows progress; a
Cancel raised from it rolls the step back and journals it as aborted, so nothing changed and nothing replays."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_cls.core.data.labeling import Workspace
from desktop_cls.core.events import CancelledError
from desktop_cls.core.storage import read_jsonl
from tests.conftest import make_tiny_folder


def test_the_watch_is_told_of_every_move(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=4)
    ws = Workspace(root)
    told: list[tuple[int, int]] = []
    ws.watch = lambda done, total: told.append((done, total))
    ws.assign(sorted((root / "cat").glob("*.png")), "dog")
    assert told == [(i, 4) for i in range(4)]
    assert len(list((root / "dog").glob("cat_*.png"))) == 4


def test_a_cancel_part_way_rolls_the_step_back(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=4)
    ws = Workspace(root)
    cats = sorted((root / "cat").glob("*.png"))

    def watch(done: int, total: int) -> None:
        if done == 2:  # two files moved already
            raise CancelledError()

    ws.watch = watch
    with pytest.raises(CancelledError):
        ws.assign(cats, "new class")
    assert all(p.is_file() for p in cats) and not (root / "new class").exists()
    assert not ws.can_undo()
    kinds = [r["type"] for r in read_jsonl(root / ".desktop_cls" / "journal.jsonl")]
    assert kinds == ["begin", "abort"]
    ws.watch = None
    assert not Workspace(root).can_undo()  # the aborted step is not replayed on opening
