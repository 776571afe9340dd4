"""Is this the same picture? Candidate pairs from small descriptors, then proof from the pixels themselves.

A descriptor (a blurred 12x12 grayscale thumbnail) only nominates candidates: many different small
pictures on plain backgrounds share a hash or a thumbnail, so pairs are nominated by shape (cosine of
the mean-centred thumbnails) among pictures of similar contrast (core/data/candidates.py finds them). Each
candidate pair is then proven on the pixels: both pictures are resampled with the same antialiasing filter
onto one grid a little coarser than the smaller picture (up to 64 px), the frame of one is aligned on the
other (a search over its centre and scale with square pixels, so resizing, small crops and borders line up, or the whole
frame stretched for a resize to another shape), brightness and contrast are fitted (a gain within
MAX_GAIN either way and an offset, clipping allowed for: a small change, not another shade), and what
is left, lightly smoothed, must be small everywhere: over the whole picture and in each of its 16
tiles. When one file is a JPEG of the same size, the other is also compared after the same JPEG
encoding (its quantisation tables), so the encoder's own loss is not counted as a difference. A
borderline pair is left out rather than flagged.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageFilter, JpegImagePlugin

from desktop_cls.core.data.alignment import GRID_SCALE, MAX_SHIFT, MIN_OVERLAP, Box, Frame, Grid, box_cost, search
from desktop_cls.core.data.picture_memo import MEMO, converted

THUMB = 12  # descriptor side
SMOOTH = 0.7  # px on the grid: the residual is smoothed this much (resampling differs most in the finest detail)
SOFTER = 0.5  # px: one picture may be this much softer (resampled once more) than the other
SEARCH_BLUR = 1.2  # px: the alignment is searched on blurred pictures, so thin strokes still guide it from afar
MAX_GAIN = 1.4  # a brightness/contrast change of at most this factor either way is "the same picture"
MAX_DIFFERENCE = 0.075  # residual RMS / picture contrast over the whole overlap
MAX_TILE_DIFFERENCE = 0.2  # ... and in the worst of the 4x4 tiles (a local change is a different picture)
# The guide at the start of the alignment, in gray and then in colour, above this: not worth aligning. Planted
# copies of every kind start below 0.41 in gray, below 0.44 in colour (the 210 of the three corpora of
# benchmarks/health_findings.py; those found below 0.18); most distinct look-alikes start above, in colour nine
# in ten of the drawn shapes of benchmarks/large_folder.py (the same shapes in other colours).
HOPELESS = 0.5
RULES = (f"v3 {HOPELESS} {GRID_SCALE} {SMOOTH} {SOFTER} {SEARCH_BLUR} {MAX_SHIFT} {MIN_OVERLAP} {MAX_GAIN} "
         f"{MAX_DIFFERENCE} {MAX_TILE_DIFFERENCE}")  # verdicts cached under other rules are thrown away

Encoding = tuple[str, Any, int]  # a JPEG file's mode, quantisation tables and chroma subsampling


def descriptor(im: Image.Image) -> bytes:
    """12x12 grayscale thumbnail of the slightly blurred picture (what candidate search compares)."""
    g = im.convert("L").resize((THUMB * 4, THUMB * 4), Image.Resampling.BOX)
    g = g.filter(ImageFilter.GaussianBlur(2)).resize((THUMB, THUMB), Image.Resampling.BOX)
    return g.tobytes()


def jpeg_encoding(path: str) -> Encoding | None:
    """How a JPEG file was encoded (read from its header), else None."""
    try:
        with open(path, "rb") as f:
            if not f.read(3).startswith(b"\xff\xd8\xff"):  # what Pillow knows a JPEG by: no header to parse
                return None
        with Image.open(path) as im:
            tables = getattr(im, "quantization", None)
            if not isinstance(im, JpegImagePlugin.JpegImageFile) or not tables:
                return None
            return im.mode, dict(tables), JpegImagePlugin.get_sampling(im)
    except (OSError, ValueError, SyntaxError):
        return None


@dataclass(frozen=True, slots=True)
class Match:
    difference: float  # RMS of what is left after alignment and the brightness fit, over the contrast
    tile_difference: float  # the same in the worst of 16 tiles
    overlap: float  # share of the picture both show
    box: tuple[float, float, float, float]  # the other's frame over this one: left, top, right, bottom
    gain: float = 1.0  # the contrast change fitted (1 = none)

    @property
    def same(self) -> bool:
        return (self.difference <= MAX_DIFFERENCE and self.tile_difference <= MAX_TILE_DIFFERENCE
                and self.overlap >= MIN_OVERLAP and 1 / MAX_GAIN <= self.gain <= MAX_GAIN)


_NO = Match(float("inf"), float("inf"), 0.0, (0.0, 0.0, 1.0, 1.0), 1.0)


def _fit(src: np.ndarray, dst: np.ndarray) -> tuple[float, float]:
    """gain, offset of dst ~ gain * src + offset over the pixels that no clipping touched."""
    s, d = src.ravel(), dst.ravel()
    fit = (d > 3) & (d < 252) & (s > 3) & (s < 252)
    sv, dv = (s[fit], d[fit]) if np.count_nonzero(fit) >= max(8, 0.05 * len(d)) else (s, d)
    n = sv.size
    sm, dm = sv.sum() / n, dv.sum() / n  # numpy's means (and variance below), in fewer calls
    centred = sv - sm
    var = float(np.square(centred).sum() / n)
    gain = float((centred * (dv - dm)).sum() / n / var) if var > 1e-6 else 0.0
    gain = max(gain, 0.0)  # a negative picture is not the same picture
    return gain, float(dm - gain * sm)


def _smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """A 3-tap separable blur of this sigma (at most 0.7 px; edges replicated) of an (h, w) or (h, w, c) array."""
    w = np.float32(min(sigma * sigma / 2, 0.25))
    lo = np.concatenate([x[:1], x[:-1]])  # each row's neighbours above and below
    hi = np.concatenate([x[1:], x[-1:]])
    x = w * (lo + hi) + (1 - 2 * w) * x
    lo = np.concatenate([x[:, :1], x[:, :-1]], axis=1)  # ... left and right
    hi = np.concatenate([x[:, 1:], x[:, -1:]], axis=1)
    return w * (lo + hi) + (1 - 2 * w) * x


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


def _verdict(a: np.ndarray, b: np.ndarray, inside: np.ndarray, box: Box) -> Match:
    """Residual of the better brightness fit (either direction, clipping allowed for, either picture a little
    softer), smoothed, over the contrast."""
    overlap = float(inside.mean())
    if overlap < MIN_OVERLAP:
        return _NO
    av, bv = a[inside], b[inside]
    contrast = max(float(np.sqrt(0.5 * (av.var() + bv.var()))), 4.0)
    mask = inside if a.ndim == 2 else inside[..., None]
    weight = np.maximum(_smooth(mask.astype(np.float32), SMOOTH), 1e-3)
    soft_a, soft_b = _smooth(a, SOFTER), _smooth(b, SOFTER)
    best: tuple[float, np.ndarray, float] | None = None
    for src, dst, flip in ((a, b, False), (b, a, True), (soft_a, b, False), (b, soft_a, True), (a, soft_b, False),
                           (soft_b, a, True)):
        gain, offset = _fit(src[inside], dst[inside])
        r = _smooth((dst - np.clip(gain * src + offset, 0, 255)) * mask, SMOOTH) / weight
        whole = float(np.sqrt((r[inside] ** 2).mean())) / contrast
        if best is None or whole < best[0]:
            best = (whole, r, (1 / gain if gain > 0 else float("inf")) if flip else gain)
    assert best is not None
    return Match(best[0], _worst_tile(best[1], inside) / contrast, overlap, box, best[2])


@functools.lru_cache(maxsize=64)
def _shifts(n: int) -> np.ndarray:
    """The shifts the cross-correlation may pick on a side of n cells: small ones either way, positive first."""
    m = int(MAX_SHIFT * n) + 1
    return np.r_[0:m + 1, n - m:n]


def _shift_guess(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Where b's content sits relative to a's (share of the frame), from their cross-correlation: the start
    of the search, whose basin on thin strokes is narrower than its first step."""
    h, w = a.shape
    spectrum = MEMO.get(a, ("spectrum",), lambda: np.conj(np.fft.rfft2(a - a.sum() / a.size)))  # a: a kept grid
    corr = np.fft.irfft2(spectrum * np.fft.rfft2(b - b.sum() / b.size), s=a.shape)
    ys, xs = _shifts(h), _shifts(w)
    iy, ix = divmod(int(np.argmax(corr[ys[:, None], xs[None, :]])), len(xs))
    ty, tx = int(ys[iy]), int(xs[ix])

    def refine(c_minus: float, c0: float, c_plus: float) -> float:
        d = c_minus - 2 * c0 + c_plus
        return float(min(max(0.5 * (c_minus - c_plus) / d, -0.5), 0.5)) if d < 0 else 0.0

    fy = refine(corr[(ty - 1) % h, tx], corr[ty, tx], corr[(ty + 1) % h, tx])
    fx = refine(corr[ty, (tx - 1) % w], corr[ty, tx], corr[ty, (tx + 1) % w])
    return ((tx if tx <= w // 2 else tx - w) + fx) / w, ((ty if ty <= h // 2 else ty - h) + fy) / h


def _reencoded(im: Image.Image, enc: Encoding) -> Image.Image:
    mode, tables, subsampling = enc
    buf = io.BytesIO()
    src = im.convert("L") if mode == "L" else im.convert("RGB")
    src.save(buf, "JPEG", qtables=tables, subsampling=subsampling if subsampling >= 0 else 0)
    buf.seek(0)
    with Image.open(buf) as out:
        return out.convert(im.mode)


def _flipped(m: Match) -> Match:
    """The match of b on a, told as a on b (compare aligns the smaller picture on the larger)."""
    x0, y0, x1, y1 = m.box
    w, h = x1 - x0, y1 - y0
    return Match(m.difference, m.tile_difference, m.overlap,
                 (float(-x0 / w), float(-y0 / h), float((1 - x0) / w), float((1 - y0) / h)),
                 1 / m.gain if m.gain > 0 else float("inf"))


def _best_start(grid: Grid, frame: Frame, norm: float, stretched: np.ndarray
                ) -> tuple[float, tuple[float, float, float]]:
    """Starts: the whole frame resized (scale 1), or the same pixel size (a crop or a border), each centred
    and moved to where the cross-correlation puts it; the cheapest one."""
    starts: list[tuple[float, tuple[float, float, float]]] = []
    for scale in {1.0, float(np.clip(norm, 1 - 1.5 * MAX_SHIFT, 1 + 1.5 * MAX_SHIFT))}:
        seen = stretched if scale == 1.0 else grid.sample(frame.box(0.5, 0.5, scale))[0]
        dx, dy = _shift_guess(grid.a, seen)
        for x in ((0.5, 0.5, scale),
                  (0.5 + float(np.clip(dx, -MAX_SHIFT, MAX_SHIFT)), 0.5 + float(np.clip(dy, -MAX_SHIFT, MAX_SHIFT)),
                   scale)):
            starts.append((box_cost(grid, frame.box(*x)), x))
    return min(starts)


def _discount_encoder(match: Match, ca: Image.Image, cb: Image.Image,
                      encodings: tuple[Encoding | None, Encoding | None]) -> Match:
    """One is a JPEG of the same size: the other, encoded the same way, carries the same encoder's loss."""
    whole: Box = (0.0, 0.0, 1.0, 1.0)
    pairs = ([(ca, _reencoded(cb, encodings[0]))] if encodings[0] else []) + (
        [(_reencoded(ca, encodings[1]), cb)] if encodings[1] else [])
    for first, second in pairs:
        again = Grid(first, second)
        other = _verdict(again.a, *again.sample(whole), whole)
        if other.difference < match.difference:
            match = other
    return match


def compare(a: Image.Image, b: Image.Image, encodings: tuple[Encoding | None, Encoding | None] = (None, None)
            ) -> Match:
    """How well b, aligned on a (crop, border, resize) and fitted for brightness, reproduces a.

    encodings: how each file was JPEG-encoded (jpeg_encoding), if it was, to discount the encoder's loss.
    """
    if a.width * a.height < b.width * b.height:
        return _flipped(compare(b, a, (encodings[1], encodings[0])))
    grid = Grid(converted(a, "L"), converted(b, "L"), blur=SEARCH_BLUR)
    norm = np.sqrt(a.width * a.height / (b.width * b.height))
    frame = Frame(a.width / b.width / norm, a.height / b.height / norm)
    stretched: Box = (0.0, 0.0, 1.0, 1.0)  # a resize to another shape: the whole frame, stretched
    best_box, best = stretched, box_cost(grid, stretched)
    start_cost, start_at = _best_start(grid, frame, float(norm), grid.sample(stretched)[0])
    if start_cost > HOPELESS:
        return Match(start_cost, start_cost, 1.0, frame.box(*start_at), 1.0)
    seen, inside = grid.sample(frame.box(*start_at))
    gain, _offset = _fit(grid.a[inside], seen[inside])
    if not 1 / (1.3 * MAX_GAIN) <= gain <= 1.3 * MAX_GAIN:  # another shade: not worth aligning
        return Match(start_cost, start_cost, float(inside.mean()), frame.box(*start_at), gain)
    ca, cb = converted(a, "RGB"), converted(b, "RGB")
    colour = box_cost(Grid(ca, cb, blur=SEARCH_BLUR), frame.box(*start_at))
    if colour > HOPELESS:  # the same shapes in other colours: as far apart as the shapes of distinct pictures
        return Match(colour, colour, 1.0, frame.box(*start_at), gain)
    # copies are within 1.3x MAX_DIFFERENCE after the coarsest step (measured); distinct pictures mostly far above
    params, found = search(lambda cx, cy, sc: box_cost(grid, frame.box(cx, cy, sc)), start_cost,
                           (3 * MAX_DIFFERENCE, 2 * MAX_DIFFERENCE), start_at)
    if found < best:
        best_box, best = frame.box(*params), found
    if best > 2 * MAX_DIFFERENCE:  # not worth the verdict: the guide is already far off
        return Match(best, best, 1.0, best_box, gain)
    final = Grid(ca, cb)
    match = _verdict(final.a, *final.sample(best_box), best_box)
    if a.size == b.size and max(abs(v - w) for v, w in zip(best_box, stretched, strict=True)) < 0.02:
        match = _discount_encoder(match, ca, cb, encodings)
    return match
