"""Labeling file operations: never overwrite, never delete, undo/redo across restarts, crash recovery."""

from __future__ import annotations

import errno
import hashlib
import os
import random
from pathlib import Path

import pytest

from desktop_cls.core.data.labeling import STATE_DIR, Workspace
from desktop_cls.core.errors import UserError


def random_operations(ws: Workspace, n: int, seed: int = 0) -> int:
    """Apply n random valid operations ."""
    rng = random.Random(seed)
    done = 0
    for _ in range(n * 3):
        if done >= n:
            break
        classes = ws.classes()
        files = [f"{c}/{f.name}" for c in classes for f in sorted(ws.abs(c).iterdir()) if f.is_file()]
        files += ws.unlabeled()
        choice = rng.random()
        try:
            if choice < 0.45 and files:
                ws.assign(rng.sample(files, min(len(files), rng.randint(1, 3))),
                          rng.choice([*classes, f"c{rng.randint(0, 5)}"]))
            elif choice < 0.55 and files:
                ws.trash([rng.choice(files)])
            elif choice < 0.65:
                ws.create_class(f"new{rng.randint(0, 50)}")
            elif choice < 0.75 and classes:
                ws.rename_class(rng.choice(classes), f"ren{rng.randint(0, 50)}")
            elif choice < 0.85 and len(classes) > 1:
                a, b = rng.sample(classes, 2)
                ws.merge_classes(a, b)
            elif choice < 0.9 and classes:
                ws.delete_class(rng.choice(classes))
            elif choice < 0.95 and ws.can_undo():
                ws.undo()
            elif ws.can_redo():
                ws.redo()
            else:
                continue
            done += 1
        except UserError:
            continue
    return done


