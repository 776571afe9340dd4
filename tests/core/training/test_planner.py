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
