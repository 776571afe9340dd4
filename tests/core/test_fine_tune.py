"""Fine-tune mode: the new head learns alone first, then the whole pretrained network at a lower rate."""

from __future__ import annotations

from pathlib import Path

import torch

from desktop_cls.core.events import BaseCallback, EpochEnd, Notice
from desktop_cls.core.models.efficientnet_lite import load_imagenet_state
from desktop_cls.core.models.model_io import load_native
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.optim import make_optimizer
from desktop_cls.core.training.run import fit, resume
from tests.conftest import make_tiny_folder


class Snapshots(BaseCallback):
    """Copies of one backbone tensor and the head after every epoch."""

    def __init__(self) -> None:
        self.loop: object = None
        self.stem: list[torch.Tensor] = []
        self.head: list[torch.Tensor] = []
        self.notices: list[str] = []

    def on_fit_start(self, loop: object) -> None:
        self.loop = loop

    def on_epoch_end(self, event: EpochEnd) -> None:
        model = self.loop.model  # type: ignore[attr-defined]
        self.stem.append(model._conv_stem.weight.detach().clone())
        self.head.append(model._fc.weight.detach().clone())

    def on_notice(self, event: Notice) -> None:
        self.notices.append(event.message)


def cfg(**kw: object) -> TrainConfig:
    base: dict[str, object] = {"model": "efficientnet_lite0", "pretrained": True, "image_size": 32, "epochs": 2,
                               "batch_size": 8, "freeze_epochs": 1, "seed": 0, "cache_images": "ram",
                               "calibrate": False}
    base.update(kw)
    return TrainConfig(**base)  # type: ignore[arg-type]


def test_head_first_then_the_whole_network(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "d", per_class=6, size=24)
    snap = Snapshots()
    res = fit(cfg(), data, out=tmp_path / "run", callbacks=[snap])
    assert res.epochs_done == 2
    imagenet_stem = load_imagenet_state()["_conv_stem.weight"]
    assert torch.equal(snap.stem[0], imagenet_stem)  # epoch 1: the backbone did not move
    assert not torch.equal(snap.stem[1], imagenet_stem)  # epoch 2: it learns
    assert not torch.equal(snap.head[0], snap.head[1])
    assert any("learns alone for 1 epoch" in n for n in snap.notices)
    assert any("from epoch 2 the whole network learns" in n for n in snap.notices)
    model, meta = load_native(Path(res.run_dir) / "model.safetensors")
    assert meta.mean == (0.5, 0.5, 0.5) and model.get_parameter("_fc.weight").shape[0] == 3


def test_backbone_learns_at_a_share_of_the_rate() -> None:
    from desktop_cls.core.models.architectures import build_model

    model = build_model("efficientnet_lite0", 3, 32, pretrained=True)
    opt = make_optimizer(model, cfg(backbone_lr_factor=0.05))
    scales = {g["part"]: g["lr_scale"] for g in opt.param_groups}
    assert scales == {"head": 1.0, "backbone": 0.05}
    head = {id(p) for g in opt.param_groups if g["part"] == "head" for p in g["params"]}
    assert head == {id(model.get_parameter("_fc.weight")), id(model.get_parameter("_fc.bias"))}


def test_a_resumed_fine_tune_keeps_learning_the_backbone(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "d", per_class=6, size=24)
    first = fit(cfg(epochs=1), data, out=tmp_path / "run")
    snap = Snapshots()
    res = resume(first.run_dir, epochs=2, callbacks=[snap])
    assert res.epochs_done == 2
    assert not torch.equal(snap.stem[0], load_imagenet_state()["_conv_stem.weight"])


def test_batchnorm_keeps_the_pretrained_statistics(tmp_path: Path) -> None:
    """Re-estimated from a few batches, BatchNorm's statistics in training differ from the running ones the
    saved model uses: the head then learns on features the saved model never computes (fine-tune 23 % on 80
    digits where the frozen features give 87 %)."""
    data = make_tiny_folder(tmp_path / "d", per_class=6, size=24)
    imagenet = load_imagenet_state()
    kept = fit(cfg(), data, out=tmp_path / "kept")
    model, _ = load_native(Path(kept.run_dir) / "model.safetensors")
    assert torch.equal(model.get_buffer("_bn0.running_mean"), imagenet["_bn0.running_mean"])
    block = "_blocks.3._bn1.running_var"
    assert torch.equal(model.get_buffer(block), imagenet[block])
    # their scale and shift still learn
    assert not torch.equal(model.get_parameter("_bn0.weight"), imagenet["_bn0.weight"])
    moved = fit(cfg(freeze_bn=False), data, out=tmp_path / "moved")
    model, _ = load_native(Path(moved.run_dir) / "model.safetensors")
    assert not torch.equal(model.get_buffer("_bn0.running_mean"), imagenet["_bn0.running_mean"])


def test_train_mode_leaves_batchnorm_in_eval_mode() -> None:
    from torch import nn

    from desktop_cls.core.training.fine_tune import set_train_mode

    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5))
    net.eval()
    set_train_mode(net, freeze_bn=True)
    assert net.training and net[2].training and not net[1].training
    set_train_mode(net, freeze_bn=False)
    assert net[1].training


def test_few_images_get_more_fine_tune_epochs() -> None:
    from desktop_cls.core.training.methods import fine_tune_epochs

    assert fine_tune_epochs(80) == 10  # 5 epochs of 80 digits: 15 steps, too few to learn (77 % vs 85 %)
    assert fine_tune_epochs(160) == 10  # 20 digits per class: 83.7 % in 5 epochs, 94.0 % in 10
    assert fine_tune_epochs(400) == fine_tune_epochs(40_000) == 5
