"""Big pictures decoded once: a small copy of every picture above REDUCE_ABOVE_PIXELS, kept in the cache.

A 13,000 px PNG takes seconds to decode (and its share of the decode memory budget) each time it is
read, though the network sees it at 260 px. Its first decode writes a copy reduced by an integer factor
(Pillow's box filter) to at least SMALL_SIDE px on its shorter side; every later training, prediction
or evaluation of the same bytes reads that copy instead. Both the first and later reads derive the
network's view from the same small copy, so the pictures a model learns from do not change between runs.

Entries are keyed by the file's content (renamed or moved files keep theirs) and each proves it belongs
where it is read: a BLAKE2b tag binds the entry's format, the content digest and the PNG bytes, checked
on every read; a damaged, swapped or foreign entry is a miss and the picture is decoded again. Entries
are written atomically; a full disk only costs the saving.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
from pathlib import Path

from PIL import Image

from desktop_cls.core.data.memory_limits import decode_cost, raw_bytes
from desktop_cls.core.data.picture_view import KEYABLE_MODES, REDUCE_ABOVE_PIXELS, STRIP_BOXES, colour_keyed, reduced
from desktop_cls.core.storage import user_cache_dir, write_atomic_with

SMALL_SIDE = 1024  # px on the shorter side, at least: 2x the largest input size the quick mode uses
FORMAT = b"desktop_cls-small-copy-v2"  # v2: a 16-bit picture with a transparent grey is not kept
TAG_BYTES = 32
_digests: dict[tuple[str, int, int], str] = {}


def is_big(width: int, height: int) -> bool:
    """A picture worth a small copy: over the reduce threshold and at least 2x SMALL_SIDE on both sides."""
    return width * height > REDUCE_ABOVE_PIXELS and min(width, height) >= 2 * SMALL_SIDE


def shrink(im: Image.Image) -> Image.Image:
    """The small copy's pixels: an integer-factor box reduction keeping SMALL_SIDE on the shorter side."""
    return reduced(im, min(im.width, im.height) // SMALL_SIDE)


def shrink_cost(im: Image.Image, turned: bool) -> int | None:
    """Peak bytes to read a big picture (is_big) for a size: its decoded pixels, the copy `reduced` makes
    before reducing (palette and transparent colour), a strip being reduced and its premultiplied copy, the
    small copy made RGB, and a turned copy of the whole when it may be turned upright first; None when shrink
    cannot reduce it (16-bit), which is then converted whole. Measured on a 10,524 x 16,000 RGBA drawing:
    a peak RSS growth of 676 MB where this says 725 (docs/benchmarks.md, "Big pictures")."""
    w, h, mode = im.width, im.height, im.mode
    keyed = colour_keyed(im)
    if mode.startswith("I;16") or (keyed and mode not in KEYABLE_MODES):
        return None
    first = w * h * 4 if keyed or mode in ("P", "1") else 0
    small_mode = "RGBA" if keyed else "RGB" if mode in ("P", "1") else mode
    factor = max(1, min(w, h) // SMALL_SIDE)
    small = decode_cost(-(-w // factor), -(-h // factor), small_mode)
    strip = 2 * min(h, factor * STRIP_BOXES) * w * 4
    raw = raw_bytes(w, h, mode)
    return raw * (2 if turned else 1) + first + strip + small + raw // 20  # a twentieth for the decoder's buffers


class SmallCopies:
    """The cache folder of small copies; every failure to read or write is a miss, never an error."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    @property
    def dir(self) -> Path:
        return self.root or user_cache_dir() / "small_copies"

    def digest(self, path: str) -> str:
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        hit = _digests.get(key)
        if hit is None:
            h = hashlib.blake2b()
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
            hit = _digests[key] = h.hexdigest()[:40]
        return hit

    def _path(self, digest: str) -> Path:
        return self.dir / digest[:2] / f"{digest}.bin"

    @staticmethod
    def _tag(digest: str, data: bytes) -> bytes:
        h = hashlib.blake2b(digest_size=TAG_BYTES, person=b"desktop_cls-smal")
        for part in (FORMAT, digest.encode(), data):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.digest()

    def get(self, path: str) -> Image.Image | None:
        """The proven small copy of the file's content, decoded, or None."""
        try:
            digest = self.digest(path)
            raw = self._path(digest).read_bytes()
        except OSError:
            return None
        tag, data = raw[:TAG_BYTES], raw[TAG_BYTES:]
        if len(raw) <= TAG_BYTES or not hmac.compare_digest(tag, self._tag(digest, data)):
            return None
        try:
            with Image.open(io.BytesIO(data)) as im:
                im.load()
                return im.copy()
        except Exception:  # our own entry, proven: only a Pillow change could make it unreadable
            return None

    def put(self, path: str, small: Image.Image) -> None:
        """Save the small copy of the file at path (atomically; nothing on failure)."""
        buf = io.BytesIO()
        if small.width * small.height > REDUCE_ABOVE_PIXELS:  # shrink could not reduce it: nothing to keep
            return
        try:
            small.save(buf, format="PNG", compress_level=1)
            digest = self.digest(path)
        except (OSError, ValueError):
            return
        data = buf.getvalue()
        entry = self._tag(digest, data) + data
        with contextlib.suppress(OSError):  # a cache is an optimisation: a full disk must not fail the run
            write_atomic_with(self._path(digest), lambda tmp: tmp.write_bytes(entry), root=self.dir)


SMALL_COPIES = SmallCopies()
