"""Faults the labeling journal must survive: an undo that cannot be done, torn or damaged journals.

Opening a dataset never fails because of its journal, and a step that cannot complete is rolled back
and marked, never replayed on every open."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace
from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import append_jsonl, read_jsonl
from tests.core.test_labeling import snapshot


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    for c in ("cat", "dog"):
        (root / c).mkdir(parents=True)
        for i in range(3):
            (root / c / f"{c}{i}.png").write_bytes(f"{c}-{i}".encode())
    return root


def journal(root: Path) -> Path:
    return root / STATE_DIR / JOURNAL


def test_emptied_trash_is_not_offered_for_undo_after_a_restart(dataset: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    (tmp_path / "os_trash").mkdir()
    monkeypatch.setattr(send2trash, "send2trash", lambda p: shutil.move(p, tmp_path / "os_trash"))
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    ws.trash([dataset / "cat" / "cat1.png"])
    ws.empty_trash()
    ws2 = Workspace(dataset)  # restart
    assert ws2.describe_undo().startswith("1 image to 'dog'")
    ws2.undo()
    assert (dataset / "cat" / "cat0.png").exists()
    assert Workspace(dataset).notices == []


def test_undo_of_a_vanished_file_says_so_and_the_dataset_still_opens(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    ws.trash([dataset / "cat" / "cat1.png"])
    shutil.rmtree(dataset / STATE_DIR / "trash")  # emptied by hand or by an older version
    before = snapshot(dataset)
    ws2 = Workspace(dataset)
    with pytest.raises(UserError, match=r"can no longer be undone.*nothing was changed"):
        ws2.undo()
    assert snapshot(dataset) == before
    for w in (ws2, Workspace(dataset), Workspace(dataset)):  # history consistent, now and after restarts
        assert w.describe_undo().startswith("1 image to 'dog'") and w.notices == []
    ws3 = Workspace(dataset)
    ws3.undo()
    assert (dataset / "cat" / "cat0.png").exists() and not ws3.can_undo()


@pytest.mark.skipif(os.name == "nt" or not hasattr(os, "symlink"), reason="needs POSIX symlinks")
def test_a_journal_step_through_a_link_leaves_the_undo_list_and_older_steps_undo(dataset: Path,
                                                                                 tmp_path: Path) -> None:
    """A hand-edited step whose path runs through a link can never be undone (nothing is written through a link):
    its undo says so and takes it off the list, instead of blocking the undo of every step before it."""
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    os.symlink(outside, dataset / "evil")
    Workspace(dataset).assign([dataset / "cat" / "cat0.png"], "dog")
    for rec in ({"type": "begin", "id": 9, "kind": "delete_class", "description": "remove evil/sub",
                 "moves": [["evil/sub", None]]}, {"type": "commit", "id": 9}):
        append_jsonl(journal(dataset), rec)
    ws = Workspace(dataset)
    assert ws.describe_undo() == "remove evil/sub"
    with pytest.raises(UserError, match=r"can no longer be undone: .*evil is a link.*taken off the undo list"):
        ws.undo()
    assert os.listdir(outside) == ["sub"] and os.listdir(outside / "sub") == []  # nothing made or moved there
    assert Workspace(dataset).describe_undo().startswith("1 image to 'dog'")  # after a restart too
    ws.undo()
    assert (dataset / "cat" / "cat0.png").exists() and not ws.can_undo()


def test_undo_blocked_by_a_file_that_came_back_changes_nothing(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / f"cat{i}.png" for i in range(3)], "dog")
    (dataset / "cat" / "cat1.png").write_bytes(b"put back by hand")  # one of three reappeared
    before = snapshot(dataset)
    ws2 = Workspace(dataset)
    with pytest.raises(UserError, match="in the way"):
        ws2.undo()
    assert snapshot(dataset) == before
    ws3 = Workspace(dataset)  # reopens; the undo is still offered once the way is clear
    assert ws3.can_undo() and ws3.notices == []
    (dataset / "cat" / "cat1.png").unlink()
    ws3.undo()
    assert sorted(p.name for p in (dataset / "cat").iterdir()) == ["cat0.png", "cat1.png", "cat2.png"]


def test_a_file_vanishing_mid_batch_is_rolled_back(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / f"cat{i}.png" for i in range(3)], "dog")
    before = snapshot(dataset)
    real_rename = os.rename
    calls = {"n": 0}

    def vanish_second(src: str, dst: str, **at: int | None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            os.unlink(src, dir_fd=at.get("src_dir_fd"))  # another program deleted it between our check and the move
        real_rename(src, dst, **at)

    monkeypatch.setattr(os, "rename", vanish_second)
    with pytest.raises(UserError, match="can no longer be undone"):
        ws.undo()
    monkeypatch.setattr(os, "rename", real_rename)
    after = snapshot(dataset)
    assert set(after.items()) == set(before.items()) - {(k, v) for k, v in before.items() if k == "dog/cat1.png"}
    ws2 = Workspace(dataset)
    assert ws2.notices == [] and ws2.recovered == 0 and not ws2.can_undo()
    assert snapshot(dataset) == after  # nothing replayed on opening


def test_a_failing_assign_is_rolled_back_and_not_replayed(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(dataset)
    ws = Workspace(dataset)
    real_rename = os.rename
    calls = {"n": 0}

    def fail_third(src: str, dst: str, **at: int | None) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise PermissionError(13, "Permission denied", src)
        real_rename(src, dst, **at)

    monkeypatch.setattr(os, "rename", fail_third)
    with pytest.raises(UserError, match="Nothing was changed"):
        ws.assign([dataset / "cat" / f"cat{i}.png" for i in range(3)], "bird")
    monkeypatch.setattr(os, "rename", real_rename)
    assert snapshot(dataset) == before and not (dataset / "bird").exists() and not ws.can_undo()
    assert Workspace(dataset).recovered == 0 and snapshot(dataset) == before


def test_class_names_with_control_characters_are_refused(dataset: Path) -> None:
    ws = Workspace(dataset)
    for bad in ("a\x00b", "tab\there", "bell\x07"):
        with pytest.raises(UserError, match="cannot be a class name"):
            ws.create_class(bad)
        with pytest.raises(UserError, match="cannot be a class name"):
            ws.assign([dataset / "cat" / "cat0.png"], bad)
    assert Workspace(dataset).notices == []


def test_interrupted_step_that_cannot_be_finished_is_rolled_back_once(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    moves = [["cat/cat1.png", "dog/cat1.png"], ["cat/gone.png", "dog/gone.png"]]  # 2nd never existed
    append_jsonl(journal(dataset), {"type": "begin", "id": 2, "kind": "assign", "description": "x", "moves": moves})
    ws2 = Workspace(dataset)
    assert len(ws2.notices) == 1 and "rolled back" in ws2.notices[0]
    assert (dataset / "cat" / "cat1.png").exists() and not (dataset / "dog" / "cat1.png").exists()
    assert ws2.describe_undo().startswith("1 image ")
    assert Workspace(dataset).notices == []  # marked: not tried again


@pytest.mark.parametrize("garbage", [
    b"\xff\xfe not utf-8 \x00\n",
    b'[1, 2]\n"a string"\nnull\n',
    b'{"type": "commit", "id": [1]}\n',  # unhashable id
    b'{"type": "begin", "id": 5, "kind": "assign", "moves": [["../../outside.png", "cat/x.png"]]}\n',
    b'{"type": "begin", "id": 5, "kind": "assign", "moves": [["/etc/passwd", "cat/x.png"]]}\n',
    b'{"type": "begin", "id": "5", "kind": 3, "moves": "no"}\n',
    b'{"type": "forget", "ids": [[1]]}\n',
    b'{"type": "abort", "id": {"x": 1}}\n',
])
def test_a_damaged_journal_never_blocks_opening(dataset: Path, garbage: bytes) -> None:
    (dataset.parent / "outside.png").write_bytes(b"not ours")
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    with open(journal(dataset), "ab") as f:
        f.write(garbage)
    before = snapshot(dataset)
    ws2 = Workspace(dataset)  # must not raise
    assert snapshot(dataset) == before and (dataset.parent / "outside.png").read_bytes() == b"not ours"
    if ws2.notices:  # set aside with a message; the folder is usable
        assert "kept aside" in ws2.notices[0] and list((dataset / STATE_DIR).glob(f"{JOURNAL}.damaged-*"))
    else:
        assert ws2.describe_undo().startswith("1 image ")
    ws2.assign([dataset / "cat" / "cat1.png"], "dog")
    assert Workspace(dataset).describe_undo().startswith("1 image ")


def test_torn_last_journal_line_loses_only_itself(dataset: Path) -> None:
    before = snapshot(dataset)
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    with open(journal(dataset), "a") as f:
        f.write('{"type": "begin", "id": 2, "kind": "assign", "desc')  # a crash mid-append
    ws2 = Workspace(dataset)
    ws2.assign([dataset / "cat" / "cat1.png"], "dog")
    ws2.rename_class("dog", "hound")
    ws3 = Workspace(dataset)
    while ws3.can_undo():
        ws3.undo()
    assert snapshot(dataset) == before


def test_torn_metrics_line_loses_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    for epoch in (1, 2, 3):
        append_jsonl(path, {"epoch": epoch, "loss": 0.5})
    with open(path, "a") as f:
        f.write('{"epoch": 4, "lo')  # killed while appending epoch 4
    for epoch in (4, 5, 6):  # the resumed run writes epoch 4 again
        append_jsonl(path, {"epoch": epoch, "loss": 0.5})
    assert [r["epoch"] for r in read_jsonl(path)] == [1, 2, 3, 4, 5, 6]
    assert json.loads(path.read_text().splitlines()[-1])["epoch"] == 6


def test_an_unreadable_journal_is_set_aside_with_a_notice(dataset: Path) -> None:
    Workspace(dataset).assign([dataset / "cat" / "cat0.png"], "dog")
    journal(dataset).unlink()
    journal(dataset).mkdir()  # cannot be read as a file at all
    ws = Workspace(dataset)
    assert len(ws.notices) == 1 and "kept aside" in ws.notices[0] and not ws.can_undo()
    assert list((dataset / STATE_DIR).glob(f"{JOURNAL}.damaged-*"))
    ws.assign([dataset / "cat" / "cat1.png"], "dog")
    assert Workspace(dataset).describe_undo().startswith("1 image ")
