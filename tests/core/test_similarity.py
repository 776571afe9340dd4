"""The proof of "same picture" on single pairs: what it forgives (re-encoding, clipping brightness) and what
it does not (another shade)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from benchmarks import health_corpora as hc
from desktop_cls.core.data import similarity


def low_contrast_letter(seed: int = 1) -> Image.Image:
    """A small grey-on-grey letter: JPEG's own noise is large next to its contrast."""
    rng = random.Random(seed)
    for _ in range(50):
        im = hc.render_letter("B", None, rng)
        if im is not None:
            arr = np.asarray(im, dtype=np.float32)
            return Image.fromarray((110 + (arr - arr.mean()) * 35 / max(float(arr.std()), 1.0)).clip(0, 255)
                                   .astype(np.uint8), "L").convert("RGB")
    raise AssertionError("no letter rendered")


def jpeg_file(im: Image.Image, path: Path, quality: int) -> Path:
    im.save(path, "JPEG", quality=quality)
    return path


def test_a_jpeg_copy_is_compared_with_the_original_encoded_the_same_way(tmp_path: Path) -> None:
    original = low_contrast_letter()
    copy = jpeg_file(original, tmp_path / "copy.jpg", 60)
    with Image.open(copy) as f:
        decoded = f.convert("RGB")
    enc = similarity.jpeg_encoding(str(copy))
    assert enc is not None and similarity.jpeg_encoding(str(tmp_path / "none.png")) is None
    m = similarity.compare(original, decoded, (None, enc))
    assert m.same and m.difference < 0.02, m


def test_brightening_that_clips_is_the_same_picture_and_another_shade_is_not() -> None:
    im = hc.render_letter("E", None, random.Random(4))
    assert im is not None
    im = im.convert("RGB")
    brighter = ImageEnhance.Brightness(im).enhance(1.25)  # the light background clips at 255
    assert similarity.compare(im, brighter).same
    stronger = ImageEnhance.Contrast(im).enhance(2.0)  # twice the contrast: another rendering, not a copy
    m = similarity.compare(im, stronger)
    assert not m.same and m.gain > similarity.MAX_GAIN, m


def _drawn(fill: tuple[int, int, int], shift: int = 0) -> Image.Image:
    rng = np.random.default_rng(3)
    arr = np.full((32, 32, 3), 235, dtype=np.float32)
    yy, xx = np.mgrid[:32, :32]
    arr[(yy - 16) ** 2 + (xx - 15 - shift) ** 2 <= 81] = fill
    arr[4:9, 20:28] = (60, 60, 60)
    return Image.fromarray(np.clip(arr + rng.normal(0, 4, arr.shape), 0, 255).astype(np.uint8))


def test_the_same_shape_in_other_colours_is_not_aligned_but_a_brighter_colour_copy_is(
        monkeypatch: pytest.MonkeyPatch) -> None:
    red, blue = _drawn((200, 40, 40)), _drawn((40, 40, 200))
    searched: list[float] = []
    search = similarity.search

    def counted(*args: object, **kw: object) -> object:
        searched.append(1.0)
        return search(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(similarity, "search", counted)
    m = similarity.compare(red, blue)
    assert not m.same and m.difference > similarity.HOPELESS and not searched, m  # alike in gray, not in colour
    assert similarity.compare(red, ImageEnhance.Brightness(red).enhance(1.2)).same and searched
