"""Which files hold the same bytes: a file's content digest, and the files of one list found in another.

A feature is cached by its picture's content (training/embeddings), and a model's suggestions for another folder
are checked only on the labeled pictures it did not learn (inference/other_folder_check): a picture copied from
the folder it learned from is the same picture under another name, found here by its bytes, never by its name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from desktop_cls.core.events import CancelToken

_hash_memo: dict[tuple[str, int, int], str] = {}
UNREADABLE = ""  # the partner of a file whose every same-sized counterpart could not be read: unknown


def file_digest(path: str | Path, length: int) -> str:
    """BLAKE2b of the file's bytes, hex, cut to `length` characters."""
    h = hashlib.blake2b()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()[:length]


def content_hash(path: str) -> str:
    """BLAKE2b of the file's bytes; memoised per (path, size, mtime) so an unchanged file is read once."""
    st = os.stat(path)
    memo_key = (path, st.st_size, st.st_mtime_ns)
    hit = _hash_memo.get(memo_key)
    if hit is None:
        hit = file_digest(path, 40)
        _hash_memo[memo_key] = hit
    return hit


def _by_size(paths: Sequence[str]) -> dict[int, list[str]]:
    sizes: dict[int, list[str]] = {}
    for p in paths:
        try:
            sizes.setdefault(os.stat(p).st_size, []).append(p)
        except OSError:
            continue  # gone: nothing to compare
    return sizes


def same_content(paths: Sequence[str], others: Sequence[str], cancel: CancelToken | None = None) -> dict[str, str]:
    """Each of `paths` whose bytes are those of one of `others` -> that one. Sizes are compared first, so only
    files of a size found on both sides are read. When one of `others` cannot be read, the files of its size
    cannot be told apart from it: they map to UNREADABLE (a file unreadable in `paths` maps to nothing)."""
    mine, theirs = _by_size(paths), _by_size(others)
    found: dict[str, str] = {}
    for size in sorted(mine.keys() & theirs.keys()):
        if cancel is not None:
            cancel.raise_if_set()
        digests: dict[str, str] = {}
        unknown = False
        for p in theirs[size]:
            try:
                digests.setdefault(content_hash(p), p)
            except OSError:
                unknown = True
        for p in mine[size]:
            try:
                twin = digests.get(content_hash(p))
            except OSError:
                continue
            if twin is not None or unknown:
                found[p] = twin if twin is not None else UNREADABLE
    return found
