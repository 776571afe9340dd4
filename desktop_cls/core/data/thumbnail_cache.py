"""Thumbnails decoded once and kept on disk by the file's content, so reopening a folder of 100,000 images
shows its grid without decoding them again.

An entry is named by the BLAKE2b digest of the image file's bytes and the thumbnail's side: a renamed or moved
image (labeling moves files) keeps its entry, and a changed one gets a new entry. Entries are written
atomically and each proves on every read that it belongs where it is read, as the feature cache's do: a tag
over the format, the digest, the side, the size and the pixels; an entry copied from another image, damaged or
cut short is a miss and is decoded again. The cache is bounded (`max_bytes`): when it grows past that, the
entries read least recently go first.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import os
import stat
import struct
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from desktop_cls.core import contained
from desktop_cls.core.data.imaging import load_rgb
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.storage import user_cache_dir

THUMB_FORMAT = 2  # bump when the way thumbnails are made or stored changes: every old entry becomes a miss
# (2: a transparent colour shows white; a huge picture shrunk as for the network first)
DEFAULT_MAX_BYTES = 512 << 20
MAX_ENTRY_BYTES = 4 << 20  # larger than any thumbnail: a file that size is not an entry
_MAGIC = b"DCTH"
_TAG = 32
_HEADER = len(_MAGIC) + _TAG + 5  # magic, tag, codec (1 byte), width and height (2 bytes each)
_RAW, _JPEG = 0, 1
_digests: dict[tuple[str, int, int], str] = {}
_DIGEST_MEMO = 200_000
_TAG_PERSON = b"desktop_cls-thmb"
_LENGTH = struct.Struct("<Q").pack
_FORMAT_PART = str(THUMB_FORMAT).encode()
_READ = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
         | getattr(os, "O_BINARY", 0))
_UTIME_FD = os.utime in os.supports_fd  # (not on Windows: there the name is marked)


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """RGB pixels, row by row (3 bytes a pixel): plain data that may cross threads."""

    width: int
    height: int
    rgb: bytes


def file_digest(path: str) -> str:
    """BLAKE2b of the file's bytes, memoised per (path, size, modification time): an unchanged file is read
    once per session."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    hit = _digests.get(key)
    if hit is None:
        h = hashlib.blake2b(digest_size=20)
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        hit = h.hexdigest()
        if len(_digests) >= _DIGEST_MEMO:
            _digests.clear()
        _digests[key] = hit
    return hit


def forget_digests() -> None:
    """Read every file again for its digest (benchmarks and tests that change files within the same second)."""
    _digests.clear()


def decode_thumbnail(path: str, side: int) -> Thumbnail:
    """At most side x side, keeping the aspect ratio (a smaller image keeps its size: `enlarged` shows it);
    ImageLoadError for a file that cannot be decoded."""
    im = load_rgb(path, draft_size=(side, side))
    if im.width > side or im.height > side:
        im.thumbnail((side, side))
    return Thumbnail(im.width, im.height, im.tobytes())


def enlarged(thumb: Thumbnail, side: int) -> Thumbnail:
    """A small picture (a 32 px scan) scaled up pixel for pixel to fill side, so it can be seen: PIL's NEAREST
    resize as two numpy takes, in the same time and no Python call (PIL's own made 70 on the decoding thread)."""
    scale = side / max(thumb.width, thumb.height, 1)
    if scale <= 1:
        return thumb
    width, height = max(1, round(thumb.width * scale)), max(1, round(thumb.height * scale))
    pixels = np.frombuffer(thumb.rgb, np.uint8).reshape(thumb.height, thumb.width, 3)
    rows = pixels.take(_nearest(thumb.height, height), axis=0)  # take, not indexing: a quarter of the time
    return Thumbnail(width, height, rows.take(_nearest(thumb.width, width), axis=1).tobytes())


@functools.lru_cache(maxsize=256)
def _nearest(source: int, size: int) -> np.ndarray:
    """The source pixel PIL's NEAREST resize takes for each of `size` pixels: the one under the pixel's centre."""
    return ((np.arange(size) + 0.5) * (source / size)).astype(np.intp).clip(0, source - 1)


