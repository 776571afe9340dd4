from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import torch

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.architectures import MODELS, build_model, count_parameters
from desktop_cls.core.models.catalog import parameter_count
from desktop_cls.core.training.config import Augmentation, TrainConfig
from desktop_cls.core.training.schedule import lr_multiplier


def test_config_json_round_trip() -> None:
    cfg = TrainConfig(model="simple_cnn", epochs=3, augmentation=Augmentation(vflip=True, color_jitter=0.2))
    assert TrainConfig.from_json(cfg.to_json()) == cfg


@pytest.mark.parametrize("change,msg", [
    ({"epochs": 0}, "epochs"), ({"model": "nope"}, "unknown"), ({"optimizer": "lbfgs"}, "optimizer"),
    ({"val_fraction": 1.0}, "validation"), ({"lr": -1.0}, "learning rate"), ({"typo_option": 1}, "typo_option"),
])
def test_invalid_config_is_refused_by_name(change: dict, msg: str) -> None:
    with pytest.raises(UserError, match=msg):
        TrainConfig().replace(**change)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_builds_and_classifies_small_images(name: str) -> None:
    model = build_model(name, 4, image_size=32).eval()
    with torch.no_grad():
        out = model(torch.rand(2, 3, 32, 32))
    assert out.shape == (2, 4)


@pytest.mark.parametrize("size", [16, 32, 64, 100])
def test_seed_models_size_themselves(size: int) -> None:
    for name in ("simple_cnn", "vgg_net", "quicknet"):
        assert build_model(name, 3, image_size=size)(torch.rand(1, 3, size, size)).shape == (1, 3)


def test_simple_cnn_matches_the_seed_parameter_count() -> None:
    # conv 6/16 5x5 + FC 400-120-84-10, exactly the tutorial network
    assert count_parameters(build_model("simple_cnn", 10)) == 62006
    assert parameter_count("simple_cnn", 10) == 62006


def test_pretrained_without_weights_gives_offline_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    with pytest.raises(UserError, match="not on this computer"):
        build_model("mobilenet_v3_small", 3, pretrained=True)


def test_pretrained_from_local_file_loads_backbone(tmp_path: Path) -> None:
    import torchvision
    from safetensors.torch import save_file

    ref = torchvision.models.mobilenet_v3_small(weights=None)
    path = tmp_path / "w.safetensors"
    save_file({k: v.contiguous() for k, v in ref.state_dict().items()}, str(path))
    model = build_model("mobilenet_v3_small", 3, weights_file=str(path))
    assert torch.equal(model.get_parameter("features.0.0.weight"), ref.get_parameter("features.0.0.weight"))
    assert model.get_parameter("classifier.3.weight").shape[0] == 3


def test_one_cycle_warms_up_then_anneals() -> None:
    cfg = TrainConfig(epochs=10, schedule="one_cycle")
    vals = [lr_multiplier(cfg, e / 2) for e in range(21)]
    peak = max(range(21), key=lambda i: vals[i])
    assert vals[0] < 0.1 and abs(vals[peak] - 1) < 1e-6 and vals[-1] < 0.01
    assert all(a <= b for a, b in itertools.pairwise(vals[: peak + 1]))


def test_step_schedule_drops_by_gamma() -> None:
    cfg = TrainConfig(epochs=10, schedule="step", step_size=3, step_gamma=0.5)
    assert lr_multiplier(cfg, 2.9) == 1.0 and lr_multiplier(cfg, 3.0) == 0.5 and lr_multiplier(cfg, 6.5) == 0.25


@pytest.mark.parametrize("model", ["quicknet", "simple_cnn", "vgg_net"])
def test_a_weights_file_for_a_model_without_pretrained_layers_is_refused(model: str) -> None:
    """`train --weights FILE --model quicknet` (or such a saved config) trained from random weights without a word:
    these networks load no weights file, whatever the file holds."""
    with pytest.raises(UserError, match=f"{model} starts from random weights"):
        TrainConfig(model=model, weights_file="w.pth").validate()
    TrainConfig(model="resnet18", weights_file="w.pth").validate()
