"""How a training run stands: one enum for the engine, the command line and the window.

run.json stores the value; the words earlier versions wrote ("starting", "completed", "cancelled", …) are
read as the status they meant, so old run folders list correctly. Torch-free.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from desktop_cls.core.i18n import _


class RunStatus(str, Enum):
    RUNNING = "running"  # a process trains it now (or died without a word: see run_dir.run_status)
    FINISHED = "finished"  # all epochs, or stopped early because it stopped improving
    STOPPED = "stopped"  # by the user (Stop, Ctrl+C) or by quitting the app: resumable
    INTERRUPTED = "interrupted"  # the process was killed, crashed, or the disk filled up: resumable
    FAILED = "failed"  # an error ended it (bad data, out of memory at batch 1, …)
    DAMAGED = "damaged"  # run.json cannot be read

    def __str__(self) -> str:
        return self.value

    @property
    def resumable(self) -> bool:
        """Ended before its last epoch through no fault of its own: training can continue."""
        return self in (RunStatus.STOPPED, RunStatus.INTERRUPTED)


class StopReason(str, Enum):
    """Who stopped a run (run.json "stopped_by"): the window lists a run closed with the app differently."""

    USER = "user"
    QUIT = "quit"


_EARLIER_WORDS = {
    "starting": RunStatus.RUNNING,
    "completed": RunStatus.FINISHED,
    "stopped_early": RunStatus.FINISHED,
    "cancelled": RunStatus.STOPPED,
    "cancelled_before_first_epoch": RunStatus.STOPPED,
}


def status_of(info: dict[str, Any]) -> RunStatus:
    """The status run.json records (a word this version does not know reads as DAMAGED)."""
    word = str(info.get("status", ""))
    if word in _EARLIER_WORDS:
        return _EARLIER_WORDS[word]
    try:
        return RunStatus(word)
    except ValueError:
        return RunStatus.DAMAGED


def status_text(status: RunStatus, stopped_by: str | None = None) -> str:
    """The status in the user's words (the command line's `runs` and the window's lists)."""
    if status is RunStatus.STOPPED and stopped_by == StopReason.QUIT:
        return _("stopped: the app was closed")
    return {
        RunStatus.RUNNING: _("running"),
        RunStatus.FINISHED: _("finished"),
        RunStatus.STOPPED: _("stopped"),
        RunStatus.INTERRUPTED: _("interrupted"),
        RunStatus.FAILED: _("failed"),
        RunStatus.DAMAGED: _("damaged"),
    }[status]
