"""Learning-rate range test (Smith 2017, popularised by fastai): raise the learning rate
exponentially over a short run and suggest the value where the loss falls fastest."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.data.image_cache import decode_samples
from desktop_cls.core.devices import resolve_device
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.models.architectures import build_model
from desktop_cls.core.models.preprocessing import IMAGENET_MEAN, IMAGENET_STD, normalize, to_float
from desktop_cls.core.training.augment import augment
from desktop_cls.core.training.batches import TensorBatches
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.defaults import REFERENCE_BATCH
from desktop_cls.core.training.trainer import make_optimizer


@dataclass(frozen=True)
class LRFinderResult:
    lrs: list[float]
    losses: list[float]  # smoothed
    suggested_lr: float

    def to_dict(self) -> dict[str, Any]:
        return {"suggested_lr": self.suggested_lr, "lrs": self.lrs, "losses": self.losses}


def suggest(lrs: np.ndarray, losses: np.ndarray) -> float:
    """Steepest descent of the smoothed loss, ignoring the noisy first and exploding last points."""
    if len(lrs) < 5:
        return float(lrs[int(np.argmin(losses))] / 10) if len(lrs) else 1e-3
    lo, hi = max(1, len(lrs) // 10), max(2, len(lrs) - len(lrs) // 10)
    grads = np.gradient(losses[lo:hi], np.log(lrs[lo:hi]))
    return float(lrs[lo + int(np.argmin(grads))])


def find_lr(config: TrainConfig, data: DatasetIndex | str | Path, start_lr: float = 1e-6, end_lr: float = 1.0,
            steps: int = 100, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> LRFinderResult:
    cfg = config.validate()
    index = data if isinstance(data, DatasetIndex) else scan(data, val_fraction=cfg.val_fraction, seed=cfg.seed)
    train = index.split("train")
    if not train:
        raise UserError("no training images to run the learning-rate finder on")
    device = resolve_device(cfg.device)
    size = (cfg.image_size, cfg.image_size)
    decoded, _ = decode_samples(train, size, progress=progress, cancel=cancel)
    if len(decoded.paths) < 2:
        raise UserError("the learning-rate finder needs at least two readable images")
    torch.manual_seed(cfg.seed)
    model = build_model(cfg.model, len(index.classes), cfg.image_size, pretrained=cfg.pretrained,
                        weights_file=cfg.weights_file).to(device).train()
    opt = make_optimizer(model, cfg.replace(lr=start_lr))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    source = TensorBatches(decoded.images, decoded.labels, device)
    gen = torch.Generator().manual_seed(cfg.seed)
    factor = (end_lr / start_lr) ** (1 / max(steps - 1, 1))
    lrs: list[float] = []
    losses: list[float] = []
    avg, best, step = 0.0, math.inf, 0
    while step < steps:
        for x_u8, y in source.batches(min(cfg.batch_size or REFERENCE_BATCH, len(source)), gen):
            if cancel is not None:
                cancel.raise_if_set()
            lr = start_lr * factor**step
            for g in opt.param_groups:
                g["lr"] = lr
            x = normalize(augment(to_float(x_u8), cfg.augmentation, gen), IMAGENET_MEAN, IMAGENET_STD)
            loss = loss_fn(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            value = float(loss.detach())  # one sync per step is fine for a 100-step sweep
            step += 1
            avg = 0.98 * avg + 0.02 * value
            smoothed = avg / (1 - 0.98**step)
            if not math.isfinite(smoothed) or (step > 10 and smoothed > 4 * best):
                step = steps  # diverged: the sweep is over
                break
            best = min(best, smoothed)
            lrs.append(lr)
            losses.append(smoothed)
            progress(step, steps, "finding the learning rate")
            if step >= steps:
                break
    if not lrs:
        raise UserError("the learning-rate finder diverged at once; try a smaller start learning rate")
    return LRFinderResult(lrs, losses, suggest(np.asarray(lrs), np.asarray(losses)))
