"""Mirror a run's metrics as TensorBoard scalars when the tensorboard package is installed.

Importing tensorboard takes about a second, so a background thread imports it and writes the
scalars; training never waits for it.

A run folder may come from someone else, its tensorboard/ a link to a folder of the user's, or a link planted
where an events file goes: the folder is made (or checked) without following a link before training starts, and
the events file is created here, exclusively and without following a link (`contained`), under a new name, then
written through its descriptor to the end. TensorBoard's own writer opened the file by name again at every flush,
so a link put in its place meanwhile had every later record appended to the file it led to.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import math
import os
import queue
import socket
import threading
import time
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
        # a broken tensorboard install or a full disk must not break training
        with contextlib.suppress(Exception), EventsFile(run, purge_step) as events:
            self._drain(events)
        while not self._stopped:  # the writer failed: take what is queued until the stop
            self._stopped = self._queue.get() is None

    def _drain(self, events: EventsFile) -> None:
        while (item := self._queue.get()) is not None:
            tag, value, step, flush = item
            events.add_scalar(tag, value, step)
            if flush:
                events.flush()
        self._stopped = True

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


class EventsFile:
    """One TensorBoard events file in run/tensorboard, created by the app (never through a link, never over an
    existing name) and written through its open descriptor in TensorBoard's record format, which
    `tensorboard --logdir` reads as it reads the files of its own writer."""

    def __init__(self, run: Path, purge_step: int | None = None) -> None:
        from tensorboard.compat.proto.event_pb2 import Event, SessionLog
        from tensorboard.compat.proto.summary_pb2 import Summary
        from tensorboard.summary.writer.record_writer import RecordWriter

        self._event, self._summary = Event, Summary
        self._file = os.fdopen(_create_events_file(run), "wb")
        self._records = RecordWriter(self._file)
        try:
            self._add(Event(file_version="brain.Event:2"))
            if purge_step is not None:  # as SummaryWriter(purge_step=): later steps of an earlier start are hidden
                self._add(Event(step=purge_step, file_version="brain.Event:2"))
                self._add(Event(step=purge_step, session_log=SessionLog(status=SessionLog.START)))
            self.flush()
        except BaseException:  # a full disk: the file is closed, not left open
            self._file.close()
            raise

    def _add(self, event: Any) -> None:
        event.wall_time = time.time()
        self._records.write(event.SerializeToString())

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        self._add(self._event(step=int(step), summary=self._summary(
            value=[self._summary.Value(tag=tag, simple_value=float(value))])))

    def flush(self) -> None:
        self._file.flush()

    def __enter__(self) -> EventsFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._file.close()


_numbers = itertools.count()  # the names' last part, as TensorBoard's writer numbers its files in a process


def _create_events_file(run: Path, tries: int = 8) -> int:
    """A new file run/tensorboard/events.out.tfevents.TIME.HOST.PID.N (the name TensorBoard's writer gives, which
    orders a run's files), created exclusively: a name taken, by a link or anything else, is passed over."""
    host = "".join(c if c.isalnum() or c in "-_." else "_" for c in socket.gethostname()) or "host"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL

    def name() -> str:
        return f"{TENSORBOARD}/events.out.tfevents.{int(time.time()):010d}.{host}.{os.getpid()}.{next(_numbers)}"

    for _ in range(tries - 1):
        with contextlib.suppress(FileExistsError, contained.Refused):
            return contained.open_regular(run, name(), flags)
        if not contained.is_dir(run, TENSORBOARD):
            break  # no name will do: the last try says why
    return contained.open_regular(run, name(), flags)
