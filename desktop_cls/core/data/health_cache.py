"""The health check's caches on disk: each image's hashes by path, size and mtime, and each proven pair's verdict
by the pair's pixel hashes, so a rescan of an unchanged folder reads no image.

The check runs on a thread of the window's process, beside its UI thread, so what it does per image there is
kept to a few steps: the worker processes that read the images send back each file's cache row as plain data,
stored as it comes (`HashCache.add`), and the files are JSON objects of 500 entries, one a line, each written
and read in one short call of the JSON library's C code (`json_lines`, `read_lines`): the pretty-printing
encoder is Python, about 30 calls per image, and a whole file in one call keeps the lock throughout (a
30,000-image hash cache: 90 ms to write, 53 ms to read, as CPU time).

The hash cache's first line names the decoder its hashes were made with (imaging.DECODER_VERSION): a file of
another (or of none, older) is thrown away, so a change of decoding (a transparent colour now transparency)
changes the hashes of files that did not change themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from desktop_cls.core.data.imaging import DECODER_VERSION
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.storage import user_cache_dir, write_atomic

JSON_SLICE = 500  # entries encoded per call: each keeps the interpreter lock for its whole length (about 1 ms)
Row = tuple[int, int, str, str, int, int]  # a hash cache row: size, mtime_ns, pixels, descriptor, width, height
DECODED: Final = {"decoder": DECODER_VERSION}  # the hash cache's first line


# An image's hashes: a plain tuple, read with the names below. Each full pass of the cycle collector walks every
# object it tracks in one step that keeps the interpreter lock, the window's UI thread waiting; it stops tracking a
# tuple of strings and ints the first time it sees it, but only a tuple itself, not a NamedTuple or any class's
# instance: one hash object and one list (cache row) per image were 65-165 ms a full pass at 100,000 images.
ImageHash = tuple[str, str, int, int]
PIXELS: Final = 0  # sha1 of the decoded RGB pixels and their shape, hex
DESCRIPTOR: Final = 1  # blurred 12x12 grayscale thumbnail, hex: nominates look-alike candidates
WIDTH: Final = 2
HEIGHT: Final = 3


def cache_file(root: str, suffix: str) -> Path:
    return user_cache_dir() / "hashes" / f"{hashlib.sha1(root.encode()).hexdigest()[:16]}{suffix}.json"


def json_lines(data: Mapping[str, object], per: int = JSON_SLICE) -> str:
    """data as JSON objects of JSON_SLICE entries each, one a line, each encoded in one call of the C encoder:
    a 30,000-image hash cache in one call kept the interpreter lock 90 ms (its CPU time), the UI thread waiting;
    500 entries take 0.7 ms. The pretty-printing encoder lets go of the lock but is Python, 30 calls an entry."""
    items = list(data.items())
    return "".join(json.dumps(dict(items[i:i + per]), ensure_ascii=False, separators=(",", ":")) + "\n"
                   for i in range(0, len(items), per))


def read_lines(path: Path, each: Callable[[Any], Any] = lambda value: value) -> list[Any]:
    """The JSON values of a cache file, one a line (`json_lines`), each parsed in one short call and passed through
    `each` before the next is parsed; an older file's one pretty-printed value (its lines are not values) parsed
    whole."""
    text = path.read_text(encoding="utf-8")
    try:
        return [each(json.loads(line)) for line in text.splitlines() if line]
    except ValueError:
        return [each(json.loads(text))]


def _merged(parts: list[Any]) -> dict[str, Any]:
    """The entries of every part (each a JSON object; ValueError for anything else)."""
    data: dict[str, Any] = {}
    for part in parts:
        if not isinstance(part, dict):
            raise ValueError("not a cache")
        data.update(part)
    return data


def _save(path: Path, text: str) -> None:
    with contextlib.suppress(OSError):  # a cache is an optimisation
        write_atomic(path, text.encode("utf-8"))


def _rows(part: Any) -> dict[str, Row]:
    """One part of the hash cache (JSON_SLICE entries), each row a tuple (JSON gives lists): a tuple of strings and
    ints is untracked by the cycle collector the first time it sees it, a list is walked by every full collection
    for as long as it lives. Converted as each part is parsed, so a part's lists at most live at once (all the
    file's, 100,000, made full collections of their own); an entry that is no row (an older format) is left out,
    so its file is hashed again."""
    if not isinstance(part, dict):
        raise ValueError("not a cache")
    return {path: tuple(row) for path, row in part.items() if type(row) is list}


def _read_rows(path: Path) -> dict[str, Row]:
    """The rows of a hash cache file made with this decoder (its first line DECODED); {} for another's or an
    older file's (a single pretty-printed object, or lines of rows without the decoder line)."""
    head: list[Any] = []

    def each(part: Any) -> dict[str, Row]:
        if not head:  # the first value read (the whole file's, when it is not one value a line)
            head.append(part)
            return {}
        return _rows(part)

    parts = read_lines(path, each)
    return _merged(parts) if head == [DECODED] else {}


