"""The aligned frame: one picture resampled onto the other's comparison grid, the alignment guide and its search.

A proof (core/data/similarity.py) spends most of its time here: about twenty trial frames per candidate pair,
each resampled with Pillow's antialiased filter and scored. The resample itself is a few microseconds; what
costed was the numpy around it, so each grid keeps what does not change between trials (the other picture's
centred values and clipping, the share of the grid each frame covers) and remembers the frames it has already
sampled. The figures are the same as computing them afresh: only repeated work is left out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from desktop_cls.core.data.picture_memo import MEMO

MAX_SIDE = 64  # comparison resolution cap
GRID_SCALE = 1.0  # the grid is this share of the smaller picture's size
MAX_SHIFT = 0.12  # how far the aligned frame's centre may move (share of the frame); its scale 1.5x as far
MIN_OVERLAP = 0.75  # share of the picture both images must show after alignment

Box = tuple[float, float, float, float]  # a frame over the picture: left, top, right, bottom (shares)
Sample = tuple[np.ndarray, np.ndarray]  # the values on the grid and which of them the picture covers


@functools.lru_cache(maxsize=64)
def _edge(n: int, pad: int) -> np.ndarray:
    """Which of n pixels each of n + 2 pad padded ones repeats (the nearest)."""
    return np.clip(np.arange(-pad, n + pad), 0, n - 1)


@functools.lru_cache(maxsize=64)
def _cells(n: int) -> np.ndarray:
    out = (np.arange(n) + 0.5) / n
    out.flags.writeable = False  # shared by every grid of this size
    return out


@functools.lru_cache(maxsize=64)
def _all(h: int, w: int) -> np.ndarray:
    out = np.ones((h, w), dtype=bool)
    out.flags.writeable = False
    return out


def _on_grid(a: Image.Image, gw: int, gh: int, radius: float) -> np.ndarray:
    """a blurred by radius (px of a), resampled onto a gw x gh grid (read-only: shared by its pairs)."""
    if radius:
        a = a.filter(ImageFilter.GaussianBlur(radius))
    out = np.asarray(a.resize((gw, gh), Image.Resampling.BILINEAR), dtype=np.float32)
    out.flags.writeable = False
    return out


def _padded(b: Image.Image, pad: int, radius: float) -> Image.Image:
    """b blurred by radius, its edge pixels repeated pad times on every side (np.pad's "edge", faster)."""
    if radius:
        b = b.filter(ImageFilter.GaussianBlur(radius))
    rows, cols = _edge(b.height, pad), _edge(b.width, pad)
    return Image.fromarray(np.take(np.take(np.asarray(b), rows, axis=0), cols, axis=1))


class Grid:
    """b, padded, resampled onto a's comparison grid through any frame (antialiased, as a is)."""

    def __init__(self, a: Image.Image, b: Image.Image, blur: float = 0.0) -> None:
        side = max(8, min(MAX_SIDE, round(GRID_SCALE * max(b.size)), max(b.size)))
        scale = side / max(a.size)
        self.gw, self.gh = max(4, round(a.width * scale)), max(4, round(a.height * scale))
        # the same blur on the grid: each picture blurred in proportion to its own size
        self.a = MEMO.get(a, ("grid", self.gw, self.gh, blur * max(a.size) / side),
                          lambda: _on_grid(a, self.gw, self.gh, blur * max(a.size) / side))
        self.bw, self.bh = b.size
        self.pad = int(np.ceil(0.3 * max(b.size))) + 2
        self.b = MEMO.get(b, ("padded", self.pad, blur * max(b.size) / side),
                          lambda: _padded(b, self.pad, blur * max(b.size) / side))
        self.xt, self.yt = _cells(self.gw), _cells(self.gh)  # where each grid column (row) samples the frame
        self.ends = (float(self.xt[0]), float(self.xt[-1]), float(self.yt[0]), float(self.yt[-1]))
        self.full = _all(self.gh, self.gw)  # the whole grid covered
        self.seen: dict[Box, Sample] = {}
        self.costs: dict[Box, float] = {}
        self.flat = self.a.ravel()
        self._whole: tuple[np.ndarray, np.ndarray, np.ndarray, float] | None = None

    def whole(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """What the guide needs of a whenever a frame covers the whole grid: its clipped cells, its centred values
        and their energy (worked out once, on the first such frame)."""
        if self._whole is None:
            centred = self.flat - self.flat.mean()  # as in _guide
            self._whole = self.flat >= 250, self.flat <= 5, centred, float(centred @ centred)
        return self._whole

    def _covered(self, box: Box) -> np.ndarray:
        """Which grid cells the frame's picture covers (the frame may reach past the picture's edges)."""
        x0, y0, x1, y1 = box
        tx0, tx1, ty0, ty1 = self.ends  # the same arithmetic as the arrays below, on their first and last cell
        if x0 + tx0 * (x1 - x0) >= 0 and x0 + tx1 * (x1 - x0) <= 1 and y0 + ty0 * (y1 - y0) >= 0 and \
                y0 + ty1 * (y1 - y0) <= 1:  # the cells are in order: the ends decide
            return self.full
        xs, ys = x0 + self.xt * (x1 - x0), y0 + self.yt * (y1 - y0)
        return ((ys >= 0) & (ys <= 1))[:, None] & ((xs >= 0) & (xs <= 1))[None, :]

    def sample(self, box: Box) -> Sample:
        hit = self.seen.get(box)
        if hit is not None:
            return hit
        x0, y0, x1, y1 = box
        p = self.pad
        src = (x0 * self.bw + p, y0 * self.bh + p, x1 * self.bw + p, y1 * self.bh + p)
        lim_w, lim_h = self.bw + 2 * p, self.bh + 2 * p
        src = (max(0.0, src[0]), max(0.0, src[1]), min(lim_w, src[2]), min(lim_h, src[3]))
        out = np.asarray(self.b.resize((self.gw, self.gh), Image.Resampling.BILINEAR, box=src), dtype=np.float32)
        self.seen[box] = out, self._covered(box)
        return self.seen[box]


def _guide(av: np.ndarray, bv: np.ndarray, n: int) -> float:
    ac, bc = av - av.sum() / n, bv - bv.sum() / n  # the mean, as float32 as numpy's (one call, not five)
    return _left(float(ac @ ac), float(bc @ bc), float(ac @ bc), n)


def _left(saa: float, sbb: float, sab: float, n: int) -> float:
    gain = max(sab / saa, 0.0) if saa > 1e-6 else 0.0
    left = max(sbb - 2 * gain * sab + gain * gain * saa, 0.0)
    return float(np.sqrt(left / max(0.5 * (saa + sbb), 16.0 * n)))


def _unclipped(av: np.ndarray, bv: np.ndarray, clipped: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """A brightened picture clips: leave out what is saturated in one picture only (a black or white background
    in both stays in), unless that leaves too little."""
    kept = n - int(np.count_nonzero(clipped))
    if kept < n and kept >= max(8, 0.25 * n):
        keep = ~clipped
        return av[keep], bv[keep], kept
    return av, bv, n


def box_cost(grid: Grid, box: Box) -> float:
    """Residual of the least-squares gain and offset (no clipping: a guide, not the verdict)."""
    known = grid.costs.get(box)
    if known is None:
        known = grid.costs[box] = _box_cost(grid, box)
    return known


def _box_cost(grid: Grid, box: Box) -> float:
    sampled, inside = grid.sample(box)
    bv = sampled.ravel()
    if inside is not grid.full:
        if np.count_nonzero(inside) < MIN_OVERLAP * inside.size:
            return float("inf")
        av, bv = grid.a[inside].ravel(), sampled[inside].ravel()  # a colour grid: every channel of each cell
        return _guide(*_unclipped(av, bv, ((av >= 250) ^ (bv >= 250)) | ((av <= 5) ^ (bv <= 5)), av.size))
    bright, dark, centred, energy = grid.whole()
    av, bv, n = _unclipped(grid.flat, bv, (bright ^ (bv >= 250)) | (dark ^ (bv <= 5)), bv.size)
    if av is not grid.flat:
        return _guide(av, bv, n)
    bc = bv - bv.sum() / n  # a over the whole grid: its part is worked out once per grid
    return _left(energy, float(bc @ bc), float(centred @ bc), n)


@dataclass(frozen=True)
class Frame:
    """A crop or a border keeps the pixels square: one scale for both axes, around a movable centre."""

    aspect_x: float
    aspect_y: float

    def box(self, cx: float, cy: float, scale: float) -> Box:
        wx, wy = scale * self.aspect_x, scale * self.aspect_y
        return (float(cx - wx / 2), float(cy - wy / 2), float(cx + wx / 2), float(cy + wy / 2))


def search(cost: Callable[[float, float, float], float], x0: float, give_up: tuple[float, float],
           start: tuple[float, float, float] = (0.5, 0.5, 1.0)) -> tuple[tuple[float, float, float], float]:
    """Pattern search over the frame's centre and scale, coarse to fine, giving up early on hopeless pairs:
    past the coarsest step when the best is above give_up[0], past the next one above give_up[1].

    A step back to a frame already tried is answered from memory (a sixth of the trials, each a resample)."""
    x = list(start)
    known: dict[tuple[float, ...], float] = {}
    bounds = [(0.5 - MAX_SHIFT, 0.5 + MAX_SHIFT), (0.5 - MAX_SHIFT, 0.5 + MAX_SHIFT),
              (1 - 1.5 * MAX_SHIFT, 1 + 1.5 * MAX_SHIFT)]
    best = x0
    for step in (0.04, 0.02, 0.01, 0.005, 0.0025):
        if (step <= 0.02 and best > give_up[0]) or (step <= 0.01 and best > give_up[1]):
            break
        for _round in range(6):
            improved = False
            for i in range(3):
                for sign in (1, -1):
                    trial = list(x)
                    trial[i] += sign * step
                    if not bounds[i][0] <= trial[i] <= bounds[i][1]:
                        continue
                    key = tuple(round(v, 9) for v in trial)
                    c = known[key] if key in known else known.setdefault(key, cost(*trial))
                    if c < best:
                        best, x, improved = c, trial, True
            if not improved:
                break
    return (x[0], x[1], x[2]), best
