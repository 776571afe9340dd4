"""What every command shares: exit codes, JSON on stdout, and the refusal to replace a file silently."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.names import for_terminal

EXIT_FINDINGS = 1  # scan --fail-on: a finding of a listed kind
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def clean(obj: Any) -> Any:
    """JSON has no NaN: report missing numbers as null."""
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    return obj


def say(text: str, flush: bool = False) -> None:
    """One line of a command's report on stdout, its control, invisible and bidi characters escaped: the paths and
    names in it come from folders and model files, and a file named with terminal escapes must not set the
    window title, clear the screen or fake a line."""
    print(for_terminal(text), flush=flush)


def print_json(obj: Any) -> None:
    """With --json, stdout carries this one line of JSON and nothing else (progress goes to stderr)."""
    sys.stdout.write(json.dumps(clean(obj), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def number_in(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], Any]:
    """An argparse type: a number of `kind` from `low` to `high`; anything else (NaN included) is a usage error that
    says the range, instead of a value that quietly does something odd (a --threshold of 5 made every image
    "unknown")."""
    def parse(text: str) -> Any:
        value = kind(text)  # a ValueError: argparse's own "invalid int value: 'x'"
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(_("must be between {low} and {high}, not {value}").format(
                low=kind(low), high=kind(high), value=text))
        return value

    parse.__name__ = kind.__name__
    return parse


def refuse_existing(out: str | Path, overwrite: bool) -> None:
    """A file the user already has is replaced only when they said --overwrite; a folder never is. A link counts
    as a file there, one whose target is gone too (a link to a drive not plugged in): the write would replace it."""
    if Path(out).is_dir():
        raise UserError(_("{path} is a folder; give the name of a file to write (inside it or elsewhere)").format(
            path=out))
    if os.path.lexists(out) and not overwrite:
        raise UserError(_("{path} already exists; choose another file or add --overwrite").format(path=out))


# The commands that read images or models, and so keep image features, decoded images, small copies, picture
# digests or verified exports in the cache folder; the others never touch it.
CACHE_COMMANDS = frozenset({"scan", "train", "lr-find", "eval", "predict", "explain", "export", "serve"})


def warn_when_no_cache() -> None:
    """The cache folder cannot be written (XDG_CACHE_HOME on a file, a read-only disk): say so once, naming the
    folder and the fix, and go on; every cache treats a failed write as a miss, so the command still works, only
    slower. Without this the features of every image were silently worked out again at each run."""
    from desktop_cls.core.storage import user_cache_dir, writable_problem

    folder = user_cache_dir()
    problem = writable_problem(folder)
    if problem is None:
        return
    message = _("the cache folder {folder} cannot be written ({reason}), so image features and decoded images are "
                "worked out again each time and this is slower; going on without it. Make that folder writable (on "
                "Linux, XDG_CACHE_HOME says where it is), or set DESKTOP_CLS_CACHE_DIR to a folder you can write "
                "to").format(folder=folder, reason=problem)
    sys.stderr.write(_("desktop-cls: warning: {message}").format(message=for_terminal(message)) + "\n")
