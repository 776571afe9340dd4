"""Dataset health: exact and near duplicates, label conflicts, train/val leaks, imbalance, tiny images.

Exact duplicates share their decoded pixels (any file name or format). Near duplicates share a
perceptual hash (DCT of a 32x32 grayscale thumbnail, 64 bits) within a few bits: re-encoded,
resized or slightly recompressed copies. Hashes are cached by path, size and mtime, so a rescan of an
unchanged folder only reads the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from desktop_cls.core.data.imaging import load_rgb, or_load_error
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.storage import user_cache_dir, write_json

NEAR_BITS = 6  # Hamming distance between perceptual hashes that counts as "the same picture"
NEAR_COLOUR = 16.0  # ... and the mean difference of their 4x4 colour thumbnails (0-255) must stay below this
IMBALANCE_RATIO = 3.0
TOO_SMALL_PX = 16
PROBLEM_KINDS = ("corrupt", "not_image", "too_large", "unreadable", "missing", "unsupported_format",
                 "symlink_loop", "unknown_class", "empty_class", "duplicate", "near_duplicate",
                 "label_conflict", "leak", "imbalance", "too_small")

_N = 32
_DCT = np.cos(np.pi / _N * (np.arange(_N)[:, None] * (np.arange(_N)[None, :] + 0.5)))


@dataclass(frozen=True)
class ImageHash:
    pixels: str  # sha1 of the decoded RGB pixels and their shape
    phash: int  # 64-bit perceptual hash
    width: int
    height: int
    colours: str  # 4x4 RGB thumbnail, hex: two pictures with the same layout in other colours differ here


def perceptual_hash(im: Image.Image) -> int:
    g = np.asarray(im.convert("L").resize((_N, _N), Image.Resampling.LANCZOS), dtype=np.float64)
    d = (_DCT @ g @ _DCT.T)[:8, :8].flatten()[1:]  # low frequencies, without the DC term
    bits = d > np.median(d)
    return int(sum(1 << i for i, b in enumerate(bits) if b))


def hash_image(path: str) -> ImageHash:
    im = load_rgb(path)
    arr = np.asarray(im)
    h = hashlib.sha1(f"{arr.shape}".encode())
    h.update(arr.tobytes())
    colours = im.resize((4, 4), Image.Resampling.BOX).tobytes().hex()
    return ImageHash(h.hexdigest(), perceptual_hash(im), im.width, im.height, colours)


class HashCache:
    """path -> (size, mtime_ns, hash), one JSON file per dataset folder in the user cache."""

    def __init__(self, root: str) -> None:
        key = hashlib.sha1(root.encode()).hexdigest()[:16]
        self.path = user_cache_dir() / "hashes" / f"{key}.json"
        try:
            self.data: dict[str, list[object]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.dirty = False

    def get(self, path: str) -> ImageHash | None:
        entry = self.data.get(path)
        if entry is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if len(entry) != 7:
            return None
        size, mtime, pix, ph, w, h, colours = entry
        if size != st.st_size or mtime != st.st_mtime_ns:
            return None
        return ImageHash(str(pix), int(ph), int(w), int(h), str(colours))  # type: ignore[call-overload]

    def put(self, path: str, value: ImageHash) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        self.data[path] = [st.st_size, st.st_mtime_ns, value.pixels, value.phash, value.width, value.height,
                           value.colours]
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            with contextlib.suppress(OSError):  # a cache is an optimisation
                write_json(self.path, self.data)


def compute_hashes(samples: list[Sample], root: str, progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> tuple[dict[str, ImageHash], list[Problem]]:
    cache = HashCache(root)
    hashes: dict[str, ImageHash] = {}
    todo = []
    for s in samples:
        cached = cache.get(s.path)
        if cached is not None:
            hashes[s.path] = cached
        else:
            todo.append(s.path)
    problems: list[Problem] = []
    with ThreadPoolExecutor(max_workers=min(16, (os.cpu_count() or 2) + 2)) as pool:
        results = pool.map(partial(or_load_error, hash_image), todo, chunksize=16)
        for i, (path, result) in enumerate(zip(todo, results, strict=True), 1):
            if isinstance(result, ImageLoadError):
                problems.append(Problem(path, result.kind, result.message))
            else:
                hashes[path] = result
                cache.put(path, result)
            if i % 32 == 0 or i == len(todo):
                progress(i, len(todo), "comparing images")
                if cancel is not None and cancel.is_set():
                    cache.save()
                    cancel.raise_if_set()
    cache.save()
    return hashes, problems


def _near_pairs(phashes: np.ndarray, max_bits: int) -> list[tuple[int, int]]:
    """Pairs within max_bits: two hashes that close agree exactly on at least one of 9 chunks (pigeonhole)."""
    chunks = 9
    bounds = np.linspace(0, 64, chunks + 1).astype(int)
    seen: set[tuple[int, int]] = set()
    out = []
    for lo, hi in itertools.pairwise(bounds):
        keys = (phashes >> np.uint64(lo)) & np.uint64((1 << (hi - lo)) - 1)
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, k in enumerate(keys.tolist()):
            buckets[k].append(i)
        for members in buckets.values():
            if len(members) < 2:
                continue
            m = np.asarray(members)
            x = np.ascontiguousarray(phashes[m][:, None] ^ phashes[m][None, :])
            dist = np.unpackbits(x.view(np.uint8).reshape(len(m), len(m), 8), axis=2).sum(axis=2)
            ii, jj = np.nonzero(np.triu(dist <= max_bits, k=1))
            for a, b in zip(m[ii].tolist(), m[jj].tolist(), strict=True):
                if (a, b) not in seen:
                    seen.add((a, b))
                    out.append((a, b))
    return out


SPLIT_WORDS = {"train": "training", "val": "validation", "test": "test"}


def check_health(index: DatasetIndex, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                 near_bits: int = NEAR_BITS) -> list[Problem]:
    """Findings for a scanned dataset, in addition to the scan's own problems: exact and near duplicates
    (within near_bits of the perceptual hash), the same image under two classes, train/validation
    leaks, class imbalance, tiny images, and files that cannot be read. Hashes are cached per file.
    progress is called from this thread; cancel raises CancelledError."""
    samples = list(index.samples)
    hashes, problems = compute_hashes(samples, index.root, progress, cancel)
    by_path = {s.path: s for s in samples}
    usable = [s.path for s in samples if s.path in hashes]
    reported: set[str] = set()

    def relation(a: str, b: str, near: bool) -> Problem:
        sa, sb = by_path[a], by_path[b]
        ca, cb = index.classes[sa.label], index.classes[sb.label]
        what = "a near copy of" if near else "the same image as"
        if sa.label != sb.label:
            return Problem(b, "label_conflict", f"{what} {a} but labelled '{cb}' there and '{ca}' here; "
                           "keep it in one class", duplicate_of=a)
        if sa.split != sb.split:
            # the inflated score is the held-out one (validation or test), whichever copy is listed first
            held = "test" if "test" in (sa.split, sb.split) else "validation"
            return Problem(b, "leak", f"{what} {a} in the {SPLIT_WORDS.get(sa.split, sa.split)} split: the "
                           f"{held} score is inflated; remove one copy", duplicate_of=a)
        kind = "near_duplicate" if near else "duplicate"
        return Problem(b, kind, f"{what} {a}; keep one of them", duplicate_of=a)

    groups: dict[str, list[str]] = defaultdict(list)
    for p in usable:
        groups[hashes[p].pixels].append(p)
    for members in groups.values():
        for other in members[1:]:
            problems.append(relation(members[0], other, near=False))
            reported.add(other)
    firsts = [m[0] for m in groups.values()]
    if len(firsts) > 1:
        ph = np.array([hashes[p].phash for p in firsts], dtype=np.uint64)
        colours = np.array([np.frombuffer(bytes.fromhex(hashes[p].colours), dtype=np.uint8) for p in firsts],
                           dtype=np.float32)
        for a, b in sorted(_near_pairs(ph, near_bits)):
            if np.abs(colours[a] - colours[b]).mean() > NEAR_COLOUR:
                continue  # same layout, different picture (e.g. two checkerboards in other colours)
            if firsts[b] not in reported:
                problems.append(relation(firsts[a], firsts[b], near=True))
                reported.add(firsts[b])
    for p in usable:
        h = hashes[p]
        if min(h.width, h.height) < TOO_SMALL_PX:
            problems.append(Problem(p, "too_small", f"only {h.width}x{h.height} pixels; it carries little to learn "
                                    "from"))
    counts = Counter(by_path[p].label for p in usable)
    if counts:
        biggest = max(counts.values())
        total = sum(counts.values())
        for label, n in sorted(counts.items()):
            if n * IMBALANCE_RATIO < biggest:
                weight = total / (len(counts) * n)
                problems.append(Problem(str(Path(index.root) / index.classes[label]), "imbalance",
                                        f"{n} images vs {biggest} in the largest class; add images or turn on "
                                        f"class weighting (suggested weight {weight:.1f})"))
    return problems


def with_health(index: DatasetIndex, progress: ProgressFn = no_progress,
                cancel: CancelToken | None = None) -> DatasetIndex:
    """The index with health findings added; unreadable files found while hashing are left out."""
    found = check_health(index, progress, cancel)
    unreadable = {p.path for p in found if p.kind in ("corrupt", "not_image", "too_large", "unreadable", "missing")}
    return index.without(unreadable, found)
