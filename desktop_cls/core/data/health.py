"""Dataset health: exact and near duplicates, label conflicts, train/val leaks, imbalance, tiny images.

Exact duplicates share their decoded pixels (any file name or format). A near duplicate is the same
picture up to re-encoding, resizing, a small crop or border and a brightness/contrast change: small
descriptors only nominate candidate pairs, and each pair is proven by comparing the two pictures
themselves, aligned (core/data/similarity.py). Label conflicts and leaks are duplicates or proven near
duplicates across classes or splits. Each finding carries its evidence: `difference` (0 for the same
pixels) and the file it copies. Hashes are cached by path, size and mtime and verdicts by the pair of
pixel hashes, so a rescan of an unchanged folder reads no image.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from desktop_cls.core.data import candidates, picture_memo, similarity
from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from desktop_cls.core.data.folder_layout import class_folder
from desktop_cls.core.data.health_cache import (
    DESCRIPTOR,
    HEIGHT,
    PIXELS,
    WIDTH,
    HashCache,
    ImageHash,
    VerdictCache,
    cache_file,
    hash_row,
)
from desktop_cls.core.data.imaging import load_whole_or_small
from desktop_cls.core.data.leak_words import copy_words, held_out_leak
from desktop_cls.core.data.problems import PROBLEM_NAMES
from desktop_cls.core.data.processes import (
    CHUNKS_PER_WORKER,
    bounded_chunks,
    bounded_map,
    reading_pool,
    reading_workers,
)
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _

IMBALANCE_RATIO = 3.0
TOO_SMALL_PX = 16
PROBLEM_KINDS = tuple(PROBLEM_NAMES)  # every kind a scan reports
COPY_KINDS = ("duplicate", "near_duplicate", "label_conflict", "leak")
_VERDICTS = similarity.RULES
_WORKERS = min(16, (os.cpu_count() or 2) + 2)
_PROCESS_PAIRS = 2000  # candidate pairs from which proving them in worker processes repays starting those
_CHUNK = 32  # images a worker reads per request: the result loop and the pool's own thread take steps per chunk
_ROWS = 4096  # descriptors decoded in one call
_PROCESS_IMAGES = 2000  # images to read from which worker processes repay starting them (about a second)


@dataclass(frozen=True, slots=True)
class Finding(Problem):
    """A copy finding with its evidence: how different the two pictures are once aligned (0 = same pixels)."""

    difference: float = 0.0
    what: str = ""  # "the same image as …": a leak is worded again for a run that cross-validates (leak_words)

    def to_dict(self) -> dict[str, Any]:
        d = Problem.to_dict(self)
        d["difference"] = round(self.difference, 4)
        return d


def hash_image(path: str) -> ImageHash:
    im, small = load_whole_or_small(path)
    arr = np.asarray(im)
    h = hashlib.sha1(f"{'small' if small else ''}{arr.shape}".encode())  # a small view is never a whole's copy
    h.update(arr.tobytes())
    return h.hexdigest(), similarity.descriptor(im).hex(), im.width, im.height


def compute_hashes(samples: list[Sample], root: str, progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> tuple[dict[str, ImageHash], list[Problem]]:
    """Each readable sample's hashes (from the cache when the file is unchanged); a problem per unreadable one.
    The results come back a chunk at a time and are stored a chunk at a time (`HashCache.add`): this loop runs
    in the window's process, beside its UI thread."""
    cache = HashCache(root)
    hashes: dict[str, ImageHash] = {}
    todo = [] if cache.data else [s.path for s in samples]  # a first check: nothing to look up
    for s in samples if cache.data else ():
        cached = cache.get(s.path)
        if cached is not None:
            hashes[s.path] = cached
        else:
            todo.append(s.path)
    errors: list[ImageLoadError] = []
    what = _("reading images")
    with _hash_pool(len(todo)) as pool:
        chunks = bounded_chunks(pool, partial(hash_row, hash_image), todo, _CHUNK,
                                CHUNKS_PER_WORKER * reading_workers(len(todo), _PROCESS_IMAGES, _WORKERS))
        for start, rows in zip(range(0, len(todo), _CHUNK), chunks, strict=True):
            cache.add(todo[start:start + _CHUNK], rows, hashes, errors)
            _step_done(start + len(rows), len(todo), _CHUNK * 2, what, progress, cancel, partial(_stop, cache, pool))
    cache.save()
    return hashes, [Problem(e.path, e.kind, e.message) for e in errors]


