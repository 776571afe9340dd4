"""Learning-rate schedules as a pure function of training progress.

Because the multiplier depends only on progress (epochs done, as a float), resuming needs no
scheduler state and halving the batch size mid-run keeps the schedule on track.
"""

from __future__ import annotations

import math

from desktop_cls.core.training.config import TrainConfig


def lr_multiplier(cfg: TrainConfig, progress_epochs: float) -> float:
    """progress_epochs: epochs completed so far, fractional (0 at the start, cfg.epochs at the end)."""
    total = max(cfg.epochs, 1)
    p = min(max(progress_epochs / total, 0.0), 1.0)
    if cfg.schedule == "one_cycle":
        peak = 0.25
        if p < peak:
            return 0.04 + 0.96 * p / peak
        return 0.5 * (1 + math.cos(math.pi * (p - peak) / (1 - peak))) * 0.999 + 0.001
    warm = cfg.warmup_epochs if cfg.warmup_epochs > 0 else (1.0 if cfg.schedule == "warmup" else 0.0)
    if warm > 0 and progress_epochs < warm:
        return max(progress_epochs / warm, 0.01)
    if cfg.schedule == "step":
        return float(cfg.step_gamma ** math.floor(progress_epochs / max(cfg.step_size, 1)))
    if cfg.schedule == "cosine":
        span = max(total - warm, 1e-9)
        q = min(max((progress_epochs - warm) / span, 0.0), 1.0)
        return 0.5 * (1 + math.cos(math.pi * q))
    return 1.0
