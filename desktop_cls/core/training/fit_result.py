"""What a finished (or stopped) training returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from desktop_cls.core.data.dataset import Problem


@dataclass(frozen=True)
class FitResult:
    run_dir: str
    classes: tuple[str, ...]
    epochs: int
    epochs_done: int
    best_val_accuracy: float | None
    best_epoch: int
    train_seconds: float
    cancelled: bool = False
    stopped_early: bool = False
    history: tuple[dict[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()
    world_size: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "run_dir": self.run_dir,
            "classes": list(self.classes),
            "epochs": self.epochs_done,
            "best_val_accuracy": self.best_val_accuracy,
            "train_seconds": round(self.train_seconds, 3),
            "cancelled": self.cancelled,
            "stopped_early": self.stopped_early,
        }


@dataclass
class TrainState:
    """The loop's progress, saved in every checkpoint."""


    epoch: int = 0  # epochs completed
    best_val_accuracy: float | None = None
    best_metric: float = -math.inf
    best_val_loss: float = math.inf  # breaks ties of validation accuracy (common on small validation sets)
    best_epoch: int = 0
    since_best: int = 0
    batch_size: int = 0
    auto_batch: int = 0  # the batch chosen for a batch-size 'auto' run; sets its learning-rate scaling
    history: list[dict[str, Any]] = field(default_factory=list)
