"""Labeling steps asked for faster than the disk carries them out (a class key per image, an undo after them),
queued and carried out strictly in the order asked, by one worker at a time, off the window's UI thread.

A step still journals its intent (with its fsync) before any file moves, as `labeling.Workspace` does; the queue
only moves that work off the thread that asks. A step asked for is in memory until its turn: quitting waits for
the queue (`wait`), so nothing asked for is lost; a crash before its turn loses it unjournaled, never half-done.
A step that fails is rolled back by the engine and reported, naming the file and the fix; the steps after it
still run. No thread is made here: the window runs `drain` on a worker of its own.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core import contained
from desktop_cls.core.data.labeling_journal import Operation, StepFailed
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.storage import is_write_failure, write_problem

Step = Callable[[], Operation | None]  # a Workspace step with its arguments; None: nothing was there to do


@dataclass(frozen=True, slots=True)
class Filed:
    """How one queued step went, handed back in the order asked (plain data: it crosses to the UI thread)."""

    ticket: int  # the number `put` gave it
    step: Operation | None  # the step made (None when it failed, or had nothing to do)
    error: str = ""  # why it failed, naming the file and what to do ("" when made)
    details: str = ""  # a bug's own words, for the folded details of its message
    taking: tuple[str, ...] = ()  # the loose images it was to take away (the page took them off its list)
    still_loose: tuple[str, ...] = ()  # of those, the ones still lying loose in the folder after it failed


@dataclass(frozen=True)
class _Pending:
    ticket: int
    root: Path
    run: Step
    taking: tuple[str, ...]


class StepQueue:
    """Steps in the order asked; `drain` carries them out one by one. Only one drain runs at a time: `put` says
    when the caller must start one (none is running), so a run of key presses keeps one worker busy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending: deque[_Pending] = deque()
        self._draining = False
        self.tickets = 0  # steps ever put: a listing begun before the latest put may miss what it takes away

    def put(self, root: Path, run: Step, taking: tuple[str, ...] = ()) -> tuple[int, bool]:
        """Queue a step of the dataset at `root` (`taking`: the loose images it takes away). Returns its ticket and
        whether the caller must start a drain (True when none runs)."""
        with self._lock:
            self.tickets += 1
            self._pending.append(_Pending(self.tickets, root, run, taking))
            start, self._draining = not self._draining, True
            return self.tickets, start

    def busy(self) -> bool:
        """Whether a step waits or runs."""
        with self._lock:
            return self._draining

    def drain(self, told: Callable[[Filed], object]) -> None:
        """Carry out the queued steps in order until none is left, telling `told` how each went (on this thread).
        Never stops half-way for a Cancel: each step was asked for by the user."""
        while True:
            with self._lock:
                if not self._pending:
                    self._draining = False
                    self._idle.notify_all()
                    return
                item = self._pending.popleft()
            told(_carry_out(item))

    def wait(self, timeout_s: float) -> bool:
        """Wait until every queued step was carried out (quitting); False when `timeout_s` passed first."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._draining, timeout_s)


def _carry_out(item: _Pending) -> Filed:
    try:
        return Filed(item.ticket, item.run(), taking=item.taking)
    except (UserError, OSError) as e:
        loose = tuple(n for n in item.taking if _lies_loose(item.root, n))
        return Filed(item.ticket, None, failure_message(e, item.taking, loose), "", item.taking, loose)
    except Exception as e:  # a bug: said, logged, and the next step still runs
        logging.getLogger("desktop_cls").exception("a queued labeling step failed")
        loose = tuple(n for n in item.taking if _lies_loose(item.root, n))
        said = _("Something went wrong inside desktop_cls while labeling ({reason}). This is a bug, not a problem "
                 "with your images; nothing was moved by this step.").format(reason=e)
        return Filed(item.ticket, None, said, "".join(traceback.format_exception(e)), item.taking, loose)


def _lies_loose(root: Path, name: str) -> bool:
    try:
        return contained.lexists(root, name)
    except (OSError, ValueError):
        return False


def failure_message(e: BaseException, taking: tuple[str, ...], loose: tuple[str, ...]) -> str:
    """The engine's sentence (which names the file), and what to do about it: a file gone from the folder left the
    list; a permission or a file in the way is the user's to clear before filing the image again."""
    said = e.for_gui() if isinstance(e, UserError) else \
        write_problem(e) if isinstance(e, OSError) and is_write_failure(e) else str(e)
    cause = e.cause if isinstance(e, StepFailed) else e
    gone = [n for n in taking if n not in loose]
    if gone:
        fix = _("{name} is no longer in the dataset folder (moved or deleted outside the app), so it left the "
                "list.").format(name=", ".join(gone))
    elif isinstance(cause, PermissionError):
        fix = _("Get permission to change the dataset folder and its class folders (or copy the dataset somewhere "
                "you can write to), then file the image again; it is shown again.")
    elif isinstance(cause, FileExistsError):
        fix = _("Move that file out of the way, then file the image again; it is shown again.")
    elif taking:
        fix = _("The image is shown again.")
    else:
        return said
    return f"{said}\n\n{fix}"
