"""TrainConfig.method: one word for how a network trains, read from what earlier versions saved."""

from __future__ import annotations

from desktop_cls.core.training.config import TrainConfig


def test_earlier_mode_and_spellings_read_as_the_method() -> None:
    assert TrainConfig.from_dict({"mode": "quick", "model": "efficientnet_lite0", "pretrained": True}).method == "quick"
    assert TrainConfig.from_dict({"mode": "full", "model": "resnet18", "pretrained": True}).method == "fine-tune"
    assert TrainConfig.from_dict({"mode": "full"}).method == "scratch"
    assert TrainConfig.from_dict({"method": "fine_tune", "model": "resnet18", "pretrained": True}).method == (
        "fine-tune")


def test_a_whole_network_is_fine_tuned_exactly_when_it_starts_pretrained() -> None:
    assert TrainConfig(model="resnet18", pretrained=True).method == "fine-tune"
    assert TrainConfig(model="resnet18", pretrained=True).replace(pretrained=False).method == "scratch"
    assert "method" in TrainConfig().to_dict() and "mode" not in TrainConfig().to_dict()