def snapshot(root: Path) -> dict[str, str]:
    """Every file outside the app's own folder: relative path -> sha256 of its bytes."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != STATE_DIR]
        for f in files:
            p = Path(dirpath) / f
            out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir() and STATE_DIR not in p.parts}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    for c in ("cat", "dog"):
        (root / c).mkdir(parents=True)
        for i in range(5):
            (root / c / f"{c}{i}.png").write_bytes(f"{c}-{i}".encode())
    (root / "img.png").write_bytes(b"cat-0")  # same name as... no: unique bytes, loose image
    (root / "loose2.jpg").write_bytes(b"loose")
    return root


def test_assign_never_overwrites(dataset: Path) -> None:
    ws = Workspace(dataset)
    (dataset / "dog" / "cat0.png").write_bytes(b"a dog named cat0")
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    assert (dataset / "dog" / "cat0.png").read_bytes() == b"a dog named cat0"
    assert (dataset / "dog" / "cat0 (2).png").read_bytes() == b"cat-0"


def test_unlabeled_images_get_classes_and_new_classes_appear(dataset: Path) -> None:
    ws = Workspace(dataset)
    assert ws.unlabeled() == ["img.png", "loose2.jpg"]
    ws.assign(["img.png"], "bird")
    assert (dataset / "bird" / "img.png").exists() and ws.classes() == ["bird", "cat", "dog"]
    ws.undo()
    assert (dataset / "img.png").exists() and not (dataset / "bird").exists()


def test_delete_is_the_trash_and_undoable(dataset: Path) -> None:
    before = snapshot(dataset)
    ws = Workspace(dataset)
    ws.delete_class("dog")
    ws.trash([dataset / "cat" / "cat1.png"])
    assert not (dataset / "dog").exists() and not (dataset / "cat" / "cat1.png").exists()
    trashed = list((dataset / STATE_DIR / "trash").rglob("*.png"))
    assert len(trashed) == 6  # nothing deleted: all in the dataset's trash
    ws.undo()
    ws.undo()
    assert snapshot(dataset) == before


def test_rename_merge_and_refusals(dataset: Path) -> None:
    ws = Workspace(dataset)
    with pytest.raises(UserError, match="already exists"):
        ws.rename_class("cat", "dog")
    with pytest.raises(UserError, match="cannot be a class name"):
        ws.create_class("../evil")
    ws.merge_classes("cat", "dog")
    assert len(list((dataset / "dog").iterdir())) == 10 and not (dataset / "cat").exists()
    ws.undo()
    assert len(list((dataset / "cat").iterdir())) == 5


def test_the_dataset_folder_itself_is_no_image_to_move(dataset: Path) -> None:
    """Dropping the dataset folder on one of its classes (it is "inside" the open folder) raised a ValueError that
    no page expects, instead of one sentence."""
    ws = Workspace(dataset)
    for step in (lambda: ws.assign([dataset], "cat"), lambda: ws.trash([str(dataset)])):
        with pytest.raises(UserError, match="dataset folder itself"):
            step()
    assert not ws.can_undo() and not (dataset / STATE_DIR).exists()


def test_a_class_folder_filed_into_another_class_is_refused_with_the_way_to_merge(dataset: Path) -> None:
    """assign([root/'dog'], 'cat') moved the whole folder to cat/dog (a class nested in a class, its images gone
    from both classes) and called it "1 image to 'cat'"; any other folder was moved whole the same way."""
    before = snapshot(dataset)
    (dataset / "dog" / "more").mkdir()
    ws = Workspace(dataset)
    with pytest.raises(UserError, match=r"folder of the class .*dog.*not an image; nothing was moved.*merge") as e:
        ws.assign([dataset / "dog"], "cat")
    assert str(dataset / "dog") in str(e.value) and "cat" in str(e.value)
    with pytest.raises(UserError, match="is a folder, not an image"):
        ws.assign([dataset / "dog" / "more", dataset / "dog" / "dog1.png"], "cat")
    (dataset / "dog" / "more").rmdir()
    assert snapshot(dataset) == before and not ws.can_undo()


def test_undo_and_redo_survive_a_restart(dataset: Path) -> None:
    before = snapshot(dataset)
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat2.png"], "dog")
    ws.rename_class("dog", "hound")
    after = snapshot(dataset)
    ws2 = Workspace(dataset)  # the app was closed and opened again
    assert ws2.describe_undo() == "rename 'dog' to 'hound'"
    ws2.undo()
    ws2.undo()
    assert snapshot(dataset) == before
    ws3 = Workspace(dataset)
    ws3.redo()
    ws3.redo()
    assert snapshot(dataset) == after


def test_thousand_random_operations_then_full_undo_restore_the_tree(dataset: Path) -> None:
    before, dirs = snapshot(dataset), folders(dataset)
    ws = Workspace(dataset)
    assert random_operations(ws, 500, seed=1) == 500
    ws = Workspace(dataset)  # restart in the middle
    assert random_operations(ws, 500, seed=2) == 500
    assert len(snapshot(dataset)) + len(list((dataset / STATE_DIR / "trash").rglob("*.*"))) >= len(before)
    ws = Workspace(dataset)
    while ws.can_undo():
        ws.undo()
    assert snapshot(dataset) == before
    assert folders(dataset) == dirs


def test_crash_between_journal_and_move_is_recovered(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(dataset)
    ws = Workspace(dataset)
    real_rename = os.rename
    calls = {"n": 0}

    def crash_after_first(src: str, dst: str, **at: int | None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("power cut")  # the journal says 3 moves; only 1 happened
        real_rename(src, dst, **at)

    monkeypatch.setattr(os, "rename", crash_after_first)
    with pytest.raises(KeyboardInterrupt):
        ws.assign([dataset / "cat" / f"cat{i}.png" for i in range(3)], "dog")
    monkeypatch.setattr(os, "rename", real_rename)
    ws2 = Workspace(dataset)
    assert ws2.recovered == 1
    snap = snapshot(dataset)
    assert sorted(snap.values()) == sorted(before.values())  # no file lost, none duplicated
    assert all(f"dog/cat{i}.png" in snap for i in range(3))  # the operation was finished
    ws2.undo()
    assert snapshot(dataset) == before


def test_torn_journal_line_is_ignored(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    with open(dataset / STATE_DIR / "journal.jsonl", "a") as f:
        f.write('{"type": "begin", "id": 9, "kin')
    ws2 = Workspace(dataset)
    assert ws2.describe_undo().startswith("1 image")


def test_empty_trash_hands_files_to_the_os_trash(dataset: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import send2trash

    os_trash = tmp_path / "os_trash"
    os_trash.mkdir()
    monkeypatch.setattr(send2trash, "send2trash", lambda p: shutil.move(p, os_trash))
    ws = Workspace(dataset)
    ws.trash([dataset / "cat" / "cat0.png"])
    ws.delete_class("dog")
    ws.assign([dataset / "cat" / "cat1.png"], "bird")
    ws.undo()  # the assign waits on the redo stack; the trash operations are history
    assert ws.empty_trash() == 7  # 1 image + the dog folder and its 5 images
    assert not any((dataset / STATE_DIR / "trash").iterdir())
    assert len(list(os_trash.rglob("*.png"))) == 6
    assert not ws.can_undo() and ws.can_redo()  # trashed work can no longer be undone; the assign can be redone


def test_a_stopped_emptying_leaves_the_rest_and_their_steps(dataset: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import send2trash

    os_trash = tmp_path / "os_trash"
    os_trash.mkdir()
    sent: list[str] = []

    def send(path: str) -> None:
        sent.append(path)
        shutil.move(path, os_trash)

    monkeypatch.setattr(send2trash, "send2trash", send)
    ws = Workspace(dataset)
    ws.trash([dataset / "cat" / "cat0.png"])
    ws.trash([dataset / "cat" / "cat1.png"])
    ws.delete_class("dog")
    told: list[tuple[int, int]] = []
    assert ws.empty_trash(stop=lambda: len(told) == 1, told=lambda done, total: told.append((done, total))) == 1
    assert told == [(1, 3)] and len(sent) == 1  # stopped after the first of three items
    left = sorted(p.name for p in (dataset / STATE_DIR / "trash").iterdir())
    assert len(left) == 2 and (dataset / STATE_DIR / "trash" / left[1] / "dog").is_dir()
    assert len(ws.history) == 2
    ws.undo()  # the steps whose files stayed can still be undone...
    ws.undo()
    assert (dataset / "dog").is_dir() and (dataset / "cat" / "cat1.png").is_file()
    assert not ws.can_undo()  # ...the one whose file went cannot
    assert not (dataset / "cat" / "cat0.png").exists()


def test_copy_into_folders_never_overwrites(tmp_path: Path) -> None:
    from desktop_cls.core.storage import copy_into_folders

    src = tmp_path / "a.png"
    src.write_bytes(b"new")
    (tmp_path / "out" / "cat").mkdir(parents=True)
    (tmp_path / "out" / "cat" / "a.png").write_bytes(b"old")
    done = copy_into_folders([(str(src), "cat"), (str(src), "dog")], tmp_path / "out")
    assert (tmp_path / "out" / "cat" / "a.png").read_bytes() == b"old"
    assert Path(done[0][1]).name == "a (2).png" and Path(done[0][1]).read_bytes() == b"new"
    assert (tmp_path / "out" / "dog" / "a.png").exists() and src.exists()


def test_listeners_hear_every_change_to_what_undo_and_redo_would_do(dataset: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import send2trash

    os_trash = tmp_path / "os_trash"
    os_trash.mkdir()
    monkeypatch.setattr(send2trash, "send2trash", lambda p: shutil.move(p, os_trash))
    ws = Workspace(dataset)
    heard: list[tuple[str | None, str | None]] = []

    def listener() -> None:
        u, r = ws.undo_target(), ws.redo_target()
        heard.append((u.kind if u else None, r.kind if r else None))

    ws.listeners.append(listener)
    assert ws.undo_target() is None and ws.redo_target() is None
    ws.assign([dataset / "cat" / "cat2.png"], "dog")
    ws.undo()
    ws.redo()
    ws.trash([dataset / "dog" / "cat2.png"])
    ws.empty_trash()  # the trash step can be neither undone nor redone any more
    assert heard == [("assign", None), (None, "assign"), ("assign", None), ("trash", None),
                     ("assign", None)]
    target = ws.undo_target()
    assert target is not None and target.moves[-1].dst == "dog/cat2.png"


def test_many_images_into_several_classes_are_one_step_and_one_undo(dataset: Path) -> None:
    """Accepting suggestions: every image to its class in one journaled step; one undo puts every file back."""
    for i in range(40):
        (dataset / f"s{i:02d}.png").write_bytes(f"s{i}".encode())
    (dataset / "dog" / "s01.png").write_bytes(b"taken")  # a name clash gets a free name, never an overwrite
    before = snapshot(dataset)
    ws = Workspace(dataset)
    groups = {"cat": [f"s{i:02d}.png" for i in range(0, 40, 2)], "dog": [f"s{i:02d}.png" for i in range(1, 40, 2)],
              "bird": ["img.png"]}
    op = ws.assign_groups(groups)
    assert len(ws.history) == 1 and op.kind == "assign" and "41 images to 3 classes" in op.description
    assert ws.unlabeled() == ["loose2.jpg"] and (dataset / "bird" / "img.png").is_file()
    dog = dataset / "dog"
    assert (dog / "s01 (2).png").read_bytes() == b"s1" and (dog / "s01.png").read_bytes() == b"taken"
    ws.undo()
    assert snapshot(dataset) == before and not (dataset / "bird").exists() and not ws.can_undo()
    ws.redo()
    assert ws.unlabeled() == ["loose2.jpg"] and Workspace(dataset).can_undo()  # the step survives a restart


def test_a_labeling_step_syncs_its_write_ahead_record_only(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key press runs on the UI thread: its step fsyncs the journal once (the intent, before any file moves),
    not a second time for the commit, which a crash may lose (the next test: the step is then finished)."""
    import desktop_cls.core.contained as contained

    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")  # the first step also makes the state folder and lock
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(contained.os, "fsync", fsync)
    ws.assign([dataset / "cat" / "cat1.png"], "dog")
    assert len(synced) == 1


