"""A dataset folder from someone else (a zip, a tar, a git clone keep links) never makes labeling act on
files outside it: forged journals, links in the app's own folder, class folders that are links."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace
from desktop_cls.core.errors import UserError
from tests.security.conftest import needs_symlinks, tree_snapshot

pytestmark = needs_symlinks


def forge(root: Path, *records: dict[str, object]) -> None:
    (root / STATE_DIR).mkdir(exist_ok=True)
    with open(root / STATE_DIR / JOURNAL, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)


def test_a_forged_unfinished_step_through_a_link_does_nothing_outside(dataset: Path, victim: Path) -> None:
    os.symlink(victim, dataset / "home")
    forge(dataset, {"type": "begin", "id": 1, "kind": "assign", "description": "1 image(s) to 'cat'", "moves": [
        ["home/secret.txt", "cat/secret.txt"], ["dog/dog0.png", "home/Documents/dog0.png"],
        [None, "home/newdir/sub"]]})
    before, inside = tree_snapshot(victim), tree_snapshot(dataset)
    ws = Workspace(dataset)
    assert tree_snapshot(victim) == before
    assert ws.recovered == 0 and not ws.can_undo()
    assert len(ws.notices) == 1 and "rolled back" in ws.notices[0] and "is a link" in ws.notices[0]
    after = tree_snapshot(dataset)
    assert {k: v for k, v in after.items() if not k.startswith(STATE_DIR)} == \
        {k: v for k, v in inside.items() if not k.startswith(STATE_DIR)}
    assert Workspace(dataset).notices == []  # marked aborted: not tried again on the next open
    ws.assign([dataset / "cat" / "cat0.png"], "dog")  # the dataset still works
    assert (dataset / "dog" / "cat0.png").is_file() and tree_snapshot(victim) == before


def test_undo_through_a_class_folder_turned_link_pulls_nothing_in(dataset: Path, victim: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "birds")
    os.rename(dataset / "birds", dataset / "birds.real")
    os.symlink(victim, dataset / "birds")  # the folder now leads to the user's files (victim/cat0.png)
    before = tree_snapshot(victim)
    with pytest.raises(UserError, match="is a link"):
        ws.undo()
    with pytest.raises(UserError, match="is a link"):
        ws.assign([dataset / "cat" / "cat1.png"], "birds")
    assert tree_snapshot(victim) == before and (dataset / "cat" / "cat1.png").is_file()


def test_a_trash_link_is_set_aside_and_empty_trash_hands_over_nothing_outside(
        dataset: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    handed: list[str] = []
    monkeypatch.setattr(send2trash, "send2trash", lambda p: handed.append(os.path.realpath(p)))
    (dataset / STATE_DIR).mkdir()
    os.symlink(victim, dataset / STATE_DIR / "trash")
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    assert len(ws.notices) == 1 and "trash" in ws.notices[0] and "renamed" in ws.notices[0]
    ws.trash([dataset / "cat" / "cat0.png"])
    assert (dataset / STATE_DIR / "trash").is_dir() and not (dataset / STATE_DIR / "trash").is_symlink()
    assert ws.empty_trash() >= 1
    assert handed and all(p.startswith(str(dataset.resolve() / STATE_DIR / "trash")) for p in handed)
    assert tree_snapshot(victim) == before


def test_empty_trash_refuses_a_trash_that_became_a_link_after_opening(
        dataset: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    handed: list[str] = []
    monkeypatch.setattr(send2trash, "send2trash", lambda p: handed.append(p))
    ws = Workspace(dataset)
    ws.trash([dataset / "cat" / "cat0.png"])
    os.rename(dataset / STATE_DIR / "trash", dataset / STATE_DIR / "old")
    os.symlink(victim, dataset / STATE_DIR / "trash")
    assert ws.empty_trash() == 0 and handed == []


def test_a_journal_link_to_a_shell_start_file_is_never_appended_to(dataset: Path, victim: Path) -> None:
    (dataset / STATE_DIR).mkdir()
    os.symlink(victim / ".bashrc", dataset / STATE_DIR / JOURNAL)
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    assert len(ws.notices) == 1 and "kept aside" in ws.notices[0] and "is a link" in ws.notices[0]
    (dataset / "$(cd;touch PWNED).png").write_bytes(b"x")
    ws.assign([dataset / "$(cd;touch PWNED).png"], "cat")
    assert tree_snapshot(victim) == before
    assert not (dataset / STATE_DIR / JOURNAL).is_symlink() and Workspace(dataset).can_undo()


def test_a_state_folder_that_is_a_link_is_set_aside(dataset: Path, victim: Path) -> None:
    os.symlink(victim, dataset / STATE_DIR)
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    assert len(ws.notices) == 1 and "renamed" in ws.notices[0]
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    ws.trash([dataset / "dog" / "dog0.png"])
    assert tree_snapshot(victim) == before and (dataset / STATE_DIR).is_dir()
    assert not (dataset / STATE_DIR).is_symlink()


def test_a_lock_file_link_is_set_aside_never_truncated(dataset: Path, victim: Path) -> None:
    (dataset / STATE_DIR).mkdir()
    os.symlink(victim / "thesis.docx", dataset / STATE_DIR / "lock")
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    assert tree_snapshot(victim) == before and ws.notices


def test_a_second_writer_gets_a_read_only_workspace_with_a_message(dataset: Path) -> None:
    from desktop_cls.core.run_lock import FolderLock

    Workspace(dataset).assign([dataset / "cat" / "cat0.png"], "dog")
    other = FolderLock(dataset, f"{STATE_DIR}/lock")  # another app instance (a lock on its own open file)
    assert other.try_acquire()
    try:
        ws = Workspace(dataset)
        assert ws.read_only and "another window" in ws.read_only and ws.notices == [ws.read_only]
        with pytest.raises(UserError, match="another window"):
            ws.assign([dataset / "cat" / "cat1.png"], "dog")
        assert (dataset / "cat" / "cat1.png").is_file()
    finally:
        other.release()
    ws2 = Workspace(dataset)
    assert not ws2.read_only and ws2.describe_undo().startswith("1 image ")


def test_two_workspaces_of_one_process_share_the_writer_lock(dataset: Path) -> None:
    first = Workspace(dataset)
    first.assign([dataset / "cat" / "cat0.png"], "dog")
    second = Workspace(dataset)  # the app reopening the folder while the old object lives on
    assert not second.read_only and second.can_undo()


@pytest.mark.parametrize("name", ["__MACOSX", "Thumbs.db", "@eaDir", "desktop.ini"])
def test_labeling_into_a_name_the_scanner_skips_is_refused(dataset: Path, name: str) -> None:
    ws = Workspace(dataset)
    with pytest.raises(UserError, match="skipped"):
        ws.assign([dataset / "cat" / "cat0.png"], name)
    with pytest.raises(UserError, match="skipped"):
        ws.create_class(name)
    assert (dataset / "cat" / "cat0.png").is_file() and not (dataset / name).exists()


def test_replay_of_a_long_history_with_forgotten_steps_keeps_the_right_stacks(dataset: Path) -> None:
    """Replay is one pass (forgotten steps trimmed lazily); the stacks match what the steps did."""
    records: list[dict[str, object]] = []
    for i in range(1, 2001):
        records += [{"type": "begin", "id": i, "kind": "assign", "description": f"step {i}",
                     "moves": [[f"a{i}.png", f"cat/a{i}.png"]]}, {"type": "commit", "id": i}]
        if i % 3 == 0:
            records.append({"type": "forget", "ids": [i - 1]})
    records += [{"type": "begin", "id": 2001, "kind": "undo", "description": "undo", "target": 2000,
                 "moves": [["cat/a2000.png", "a2000.png"]]}, {"type": "commit", "id": 2001}]
    forge(dataset, *records)
    ws = Workspace(dataset)
    forgotten = {i - 1 for i in range(3, 2001, 3)}
    assert ws.history == [i for i in range(1, 2000) if i not in forgotten]
    assert ws.redo_stack == [2000] and ws.notices == []


def test_a_writer_that_started_after_opening_makes_the_first_step_refused(dataset: Path) -> None:
    from desktop_cls.core.run_lock import FolderLock

    ws = Workspace(dataset)  # no .desktop_cls yet: no lock taken on opening
    (dataset / STATE_DIR).mkdir()
    other = FolderLock(dataset, f"{STATE_DIR}/lock")
    assert other.try_acquire()
    try:
        with pytest.raises(UserError, match="another window"):
            ws.assign([dataset / "cat" / "cat0.png"], "dog")
        assert (dataset / "cat" / "cat0.png").is_file() and ws.read_only
    finally:
        other.release()


def test_an_image_that_is_a_link_is_trashed_as_a_link_and_its_target_kept(
        dataset: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    handed: list[str] = []
    monkeypatch.setattr(send2trash, "send2trash", lambda p: handed.append(p))
    os.symlink(victim / "cat0.png", dataset / "cat" / "linked.png")
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "linked.png"], "dog")  # the link moves, not the user's picture
    assert (dataset / "dog" / "linked.png").is_symlink()
    ws.trash([dataset / "dog" / "linked.png"])
    assert ws.empty_trash() == 1 and handed  # the step's folder goes to the OS trash, without the link in it:
    assert not any(os.path.islink(os.path.join(d, n)) for h in handed for d, ds, fs in os.walk(h) for n in ds + fs)
    assert not os.path.lexists(dataset / "dog" / "linked.png") and tree_snapshot(victim) == before


@needs_symlinks
def test_an_image_behind_a_class_folder_link_is_refused_naming_the_link(dataset: Path, victim: Path) -> None:
    """A class folder that is a link to the user's own folder: its images are read, never moved. The refusal
    names the link ("…/outdir is a link"): "…/outdir/cat0.png is not inside the dataset folder …/ds" read as
    a contradiction, since the path shown starts with the dataset folder."""
    os.symlink(victim, dataset / "outdir")
    before = tree_snapshot(victim)
    ws = Workspace(dataset)
    with pytest.raises(UserError, match="is a link") as err:
        ws.assign([dataset / "outdir" / "cat0.png"], "dog")
    assert str(dataset / "outdir") in str(err.value) and "not inside" not in str(err.value)
    with pytest.raises(UserError, match="not inside the dataset folder"):  # truly elsewhere: said as before
        ws.assign([victim / "cat0.png"], "dog")
    assert tree_snapshot(victim) == before and not (dataset / "dog" / "cat0.png").exists()
