"""Learning-rate range test (Smith 2017, popularised by fastai): raise the learning rate
exponentially over a short run and recommend the value where the loss falls fastest."""

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
from desktop_cls.core.i18n import _
from desktop_cls.core.training.batches import TensorBatches
from desktop_cls.core.training.choices import REFERENCE_BATCH
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.step import TrainStep


@dataclass(frozen=True)
class LRFinderResult:
    lrs: list[float]
    losses: list[float]  # smoothed
    recommended_lr: float  # the user applies it (or not); JSON keeps its first name, "suggested_lr"

    def to_dict(self) -> dict[str, Any]:
        return {"suggested_lr": self.recommended_lr, "lrs": self.lrs, "losses": self.losses}


def steepest_lr(lrs: np.ndarray, losses: np.ndarray) -> float:
    """Steepest descent of the smoothed loss, ignoring the noisy first and exploding last points."""
    if len(lrs) < 5:
        return float(lrs[int(np.argmin(losses))] / 10) if len(lrs) else 1e-3
    lo, hi = max(1, len(lrs) // 10), max(2, len(lrs) - len(lrs) // 10)
    grads = np.gradient(losses[lo:hi], np.log(lrs[lo:hi]))
    return float(lrs[lo + int(np.argmin(grads))])


def _sweep(step: TrainStep, source: TensorBatches, loss_fn: nn.Module, gen: torch.Generator, start_lr: float,
           end_lr: float, steps: int, batch_size: int, progress: ProgressFn,
           cancel: CancelToken | None) -> tuple[list[float], list[float]]:
    """Train with an exponentially rising learning rate; (rates, smoothed losses) until steps or divergence."""
    factor = (end_lr / start_lr) ** (1 / max(steps - 1, 1))
    lrs: list[float] = []
    losses: list[float] = []
    avg, best, n = 0.0, math.inf, 0
    while n < steps:
        for x_u8, y in source.batches(batch_size, gen):
            if cancel is not None:
                cancel.raise_if_set()
            lr = start_lr * factor**n
            step.set_lr(lr)
            loss_sum, _correct = step(x_u8, y, gen, loss_fn)
            value = float(loss_sum) / y.shape[0]  # one sync per step is fine for a 100-step sweep
            n += 1
            avg = 0.98 * avg + 0.02 * value
            smoothed = avg / (1 - 0.98**n)
            if not math.isfinite(smoothed) or (n > 10 and smoothed > 4 * best):
                return lrs, losses  # diverged: the sweep is over
            best = min(best, smoothed)
            lrs.append(lr)
            losses.append(smoothed)
            progress(n, steps, _("finding the learning rate"))
            if n >= steps:
                break
    return lrs, losses


def find_lr(config: TrainConfig, data: DatasetIndex | str | Path, start_lr: float = 1e-6, end_lr: float = 1.0,
            steps: int = 100, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> LRFinderResult:
    """Sweep the learning rate from start_lr to end_lr over `steps` training steps of a fresh model.

    It trains exactly as fit does (the same TrainStep: augmentation, precision, channels-last, gradient
    clipping), on the training split of data. Raises UserError without training images or when the loss
    diverges at once; CancelledError when cancel is set."""
    cfg = config.validate()
    index = data if isinstance(data, DatasetIndex) else scan(data, val_fraction=cfg.val_fraction, seed=cfg.seed)
    train = index.split("train")
    if not train:
        raise UserError(_("no training images to run the learning-rate finder on"))
    device = resolve_device(cfg.device)
    decoded, _skipped = decode_samples(train, (cfg.image_size, cfg.image_size), progress=progress, cancel=cancel)
    if len(decoded.paths) < 2:
        raise UserError(_("the learning-rate finder needs at least two readable images"))
    step = TrainStep.build(cfg.replace(lr=start_lr), len(index.classes), device)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    source = TensorBatches(decoded.images, decoded.labels, device)
    gen = torch.Generator().manual_seed(cfg.seed)
    batch_size = min(cfg.batch_size or REFERENCE_BATCH, len(source))
    lrs, losses = _sweep(step, source, loss_fn, gen, start_lr, end_lr, steps, batch_size, progress, cancel)
    if not lrs:
        raise UserError(_("the learning-rate finder diverged at once; try a smaller start learning rate"))
    return LRFinderResult(lrs, losses, steepest_lr(np.asarray(lrs), np.asarray(losses)))
