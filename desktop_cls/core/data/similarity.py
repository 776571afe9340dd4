"""Is this the same picture? Candidate pairs from small descriptors, then proof from the pixels themselves.

A descriptor (a blurred 12x12 grayscale thumbnail, mean-centred and unit length) only nominates
candidates: many different small pictures on plain backgrounds share a hash or a thumbnail. Each
candidate pair is then compared at the smaller image's own resolution (up to 64 px), both resampled
with the same antialiasing filter: the frame of one is aligned on the other (a search over the frame's
centre and scale with square pixels, so resizing, small crops and borders line up, or the whole frame
stretched for a resize to another shape), brightness and contrast are fitted (gain and offset,
clipping allowed for), and what is left must be small everywhere: over the whole picture and in each
of its 16 tiles. A borderline pair is left out rather than flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

THUMB = 12  # descriptor side
MAX_SIDE = 64  # comparison resolution cap: the smaller image's own size up to this
PREP_BLUR = 0.7  # px at the comparison size: JPEG noise and resampling differ most in the finest detail
MAX_SHIFT = 0.12  # how far the aligned frame's centre may move (share of the frame); its scale 1.5x as far
MIN_OVERLAP = 0.75  # share of the picture both images must show after alignment
MAX_DIFFERENCE = 0.10  # residual RMS / picture contrast over the whole overlap
MAX_TILE_DIFFERENCE = 0.28  # ... and in the worst of the 4x4 tiles (a local change is a different picture)
CANDIDATE_COSINE = 0.80  # descriptors at least this similar are compared
CANDIDATES_PER_IMAGE = 6


def descriptor(im: Image.Image) -> bytes:
    """12x12 grayscale thumbnail of the slightly blurred picture (what candidate search compares)."""
    g = im.convert("L").resize((THUMB * 4, THUMB * 4), Image.Resampling.BOX)
    g = g.filter(ImageFilter.GaussianBlur(2)).resize((THUMB, THUMB), Image.Resampling.BOX)
    return g.tobytes()


def _unit(rows: np.ndarray) -> np.ndarray:
    x = rows.astype(np.float32)
    x -= x.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norm, out=np.zeros_like(x), where=norm > 1e-3)


def candidate_pairs(descriptors: np.ndarray, min_cosine: float = CANDIDATE_COSINE,
                    per_image: int = CANDIDATES_PER_IMAGE, block: int = 2048) -> list[tuple[int, int]]:
    """(i, j), i < j: each image's nearest descriptors at or above min_cosine (brute force, in blocks).

    Flat pictures (no contrast) have no direction and nominate nothing; exact copies are found by pixels.
    """
    x = _unit(descriptors)
    n = len(x)
    k = min(per_image, n - 1)
    out: set[tuple[int, int]] = set()
    if k <= 0:
        return []
    for lo in range(0, n, block):
        sims = x[lo:lo + block] @ x.T
        rows = np.arange(lo, min(lo + block, n))
        sims[rows - lo, rows] = -1.0
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r, cols in zip(rows.tolist(), nearest.tolist(), strict=True):
            for c in cols:
                if sims[r - lo, c] >= min_cosine:
                    out.add((min(r, c), max(r, c)))
    return sorted(out)


@dataclass(frozen=True, slots=True)
class Match:
    difference: float  # RMS of what is left after alignment and the brightness fit, over the contrast
    tile_difference: float  # the same in the worst of 16 tiles
    overlap: float  # share of the picture both show
    box: tuple[float, float, float, float]  # the other's frame over this one: left, top, right, bottom

    @property
    def same(self) -> bool:
        return (self.difference <= MAX_DIFFERENCE and self.tile_difference <= MAX_TILE_DIFFERENCE
                and self.overlap >= MIN_OVERLAP)


def _prepare(a: Image.Image, b: Image.Image) -> tuple[np.ndarray, np.ndarray, int, int]:
    """a resized to the comparison grid; b kept near its own resolution for sub-pixel sampling."""
    side = max(8, min(MAX_SIDE, max(b.size)))
    scale = side / max(a.size)
    gw, gh = max(4, round(a.width * scale)), max(4, round(a.height * scale))
    bscale = min(1.0, side / max(b.size))
    if bscale < 1.0:
        b = b.resize((max(4, round(b.width * bscale)), max(4, round(b.height * bscale))), Image.Resampling.BILINEAR)
    small_a = a.resize((gw, gh), Image.Resampling.BILINEAR)  # antialiased; BOX near 1:1 aliases edges
    blur = ImageFilter.GaussianBlur(PREP_BLUR)
    return np.asarray(small_a.filter(blur), dtype=np.float32), np.asarray(b.filter(blur), dtype=np.float32), gw, gh


def _sample(b: np.ndarray, box: tuple[float, float, float, float], gw: int, gh: int) -> tuple[np.ndarray, np.ndarray]:
    """b's pixels at the grid points of the box (bilinear), and which grid points fall inside b."""
    x0, y0, x1, y1 = box
    bh, bw = b.shape[:2]
    xs = (x0 + (np.arange(gw) + 0.5) / gw * (x1 - x0)) * bw - 0.5
    ys = (y0 + (np.arange(gh) + 0.5) / gh * (y1 - y0)) * bh - 0.5
    inside = ((ys >= -0.5) & (ys <= bh - 0.5))[:, None] & ((xs >= -0.5) & (xs <= bw - 0.5))[None, :]
    xc, yc = np.clip(xs, 0, bw - 1), np.clip(ys, 0, bh - 1)
    xi, yi = np.minimum(xc.astype(np.int64), bw - 2 if bw > 1 else 0), np.minimum(yc.astype(np.int64),
                                                                                  bh - 2 if bh > 1 else 0)
    fx, fy = (xc - xi)[None, :], (yc - yi)[:, None]
    xj, yj = np.minimum(xi + 1, bw - 1), np.minimum(yi + 1, bh - 1)
    if b.ndim == 3:
        fx, fy = fx[..., None], fy[..., None]
    top = b[yi][:, xi] * (1 - fx) + b[yi][:, xj] * fx
    bottom = b[yj][:, xi] * (1 - fx) + b[yj][:, xj] * fx
    return top * (1 - fy) + bottom * fy, inside


