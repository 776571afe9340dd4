"""Fan-out of training events to callbacks that implement any subset of the hooks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop_cls.core.events import BatchEnd, EpochEnd, Notice, StageChanged


class CallbackList:
    """Fans events out to callbacks; a callback may implement any subset of the hooks."""

    def __init__(self, callbacks: Sequence[Any]) -> None:
        self.cbs = list(callbacks)

    def _emit(self, hook: str, event: object) -> None:
        for cb in self.cbs:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(event)

    def stage(self, stage: str, done: int = 0, total: int = 0) -> None:
        self._emit("on_stage", StageChanged(stage, done, total))

    def batch(self, e: BatchEnd) -> None:
        self._emit("on_batch_end", e)

    def epoch(self, e: EpochEnd) -> None:
        self._emit("on_epoch_end", e)

    def notice(self, message: str, level: str = "info") -> None:
        self._emit("on_notice", Notice(message, level))
