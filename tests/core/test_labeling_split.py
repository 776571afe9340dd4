"""Labeling a dataset in the split-folders layout (train/ and test/ of class folders) with loose images."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.labeling import Workspace

DIGITS = [str(d) for d in range(10)]


def test_scan_reports_loose_images_of_a_split_folder(split_root: Path) -> None:
    idx = scan(split_root)
    assert idx.layout == "split_folders" and list(idx.classes) == DIGITS
    assert sorted(Path(p).name for p in idx.unlabeled) == ["loose_0.jpg", "loose_1.jpg", "loose_2.jpg"]
    assert idx.summary()["unlabeled"] == 3 and len(idx.split("test")) == 20


def test_labels_go_into_train_and_the_split_survives(split_root: Path) -> None:
    ws = Workspace(split_root)
    assert ws.classes() == DIGITS and ws.unlabeled() == ["loose_0.jpg", "loose_1.jpg", "loose_2.jpg"]
    ws.assign(["loose_0.jpg"], "2")
    ws.assign(["loose_1.jpg"], "6")
    assert (split_root / "train" / "2" / "loose_0.jpg").is_file()
    assert (split_root / "train" / "6" / "loose_1.jpg").is_file()
    assert not (split_root / "2").exists() and not (split_root / "6").exists()
    idx = scan(split_root)
    assert idx.layout == "split_folders" and list(idx.classes) == DIGITS and len(idx.unlabeled) == 1
    assert not [p for p in idx.problems if p.kind == "unknown_class"]
    ws.undo()
    ws.undo()
    assert ws.unlabeled() == ["loose_0.jpg", "loose_1.jpg", "loose_2.jpg"]


def test_new_class_and_class_edits_work_in_train(split_root: Path) -> None:
    ws = Workspace(split_root)
    ws.assign(["loose_0.jpg"], "ten")  # a new class from a label
    assert (split_root / "train" / "ten" / "loose_0.jpg").is_file() and not (split_root / "ten").exists()
    ws.create_class("eleven")
    assert (split_root / "train" / "eleven").is_dir() and "eleven" in ws.classes()
    ws.rename_class("eleven", "twelve")
    assert (split_root / "train" / "twelve").is_dir() and not (split_root / "twelve").exists()
    ws.delete_class("twelve")
    ws.merge_classes("ten", "1")
    assert (split_root / "train" / "1" / "loose_0.jpg").is_file() and "ten" not in ws.classes()
    for _ in range(5):
        ws.undo()
    assert ws.classes() == DIGITS and (split_root / "loose_0.jpg").is_file()


def test_rename_merge_and_delete_act_on_the_class_in_every_split(split_root: Path) -> None:
    """A class lives in train/ and test/: changing it in train/ alone would orphan its test images."""
    ws = Workspace(split_root)
    test = split_root / "test"
    n_test = {c: len(list((test / c).iterdir())) for c in ("3", "5") if (test / c).is_dir()}
    assert n_test, "the fixture has test images of 3 or 5"
    ws.rename_class("3", "three")
    ws.merge_classes("5", "three")
    for split in ("train", "test"):
        assert not (split_root / split / "3").exists() and not (split_root / split / "5").exists()
    assert len(list((split_root / "test" / "three").iterdir())) == sum(n_test.values())
    idx = scan(split_root)
    assert "three" in idx.classes and "3" not in idx.classes
    assert not [p for p in idx.problems if p.kind == "unknown_class"]  # no test/ class left without train/
    assert len(idx.split("test")) == 20  # every test image is still a test image
    ws.delete_class("three")
    assert not (split_root / "train" / "three").exists() and not (split_root / "test" / "three").exists()
    assert not [p for p in scan(split_root).problems if p.kind == "unknown_class"]
    for _ in range(3):
        ws.undo()
    assert list(scan(split_root).classes) == DIGITS
    assert len(scan(split_root).split("test")) == 20
    with pytest.raises(Exception, match="already exists"):
        (split_root / "test" / "nine").mkdir()
        ws.rename_class("9", "nine")  # taken in test/: a merge, not a rename


def test_relabelled_test_image_stays_in_test(split_root: Path) -> None:
    ws = Workspace(split_root)
    img = sorted(p for p in (split_root / "test").rglob("*.jpg"))[0]
    target = "5" if img.parent.name != "5" else "4"
    ws.assign([img], target)
    assert (split_root / "test" / target / img.name).is_file()
    assert scan(split_root).layout == "split_folders"


def test_flat_layout_still_labels_at_the_root(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    (root / "cat").mkdir(parents=True)
    (root / "a.png").write_bytes(b"x")
    ws = Workspace(root)
    ws.assign(["a.png"], "dog")
    assert (root / "dog" / "a.png").is_file() and ws.classes() == ["cat", "dog"]


def test_imbalance_problem_names_the_train_class_folder(split_root: Path) -> None:
    from desktop_cls.core.data.health import check_health

    for extra in range(8):  # class 7 far larger than the others
        shutil.copy(split_root / "loose_0.jpg", split_root / "train" / "7" / f"extra_{extra}.jpg")
    probs = [p for p in check_health(scan(split_root)) if p.kind == "imbalance"]
    assert probs and all(Path(p.path).is_dir() and Path(p.path).parent.name == "train" for p in probs)
