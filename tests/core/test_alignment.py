"""The alignment guide keeps per-grid work between trial frames; its figures must stay those of computing each
frame afresh (the straightforward formulas below), inside the picture, past its edges and with clipping."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import alignment
from desktop_cls.core.data.alignment import Box, Grid


def _afresh(grid: Grid, box: Box) -> float:
    """The guide as first written: every mask and mean recomputed for the frame."""
    x0, y0, x1, y1 = box
    p = grid.pad
    src = (max(0.0, x0 * grid.bw + p), max(0.0, y0 * grid.bh + p), min(grid.bw + 2 * p, x1 * grid.bw + p),
           min(grid.bh + 2 * p, y1 * grid.bh + p))
    sampled = np.asarray(grid.b.resize((grid.gw, grid.gh), Image.Resampling.BILINEAR, box=src), dtype=np.float32)
    xs = x0 + (np.arange(grid.gw) + 0.5) / grid.gw * (x1 - x0)
    ys = y0 + (np.arange(grid.gh) + 0.5) / grid.gh * (y1 - y0)
    inside = ((ys >= 0) & (ys <= 1))[:, None] & ((xs >= 0) & (xs <= 1))[None, :]
    n = int(inside.sum())
    if n < alignment.MIN_OVERLAP * inside.size:
        return float("inf")
    av, bv = (grid.a.ravel(), sampled.ravel()) if n == inside.size else (grid.a[inside], sampled[inside])
    clipped = ((av >= 250) ^ (bv >= 250)) | ((av <= 5) ^ (bv <= 5))
    kept = n - int(clipped.sum())
    if kept < n and kept >= max(8, 0.25 * n):
        av, bv = av[~clipped], bv[~clipped]
        n = kept
    ac, bc = av - av.mean(), bv - bv.mean()
    saa, sbb, sab = float(ac @ ac), float(bc @ bc), float(ac @ bc)
    gain = max(sab / saa, 0.0) if saa > 1e-6 else 0.0
    left = max(sbb - 2 * gain * sab + gain * gain * saa, 0.0)
    return float(np.sqrt(left / max(0.5 * (saa + sbb), 16.0 * n)))


def _pictures(seed: int, bright: float, background: float) -> tuple[Image.Image, Image.Image]:
    rng = np.random.default_rng(seed)
    a = np.full((40, 36), background)  # a light background clips once brightened; a mid-grey one does not
    a[8:30, 6:26] = rng.uniform(20, 200, (22, 20))
    b = np.clip(a[2:38, 1:34] * bright + rng.normal(0, 3, (36, 33)), 0, 255)
    return Image.fromarray(a.astype(np.uint8)), Image.fromarray(b.astype(np.uint8))


def test_the_guide_is_the_same_as_computing_each_frame_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    paths: set[tuple[bool, bool]] = set()
    unclipped = alignment._unclipped

    def noted(av: np.ndarray, bv: np.ndarray, clipped: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, int]:
        out = unclipped(av, bv, clipped, n)
        paths.add((av is grid.flat, out[2] < n))  # the whole grid or part of it; clipped pixels left out or not
        return out

    monkeypatch.setattr(alignment, "_unclipped", noted)
    frame = alignment.Frame(1.0, 1.0)
    for seed, bright, background in ((0, 1.0, 128), (1, 1.15, 250), (2, 0.8, 250)):
        a, b = _pictures(seed, bright, background)
        grid = Grid(a, b, blur=1.2)
        rng = np.random.default_rng(seed)
        boxes = [(0.0, 0.0, 1.0, 1.0)] + [frame.box(*p) for p in rng.uniform((0.38, 0.38, 0.82),
                                                                              (0.62, 0.62, 1.18), (40, 3))]
        for box in boxes:
            assert alignment.box_cost(grid, box) == _afresh(grid, box), box
        again = Grid(a, b, blur=1.2)  # a fresh grid (nothing remembered yet) agrees too, in another order
        assert [alignment.box_cost(again, bx) for bx in reversed(boxes)] == [
            _afresh(again, bx) for bx in reversed(boxes)]
    assert paths == {(True, True), (True, False), (False, True), (False, False)}, paths
