"""Optimizers and loss weights for training."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from desktop_cls.core.training.config import TrainConfig


def _param_groups(params: list[nn.Parameter], weight_decay: float, **extra: Any) -> list[dict[str, Any]]:
    decay = [p for p in params if p.requires_grad and p.ndim > 1]
    no_decay = [p for p in params if p.requires_grad and p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": weight_decay, **extra},
              {"params": no_decay, "weight_decay": 0.0, **extra}]
    return [g for g in groups if g["params"]]


def make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    """A pretrained network (a fine-tune) gets separate groups for its new head and its backbone, which
    learns at cfg.backbone_lr_factor of the rate (each group's lr_scale; TrainStep.set_lr applies it)."""
    params = list(model.parameters())
    if cfg.pretrained or cfg.weights_file:
        from desktop_cls.core.training.fine_tune import split_head

        head, backbone = split_head(model)
        groups = (_param_groups(head, cfg.weight_decay, lr_scale=1.0, part="head")
                  + _param_groups(backbone, cfg.weight_decay, lr_scale=cfg.backbone_lr_factor, part="backbone"))
    else:
        groups = _param_groups(params, cfg.weight_decay)
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=cfg.lr, momentum=cfg.momentum,
                               nesterov=cfg.nesterov and cfg.momentum > 0)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(groups, lr=cfg.lr)
    return torch.optim.AdamW(groups, lr=cfg.lr)


def class_weights(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    counts = torch.bincount(labels, minlength=num_classes).float().clamp(min=1)
    return counts.sum() / (num_classes * counts)


def epoch_seed(seed: int, epoch: int, stream: int) -> int:
    """Each epoch's shuffling and augmentation come from (seed, epoch), so a resumed run repeats them."""
    return (seed * 1_000_003 + epoch * 7_919 + stream) % (2**63 - 1)
