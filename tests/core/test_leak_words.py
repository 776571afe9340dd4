"""A leak's words follow the planned run: a cross-validating run has no validation split to inflate."""

from __future__ import annotations

from pathlib import Path

from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.data.health import check_health
from desktop_cls.core.data.leak_words import worded_for_run
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.planner import DataFacts, Wishes, plan_training
from tests.core.test_health import distinct_images, save


def leaky_split_folders(root: Path) -> Path:
    """Three images per class in train and in val, one validation image a copy of a training one, and a test
    image a copy of another: few enough that the quick method cross-validates."""
    images = distinct_images(14, seed=5)
    for i in range(6):
        save(images[i], root / "train" / ("x" if i % 2 else "y") / f"train{i}.png")
        save(images[i + 6], root / "val" / ("x" if i % 2 else "y") / f"val{i}.png")
    save(images[0], root / "val" / "y" / "leaked.png")
    save(images[1], root / "test" / "x" / "tested.png")
    save(images[12], root / "test" / "y" / "test0.png")
    save(images[13], root / "test" / "x" / "test1.png")
    return root


def planned_folds(idx: DatasetIndex) -> int:
    return plan_training(TrainConfig(), Wishes(), DataFacts.of(idx), weights_available=True).cv_folds


def test_a_leak_into_validation_is_worded_for_cross_validation(tmp_path: Path) -> None:
    idx = scan(leaky_split_folders(tmp_path / "ds"))
    folds = planned_folds(idx)
    assert folds > 0  # the default quick run holds no validation set out here
    splits = {s.path: s.split for s in idx.samples}
    leaks = {Path(p.path).name: p.message for p in worded_for_run(check_health(idx), splits, folds)
             if p.kind == "leak"}
    assert set(leaks) == {"leaked.png", "tested.png"}, leaks
    assert "cross-validated score is inflated" in leaks["leaked.png"], leaks["leaked.png"]
    assert "validation score" not in leaks["leaked.png"] and "validation split" not in leaks["leaked.png"]
    assert "train0.png" in leaks["leaked.png"]  # still names the other copy
    assert "the test score is inflated" in leaks["tested.png"]  # the test images stay out of every run


def test_a_run_that_holds_validation_out_keeps_the_held_out_words(tmp_path: Path) -> None:
    idx = scan(leaky_split_folders(tmp_path / "ds"))
    splits = {s.path: s.split for s in idx.samples}
    leak = next(p for p in worded_for_run(check_health(idx), splits, 0) if p.path.endswith("leaked.png"))
    assert "the validation score is inflated" in leak.message
