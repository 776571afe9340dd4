"""Mirror a run's metrics as TensorBoard scalars when the tensorboard package is installed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .events import BaseCallback, BatchEnd, EpochEnd


def tensorboard_available() -> bool:
    try:
        from torch.utils.tensorboard import SummaryWriter  # noqa: F401
    except ImportError:
        return False
    return True


class TensorBoardCallback(BaseCallback):
    """Writes into RUN/tensorboard; `tensorboard --logdir RUNS_FOLDER` then shows every run."""

    def __init__(self, log_dir: Path, purge_step: int | None = None) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.writer: Any = SummaryWriter(log_dir=str(log_dir), purge_step=purge_step)

    def on_batch_end(self, e: BatchEnd) -> None:
        self.writer.add_scalar("batch/train_loss", e.loss, e.global_step)
        self.writer.add_scalar("batch/lr", e.lr, e.global_step)
        self.writer.add_scalar("batch/images_per_s", e.images_per_s, e.global_step)

    def on_epoch_end(self, e: EpochEnd) -> None:
        values = {"loss/train": e.train_loss, "loss/val": e.val_loss, "accuracy/train": e.train_accuracy,
                  "accuracy/val": e.val_accuracy, "lr": e.lr, "seconds": e.seconds}
        for tag, v in values.items():
            if not math.isnan(v):
                self.writer.add_scalar(f"epoch/{tag}", v, e.epoch)
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()
