"""A top-level class folder that is a link up the tree is not walked (counted twice, or a whole disk)."""

from __future__ import annotations

import os
from pathlib import Path

from desktop_cls.core.data.dataset import scan
from tests.conftest import make_tiny_folder
from tests.security.conftest import needs_symlinks

pytestmark = needs_symlinks


def test_class_links_up_the_tree_or_into_the_dataset_are_left_out_and_reported(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "parent" / "ds", classes=("cat", "dog"), per_class=4)
    os.symlink("..", root / "loop")  # the dataset itself, again
    os.symlink(tmp_path / "parent", root / "up")  # a folder that holds the dataset (`-> /` alike)
    os.symlink(root / "cat", root / "kitten")  # another class of this dataset
    idx = scan(root, val_fraction=0.0)
    assert idx.counts() == {"cat": 4, "dog": 4}
    left_out = sorted(Path(p.path).name for p in idx.problems if p.kind == "symlink_loop")
    assert left_out == ["kitten", "loop", "up"]
    assert all("left out" in p.message for p in idx.problems if p.kind == "symlink_loop")


def test_a_class_link_to_a_folder_elsewhere_is_still_a_class(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "ds", classes=("cat",), per_class=3)
    make_tiny_folder(tmp_path / "elsewhere", classes=("dog",), per_class=3)
    os.symlink(tmp_path / "elsewhere" / "dog", root / "dog")
    assert scan(root, val_fraction=0.0).counts() == {"cat": 3, "dog": 3}


def test_split_folders_class_link_up_the_tree_is_left_out(tmp_path: Path) -> None:
    make_tiny_folder(tmp_path / "ds" / "train", classes=("cat", "dog"), per_class=4)
    make_tiny_folder(tmp_path / "ds" / "val", classes=("cat", "dog"), per_class=2)
    os.symlink("../..", tmp_path / "ds" / "val" / "cat2")
    os.symlink("..", tmp_path / "ds" / "train" / "bird")
    idx = scan(tmp_path / "ds")
    assert list(idx.classes) == ["cat", "dog"]
    assert idx.counts("train") == {"cat": 4, "dog": 4} and idx.counts("val") == {"cat": 2, "dog": 2}
