"""Which pictures to prove alike: each picture's nearest descriptors among pictures of similar contrast, found
without comparing every pair.

A descriptor (similarity.descriptor, a blurred 12x12 thumbnail) is mean-centred and scaled to unit length; two
pictures are candidates when the cosine of their descriptors is at least CANDIDATE_COSINE and their contrasts
(the descriptors' lengths) are within CANDIDATE_CONTRAST of each other, and each picture keeps its
CANDIDATES_PER_IMAGE most similar ones (ties: the earlier picture), so the proofs stay linear in the folder.

Two unit vectors at cosine c are sqrt(2 - 2c) apart, and so are their projections on any direction at most
that far apart. The pictures are put on a grid: the logarithm of contrast in steps of log(CANDIDATE_CONTRAST),
and the projections on the descriptors' first principal directions in steps of that distance. A pair of
candidates lies in one cell or in two neighbouring ones, so each cell is compared with itself and its
neighbours only, each pair once, in blocks (matrix products): the same candidates as comparing every pair,
for a fraction of the work (at 100,000 drawn pictures, a seventh of the similarities that comparing every
picture with every other computed). Pictures that all look alike share one cell and are still compared pair by
pair: the work still grows with the square of such a folder; what each picture nominates stays bounded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from desktop_cls.core.data.processes import CHUNKS_PER_WORKER, bounded_map, one_thread_each, worth_processes
from desktop_cls.core.events import ProgressFn, no_progress
from desktop_cls.core.i18n import _, current_language
from desktop_cls.core.storage import write_atomic

CANDIDATE_COSINE = 0.9  # descriptors at least this similar in shape are compared ...
CANDIDATE_CONTRAST = 2.0  # ... when their contrasts are within this factor
CANDIDATES_PER_IMAGE = 6
SEARCH = "grid 1"  # how the candidates are found: part of the cache key, so a changed search is run again
_BLOCK = 256  # rows of a block
_COLUMNS = 8192  # ... and its most columns: a block's similarities stay within a few MB
_PROCESS_DESCRIPTORS = 20000  # pictures from which searching in worker processes repays starting them
_MOST_WORKERS = 4  # each holds the unit descriptors (57 MB at 100,000) and is sent the raw ones with each part
_BATCH = 1 << 16  # candidate pairs merged at once
_SLICE = 1 << 14  # pairs made Python objects in one call (about a millisecond holding the interpreter lock)
_MAGIC = b"desktop_cls candidate pairs 2\n"  # then the search's key, a line, then the pairs as a .npy array
_MARGIN = 1.001  # cells a little wider than the distances they stand for: rounding never splits a pair further
# principal directions the grid splits besides contrast: finer cells compare fewer pairs in smaller blocks, which
# pays on one thread a process; with the numerical library's own threads, small blocks mostly wait (measured)
_AXES_IN_PROCESSES = 3
_AXES_HERE = 1

Pairs = list[tuple[int, int]]


def unit_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean-centred rows scaled to unit length (flat rows: zero), and their lengths."""
    x = rows.astype(np.float32)
    x -= x.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norm, out=np.zeros_like(x), where=norm > 1e-3), norm[:, 0]


@dataclass(frozen=True, slots=True)
class Grid:
    """The pictures with a shape (flat ones nominate nothing), sorted by cell; cell i holds
    order[starts[i]:starts[i + 1]], and its forward neighbours are neighbours[i] (cell numbers, -1: none)."""

    order: np.ndarray
    starts: np.ndarray
    neighbours: np.ndarray


def _forward(dims: int) -> np.ndarray:
    """The neighbouring cells after a cell in the grid's order (those before it compare with it from their side)."""
    return np.array([step for step in itertools.product((-1, 0, 1), repeat=dims) if step > (0,) * dims])


