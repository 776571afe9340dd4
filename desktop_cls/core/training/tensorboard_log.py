"""Mirror a run's metrics as TensorBoard scalars when the tensorboard package is installed.

Importing tensorboard takes about a second, so a background thread imports it and writes the
scalars; training never waits for it.
"""

from __future__ import annotations

import importlib.util
import math
import queue
import threading
from pathlib import Path

from desktop_cls.core.events import BatchEnd, EpochEnd
from desktop_cls.core.training.callbacks import Loop, LoopCallback


def tensorboard_available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None


class TensorBoardCallback(LoopCallback):
    """Writes into RUN/tensorboard; `tensorboard --logdir RUNS_FOLDER` then shows every run.

    On resume, the steps past the checkpoint's epoch are purged so the curves do not fold back."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, float, int, bool] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def on_fit_start(self, loop: Loop) -> None:
        super().on_fit_start(loop)
        purge_step = loop.state.epoch + 1 if loop.resumed else None
        self._thread = threading.Thread(target=self._write, args=(loop.run / "tensorboard", purge_step),
                                        name="tensorboard", daemon=True)
        self._thread.start()

    def on_fit_end(self, loop: Loop) -> None:
        self.close()

    def _write(self, log_dir: Path, purge_step: int | None) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter

            writer = SummaryWriter(log_dir=str(log_dir), purge_step=purge_step)
        except Exception:  # a broken tensorboard install must not break training
            while self._queue.get() is not None:
                pass
            return
        while True:
            item = self._queue.get()
            if item is None:
                break
            tag, value, step, flush = item
            writer.add_scalar(tag, value, step)
            if flush:
                writer.flush()
        writer.close()

    def on_batch_end(self, e: BatchEnd) -> None:
        for tag, v in (("batch/train_loss", e.loss), ("batch/lr", e.lr), ("batch/images_per_s", e.images_per_s)):
            self._queue.put((tag, v, e.global_step, False))

    def on_epoch_end(self, e: EpochEnd) -> None:
        values = {"loss/train": e.train_loss, "loss/val": e.val_loss, "accuracy/train": e.train_accuracy,
                  "accuracy/val": e.val_accuracy, "lr": e.lr, "seconds": e.seconds}
        items = [(f"epoch/{tag}", v) for tag, v in values.items() if not math.isnan(v)]
        for i, (tag, v) in enumerate(items):
            self._queue.put((tag, v, e.epoch, i == len(items) - 1))

    def close(self, timeout_s: float = 30.0) -> None:
        """Write what is queued and stop the thread (at most timeout_s)."""
        if self._thread is None:
            return
        self._queue.put(None)  # stop
        self._thread.join(timeout_s)
        self._thread = None