def test_a_commit_lost_in_a_crash_leaves_the_step_done_and_undoable(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png"], "dog")
    journal = dataset / STATE_DIR / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"commit"' in lines[-1]
    journal.write_text("".join(lines[:-1]), encoding="utf-8")  # the unsynced commit never reached the disk
    ws2 = Workspace(dataset)
    assert ws2.recovered == 1 and (dataset / "dog" / "cat0.png").exists()
    ws2.undo()
    assert (dataset / "cat" / "cat0.png").exists() and not (dataset / "dog" / "cat0.png").exists()


@pytest.mark.parametrize("err", [errno.EACCES, errno.EROFS])
def test_a_folder_that_cannot_be_changed_refuses_with_its_name_and_moves_nothing(
        dataset: Path, monkeypatch: pytest.MonkeyPatch, err: int) -> None:
    """A read-only dataset (a DVD, a read-only mount, someone else's folder): "cannot write .desktop_cls" named
    neither the folder nor a way out."""
    from desktop_cls.core import contained

    def refused(root: object, rel: object) -> None:
        raise OSError(err, os.strerror(err), ".desktop_cls")

    monkeypatch.setattr(contained, "mkdir", refused)
    ws = Workspace(dataset)
    before = snapshot(dataset)
    with pytest.raises(UserError) as caught:
        ws.assign(["img.png"], "cat")
    message = str(caught.value)
    assert str(dataset) in message and "nothing was moved" in message and "copy it somewhere you can write" in message
    assert snapshot(dataset) == before and not ws.can_undo()


def test_a_full_disk_while_journaling_moves_nothing_and_keeps_the_journal(
        dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.data import labeling

    ws = Workspace(dataset)
    ws.assign(["img.png"], "cat")
    journal = (dataset / STATE_DIR / "journal.jsonl").read_bytes()
    before = snapshot(dataset)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "journal.jsonl")

    monkeypatch.setattr(labeling, "append_jsonl", full)
    with pytest.raises(UserError, match=r"cannot be changed \(the disk is full\); nothing was moved"):
        ws.assign(["loose2.jpg"], "dog")
    assert snapshot(dataset) == before and (dataset / STATE_DIR / "journal.jsonl").read_bytes() == journal