def grid(x: np.ndarray, log_norm: np.ndarray, min_cosine: float, axes: int) -> Grid:
    """Cells of log-contrast and of the projections on the first `axes` principal directions (any directions
    would keep the result exact; these split the pictures most)."""
    live = np.flatnonzero(np.abs(x).sum(axis=1) > 0)
    sample = x[live[:: max(1, len(live) // 20000)]].astype(np.float64)
    sample -= sample.mean(axis=0) if len(sample) else 0.0
    directions = np.linalg.eigh(sample.T @ sample)[1][:, :-axes - 1:-1].T.astype(np.float32)  # the largest
    reach = np.sqrt(max(2 - 2 * min_cosine, 1e-6)) * _MARGIN
    coords = np.column_stack([np.floor(log_norm[live] / (np.log(CANDIDATE_CONTRAST) * _MARGIN)),
                              np.floor(x[live] @ directions.T / reach)]).astype(np.int64)
    if not len(live):
        return Grid(live, np.zeros(1, np.int64), np.zeros((0, len(_forward(1 + axes))), np.int64))
    coords -= coords.min(axis=0) - 1  # a step either way never leaves the grid, so keys never wrap
    size = coords.max(axis=0) + 2
    place = np.cumprod(np.append(size[1:], 1)[::-1])[::-1]  # a cell's key: its coordinates in mixed radix
    keys = coords @ place
    by_cell = np.argsort(keys, kind="stable")
    cell_keys, starts = np.unique(keys[by_cell], return_index=True)
    steps = _forward(1 + axes) @ place
    wanted = cell_keys[:, None] + steps[None, :]
    found = np.minimum(np.searchsorted(cell_keys, wanted), len(cell_keys) - 1)
    neighbours = np.where(cell_keys[found] == wanted, found, -1)
    return Grid(live[by_cell], np.append(starts, len(live)), neighbours)


class Nearest:
    """Each picture's `k` most similar candidates so far (ties: the earlier picture), as the search finds them."""

    def __init__(self, n: int, k: int) -> None:
        self.k = k
        self.sims = np.full((n, k), -np.inf, np.float32)
        self.others = np.full((n, k), -1, np.int64)
        self.waiting: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.held = 0

    def offer(self, a: np.ndarray, b: np.ndarray, sims: np.ndarray) -> None:
        """Pairs (a, b) of these similarities, for both of their pictures; merged a batch at a time (merging
        costs about the same for a few pairs as for many)."""
        self.waiting.append((a, b, sims))
        self.held += len(a)
        if self.held >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.waiting:
            a, b, s = (np.concatenate(part) for part in zip(*self.waiting, strict=True))
            self.waiting, self.held = [], 0
            self.add(np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([s, s]))

    def bar(self, rows: np.ndarray) -> np.ndarray:
        """The similarity a new candidate of these rows must reach to be kept (the k-th best so far)."""
        return self.sims[rows, self.k - 1]

    def add(self, rows: np.ndarray, others: np.ndarray, sims: np.ndarray) -> None:
        keep = sims >= self.bar(rows)
        rows, others, sims = rows[keep], others[keep], sims[keep]
        if not len(rows):
            return
        touched = distinct(rows)
        kept = self.others[touched] >= 0
        rows = np.concatenate([np.repeat(touched, self.k)[kept.ravel()], rows])
        others = np.concatenate([self.others[touched][kept], others])
        sims = np.concatenate([self.sims[touched][kept], sims])
        order = np.lexsort((others, -sims, rows))
        rows, others, sims = rows[order], others[order], sims[order]
        slot = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        top = slot < self.k
        self.sims[touched] = -np.inf
        self.others[touched] = -1
        self.sims[rows[top], slot[top]] = sims[top]
        self.others[rows[top], slot[top]] = others[top]

    def filled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        self.flush()
        rows, slots = np.nonzero(self.others >= 0)
        return rows, self.others[rows, slots], self.sims[rows, slots]

    def array(self) -> np.ndarray:
        """The candidate pairs (a, b), a < b, each once, in order: one row each."""
        rows, others, _sims = self.filled()
        n = np.int64(max(self.sims.shape[0], 1))
        # one int64 a pair, sorted as (a, b) would be: unique over rows kept the interpreter lock 130-150 ms at
        # 30,000 pictures in one step (a stall in the window)
        both = distinct(np.minimum(rows, others).astype(np.int64) * n + np.maximum(rows, others))
        return np.column_stack([both // n, both % n])

    def pairs(self) -> Pairs:
        return pair_list(self.array())


def distinct(x: np.ndarray) -> np.ndarray:
    """np.unique of integers, sorted: numpy's own (a hash table from numpy 2.3) keeps the interpreter lock
    throughout, 40-68 ms over the 600,000 candidates of 100,000 pictures; its sort lets go of the lock, and the
    mask of repeats is a few short passes."""
    x = np.sort(x)
    return x[np.append(True, x[1:] != x[:-1])] if len(x) else x


def pair_list(rows: np.ndarray) -> Pairs:
    """Rows (a, b) as tuples of Python ints, _SLICE rows a call: one call for 300,000 pairs (100,000 pictures)
    keeps the interpreter lock tens of ms, and the window's UI thread waits for it."""
    out: Pairs = []
    for i in range(0, len(rows), _SLICE):
        part = rows[i:i + _SLICE]
        out.extend(zip(part[:, 0].tolist(), part[:, 1].tolist(), strict=True))
    return out


def _blocks(g: Grid, cell: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """The blocks of one cell: (first row, end row, columns), positions in g.order. A cell's rows meet the rest of
    the cell after them and every forward neighbour."""
    lo, hi = int(g.starts[cell]), int(g.starts[cell + 1])
    ahead = [np.arange(g.starts[c], g.starts[c + 1]) for c in g.neighbours[cell] if c >= 0]
    for first in range(lo, hi, _BLOCK):
        columns = np.concatenate([np.arange(first, hi), *ahead])
        for c in range(0, len(columns), _COLUMNS):
            yield first, min(first + _BLOCK, hi), columns[c:c + _COLUMNS]


def search_cells(x: np.ndarray, log_norm: np.ndarray, g: Grid, cells: range, min_cosine: float,
                 nearest: Nearest, compared: Callable[[int], None] | None = None) -> None:
    """Compare each of these cells with itself and its forward neighbours; every pair meets once, and both of its
    pictures hear of it. compared(n): told how many pairs each block compared (tests)."""
    too_far, floor = np.float32(np.log(CANDIDATE_CONTRAST)), np.float32(min_cosine)
    xs, ls = x[g.order], log_norm[g.order]
    for cell in cells:
        for first, end, columns in _blocks(g, cell):
            sims = xs[first:end] @ xs[columns].T
            if compared is not None:
                compared(sims.size)
            r, c = np.nonzero(sims >= floor)
            s = sims[r, c]
            r += first
            c = columns[c]
            keep = (c > r) & (np.abs(ls[r] - ls[c]) <= too_far)  # each pair once (the cell meets itself)
            # ... and worth keeping: at or above the k-th best so far of one of its two pictures
            keep[keep] = s[keep] >= np.minimum(nearest.bar(g.order[r[keep]]), nearest.bar(g.order[c[keep]]))
            nearest.offer(g.order[r[keep]], g.order[c[keep]], s[keep])
    nearest.flush()


def _parts(g: Grid, parts: int) -> list[range]:
    """Runs of cells with about the same work each (a cell's rows times the columns they meet)."""
    sizes = np.diff(g.starts)
    ahead = np.where(g.neighbours >= 0, sizes[np.maximum(g.neighbours, 0)], 0).sum(axis=1)
    work = np.cumsum(sizes * (sizes / 2 + ahead))
    if not len(work):
        return []
    cuts = np.searchsorted(work, work[-1] * np.arange(1, parts) / parts, side="right")
    edges = np.unique(np.concatenate([[0], cuts, [len(work)]]))
    return [range(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _prepared(descriptors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, norm = unit_rows(descriptors)
    return x, np.log(np.maximum(norm, 1e-3)).astype(np.float32)


def _search_part(descriptors: np.ndarray, g: Grid, min_cosine: float, k: int, cells: range
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One run of cells, in a worker process: the candidates it found (picture, other, similarity)."""
    x, log_norm = _prepared(descriptors)  # the caller's arithmetic: the same values
    nearest = Nearest(len(x), k)
    search_cells(x, log_norm, g, cells, min_cosine, nearest)
    return nearest.filled()


def _in_processes(descriptors: np.ndarray, g: Grid, min_cosine: float, nearest: Nearest,
                  progress: ProgressFn) -> None:
    """Runs of cells of about equal work, two a worker, each worker on one core; their candidates merged here."""
    workers = min(os.cpu_count() or 1, _MOST_WORKERS)
    parts = _parts(g, 2 * workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=one_thread_each, initargs=(current_language(),)) as pool:
        found = bounded_map(pool, partial(_search_part, descriptors, g, min_cosine, nearest.k), parts, 1,
                            CHUNKS_PER_WORKER * workers)
        for i, (rows, others, sims) in enumerate(found, 1):
            nearest.add(rows, others, sims)  # each pair was compared in one part only
            progress(i, len(parts), _("finding look-alike images"))


def candidate_pairs(descriptors: np.ndarray, min_cosine: float = CANDIDATE_COSINE,
                    per_image: int = CANDIDATES_PER_IMAGE, progress: ProgressFn = no_progress,
                    compared: Callable[[int], None] | None = None) -> Pairs:
    """(i, j), i < j: each image's nearest descriptors at or above min_cosine among pictures of similar
    contrast. Flat pictures have no shape and nominate nothing (exact copies are found by their pixels).
    From _PROCESS_DESCRIPTORS pictures on, runs of cells are searched in worker processes.
    compared(n): told how many pairs each block compared (tests; the search then stays in this process)."""
    return pair_list(candidate_array(descriptors, min_cosine, per_image, progress, compared))


def candidate_array(descriptors: np.ndarray, min_cosine: float = CANDIDATE_COSINE,
                    per_image: int = CANDIDATES_PER_IMAGE, progress: ProgressFn = no_progress,
                    compared: Callable[[int], None] | None = None) -> np.ndarray:
    """candidate_pairs as rows of an array."""
    n = len(descriptors)
    k = min(per_image, n - 1)
    if k <= 0:
        return np.zeros((0, 2), np.int64)
    x, log_norm = _prepared(descriptors)
    processes = compared is None and worth_processes(n, _PROCESS_DESCRIPTORS)
    g = grid(x, log_norm, min_cosine, _AXES_IN_PROCESSES if processes else _AXES_HERE)
    nearest = Nearest(n, k)
    if processes:
        _in_processes(descriptors, g, min_cosine, nearest, progress)
        return nearest.array()
    parts = _parts(g, 16)
    for i, cells in enumerate(parts, 1):
        search_cells(x, log_norm, g, cells, min_cosine, nearest, compared)
        progress(i, len(parts), _("finding look-alike images"))
    return nearest.array()


def cached_candidate_pairs(descriptors: np.ndarray, cache: Path, progress: ProgressFn = no_progress) -> Pairs:
    """candidate_pairs, remembered in the cache file for the same descriptors in the same order: a rescan of an
    unchanged folder skips the search. The file holds the pairs as a .npy array (2.4 MB at 100,000 pictures),
    read and written in calls that each keep the interpreter lock briefly: one JSON document (10 MB) was one
    call of the JSON library for the whole file."""
    h = hashlib.sha1(f"{SEARCH} {CANDIDATE_COSINE} {CANDIDATE_CONTRAST} {CANDIDATES_PER_IMAGE} "
                     f"{descriptors.shape}".encode())
    h.update(np.ascontiguousarray(descriptors).data)  # no copy; hashlib lets go of the lock for large buffers
    key = h.hexdigest().encode()
    rows = read_pairs(cache, key, len(descriptors))
    if rows is None:
        rows = candidate_array(descriptors, progress=progress)
        with contextlib.suppress(OSError):  # a cache is an optimisation
            write_pairs(cache, key, rows)
    return pair_list(rows)


def write_pairs(path: Path, key: bytes, rows: np.ndarray) -> None:
    """The pairs under their search's key, written atomically."""
    out = io.BytesIO()
    out.write(_MAGIC + key + b"\n")
    np.save(out, rows.astype(np.int32 if len(rows) and rows.max() < 2**31 else np.int64), allow_pickle=False)
    write_atomic(path, out.getvalue())


def read_pairs(path: Path, key: bytes, n: int) -> np.ndarray | None:
    """The cached pairs of this key among n pictures, or None: no file, another key, an older format (a JSON
    document, recomputed and then replaced) or anything that is not each pair (a, b), 0 <= a < b < n, once in
    order. Never unpickled."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = _MAGIC + key + b"\n"
    if not data.startswith(head):
        return None
    try:
        rows = np.load(io.BytesIO(data[len(head):]), allow_pickle=False)
    except (ValueError, OSError, EOFError):
        return None
    if rows.dtype.kind != "i" or rows.ndim != 2 or rows.shape[1] != 2:
        return None
    a, b = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    code = a * max(n, 1) + b
    if len(rows) and not (a.min() >= 0 and (b > a).all() and b.max() < n and (np.diff(code) > 0).all()):
        return None
    return rows
