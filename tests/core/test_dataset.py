from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from torchvision.datasets import ImageFolder

from desktop_cls.core.data.dataset import scan, stratified_split
from desktop_cls.core.errors import UserError
from tests.conftest import make_tiny_folder, reading_in_processes, write_image

PIX = np.full((6, 6, 3), 120, dtype=np.uint8)


def test_matches_imagefolder_classes_indices_and_order(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", classes=("b_class", "A_class", "c"), per_class=3)
    write_image(root / "c" / "nested" / "deeper" / "x.PNG", PIX)  # nested + upper-case extension
    write_image(root / "A_class" / "Z.JPEG", PIX, fmt="JPEG")
    (root / "c" / "notes.txt").write_text("not an image")
    ref = ImageFolder(str(root))
    idx = scan(root, val_fraction=0.0)
    assert list(idx.classes) == ref.classes
    assert [(s.path, s.label) for s in idx.samples] == [(str(Path(p).resolve()), t) for p, t in ref.samples]


def test_hidden_and_system_files_are_never_classes_or_samples(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=2)
    write_image(root / ".ipynb_checkpoints" / "a.png", PIX)
    write_image(root / "cat" / ".hidden.png", PIX)
    write_image(root / "cat" / ".cache" / "b.png", PIX)
    (root / "cat" / ".DS_Store").write_bytes(b"\0\1")
    (root / "cat" / "Thumbs.db").write_bytes(b"\0")
    (root / "desktop.ini").write_text("[x]")
    idx = scan(root, val_fraction=0.0)
    assert idx.classes == ("cat", "dog", "fish")
    assert all("/." not in s.path for s in idx.samples)
    assert idx.counts()["cat"] == 2


def test_empty_class_is_reported_not_fatal(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=2)
    (root / "empty").mkdir()
    idx = scan(root, val_fraction=0.0)
    assert "empty" not in idx.classes
    assert any(p.kind == "empty_class" and p.path.endswith("empty") for p in idx.problems)


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=2)
    os.symlink(root / "cat", root / "cat" / "loop")
    idx = scan(root, val_fraction=0.0)
    assert idx.counts()["cat"] == 2
    assert any(p.kind == "symlink_loop" for p in idx.problems)


