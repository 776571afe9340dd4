"""The one training planner (core.training.planner): what the user set plus the data gives one plan."""

from __future__ import annotations

import pytest

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.planner import DataFacts, Wishes, plan_training

SCANS = DataFacts({"0": 40, "1": 40}, (32, 32), ("0", "1"), "/data/digits")
MANY_SCANS = DataFacts({"0": 900, "1": 900}, (32, 32), ("0", "1"), "/data/digits")
PHOTOS = DataFacts({"cat": 300, "dog": 300}, (640, 480), ("cat", "dog"), "/data/pets")


def test_few_small_scans_get_the_quick_method_at_the_backbones_size_with_max_pooling() -> None:
    plan = plan_training(TrainConfig(), Wishes(), SCANS, weights_available=True)
    cfg = plan.config
    assert (plan.method, cfg.model, cfg.pretrained, cfg.method, cfg.image_size) == (
        "quick", "efficientnet_lite0", True, "quick", 224)
    assert plan.reason("pooling").startswith("features max-pooled")
    assert (cfg.augmentation.hflip, cfg.augmentation.vflip) == (False, False)  # digits are not mirrored
    assert "are few" in plan.reason("method")


def test_the_quick_method_is_not_said_to_train_epochs_or_flip_images() -> None:
    """It fits one layer on features computed once: "15 epochs" and "Horizontal flip on" contradicted that."""
    quick = plan_training(TrainConfig(), Wishes(), DataFacts({"a": 20, "b": 20}, (96, 96), ("a", "b"), "/clip"),
                          weights_available=True)
    assert quick.method == "quick"
    assert quick.reason("epochs").startswith("no epochs") and quick.reason("flips").startswith("no flips")
    set_epochs = plan_training(TrainConfig(), Wishes(method="quick", epochs=7), SCANS, weights_available=True)
    assert set_epochs.reason("epochs").startswith("no epochs") and set_epochs.config.epochs == 7
    scratch = plan_training(TrainConfig(), Wishes(), MANY_SCANS, weights_available=True)
    assert "the usual start" in scratch.reason("epochs") and not scratch.reason("flips").startswith("no flips")


def test_a_small_requested_size_keeps_the_backbone_out() -> None:
    plan = plan_training(TrainConfig(), Wishes(image_size=32), SCANS, weights_available=True)
    assert (plan.method, plan.config.model, plan.config.image_size) == ("scratch", "quicknet", 32)
    assert "you asked for 32 px" in plan.reason("method")
    assert not next(d for d in plan.decisions if d.key == "image_size").chosen


def test_many_small_scans_train_from_scratch_at_their_own_size() -> None:
    plan = plan_training(TrainConfig(), Wishes(), MANY_SCANS, weights_available=True)
    assert (plan.method, plan.config.model, plan.config.image_size, plan.config.epochs) == (
        "scratch", "quicknet", 32, 15)


def test_without_the_bundled_weights_the_plan_trains_from_scratch() -> None:
    plan = plan_training(TrainConfig(), Wishes(), PHOTOS, weights_available=False)
    assert plan.method == "scratch" and "not installed" in plan.reason("method")


@pytest.mark.parametrize(("data", "wishes", "epochs"), [
    (PHOTOS, Wishes(method="fine-tune"), 5),
    (SCANS, Wishes(method="fine-tune"), 10),  # 80 training images: the longest fine-tune
    (SCANS, Wishes(method="fine-tune", epochs=3), 3),
])
def test_a_fine_tune_takes_few_epochs_unless_set(data: DataFacts, wishes: Wishes, epochs: int) -> None:
    plan = plan_training(TrainConfig(), wishes, data, weights_available=True)
    assert (plan.config.pretrained, plan.config.method, plan.config.epochs) == (True, "fine-tune", epochs)


