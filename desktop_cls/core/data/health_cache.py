"""The health check's caches on disk: each image's hashes by path, size and mtime, and each proven pair's verdict
by the pair's pixel hashes, so a rescan of an unchanged folder reads no image.

The check runs on a thread of the window's process, beside its UI thread, so what it does per image there is
kept to a few steps: the worker processes that read the images send back each file's cache row as plain data,
stored as it comes (`HashCache.add`), and the files are written by the JSON encoder written in C, a slice at a
time (`json_in_slices`): the pretty-printing encoder is Python, about 30 calls per image.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.storage import user_cache_dir, write_atomic

JSON_SLICE = 2000  # entries encoded per call: each keeps the interpreter lock for its whole length (about 2 ms)
Row = list[object]  # a hash cache row: size, mtime_ns, pixels, descriptor, width, height


@dataclass(frozen=True, slots=True)
class ImageHash:  # slots: one object each (30,000 of them are walked by each full collection)
    pixels: str  # sha1 of the decoded RGB pixels and their shape
    descriptor: str  # blurred 12x12 grayscale thumbnail, hex: nominates look-alike candidates
    width: int
    height: int

    def __reduce__(self) -> tuple[type[ImageHash], tuple[str, str, int, int]]:
        """Pickled as its four fields: the dataclass's own way calls six Python functions per hash to unpickle."""
        return ImageHash, (self.pixels, self.descriptor, self.width, self.height)


def cache_file(root: str, suffix: str) -> Path:
    return user_cache_dir() / "hashes" / f"{hashlib.sha1(root.encode()).hexdigest()[:16]}{suffix}.json"


def json_in_slices(data: Mapping[str, object], per: int = JSON_SLICE) -> bytes:
    """json.dumps(data) (compact) as UTF-8, encoded JSON_SLICE entries at a time by the C encoder: the whole of a
    100,000-image cache in one call would keep the interpreter lock about 100 ms, the UI thread waiting."""
    items = list(data.items())
    parts = (json.dumps(dict(items[i:i + per]), ensure_ascii=False, separators=(",", ":"))[1:-1]
             for i in range(0, len(items), per))
    return ("{" + ",".join(parts) + "}\n").encode("utf-8")


def _save(path: Path, data: Mapping[str, object]) -> None:
    with contextlib.suppress(OSError):  # a cache is an optimisation
        write_atomic(path, json_in_slices(data))


class HashCache:
    """path -> [size, mtime_ns, pixels, descriptor, width, height], one JSON file per dataset folder."""

    def __init__(self, root: str) -> None:
        self.path = cache_file(root, "")
        try:
            self.data: dict[str, list[object]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.dirty = False

    def get(self, path: str) -> ImageHash | None:
        entry = self.data.get(path)
        if not isinstance(entry, list) or len(entry) != 6:  # other lengths: an older format, hashed again
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        size, mtime, pix, desc, w, h = entry
        if size != st.st_size or mtime != st.st_mtime_ns:
            return None
        return ImageHash(str(pix), str(desc), int(w), int(h))  # type: ignore[call-overload]

    def put(self, path: str, value: ImageHash) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        self.data[path] = [st.st_size, st.st_mtime_ns, value.pixels, value.descriptor, value.width, value.height]
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
                hashes[path] = ImageHash(*row[2:])  # type: ignore[arg-type]
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            _save(self.path, self.data)


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
    return [size, mtime, h.pixels, h.descriptor, h.width, h.height]


class VerdictCache:
    """(pixel hash, pixel hash) -> difference of the aligned pair, or None when not the same picture.

    Keyed by content, so renaming or moving files keeps the verdicts; thrown away when the rules change.
    """

    def __init__(self, root: str, rules: object) -> None:
        self.path = cache_file(root, ".pairs")
        self.rules = rules
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.data: dict[str, float | None] = raw["pairs"] if raw.get("rules") == rules else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.data = {}
        self.dirty = False

    @staticmethod
    def key(a: ImageHash, b: ImageHash) -> str:
        return "|".join(sorted((a.pixels, b.pixels)))

    def save(self) -> None:
        if self.dirty:
            pairs = json_in_slices(self.data).decode("utf-8").rstrip("\n")
            rules = json.dumps(self.rules, ensure_ascii=False, separators=(",", ":"))
            with contextlib.suppress(OSError):
                write_atomic(self.path, f'{{"rules":{rules},"pairs":{pairs}}}\n'.encode())
