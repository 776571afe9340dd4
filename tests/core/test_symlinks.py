"""Folder links inside a class: loop-safe is not enough, they must be label-safe too."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.data.dataset import scan
from tests.conftest import write_image

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symlinks")


def three_classes(root: Path, counts: dict[str, int]) -> Path:
    rng = np.random.default_rng(0)
    for c, n in counts.items():
        for i in range(n):
            write_image(root / c / f"{c}_{i:02d}.png", rng.integers(0, 255, (12, 12, 3), dtype=np.uint8))
    return root


def test_link_up_to_the_dataset_root_adds_no_images_and_is_reported_once(tmp_path: Path) -> None:
    root = three_classes(tmp_path / "ds", {"birds": 25, "cats": 25, "dogs": 24})
    os.symlink("..", root / "cats" / "loop")
    idx = scan(root, val_fraction=0.0)
    assert idx.counts() == {"birds": 25, "cats": 25, "dogs": 24}
    loops = [p for p in idx.problems if p.kind == "symlink_loop"]
    assert len(loops) == 1 and loops[0].path.endswith(os.path.join("cats", "loop")) and "'cats'" in loops[0].message


def test_links_into_another_class_or_up_to_the_class_are_not_followed(tmp_path: Path) -> None:
    root = three_classes(tmp_path / "ds", {"cats": 5, "dogs": 4})
    (root / "cats" / "sub").mkdir()
    os.symlink(root / "dogs", root / "cats" / "more")  # absolute link across classes
    os.symlink("../..", root / "cats" / "sub" / "up")  # from a sub-folder to the root
    os.symlink("..", root / "cats" / "sub" / "self")  # back to the class folder itself
    idx = scan(root, val_fraction=0.0)
    assert idx.counts() == {"cats": 5, "dogs": 4}
    assert sorted(Path(p.path).name for p in idx.problems if p.kind == "symlink_loop") == ["more", "self", "up"]


def test_split_folders_link_from_train_into_val_is_not_followed(tmp_path: Path) -> None:
    three_classes(tmp_path / "ds" / "train", {"cats": 4, "dogs": 4})
    three_classes(tmp_path / "ds" / "val", {"cats": 2, "dogs": 2})
    os.symlink(tmp_path / "ds" / "val" / "dogs", tmp_path / "ds" / "train" / "cats" / "borrowed")
    idx = scan(tmp_path / "ds")
    assert idx.counts("train") == {"cats": 4, "dogs": 4} and idx.counts("val") == {"cats": 2, "dogs": 2}


def test_links_to_folders_elsewhere_are_followed_like_image_folder(tmp_path: Path) -> None:
    from torchvision.datasets import ImageFolder

    root = three_classes(tmp_path / "ds", {"cats": 3, "dogs": 3})
    three_classes(tmp_path / "elsewhere", {"more_cats": 4})
    os.symlink(tmp_path / "elsewhere" / "more_cats", root / "cats" / "extra")
    idx = scan(root, val_fraction=0.0)
    assert idx.counts() == {"cats": 7, "dogs": 3}
    assert not [p for p in idx.problems if p.kind == "symlink_loop"]
    reference = ImageFolder(str(root))
    assert [(os.path.realpath(p), y) for p, y in reference.samples] == [
        (os.path.realpath(s.path), s.label) for s in idx.samples]


def test_a_class_folder_linked_from_outside_is_read_and_reported_as_a_link(tmp_path: Path) -> None:
    """Read through (by design), and said so: the link, where it leads, that nothing is written through it,
    and what to do if it was not meant."""
    root = three_classes(tmp_path / "ds", {"cats": 3})
    three_classes(tmp_path / "elsewhere", {"outdir": 4})
    os.symlink(tmp_path / "elsewhere" / "outdir", root / "outdir")
    idx = scan(root, val_fraction=0.0)
    assert idx.counts() == {"cats": 3, "outdir": 4}
    links = [p for p in idx.problems if p.kind == "link"]
    assert [Path(p.path).name for p in links] == ["outdir"]
    message = links[0].message
    assert str(tmp_path / "elsewhere" / "outdir") in message and "never moves, trashes or writes" in message
    assert "replace the link with a real folder" in message


def test_image_links_are_reported_as_links_and_never_as_duplicates_of_their_target(tmp_path: Path) -> None:
    from desktop_cls.core.data.health import check_health

    root = three_classes(tmp_path / "ds", {"cats": 4, "dogs": 4})
    write_image(tmp_path / "elsewhere" / "x" / "x_00.png", np.full((12, 12, 3), (10, 200, 30), dtype=np.uint8))
    os.symlink(root / "cats" / "cats_00.png", root / "cats" / "again.png")  # the same file, inside
    os.symlink(tmp_path / "elsewhere" / "x" / "x_00.png", root / "dogs" / "outside.png")
    (root / "dogs" / "copy.png").write_bytes((root / "dogs" / "dogs_01.png").read_bytes())  # a real duplicate
    idx = scan(root, val_fraction=0.0)
    links = {Path(p.path).name: p.message for p in idx.problems if p.kind == "link"}
    assert set(links) == {"again.png", "outside.png"}
    assert "same file" in links["again.png"] and os.path.join("cats", "cats_00.png") in links["again.png"]
    assert str(tmp_path / "elsewhere" / "x" / "x_00.png") in links["outside.png"]
    found = check_health(idx)
    copies = [(Path(p.path).name, Path(p.duplicate_of or "").name) for p in found if p.duplicate_of]
    assert copies == [("dogs_01.png", "copy.png")] or copies == [("copy.png", "dogs_01.png")]  # the planted one only


def test_a_link_across_splits_is_still_a_leak(tmp_path: Path) -> None:
    """The same file in training and validation inflates the score whether it was copied or linked."""
    from desktop_cls.core.data.health import check_health

    three_classes(tmp_path / "ds" / "train", {"cats": 3, "dogs": 3})
    three_classes(tmp_path / "ds" / "val", {"cats": 1, "dogs": 1})
    os.symlink(tmp_path / "ds" / "train" / "dogs" / "dogs_02.png", tmp_path / "ds" / "val" / "dogs" / "linked.png")
    idx = scan(tmp_path / "ds")
    assert [Path(p.path).name for p in idx.problems if p.kind == "link"] == ["linked.png"]
    leaks = [p for p in check_health(idx) if p.kind == "leak"
             and "linked.png" in (Path(p.path).name, Path(p.duplicate_of or "").name)]
    assert len(leaks) == 1 and "dogs_02.png" in (Path(leaks[0].path).name, Path(leaks[0].duplicate_of or "").name)