def test_custom_keeps_the_model_and_a_saved_file_its_size_and_flips() -> None:
    base = TrainConfig(model="simple_cnn", image_size=48, epochs=4)
    custom = plan_training(base, Wishes(method="custom"), PHOTOS, weights_available=True)
    assert (custom.config.model, custom.config.image_size) == ("simple_cnn", 64)  # the size follows the photos
    written = plan_training(base, Wishes(method="custom", as_written=True), PHOTOS, weights_available=True)
    assert (written.config.image_size, written.config.epochs, written.config.augmentation) == (
        48, 4, base.augmentation)


def test_the_plan_asks_the_one_weights_check_when_not_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.training import planner

    monkeypatch.setattr(planner, "bundled_weights_available", lambda: False)
    assert plan_training(TrainConfig(), Wishes(), PHOTOS).method == "scratch"


def test_few_labelled_images_per_class_are_cross_validated_and_all_learned_from() -> None:
    """24 training and 6 validation digits per class: the quick run cross-validates on all 120 and its model
    learns from all of them, so the plan says so (the pages once said "24 for validation" and "24 training images
    per class are few")."""
    digits = DataFacts({c: 24 for c in "0123"}, (32, 32), tuple("0123"), "/data/digits", {c: 6 for c in "0123"})
    plan = plan_training(TrainConfig(), Wishes(), digits, weights_available=True)
    assert plan.method == "quick" and plan.cv_folds == 5
    assert "30 labeled images per class are few" in plan.reason("method")
    assert plan.reason("validation").startswith("accuracy by 5-fold cross-validation on all 120 labeled images")
    fine_tune = plan_training(TrainConfig(), Wishes(method="fine-tune"), digits, weights_available=True)
    assert fine_tune.cv_folds == 0  # only the quick run cross-validates: a fine-tune keeps its split
    assert fine_tune.reason("validation") == ("accuracy on 24 held-out validation images; the model learns from "
                                              "the other 96")


def test_more_than_fifty_labelled_per_class_keep_the_held_out_split() -> None:
    many = DataFacts({"a": 48, "b": 48}, (32, 32), ("a", "b"), "/data/ab", {"a": 12, "b": 12})
    plan = plan_training(TrainConfig(), Wishes(), many, weights_available=True)
    assert plan.method == "quick" and plan.cv_folds == 0
    assert "48 training images per class are few" in plan.reason("method")
    no_split = plan_training(TrainConfig(val_fraction=0.0), Wishes(), SCANS, weights_available=True)
    assert no_split.cv_folds == 0  # no validation share asked for: nothing to cross-validate instead


def test_the_plan_and_the_quick_run_share_one_cross_validation_rule() -> None:
    import numpy as np

    from desktop_cls.core.training import quick
    from desktop_cls.core.training.choices import cv_folds_for_counts

    assert cv_folds_for_counts([40, 60], 0.2) == 5  # the median (50) decides, as numpy's did
    assert cv_folds_for_counts([40, 62], 0.2) == 0
    assert cv_folds_for_counts([3, 30, 30], 0.2) == 3  # no more folds than the smallest class has images
    assert cv_folds_for_counts([1, 30, 30], 0.2) == 0 and cv_folds_for_counts([30], 0.2) == 0
    y_tr, y_va = np.repeat([0, 1, 2], 8), np.repeat([0, 1, 2], 2)
    assert quick._cv_folds(y_tr, y_va, 0.2) == cv_folds_for_counts([10, 10, 10], 0.2) == 5


def test_the_plan_says_the_pooling_the_run_builds_its_head_for() -> None:
    """The Train form sizes its parameter count by it: the quick mode's choice, else the average."""
    scans = plan_training(TrainConfig(), Wishes(), SCANS, weights_available=True)
    lite2 = plan_training(TrainConfig(), Wishes(method="quick", model="efficientnet_lite2"), PHOTOS,
                          weights_available=True)
    scratch = plan_training(TrainConfig(), Wishes(method="scratch"), MANY_SCANS, weights_available=True)
    assert (scans.pooling, lite2.pooling, scratch.pooling) == ("max", "avgmax", "avg")
    assert lite2.config.model == "efficientnet_lite2"