def _hash_pool(images: int) -> Executor:
    """Worker processes for many images, threads for a few. Reading a small picture is mostly Python (PIL's
    plugins, the hashes' small numpy steps), so threads hold the interpreter lock: in the window, four of them
    kept the UI thread waiting for it, and scrolling a 100,000-image grid stalled 0.3-1 s at a time."""
    return reading_pool(images, _PROCESS_IMAGES, _WORKERS)


def _step_done(i: int, total: int, every: int, what: str, progress: ProgressFn, cancel: CancelToken | None,
               save: Callable[[], None]) -> None:
    """Progress every `every` items (i counts them, by ones or by chunks of a divisor of `every`); on cancel the
    cache keeps the work done so far before it stops."""
    if i % every == 0 or i == total:
        progress(i, total, what)
        if cancel is not None and cancel.is_set():
            save()
            cancel.raise_if_set()


class _Decoded:
    """Decoded pictures (and their JPEG encodings) kept for the proofs in this process, least recently used
    out first, within a byte budget: each picture takes part in several candidate pairs, and decoding it
    again for each was half of a proof's time. Keyed by path, size and mtime, so a changed file is read again."""

    def __init__(self, budget: int = 64 << 20) -> None:
        self.budget, self.used = budget, 0
        self.items: OrderedDict[tuple[str, int, int], tuple[Image.Image, similarity.Encoding | None]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, path: str) -> tuple[Image.Image, similarity.Encoding | None]:
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
                return hit
        value = (load_whole_or_small(path)[0], similarity.jpeg_encoding(path))
        size = value[0].width * value[0].height * 3
        with self.lock:
            if key not in self.items and size <= self.budget // 4:
                self.items[key] = value
                self.used += size
                while self.used > self.budget:
                    _key, (dropped, _enc) = self.items.popitem(last=False)
                    self.used -= dropped.width * dropped.height * 3
        return value


_DECODED = _Decoded()


def _prove(pair: tuple[str, str]) -> float | None:
    """The pair's difference if it is the same picture, else None (unreadable now: not proven)."""
    try:
        (a, enc_a), (b, enc_b) = _DECODED.get(pair[0]), _DECODED.get(pair[1])
        m = similarity.compare(a, b, (enc_a, enc_b))
    except (ImageLoadError, OSError):
        return None
    return round(m.difference, 4) if m.same else None


def _stop(cache: VerdictCache | HashCache, pool: Executor) -> None:
    """On cancel: keep the work done so far, drop what has not started."""
    cache.save()
    pool.shutdown(wait=False, cancel_futures=True)


def descriptor_rows(paths: list[str], hashes: dict[str, ImageHash]) -> np.ndarray:
    """The pictures' descriptors, one row each, decoded _ROWS at a time: one array made of 100,000 small ones is
    one call of C code that keeps the interpreter lock 20-30 ms, the window's UI thread waiting."""
    parts = [np.frombuffer(bytes.fromhex("".join([hashes[p][DESCRIPTOR] for p in paths[i:i + _ROWS]])), np.uint8)
             for i in range(0, len(paths), _ROWS)]
    return np.concatenate(parts).reshape(len(paths), -1) if parts else np.zeros((0, 0), np.uint8)


