"""Plain-data progress events and the tokens that stop or pause long work from another thread.

Only these frozen dataclasses cross threads; the GUI re-emits them as Qt signals.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from desktop_cls.core.i18n import _


class CancelledError(Exception):
    """Raised inside long work when its CancelToken is set; callers turn it into a clean stop."""


class CancelToken:
    """Thread-safe flag: the UI sets it, the worker checks it between batches or files. reason says who
    stopped the work ("user", or "quit" when the app closes: a run's status records it)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "user"

    def set(self, reason: str = "user") -> None:
        if not self._event.is_set():
            self.reason = reason
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def raise_if_set(self) -> None:
        if self._event.is_set():
            raise CancelledError()


class PauseToken:
    """Pausing blocks the worker between batches until resumed (or cancelled)."""

    def __init__(self) -> None:
        self._running = threading.Event()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def is_paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self, cancel: CancelToken | None = None, poll_s: float = 0.1) -> None:
        while not self._running.wait(poll_s):
            if cancel is not None and cancel.is_set():
                return


ProgressFn = Callable[[int, int, str], None]
"""progress(done, total, what): called from the worker thread; must be cheap."""


def no_progress(done: int, total: int, what: str) -> None:
    """Default progress sink."""


@dataclass(frozen=True, slots=True)
class BatchEnd:
    epoch: int  # 1-based
    step: int  # 1-based within the epoch
    steps_per_epoch: int
    global_step: int
    loss: float  # mean training loss since the previous BatchEnd
    lr: float
    images_per_s: float
    eta_s: float
    gpu_memory_mb: float


@dataclass(frozen=True, slots=True)
class EpochEnd:
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    lr: float
    seconds: float
    images_per_s: float
    is_best: bool


def describe_epoch(e: EpochEnd) -> str:
    """One line about a finished epoch, the same words in the CLI and the app's training log."""
    val = _("n/a") if math.isnan(e.val_accuracy) else f"{e.val_accuracy:.1%}"
    return (_("epoch {epoch}/{epochs}: train loss {train_loss:.3f}, accuracy {train_accuracy:.1%} · validation loss "
              "{val_loss:.3f}, accuracy {val} · {seconds:.1f} s, {images_per_s:,.0f} img/s").format(
                epoch=e.epoch, epochs=e.epochs, train_loss=e.train_loss, train_accuracy=e.train_accuracy,
                val_loss=e.val_loss, val=val, seconds=e.seconds, images_per_s=e.images_per_s)
            + (_(" · best so far") if e.is_best else ""))


def describe_quick_fit(e: EpochEnd) -> str:
    """The quick method's one fit in its own words: it has no epochs, only a last layer fitted in one step."""
    val = _("n/a") if math.isnan(e.val_accuracy) else f"{e.val_accuracy:.1%}"
    return _("last layer fitted in {seconds:.1f} s: accuracy {train_accuracy:.1%} on the images it learned from, "
             "{val} on images it did not learn from").format(seconds=e.seconds, train_accuracy=e.train_accuracy,
                                                               val=val)


@dataclass(frozen=True, slots=True)
class StageChanged:
    """Coarse phases before/after the epochs (loading images, building model, saving). `stage` is the shown,
    translated text; `key` names the phase in words that never change with the language, for code that acts on
    it: "loading", "hashing", "building", "training", "calibrating", "backbone", "features", "fitting",
    "saving" ("" when unnamed)."""

    stage: str
    done: int = 0
    total: int = 0
    key: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should read (batch size halved, dataset changed, files skipped)."""

    message: str
    level: str = "info"  # info | warning


class Callback(Protocol):
    def on_stage(self, event: StageChanged) -> None:
        """Called when the run moves to another phase."""

    def on_batch_end(self, event: BatchEnd) -> None:
        """Called every few batches (about 10 times a second at most)."""

    def on_epoch_end(self, event: EpochEnd) -> None:
        """Called after validation of each epoch."""

    def on_notice(self, event: Notice) -> None:
        """Called with messages for the user."""


class BaseCallback:
    """No-op implementation of every hook; subclass and override what you need."""

    def on_stage(self, event: StageChanged) -> None:
        pass

    def on_batch_end(self, event: BatchEnd) -> None:
        pass

    def on_epoch_end(self, event: EpochEnd) -> None:
        pass

    def on_notice(self, event: Notice) -> None:
        pass
