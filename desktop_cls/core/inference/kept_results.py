"""Results a run folder keeps for the next start: the Evaluate page's last evaluation and the Export page's last
exports (saved_evaluation, saved_exports), so a restart does not ask for a long evaluation or export again.

A run folder may come from someone else, so a kept file is input like any other: it is written atomically and never
through a link (storage.write_json with the run as root), read as the app's own files are (a regular file, no link,
a size cap, a nesting bound: app_files) and then checked field by field. A file that fails any check is ignored
with a note that names it and says what to do; nothing in it is ever run or unpickled. Torch-free: the window reads
these before the engine is loaded."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.core.app_files import AppFileError, read_app_json
from desktop_cls.core.i18n import _
from desktop_cls.core.names import MAX_NAME_BYTES, name_problem, normal_name
from desktop_cls.core.storage import write_atomic

VERSION = 1  # the layout of a kept file; another version is not read (the page offers to run again)
MAX_TEXT = 20_000  # characters of one text field (a note, a message, an export's script)


class Refused(ValueError):
    """A kept file that is not what the app writes: its message says which field and why."""


@dataclass(frozen=True, slots=True)
class Kept:
    """What reading a kept file gave: its fields (None when there is none, or it was refused) and, when it was
    refused, why, in words that name the file and what to do."""

    data: dict[str, Any] | None
    note: str = ""


def write_kept(run: Path, name: str, kind: str, body: dict[str, Any]) -> None:
    """RUN/name, atomically, never through a link in the run folder (a link in its place is replaced). Compact
    JSON: an evaluation of 50,000 images is tens of megabytes of curves, which indenting made 5 s to write."""
    run = Path(run)
    text = json.dumps({"kind": kind, "version": VERSION, **body}, ensure_ascii=False, separators=(",", ":"))
    write_atomic(run / name, text.encode("utf-8"), root=run)


def read_kept(run: Path, name: str, kind: str, limit: int, again: str) -> Kept:
    """RUN/name as a dict with the right kind and version, or Kept(None) with a note when it is there but cannot
    be read safely; `again` says how to make it again (the note ends with it)."""
    path = Path(run) / name
    try:
        data = read_app_json(path, limit=limit, follow_links=False)
    except FileNotFoundError:
        return Kept(None)
    except AppFileError as e:
        return Kept(None, refused_note(path, str(e), again))
    except OSError as e:
        return Kept(None, refused_note(path, e.strerror or str(e), again))
    if not isinstance(data, dict) or data.get("kind") != kind or data.get("version") != VERSION:
        return Kept(None, refused_note(path, _("it is not a file this version of the app writes"), again))
    return Kept(data)


def refused_note(path: Path, why: str, again: str) -> str:
    return _("The results kept in {path} were not read ({why}). {again}").format(path=path, why=why, again=again)


def identity(path: str | Path) -> list[int] | None:
    """[size, modification time in ns] of a file (a link is followed, as the user's tools would), None when it
    is gone: what tells a file changed since without reading it."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return [st.st_size, st.st_mtime_ns]


def same_folder(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, ValueError, RuntimeError):
        return a == b


def local_folder(path: str) -> str | None:
    """PATH when a kept file may put it in a folder field: absolute, written as the app writes one (normalized, as
    resolve() left it) and on this computer; None for anything else. No file is opened: on Windows a network path
    (\\\\host\\share) is refused before anything touches it, as merely looking at one sends the user's credentials
    to that host."""
    if not path or "\0" in path or not os.path.isabs(path) or os.path.normpath(path) != path:
        return None
    drive = os.path.splitdrive(path)[0]
    if drive.startswith(("\\\\", "//")) or path.startswith(("\\\\", "//")):
        return None
    return path


# ---- checks of what was read: each returns the value or raises Refused naming the field --------------------------

def record(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Refused(_("“{field}” must be an object").format(field=what))
    return value


def items(value: object, what: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise Refused(_("“{field}” must be a list").format(field=what))
    if len(value) > most:
        raise Refused(_("“{field}” has {n:,} entries, more than the {most:,} it may have").format(
            field=what, n=len(value), most=most))
    return value


def text(value: object, what: str, most: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > most:
        raise Refused(_("“{field}” must be a text of at most {most:,} characters").format(field=what, most=most))
    return value


def whole(value: object, what: str, lo: int = 0, hi: int = 2**62) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Refused(_("“{field}” must be a whole number from {lo} to {hi}").format(field=what, lo=lo, hi=hi))
    return value


def number(value: object, what: str, lo: float = -math.inf, hi: float = math.inf, *, none: bool = False,
           nan: bool = False) -> float | None:
    """A float from lo to hi; None when `none` allows it, NaN when `nan` does (an accuracy of no images)."""
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(_("“{field}” must be a number").format(field=what))
    v = float(value)
    if math.isnan(v) and nan:
        return v
    if not lo <= v <= hi:
        raise Refused(_("“{field}” must be a number from {lo} to {hi}").format(field=what, lo=lo, hi=hi))
    return v


def numbers(value: object, what: str, most: int, lo: float = -math.inf, hi: float = math.inf) -> list[float]:
    """A list of floats from lo to hi, NaN allowed (a curve's points): checked at once, as curves of 50,000 images
    hold a million of them, which one check each took 3 s to read."""
    values = items(value, what, most)
    if not all(type(v) is float or type(v) is int for v in values):  # (never a bool, a text or a list)
        raise Refused(_("“{field}” must be a list of numbers").format(field=what))
    arr = np.array(values, dtype=np.float64)
    if not bool(np.all(np.isnan(arr) | ((arr >= lo) & (arr <= hi)))):
        raise Refused(_("“{field}” must be a number from {lo} to {hi}").format(field=what, lo=lo, hi=hi))
    return values


def name(value: object, what: str) -> str:
    """A class name: one path component (names.name_problem), in NFC form."""
    problem = name_problem(value)
    if problem is None and isinstance(value, str) and normal_name(value) != value:
        problem = _("it is not in NFC form")
    if problem is not None or not isinstance(value, str):
        raise Refused(_("“{field}” holds a name that cannot be a class: {problem}").format(field=what, problem=problem))
    return value


def relative_path(value: object, what: str) -> str:
    """A path inside a folder, as kept: relative, '/' between its parts, each part a name (no '..', no root)."""
    rel = text(value, what, 4096)
    if not rel or not all(map(_plain_part, rel.split("/"))):
        raise Refused(_("“{field}” holds a path that does not stay inside its folder").format(field=what))
    return rel


def _plain_part(part: str) -> bool:
    """One part of a kept path is a name (names.name_problem); the usual printable one is passed without looking at
    each character (50,000 image paths are read back)."""
    if part.isprintable() and part not in ("", ".", "..") and "\\" not in part and len(part) <= MAX_NAME_BYTES // 4:
        return True
    return name_problem(part) is None


def inside(folder: str, path: object, what: str) -> str:
    """An absolute path kept for a file in `folder`: refused unless it is below it (no '..' on the way)."""
    p = text(path, what, 4096)
    base = os.path.normpath(folder)
    if not (os.path.isabs(base) and os.path.isabs(p) and os.path.normpath(p) == p and p != base
            and os.path.splitdrive(p)[0] == os.path.splitdrive(base)[0] and os.path.commonpath([base, p]) == base):
        raise Refused(_("“{field}” holds a path outside the folder it belongs to").format(field=what))
    relative_path(Path(p).relative_to(base).as_posix(), what)
    return p


def optional(value: object, check: Any, what: str) -> Any:
    return None if value is None else check(value, what)