def proven_near_pairs(firsts: list[str], hashes: dict[str, ImageHash], root: str,
                      progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                      prove: Callable[[tuple[str, str]], float | None] = _prove) -> dict[tuple[int, int], float]:
    """Candidate pairs among the distinct pictures, each proven (or not) by comparing the pixels."""
    if len(firsts) < 2:
        return {}
    desc = descriptor_rows(firsts, hashes)
    pairs = candidates.cached_candidate_pairs(desc, cache_file(root, ".candidates"), progress)
    cache = VerdictCache(root, _VERDICTS)
    verdicts: dict[tuple[int, int], float | None] = {}
    todo = []
    for a, b in pairs:
        key = cache.key(hashes[firsts[a]], hashes[firsts[b]])
        if key in cache.data:
            verdicts[(a, b)] = cache.data[key]
        else:
            todo.append((a, b))
    # the proof is many small numpy steps that hold the GIL: processes when there is enough work to repay starting them
    processes = prove is _prove and len(todo) >= _PROCESS_PAIRS and (os.cpu_count() or 1) > 1
    pool: Executor = (ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn"))
                      if processes else ThreadPoolExecutor(max_workers=_WORKERS))
    with pool:
        workers = (os.cpu_count() or 1) if processes else _WORKERS
        results = bounded_map(pool, prove, [(firsts[a], firsts[b]) for a, b in todo], 64 if processes else 8,
                              CHUNKS_PER_WORKER * workers)
        for i, ((a, b), verdict) in enumerate(zip(todo, results, strict=True), 1):
            verdicts[(a, b)] = verdict
            cache.data[cache.key(hashes[firsts[a]], hashes[firsts[b]])] = verdict
            cache.dirty = True
            _step_done(i, len(todo), 16, _("comparing look-alike images"), progress, cancel,
                       partial(_stop, cache, pool))
    cache.save()
    picture_memo.MEMO.clear()  # proofs in this process (threads) kept steps of its pictures
    return {pair: d for pair, d in verdicts.items() if d is not None}


def _relation(index: DatasetIndex, by_path: dict[str, Sample], a: str, b: str, difference: float | None) -> Finding:
    """b is a copy of a: a conflict across classes, a leak across splits, else a duplicate to thin out."""
    sa, sb = by_path[a], by_path[b]
    ca, cb = index.classes[sa.label], index.classes[sb.label]
    near = difference is not None
    what = copy_words(a, difference)
    diff = difference or 0.0
    if sa.label != sb.label:
        return Finding(b, "label_conflict", _("{what} but labeled '{there}' there and '{here}' here; keep it in "
                                              "one class").format(what=what, there=ca, here=cb),
                       duplicate_of=a, difference=diff)
    if sa.split != sb.split:
        return Finding(b, "leak", held_out_leak(what, sa.split, sb.split), duplicate_of=a, difference=diff,
                       what=what)
    kind = "near_duplicate" if near else "duplicate"
    return Finding(b, kind, _("{what}; keep one of them").format(what=what), duplicate_of=a, difference=diff)


