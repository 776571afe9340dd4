"""The labeling engine's FolderShape follows class steps (new, renamed, merged, deleted class, and their undo and
redo) from the folders they moved, so none of them lists the dataset folder: after each, what it keeps is what a
fresh look at the disk says. Where the layout itself may have changed (a class named like a split beside the
classes, the last class of split folders gone) it forgets, and the next look reads the folder. Work is counted
(`reads`: each listing of the folder for the shape), never timed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_cls.core.data.folder_layout import detect_layout
from desktop_cls.core.data.labeling import Workspace
from desktop_cls.core.data.labeling_state import FolderShape
from tests.conftest import make_tiny_folder


def fresh(root: Path) -> list[str]:
    return FolderShape(root).classes()


def steps(ws: Workspace) -> list[Callable[[], object]]:
    return [lambda: ws.create_class("bird"), lambda: ws.rename_class("bird", "owl"),
            lambda: ws.merge_classes("dog", "cat"), lambda: ws.delete_class("fish"),
            ws.undo, ws.undo, ws.redo, ws.undo, ws.undo, ws.undo, ws.redo, ws.redo]


def test_class_steps_and_their_undo_list_no_folder(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=3)
    for i in range(5):
        (root / f"loose_{i}.png").write_bytes((root / "cat" / "cat_00.png").read_bytes())
    ws = Workspace(root)
    assert ws.classes() == ["cat", "dog", "fish"]
    reads = ws.shape.reads
    for step in steps(ws):
        step()
        assert ws.shape.kept() == fresh(root), ws.describe_undo()
    assert ws.shape.reads == reads  # twelve class steps, not one listing of the folder
    assert ws.unlabeled() == [f"loose_{i}.png" for i in range(5)]  # loose images were never touched


def test_a_bare_folder_of_loose_images_gets_its_first_class(tmp_path: Path) -> None:
    root = tmp_path / "bare"
    root.mkdir()
    (root / "a.png").write_bytes(b"x")
    ws = Workspace(root)
    assert ws.classes() == []
    reads = ws.shape.reads
    ws.create_class("cat")
    assert ws.shape.kept() == ["cat"] == fresh(root) and ws.shape.reads == reads
    ws.assign(["a.png"], "cat")
    assert (root / "cat" / "a.png").is_file() and ws.shape.reads == reads
    ws.undo()
    ws.undo()
    assert ws.shape.kept() == [] == fresh(root) and (root / "a.png").is_file()
    assert ws.reread() == (["a.png"], []) and ws.shape.reads == reads + 1  # (the look for outside changes)


def test_split_folders_follow_a_class_through_every_split(tmp_path: Path) -> None:
    root = tmp_path / "split"
    make_tiny_folder(root / "train", per_class=3)
    make_tiny_folder(root / "test", classes=("cat", "dog"), per_class=2)
    ws = Workspace(root)
    assert ws.classes() == ["cat", "dog", "fish"]
    reads = ws.shape.reads
    ws.rename_class("cat", "kitten")
    assert (root / "test" / "kitten").is_dir() and (root / "train" / "kitten").is_dir()
    ws.merge_classes("dog", "kitten")
    assert len(list((root / "test" / "kitten").iterdir())) == 4
    ws.create_class("bird")
    assert (root / "train" / "bird").is_dir() and not (root / "bird").exists()
    assert ws.shape.kept() == ["bird", "fish", "kitten"] == fresh(root) and ws.shape.reads == reads
    for _ in range(3):
        ws.undo()
    assert ws.shape.kept() == ["cat", "dog", "fish"] == fresh(root) and ws.shape.reads == reads


def test_the_last_class_of_train_and_test_gone_is_read_again(tmp_path: Path) -> None:
    """train/ and test/ without classes are two classes named train and test: the shape cannot follow that."""
    root = tmp_path / "split"
    make_tiny_folder(root / "train", classes=("cat",), per_class=2)
    make_tiny_folder(root / "test", classes=("cat",), per_class=2)
    ws = Workspace(root)
    assert ws.classes() == ["cat"]
    ws.delete_class("cat")
    assert ws.shape.kept() is None and ws.classes() == ["test", "train"] == fresh(root)
    assert detect_layout(root) == "class_folders"


@pytest.mark.parametrize("name", ["val", "Test"])
def test_classes_named_like_splits_are_read_again(tmp_path: Path, name: str) -> None:
    """Folders train and val alone are split folders, not two classes (train and test too, when train/ holds
    folders): the shape follows while another class is beside them, and is read again once they are alone."""
    root = make_tiny_folder(tmp_path / "d", classes=("train", "cat"), per_class=2)
    ws = Workspace(root)
    assert ws.classes() == ["cat", "train"]
    ws.create_class(name)
    assert detect_layout(root) == "class_folders" and ws.shape.kept() == fresh(root) == sorted(["cat", "train", name])
    ws.delete_class("cat")  # train and val alone: split folders (train/ holding images, and test: two classes)
    assert ws.shape.kept() is None
    assert ws.classes() == fresh(root) == ([] if name == "val" else ["Test", "train"])
    assert detect_layout(root) == ("split_folders" if name == "val" else "class_folders")
    ws.undo()  # (planned beside the classes, undone in split folders: read again, not guessed)
    assert ws.classes() == fresh(root) == sorted(["cat", "train", name])


def test_undoing_a_new_class_that_got_files_meanwhile_keeps_it(tmp_path: Path) -> None:
    """Undo of a new class removes its folder only when empty; one that got a file from elsewhere stays a class."""
    root = make_tiny_folder(tmp_path / "d", per_class=2)
    ws = Workspace(root)
    ws.create_class("bird")
    (root / "bird" / "b.png").write_bytes(b"x")
    reads = ws.shape.reads
    ws.undo()
    assert (root / "bird" / "b.png").is_file()
    assert ws.shape.kept() == ["bird", "cat", "dog", "fish"] == fresh(root) and ws.shape.reads == reads
