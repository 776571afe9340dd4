"""Reading the app's own small files (settings, run.json, metrics, model.json, caches' metadata) when
they may come from someone else: a shared run folder, a model from a forum, a synced settings folder.

Such a file may be a FIFO (an open() that never returns), a link to /dev/zero (a read without end), a
gigabyte of text or JSON nested a million deep (RecursionError). One reader refuses all of these with
an AppFileError naming the file, the limit and how to raise it, before anything is parsed. A number read
from such a file goes through number_field: "abc", NaN or 1e400 where a seed belongs is one message naming
the file and the field, never a ValueError or OverflowError from int() or float().
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import reprlib
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import N_, _

MAX_FILE_MB_ENV = "DESKTOP_CLS_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 64  # a model.json of 100,000 long class names is ~25 MB; a journal of 16k steps ~4 MB
MAX_JSON_DEPTH = 64  # our files nest 4 deep; Python's parser gives up (RecursionError) near 1,000
MAX_DIGITS = 300  # digits of a whole number in such a file: float() takes it (1e308 at most); our fields need 20

_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class AppFileError(UserError):
    """An app file that is not a regular file, is too large or too deeply nested to be read safely."""


def max_file_bytes() -> int:
    """The size cap for one app file; DESKTOP_CLS_MAX_FILE_MB raises it."""
    raw = os.environ.get(MAX_FILE_MB_ENV, "")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_FILE_MB
    except ValueError:
        mb = DEFAULT_MAX_FILE_MB
    return int(max(mb, 0.001) * 1024 * 1024)


def read_app_bytes(path: str | Path, limit: int | None = None, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (max_file_bytes() by default).

    Opened non-blocking (a FIFO returns at once instead of waiting for a writer) and, with
    follow_links=False, without following a link at the last component (AppFileError saying it is a link). The
    type and size are checked on the open descriptor, so a file swapped after a check cannot slip through.
    A `limit` given is the caller's own, fixed: its message does not offer DESKTOP_CLS_MAX_FILE_MB, which would
    not raise it. FileNotFoundError and other OSErrors pass through unchanged."""
    path = Path(path)
    fixed = limit is not None
    limit = max_file_bytes() if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if not follow_links and e.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise AppFileError(_("{path} is a link; the app reads its own files there, never through a link, so it "
                                 "was not read").format(path=path)) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise AppFileError(_("{path} is not a regular file (a device, pipe or folder); it was not read").format(
                path=path))
        if st.st_size > limit:
            raise AppFileError(_too_large(path, limit, fixed))
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while we read it
                raise AppFileError(_too_large(path, limit, fixed))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(path: Path, limit: int, fixed: bool) -> str:
    if fixed:
        return _("{path} is larger than {mb:g} MB, the most a file of its kind may be; it was not read").format(
            path=path, mb=limit / 1024 / 1024)
    return _("{path} is larger than {mb:g} MB, the limit for the app's own files; set {env} to a larger "
             "number of MB if the file is genuine").format(path=path, mb=limit / 1024 / 1024, env=MAX_FILE_MB_ENV)


def json_depth_exceeds(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays/objects nest deeper than max_depth (brackets inside strings do not count)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return False  # cannot nest deeper than the brackets it has
    depth = 0
    for m in _STRUCTURE.finditer(raw):
        token = m.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def loads_bounded(data: bytes | str, source: str | Path, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads with a nesting bound: AppFileError (naming `source`) instead of RecursionError; and with whole
    numbers of at most MAX_DIGITS digits: JSON bounds none, and a longer one (`"seed": 1000…0`) passed every range
    check's float() or math.isnan only as an OverflowError (the check costs about 0.5 µs a whole number: 25 ms for
    a journal of 16,000 steps; a search of the text for long runs of digits first cost more, 30 ms a megabyte)."""
    if json_depth_exceeds(data, max_depth):
        raise AppFileError(_("{path} nests JSON deeper than {depth} levels; it was not read").format(
            path=source, depth=max_depth))

    def whole_number(text: str) -> int:
        if len(text.lstrip("-")) > MAX_DIGITS:
            raise _too_many_digits(source)
        return int(text)

    try:
        return json.loads(data, parse_int=whole_number)
    except RecursionError:
        raise AppFileError(_("{path} nests JSON deeper than {depth} levels; it was not read").format(
            path=source, depth=max_depth)) from None
    except json.JSONDecodeError as e:
        raise AppFileError(_("{path} is not valid JSON: {problem} at line {line}, column {column}").format(
            path=source, problem=json_problem(e.msg), line=e.lineno, column=e.colno)) from None
    except UnicodeDecodeError:  # bytes that are not UTF-8 (nor UTF-16/32)
        raise AppFileError(_("{path} is not valid JSON: it is not UTF-8 text").format(path=source)) from None
    except ValueError:  # (whole numbers are bounded above; this is Python's own limit, should that be lower)
        raise _too_many_digits(source) from None


def _too_many_digits(source: str | Path) -> AppFileError:
    return AppFileError(_("{path} holds a number of more than {digits:,} digits, more than any of its fields needs; "
                          "it was not read").format(path=source, digits=MAX_DIGITS))


# json's reasons (its `msg`, in English), in words that translate; others read as "unexpected text"
_JSON_PROBLEMS = {
    "Expecting value": N_("a value is missing or misspelt"),
    "Expecting property name enclosed in double quotes": N_("a name in double quotes was expected"),
    "Expecting ',' delimiter": N_("a comma is missing"),
    "Expecting ':' delimiter": N_("a colon is missing"),
    "Extra data": N_("there is more text after the end"),
    "Unterminated string starting at": N_("a text in quotes is not closed"),
    "Invalid control character at": N_("a text in quotes has a control character"),
}


def json_problem(msg: str) -> str:
    """What json.JSONDecodeError's `msg` says, in the user's language."""
    problem = _JSON_PROBLEMS.get(msg)
    return _(problem) if problem else _("unexpected text")


def read_app_json(path: str | Path, limit: int | None = None, follow_links: bool = True) -> Any:
    """read_app_bytes + loads_bounded: the parsed JSON, or AppFileError / OSError."""
    return loads_bounded(read_app_bytes(path, limit, follow_links), path)


def number_field(source: str | Path, data: Mapping[str, Any], key: str, default: float, lo: float, hi: float,
                 whole: bool = False) -> Any:
    """data[key] (`default` when it is absent) when it is a number from lo to hi, an int when `whole`; infinite
    only where a bound is. Else AppFileError naming `source`, the field and what it must be."""
    value = data.get(key, default)
    fits = (isinstance(value, int | float) and not isinstance(value, bool)
            and not (isinstance(value, float) and math.isnan(value))  # (a 400-digit int: isnan raised OverflowError)
            and lo <= value <= hi and (isinstance(value, int) or not whole)
            and (isinstance(value, float) or abs(value) <= sys.float_info.max))  # callers float() it (a pickle's int)
    if fits:
        return value
    shown = reprlib.repr(value)  # bounded: a long string or list is cut short
    what = (_("a whole number from {lo} to {hi}") if whole else _("a number from {lo} to {hi}")).format(lo=lo, hi=hi)
    raise AppFileError(_("{path}: “{field}” must be {what}, not {value}; the file was edited or damaged").format(
        path=source, field=key, what=what, value=shown))