def _fit_residual(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """dst minus the best gain * src + offset, clipped to 0-255 as brightened pictures are."""
    s, d = src.ravel(), dst.ravel()
    fit = (d > 3) & (d < 252) & (s > 3) & (s < 252)
    if fit.sum() < max(8, 0.2 * len(d)):
        fit = np.ones_like(d, dtype=bool)
    sv, dv = s[fit], d[fit]
    var = sv.var()
    gain = float(((sv - sv.mean()) * (dv - dv.mean())).mean() / var) if var > 1e-6 else 0.0
    gain = max(gain, 0.0)  # a negative picture is not the same picture
    offset = float(dv.mean() - gain * sv.mean())
    return dst - np.clip(gain * src + offset, 0, 255)


def _score(a: np.ndarray, b_on_a: np.ndarray, inside: np.ndarray) -> tuple[float, float]:
    """(whole, worst tile): residual RMS over contrast, taking the better direction of the brightness fit."""
    av, bv = a[inside], b_on_a[inside]
    contrast = max(float(np.sqrt(0.5 * (av.var() + bv.var()))), 4.0)
    best = (np.inf, np.inf)
    for r in (_fit_residual(av, bv), _fit_residual(bv, av)):
        whole = float(np.sqrt((r ** 2).mean())) / contrast
        if whole < best[0]:
            full = np.zeros(inside.shape + a.shape[2:], dtype=np.float32)
            full[inside] = r
            best = (whole, _worst_tile(full, inside) / contrast)
    return best


def _worst_tile(residual: np.ndarray, inside: np.ndarray, tiles: int = 4) -> float:
    h, w = inside.shape
    worst = 0.0
    for ty in range(tiles):
        for tx in range(tiles):
            sl = (slice(ty * h // tiles, (ty + 1) * h // tiles), slice(tx * w // tiles, (tx + 1) * w // tiles))
            m = inside[sl]
            if m.sum() >= 4:
                worst = max(worst, float(np.sqrt((residual[sl][m] ** 2).mean())))
    return worst


def compare(a: Image.Image, b: Image.Image) -> Match:
    """How well b, aligned on a (crop, border, resize) and fitted for brightness, reproduces a."""
    if a.width * a.height < b.width * b.height:
        m = compare(b, a)
        x0, y0, x1, y1 = m.box
        w, h = x1 - x0, y1 - y0
        return Match(m.difference, m.tile_difference, m.overlap, (-x0 / w, -y0 / h, (1 - x0) / w, (1 - y0) / h))
    ga, gb, gw, gh = _prepare(a.convert("L"), b.convert("L"))
    # a crop or a border keeps the pixels square: one scale for both axes, around a movable centre
    aspect_x = a.width / b.width / np.sqrt(a.width * a.height / (b.width * b.height))
    aspect_y = a.height / b.height / np.sqrt(a.width * a.height / (b.width * b.height))

    def box_of(cx: float, cy: float, scale: float) -> tuple[float, float, float, float]:
        wx, wy = scale * aspect_x, scale * aspect_y
        return (cx - wx / 2, cy - wy / 2, cx + wx / 2, cy + wy / 2)

    def cost(box: tuple[float, float, float, float]) -> float:
        sampled, inside = _sample(gb, box, gw, gh)
        if inside.mean() < MIN_OVERLAP:
            return float(np.inf)
        return _score(ga, sampled, inside)[0]

    stretched = (0.0, 0.0, 1.0, 1.0)  # a resize to another shape: the whole frame, stretched
    best_box, best = stretched, cost(stretched)
    params = _search(lambda cx, cy, sc: cost(box_of(cx, cy, sc)))
    if params[1] < best:
        best_box, best = box_of(*params[0]), params[1]
    return _final(a.convert("RGB"), b.convert("RGB"), best_box)


def _final(a: Image.Image, b: Image.Image, box: tuple[float, float, float, float]) -> Match:
    """The verdict in colour at the alignment found on the grayscale pictures."""
    ca, cb, gw, gh = _prepare(a, b)
    sampled, inside = _sample(cb, box, gw, gh)
    overlap = float(inside.mean())
    whole, tile = _score(ca, sampled, inside) if overlap >= MIN_OVERLAP else (np.inf, np.inf)
    return Match(whole, tile, overlap, box)


def _search(cost: Callable[[float, float, float], float]) -> tuple[tuple[float, float, float], float]:
    """Pattern search over the frame's centre and scale, coarse to fine, giving up early on hopeless pairs."""
    x = [0.5, 0.5, 1.0]
    bounds = [(0.5 - MAX_SHIFT, 0.5 + MAX_SHIFT), (0.5 - MAX_SHIFT, 0.5 + MAX_SHIFT),
              (1 - 1.5 * MAX_SHIFT, 1 + 1.5 * MAX_SHIFT)]
    best = cost(*x)
    for step in (0.04, 0.02, 0.01, 0.005, 0.0025):
        if step <= 0.01 and best > 4 * MAX_DIFFERENCE:
            break
        for _ in range(6):
            improved = False
            for i in range(3):
                for sign in (1, -1):
                    trial = list(x)
                    trial[i] += sign * step
                    if not bounds[i][0] <= trial[i] <= bounds[i][1]:
                        continue
                    c = cost(*trial)
                    if c < best:
                        best, x, improved = c, trial, True
            if not improved:
                break
    return (x[0], x[1], x[2]), best
