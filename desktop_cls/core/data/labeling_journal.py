"""The labeling journal's records: parsed defensively (a journal is a file anyone can damage) and
rolled back when an interrupted step cannot be finished."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop_cls.core import contained
from desktop_cls.core.data import step_words
from desktop_cls.core.data.step_words import StepFacts
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _


@dataclass(frozen=True)
class Move:
    """src -> dst, relative to the dataset root and written with "/" on every system (core.contained.parts). src
    None: create folder dst; dst None: remove empty src."""

    src: str | None
    dst: str | None

    def inverse(self) -> Move:
        return Move(self.dst, self.src)

    def to_list(self) -> list[str | None]:
        return [self.src, self.dst]


@dataclass(frozen=True)
class Operation:
    id: int
    kind: str
    moves: tuple[Move, ...]
    description: str  # the words stored when it was made (a journal without facts has only these)
    target: int | None = None  # the step an undo or redo reverses or repeats
    facts: StepFacts | None = None  # what it did, worded when shown (step_words)

    def words(self) -> str:
        """The step's name in the current language; the stored words when its facts do not say it."""
        return step_words.phrase(self.kind, self.facts) or self.description

    def revisit_facts(self) -> StepFacts | None:
        """The facts an undo or redo of this step journals: its own, and its kind."""
        return None if self.facts is None else replace(self.facts, of=self.kind)


class StepFailed(UserError):
    """A labeling step that could not be carried out and was rolled back; `cause` says why."""

    def __init__(self, message: str, cause: BaseException) -> None:
        super().__init__(message)
        self.cause = cause


def int_or_none(value: Any) -> int | None:
    """A journal record's id as written (an int, not a bool or text), or None."""
    return value if type(value) is int else None


def _safe_rel(path: Any) -> bool:
    """A journal path must stay inside the dataset: relative, no '..', no NUL, no drive, as core.contained reads it
    on this system (the one check is the one acted on: a\\x.png on Linux names that file, never a/x.png). The app
    writes '/' between names on every system, so a journal written on Windows reads the same here."""
    try:
        return isinstance(path, str) and bool(contained.parts(path))
    except ValueError:
        return False


def parse_begin(rec: dict[str, Any]) -> tuple[Operation, int | None] | None:
    """A 'begin' record as (operation, undo/redo target), or None when any field is malformed."""
    op_id, kind, moves, target = rec.get("id"), rec.get("kind"), rec.get("moves"), rec.get("target")
    if type(op_id) is not int or not isinstance(kind, str) or not isinstance(moves, list) or not moves:
        return None
    if target is not None and type(target) is not int:
        return None
    parsed: list[Move] = []
    for m in moves:
        if not (isinstance(m, list) and len(m) == 2 and any(x is not None for x in m)
                and all(x is None or _safe_rel(x) for x in m)):
            return None
        parsed.append(Move(m[0], m[1]))
    facts = step_words.read_facts(rec.get("facts"))
    return Operation(op_id, kind, tuple(parsed), step_words.stored_text(rec.get("description")), target,
                     facts), target


def reason(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror and e.filename:
        return f"{e.strerror}: {e.filename}"
    return str(e) or type(e).__name__


def for_good(cause: BaseException) -> bool:
    """Whether an undo or redo that failed for `cause` can never be done: a file it moves is gone, or a link lies
    on its way (a hand-edited or planted journal step through a link: the app never writes through one). Such a
    step leaves the list, so it does not block every step before it."""
    link = isinstance(cause, contained.Refused) and cause.found == contained.LINK
    return link or isinstance(cause, FileNotFoundError)


def revisit_words(kind: str) -> tuple[str, str, str, str]:
    """Undo's or redo's words as whole sentences, so each language words them its own way: the step's name,
    a file gone for good, a file in the way, any other failure (placeholders {step} and {reason})."""
    if kind == "undo":
        return (step_words.revisit_name(kind),
                _("“{step}” can no longer be undone: {reason}. It was taken off the undo list; nothing was changed."),
                _("cannot undo “{step}”: {reason}. Move that file away and try again; nothing was changed."),
                _("cannot undo “{step}”: {reason}"))
    return (step_words.revisit_name(kind),
            _("“{step}” can no longer be redone: {reason}. It was taken off the redo list; nothing was changed."),
            _("cannot redo “{step}”: {reason}. Move that file away and try again; nothing was changed."),
            _("cannot redo “{step}”: {reason}"))


def rollback_tolerant(root: Path, moves: tuple[Move, ...]) -> None:
    """Put back whatever part of `moves` is on disk, when which part ran is unknown (after a crash). Each
    check and move stays inside root without following a link (core.contained); one that cannot is skipped."""
    for m in reversed(moves):
        with contextlib.suppress(OSError, ValueError):
            if m.src is not None and m.dst is not None:
                if contained.lexists(root, m.dst) and not contained.lexists(root, m.src):
                    contained.rename(root, m.dst, m.src, parents=True)
            elif m.dst is not None:
                if contained.is_empty_dir(root, m.dst):
                    contained.rmdir(root, m.dst)
            elif m.src is not None:
                contained.mkdir(root, m.src)


def trim(stack: list[int], dropped: set[int]) -> None:
    """Forgotten steps off the end of an undo or redo stack (replay forgets lazily, in one pass)."""
    while stack and stack[-1] in dropped:
        stack.pop()