def copy_findings(index: DatasetIndex, hashes: dict[str, ImageHash], usable: Iterable[str],
                  progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[Finding]:
    """Exact copies (same pixels), then proven near copies among the rest; each file reported once."""
    by_path = {s.path: s for s in index.samples}
    first, copies = _pixel_groups(usable, hashes)
    found: list[Finding] = []
    def place(path: str) -> tuple[int, str]:
        return by_path[path].label, by_path[path].split

    for members in (distinct_files(copies[pixels], place) for pixels in first if pixels in copies):
        found.extend(_closest_relation(index, by_path, other, [(m, None) for m in members[:i]])
                     for i, other in enumerate(members[1:], 1))
    firsts = list(first.values())
    partners: dict[int, list[tuple[str, float | None]]] = defaultdict(list)
    for (a, b), difference in sorted(proven_near_pairs(firsts, hashes, index.root, progress, cancel).items()):
        partners[b].append((firsts[a], difference))
    found.extend(_closest_relation(index, by_path, firsts[b], copies) for b, copies in sorted(partners.items()))
    return found


def _pixel_groups(usable: Iterable[str], hashes: dict[str, ImageHash]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each distinct picture's first file (by pixel hash, in the order first seen), and the files of each picture
    found more than once, the first included. A list per picture, most of them of one file, was 100,000 objects
    the cycle collector walked at each full collection, one step that keeps the interpreter lock."""
    first: dict[str, str] = {}
    copies: dict[str, list[str]] = {}
    for p in usable:
        pixels = hashes[p][PIXELS]
        if pixels not in first:
            first[pixels] = p
        elif pixels in copies:
            copies[pixels].append(p)
        else:
            copies[pixels] = [first[pixels], p]
    return first, copies


def distinct_files(paths: list[str], place: Callable[[str], object] = lambda _p: None) -> list[str]:
    """The paths less those that are a link to an earlier one's file in the same place (`place`: its class and
    split), or the file an earlier link there leads to (the same inode): the scan reports a link as a link, and
    calling it a duplicate of its own target would be a false claim (trashing the "copy" only removes the link).
    The same file in another class or split stays a conflict or a leak: it is one, whether copied or linked.
    Two hard links are two names in the folder and stay duplicates. Only groups of identical pixels get here."""
    if len(paths) < 2:
        return paths
    seen: dict[tuple[int, int, object], bool] = {}  # (inode, place) -> whether a link led there
    kept = []
    for path in paths:
        try:
            st, link = os.stat(path), os.path.islink(path)
        except OSError:
            kept.append(path)
            continue
        key = (st.st_dev, st.st_ino, place(path))
        if key in seen and (link or seen[key]):
            continue
        seen[key] = seen.get(key, False) or link
        kept.append(path)
    return kept


def _closest_relation(index: DatasetIndex, by_path: dict[str, Sample], path: str,
                      copies: list[tuple[str, float | None]]) -> Finding:
    """A file with several earlier copies is reported once: as a duplicate of one in its own class and split
    when there is one (trashing it then loses nothing, and a leak or a conflict stays with that copy), else
    as the first relation found. Reported as a leak, it stayed when duplicate copies were trashed, and the
    next check listed it as a duplicate."""
    here = by_path[path]
    same = [(a, d) for a, d in copies if (by_path[a].label, by_path[a].split) == (here.label, here.split)]
    a, difference = (same or copies)[0]
    return _relation(index, by_path, a, path, difference)


def check_health(index: DatasetIndex, progress: ProgressFn = no_progress,
                 cancel: CancelToken | None = None, loose: bool = True) -> list[Problem]:
    """Findings for a scanned dataset, in addition to the scan's own problems: files that cannot be read,
    exact and proven near copies (the same picture under two classes, across train/validation/test, or
    twice in one class), tiny images and class imbalance. Hashes and verdicts are cached (see the module).
    With `loose`, the images not in a class yet are read too, and the unreadable ones are reported (the Label
    page would show them as broken, one at a time); they take part in nothing else.
    progress is called from this thread; cancel raises CancelledError."""
    waiting = [Sample(p, -1, "") for p in index.unlabeled] if loose else []
    hashes, problems = compute_hashes([*index.samples, *waiting], index.root, progress, cancel)
    usable = [s.path for s in index.samples if s.path in hashes]
    return [*problems, *copy_findings(index, hashes, usable, progress, cancel), *_too_small(usable, hashes),
            *_imbalance(index, usable)]


def _too_small(usable: list[str], hashes: dict[str, ImageHash]) -> list[Problem]:
    return [Problem(p, "too_small", _("only {width}x{height} pixels; it carries little to learn from").format(
                width=hashes[p][WIDTH], height=hashes[p][HEIGHT]))
            for p in usable if min(hashes[p][WIDTH], hashes[p][HEIGHT]) < TOO_SMALL_PX]


def _imbalance(index: DatasetIndex, usable: list[str]) -> list[Problem]:
    """A class with under a third of the largest one's images, with the class weight that evens it out."""
    label_of = {s.path: s.label for s in index.samples}
    counts = Counter(label_of[p] for p in usable)
    if not counts:
        return []
    biggest, total = max(counts.values()), sum(counts.values())
    root = Path(index.root)  # with split folders a class folder lies in train/
    return [Problem(str(root / class_folder(root, index.classes[label])), "imbalance", _(
                "{n} images vs {biggest} in the largest class; add images or turn on class weighting "
                "(recommended weight {weight:.1f})").format(n=n, biggest=biggest, weight=total / (len(counts) * n)))
            for label, n in sorted(counts.items()) if n * IMBALANCE_RATIO < biggest]


def with_health(index: DatasetIndex, progress: ProgressFn = no_progress,
                cancel: CancelToken | None = None, loose: bool = True) -> DatasetIndex:
    """The index with health findings added; unreadable files found while hashing are left out."""
    found = check_health(index, progress, cancel, loose)
    unreadable = {p.path for p in found if p.kind in ("corrupt", "not_image", "too_large", "unreadable", "missing")}
    return index.without(unreadable, found)