class ThumbnailCache:
    """Content-keyed thumbnails under the user cache folder; any unreadable entry is just a miss. Safe to use
    from several decoding threads at once. Entries are named with plain strings, never path objects: while a large
    folder is checked, the decoding threads take the interpreter lock in turns with the UI thread, and pathlib's
    steps were half of what a thumbnail cost them."""

    def __init__(self, root: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.dir = (root or user_cache_dir() / "thumbnails") / f"v{THUMB_FORMAT}"
        self.max_bytes = max_bytes
        self._prefix = f"{self.dir}{os.sep}"
        self._size: int | None = None  # bytes on disk, counted on the first write
        self._lock = threading.Lock()

    def _path(self, digest: str, side: int) -> Path:
        return Path(self._file(digest, side))

    def _file(self, digest: str, side: int) -> str:
        return f"{self._prefix}{digest[:2]}{os.sep}{digest}-{side}.thumb"

    @staticmethod
    def _tag(digest: str, side: int, head: bytes, payload: bytes) -> bytes:
        """BLAKE2b over each part preceded by its length (8 bytes): format, digest, side, head, payload."""
        parts = (_FORMAT_PART, digest.encode(), str(side).encode(), head)
        h = hashlib.blake2b(b"".join([_LENGTH(len(p)) + p for p in parts]), digest_size=_TAG, person=_TAG_PERSON)
        h.update(_LENGTH(len(payload)))
        h.update(payload)
        return h.digest()

    def get(self, digest: str, side: int) -> Thumbnail | None:
        p = self._file(digest, side)
        try:
            with open(os.open(p, _READ), "rb") as f:  # a FIFO would block, a link lead anywhere
                st = os.fstat(f.fileno())
                if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
                    return None  # the cache made neither; the mark below would touch the other name's file too
                raw = f.read(MAX_ENTRY_BYTES + 1)  # larger than that: not an entry
                os.utime(f.fileno() if _UTIME_FD else p)  # read lately: evicted last
        except OSError:
            return None
        if not _HEADER < len(raw) <= MAX_ENTRY_BYTES or raw[:len(_MAGIC)] != _MAGIC:
            return None
        tag, head, payload = raw[4:4 + _TAG], raw[4 + _TAG:_HEADER], raw[_HEADER:]
        if not hmac.compare_digest(tag, self._tag(digest, side, head, payload)):
            return None
        codec, width, height = head[0], int.from_bytes(head[1:3], "little"), int.from_bytes(head[3:5], "little")
        try:
            rgb = zlib.decompress(payload) if codec == _RAW else _jpeg_pixels(payload, width, height)
        except (zlib.error, OSError, ValueError):
            return None
        return Thumbnail(width, height, rgb) if len(rgb) == width * height * 3 else None

    def put(self, digest: str, side: int, thumb: Thumbnail) -> None:
        """Keep a thumbnail: exact pixels for a small picture, JPEG for a reduced photo (a tenth the size)."""
        self.put_many([(digest, side, thumb)])

    def put_many(self, thumbs: Sequence[tuple[str, int, Thumbnail]]) -> None:
        """Keep each (digest, side, thumbnail) as `put` does, the cache folder opened once for all of them. Entries
        are written atomically, without a sync (each checks itself, so one torn by a power cut is a miss: the sync
        took 90 % of the thumbnail lane's time), and no link below the cache is followed."""
        if not thumbs:
            return
        entries = [_entry(digest, side, thumb) for digest, side, thumb in thumbs]
        written = 0
        try:
            os.makedirs(self._prefix, exist_ok=True)  # made again if removed meanwhile (a string: no path object)
            with contained.folder(self.dir, []) as top:
                for shard, name, data in entries:
                    contained.write_unsynced(top, self.dir, shard, name, data)
                    written += len(data)
        except OSError:  # a cache is an optimisation: a full disk must not stop the grid
            pass
        if not written:
            return
        with self._lock:
            self._size = (self._size if self._size is not None else self._count()) + written
            if self._size > self.max_bytes:
                self._size = self._evict(int(self.max_bytes * 0.8))

    def _entries(self) -> list[tuple[float, int, Path]]:
        """(last read, size, path) of every entry."""
        found: list[tuple[float, int, Path]] = []
        try:
            shards = [e for e in os.scandir(self.dir) if e.is_dir(follow_symlinks=False)]
        except OSError:
            return found
        for shard in shards:
            try:
                with os.scandir(shard.path) as it:
                    for e in it:
                        if e.is_file(follow_symlinks=False) and e.name.endswith(".thumb"):
                            st = e.stat(follow_symlinks=False)
                            found.append((st.st_mtime, st.st_size, Path(e.path)))
            except OSError:
                continue
        return found

    def _count(self) -> int:
        return sum(size for _t, size, _p in self._entries())

    def _evict(self, target: int) -> int:
        """Remove the entries read least recently until the cache holds at most `target` bytes; its new size."""
        entries = sorted(self._entries(), key=lambda e: e[0])
        total = sum(size for _t, size, _p in entries)
        for _t, size, p in entries:
            if total <= target:
                break
            try:
                p.unlink()
                total -= size
            except OSError:
                continue
        return total

    def thumbnail(self, path: str, side: int) -> Thumbnail:
        """The file's thumbnail at most side x side (smaller pictures enlarged to fill it): from the cache when
        it holds one for this content, else decoded and kept. ImageLoadError for an unreadable file."""
        (_path, found), = self.thumbnails([path], side)
        if isinstance(found, ImageLoadError):
            raise found
        return found

    def thumbnails(self, paths: Sequence[str], side: int, stop: Callable[[], bool] | None = None
                   ) -> list[tuple[str, Thumbnail | ImageLoadError]]:
        """`thumbnail` for each path in order (an ImageLoadError in the place of an unreadable file), until
        `stop()` says so (what is done is returned); the new entries are written together at the end."""
        done: list[tuple[str, Thumbnail | ImageLoadError]] = []
        made: dict[str, Thumbnail] = {}  # decoded here (a copy further on is not decoded again)
        for path in paths:
            if stop is not None and stop():
                break
            try:
                digest = file_digest(path)
                thumb = made.get(digest) or self.get(digest, side)
                if thumb is None:
                    thumb = made[digest] = decode_thumbnail(path, side)
            except OSError as e:
                done.append((path, ImageLoadError(path, "unreadable", str(e.strerror or e))))
                continue
            except ImageLoadError as e:
                done.append((path, e))
                continue
            done.append((path, enlarged(thumb, side)))
        self.put_many([(digest, side, thumb) for digest, thumb in made.items()])
        return done


def _entry(digest: str, side: int, thumb: Thumbnail) -> tuple[str, str, bytes]:
    """(shard folder, file name, bytes) of a thumbnail's entry: exact pixels for a small picture, JPEG for a
    reduced photo (a tenth the size)."""
    if thumb.width >= side or thumb.height >= side:
        buf = io.BytesIO()
        Image.frombytes("RGB", (thumb.width, thumb.height), thumb.rgb).save(buf, "JPEG", quality=90)
        codec, payload = _JPEG, buf.getvalue()
    else:
        codec, payload = _RAW, zlib.compress(thumb.rgb, 1)
    head = bytes([codec]) + thumb.width.to_bytes(2, "little") + thumb.height.to_bytes(2, "little")
    entry = _MAGIC + ThumbnailCache._tag(digest, side, head, payload) + head + payload
    return digest[:2], f"{digest}-{side}.thumb", entry


def _jpeg_pixels(payload: bytes, width: int, height: int) -> bytes:
    with Image.open(io.BytesIO(payload), formats=["JPEG"]) as im:
        if im.size != (width, height):
            raise ValueError("size")
        return im.convert("RGB").tobytes()