class HashCache:
    """path -> (size, mtime_ns, pixels, descriptor, width, height), one JSON file per dataset folder."""

    def __init__(self, root: str) -> None:
        self.path = cache_file(root, "")
        try:
            self.data: dict[str, Row] = _read_rows(self.path)
        except (OSError, ValueError):
            self.data = {}
        self.dirty = False

    def get(self, path: str) -> ImageHash | None:
        entry = self.data.get(path)
        if entry is None or len(entry) != 6:  # other lengths: an older format, hashed again
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        size, mtime, pix, desc, w, h = entry
        if size != st.st_size or mtime != st.st_mtime_ns:
            return None
        return str(pix), str(desc), int(w), int(h)

    def put(self, path: str, value: ImageHash) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        self.data[path] = (st.st_size, st.st_mtime_ns, *value)
        self.dirty = True

    def add(self, paths: Sequence[str], rows: Sequence[Row | ImageLoadError],
            hashes: dict[str, ImageHash], problems: list[ImageLoadError]) -> None:
        """Store one chunk of `hash_row` results: each row kept as it came (no stat here: the worker read the
        file's size and mtime before its pixels) and its hash put in `hashes`; each error in `problems`."""
        data = self.data
        for path, row in zip(paths, rows, strict=True):
            if isinstance(row, ImageLoadError):
                problems.append(row)
            else:
                data[path] = row
                hashes[path] = row[2:]  # a plain tuple: see ImageHash
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            _save(self.path, json.dumps(DECODED) + "\n" + json_lines(self.data))


def hash_row(hash_image: Callable[[str], ImageHash], path: str) -> Row | ImageLoadError:
    """A file's hash cache row (its size and mtime read before its pixels, so a file changed meanwhile is read
    again next time), or its ImageLoadError: plain data, cheap to send back from a worker process."""
    try:
        st = os.stat(path)
    except OSError:
        st = None  # hash_image says why, in the app's words
    try:
        h = hash_image(path)
    except ImageLoadError as e:
        return e
    size, mtime = (st.st_size, st.st_mtime_ns) if st is not None else (-1, -1)  # there now, not a moment ago: no match
    return (size, mtime, *h)


class VerdictCache:
    """(pixel hash, pixel hash) -> difference of the aligned pair, or None when not the same picture.

    Keyed by content, so renaming or moving files keeps the verdicts; thrown away when the rules change.
    """

    def __init__(self, root: str, rules: object) -> None:
        self.path = cache_file(root, ".pairs")
        self.rules = rules
        try:
            head, *pairs = read_lines(self.path)  # the rules, then the verdicts (an older file: both in one)
            pairs = [head["pairs"]] if "pairs" in head else pairs
            self.data: dict[str, float | None] = _merged(pairs) if head.get("rules") == rules else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.data = {}
        self.dirty = False

    @staticmethod
    def key(a: ImageHash, b: ImageHash) -> str:
        return "|".join(sorted((a[PIXELS], b[PIXELS])))

    def save(self) -> None:
        if self.dirty:
            _save(self.path, json.dumps({"rules": self.rules}, ensure_ascii=False) + "\n" + json_lines(self.data))