def test_corrupt_files_are_problems_and_left_out(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=3)
    (root / "dog" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (root / "dog" / "empty.jpg").write_bytes(b"")
    idx = scan(root, val_fraction=0.0, verify="full")
    bad = {Path(p.path).name: p.kind for p in idx.problems}
    assert bad["broken.png"] in ("corrupt", "not_image")
    assert bad["empty.jpg"] == "corrupt"
    assert idx.counts()["dog"] == 3
    assert all("broken" not in s.path for s in idx.samples)


def test_split_is_stratified_seeded_and_disjoint(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=10)
    a = scan(root, val_fraction=0.2, seed=3)
    b = scan(root, val_fraction=0.2, seed=3)
    c = scan(root, val_fraction=0.2, seed=4)
    assert a.samples == b.samples
    assert a.samples != c.samples
    assert a.counts("val") == {"cat": 2, "dog": 2, "fish": 2}
    assert not {s.path for s in a.split("val")} & {s.path for s in a.split("train")}


def test_stratified_split_keeps_one_train_image_per_class() -> None:
    splits = stratified_split([0, 0, 1], 0.9, seed=0)
    assert splits.count("train") == 2  # class 0 keeps one of its two; class 1 (one image) stays in train


def test_train_val_test_folders_are_used_as_given(tmp_path: Path) -> None:
    make_tiny_folder(tmp_path / "d" / "train", per_class=4)
    make_tiny_folder(tmp_path / "d" / "valid", per_class=2)
    make_tiny_folder(tmp_path / "d" / "test", classes=("cat", "dog", "fish", "bird"), per_class=1)
    idx = scan(tmp_path / "d")
    assert idx.layout == "split_folders"
    assert len(idx.split("train")) == 12 and len(idx.split("val")) == 6 and len(idx.split("test")) == 3
    assert any(p.kind == "unknown_class" and p.path.endswith("bird") for p in idx.problems)


def test_loose_images_are_unlabeled(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=2)
    write_image(root / "loose.png", PIX)
    assert scan(root).unlabeled == (str((root / "loose.png").resolve()),)


def test_fingerprint_changes_when_a_file_changes(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=2)
    before = scan(root).fingerprint["sha256"]
    assert scan(root).fingerprint["sha256"] == before
    write_image(root / "cat" / "cat_00.png", np.zeros((5, 5, 3), dtype=np.uint8))
    assert scan(root).fingerprint["sha256"] != before


@pytest.mark.parametrize("setup,message", [
    ("missing", "folder not found"),
    ("file", "not a folder"),
    ("no_classes", "no classes found"),
])
def test_bad_folders_are_clear_user_errors(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "x"
    if setup == "file":
        target.write_text("x")
    elif setup == "no_classes":
        write_image(target / "loose.png", PIX)
    with pytest.raises(UserError, match=message):
        scan(target)


def test_train_and_test_folders_without_val_split_validation_from_train(tmp_path: Path) -> None:
    """scikit-learn / Kaggle shape: train/ and test/ only. Not two classes "train" and "test"."""
    make_tiny_folder(tmp_path / "d" / "train", per_class=10)
    make_tiny_folder(tmp_path / "d" / "test", per_class=3, seed=1)
    idx = scan(tmp_path / "d", val_fraction=0.2, seed=0)
    assert idx.layout == "split_folders" and idx.classes == ("cat", "dog", "fish")
    assert idx.counts("val") == {"cat": 2, "dog": 2, "fish": 2}
    assert len(idx.split("train")) == 24 and len(idx.split("test")) == 9
    test_dir = str((tmp_path / "d" / "test").resolve())
    assert all(s.path.startswith(test_dir) for s in idx.split("test"))
    assert not any(s.path.startswith(test_dir) for s in idx.split("train") + idx.split("val"))
    assert idx.val_fraction == 0.2  # recorded, so a resumed run gets the same split
    assert scan(tmp_path / "d", val_fraction=0.2, seed=0).samples == idx.samples


def test_classes_really_named_train_and_test_stay_classes(tmp_path: Path) -> None:
    root = tmp_path / "d"
    for name in ("train", "test"):
        for i in range(2):
            write_image(root / name / f"{i}.png", PIX)
    idx = scan(root, val_fraction=0.0)
    assert idx.layout == "class_folders" and idx.classes == ("test", "train")


def test_class_counts_are_counted_once_per_index() -> None:
    """The window asks for them several times per change; each count of 100,000 samples cost its UI thread 30 ms."""
    from desktop_cls.core.data.dataset import DatasetIndex, Sample

    class CountedSamples(tuple[Sample, ...]):
        reads = 0

        def __iter__(self) -> Iterator[Sample]:
            CountedSamples.reads += 1
            return super().__iter__()

    samples = CountedSamples([Sample("a", 0, "train"), Sample("b", 1, "val"), Sample("c", 1, "train"),
                              Sample("d", 1, "test")])
    index = DatasetIndex(root="/x", layout="class_folders", classes=("cat", "dog"), samples=samples)
    assert index.counts() == {"cat": 1, "dog": 3}
    assert index.counts("train") == {"cat": 1, "dog": 1} and index.counts("val") == {"cat": 0, "dog": 1}
    assert index.counts("nowhere") == {"cat": 0, "dog": 0}
    index.counts()["cat"] = 99  # a caller's copy: the index keeps its own
    assert index.counts() == {"cat": 1, "dog": 3} and CountedSamples.reads == 1


def test_many_headers_are_read_in_worker_processes_in_the_callers_language(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading headers is mostly Python: threads held the interpreter lock the window's UI thread needs. The
    processes describe problems as the app would (its language, not the system's)."""
    from desktop_cls.core.data import file_checks
    from desktop_cls.core.i18n import current_language, set_language

    root = make_tiny_folder(tmp_path / "data")
    (root / "cat" / "broken.png").write_bytes(b"not a picture at all")
    before = current_language()
    try:
        set_language("zh_CN")
        in_threads = scan(root, verify="header").problems
        pools = reading_in_processes(monkeypatch, file_checks)
        in_processes = scan(root, verify="header").problems
    finally:
        set_language(before)
    assert pools == ["ProcessPoolExecutor"]
    assert [(p.path, p.kind, p.message) for p in in_processes] == [(p.path, p.kind, p.message) for p in in_threads]
    assert len(in_threads) == 1 and in_threads[0].path.endswith("broken.png")
    set_language("en")
    try:
        english = scan(root, verify="header").problems[0].message
    finally:
        set_language(before)
    assert english != in_processes[0].message  # the processes spoke the caller's language, not the system's


def test_a_picture_over_the_pixel_limit_is_reported_with_the_limit_and_the_fix(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan's header check said only "over the limit": the Problems tab gave no limit and no fix."""
    from desktop_cls.core.data import imaging

    root = make_tiny_folder(tmp_path / "data")
    write_image(root / "cat" / "huge.png", np.full((20, 30, 3), 9, dtype=np.uint8))
    monkeypatch.setattr(imaging, "MAX_PIXELS", 500)  # the tiny folder's 6x6 pictures stay under it
    problems = scan(root, verify="header").problems
    assert [(Path(p.path).name, p.kind) for p in problems] == [("huge.png", "too_large")]
    assert "30x20 pixels" in problems[0].message and "shrink the image" in problems[0].message


def test_an_image_the_loader_refuses_from_its_header_is_not_counted_as_usable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan checked pixels only: an image whose decode needs more memory than allowed per image was counted,
    then refused by training, and the Train page said "21 labeled images per class" for a class of 20 usable."""
    from desktop_cls.core.data.memory_limits import MAX_IMAGE_MB_ENV
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.planner import DataFacts, Wishes, plan_training

    root = make_tiny_folder(tmp_path / "data", classes=("cat", "dog"), per_class=20)
    write_image(root / "cat" / "wide.png", np.full((1000, 1000, 3), 9, dtype=np.uint8))
    monkeypatch.setenv(MAX_IMAGE_MB_ENV, "1")  # 1 MB per image: the 16x16 ones fit, the 1000x1000 one does not
    index = scan(root, verify="header")
    assert [(Path(p.path).name, p.kind) for p in index.problems] == [("wide.png", "too_large")]
    assert sum(index.counts().values()) == 40
    method = plan_training(TrainConfig(), Wishes(), DataFacts.of(index), weights_available=True).reason("method")
    assert "20 labeled images per class" in method, method
