"""Mirror a run's metrics as TensorBoard scalars when the tensorboard package is installed.

Importing tensorboard takes about a second, so a background thread imports it and writes the
scalars; training never waits for it.

A run folder may come from someone else, its tensorboard/ a link to a folder of the user's: the folder is
made (or checked) without following a link before training starts, and the writer is handed the folder's
descriptor (Linux), not its name, so the events file lands in the run whatever happens to the name meanwhile.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import queue
import sys
import threading
from pathlib import Path
from typing import Any

from desktop_cls.core import contained
from desktop_cls.core.events import BatchEnd, EpochEnd
from desktop_cls.core.run_dir import TENSORBOARD
from desktop_cls.core.training.callbacks import Loop, LoopCallback


def tensorboard_available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None


class TensorBoardCallback(LoopCallback):
    """Writes into RUN/tensorboard; `tensorboard --logdir RUNS_FOLDER` then shows every run.

    On resume, the steps past the checkpoint's epoch are purged so the curves do not fold back."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, float, int, bool] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopped = False  # the thread took the stop item

    def on_fit_start(self, loop: Loop) -> None:
        super().on_fit_start(loop)
        contained.mkdir(loop.run, TENSORBOARD)  # Refused (one message) for a link or a file in its place
        purge_step = loop.state.epoch + 1 if loop.resumed else None
        self._thread = threading.Thread(target=self._write, args=(loop.run, purge_step),
                                        name="tensorboard", daemon=True)
        self._thread.start()

    def on_fit_end(self, loop: Loop) -> None:
        self.close()

    def _write(self, run: Path, purge_step: int | None) -> None:
        with contextlib.suppress(Exception):  # a broken tensorboard install or a full disk must not break training
            from torch.utils.tensorboard import SummaryWriter

            with contained.folder(run, [TENSORBOARD]) as fd:  # held open while the writer writes
                self._drain(SummaryWriter(log_dir=str(_log_dir(run, fd)), purge_step=purge_step))
        while not self._stopped:  # the writer failed: take what is queued until the stop
            self._stopped = self._queue.get() is None

    def _drain(self, writer: Any) -> None:
        while (item := self._queue.get()) is not None:
            tag, value, step, flush = item
            writer.add_scalar(tag, value, step)
            if flush:
                writer.flush()
        self._stopped = True
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


def _log_dir(run: Path, fd: int | None) -> Path:
    """The checked folder run/tensorboard: on Linux through its descriptor (the writer opens its events file
    by path again at every flush, and a name swapped for a link meanwhile would be followed)."""
    by_fd = f"/proc/self/fd/{fd}"
    if fd is not None and sys.platform.startswith("linux") and os.path.isdir(by_fd):
        return Path(by_fd)
    return run / TENSORBOARD
