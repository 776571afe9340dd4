"""What a proof keeps of each picture between its pairs: the same verdicts as computed afresh, a bounded
budget, and no answer for a picture that merely reuses a freed one's id."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import picture_memo, similarity
from desktop_cls.core.data.picture_memo import PictureMemo


def _picture(rng: np.random.Generator, side: int = 40) -> Image.Image:
    """A smooth random picture (blobs of colour), so crops and resizes of it are near copies."""
    small = rng.uniform(0, 255, (5, 5, 3)).astype(np.uint8)
    return Image.fromarray(small).resize((side, side), Image.Resampling.BICUBIC)


def _family(rng: np.random.Generator) -> list[Image.Image]:
    """A picture, a resized copy, a cropped copy and a brighter copy."""
    im = _picture(rng)
    bright = Image.fromarray(np.clip(np.asarray(im, np.float32) * 1.1 + 5, 0, 255).astype(np.uint8))
    return [im, im.resize((52, 52), Image.Resampling.BILINEAR), im.crop((2, 2, 38, 38)), bright]


def test_verdicts_with_kept_steps_equal_verdicts_computed_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    pictures = [im for _ in range(4) for im in _family(rng)]
    pairs = list(itertools.combinations(pictures, 2))
    monkeypatch.setattr(picture_memo, "MEMO", kept := PictureMemo(budget=64 << 20))
    monkeypatch.setattr(similarity, "MEMO", kept)
    monkeypatch.setattr("desktop_cls.core.data.alignment.MEMO", kept)
    shared = [similarity.compare(a, b) for a, b in pairs]
    assert kept.hits > kept.misses  # each picture's steps served its later pairs
    for (a, b), got in zip(pairs, shared, strict=True):
        fresh = PictureMemo(budget=64 << 20)
        for module in (picture_memo, similarity):
            monkeypatch.setattr(module, "MEMO", fresh)
        monkeypatch.setattr("desktop_cls.core.data.alignment.MEMO", fresh)
        assert similarity.compare(a, b) == got
    assert sum(m.same for m in shared) >= 4 * 6 - 4  # the families' copies are found (a sanity check)


def test_the_budget_bounds_what_is_kept() -> None:
    memo = PictureMemo(budget=8 * 1024)
    pictures = [Image.new("L", (16, 16), i) for i in range(40)]
    for im in pictures:
        memo.get(im, "step", lambda: np.zeros(192, np.float32))  # 1 KB each, with its 16 x 16 picture
    assert memo.used <= 8 * 1024 and len(memo.items) == 8
    assert memo.get(pictures[-1], "step", lambda: np.ones(1)).nbytes == 768  # the newest is still kept
    assert memo.get(pictures[0], "step", lambda: np.ones(1)).nbytes == 8  # the oldest went first


def test_a_result_too_big_for_the_budget_is_returned_but_not_kept() -> None:
    memo = PictureMemo(budget=8 * 1024)
    im = Image.new("L", (4, 4))
    assert memo.get(im, "big", lambda: np.zeros(4096, np.float32)).size == 4096
    assert memo.used == 0 and not memo.items


def test_a_new_picture_with_a_freed_ones_id_is_not_answered_for_it() -> None:
    memo = PictureMemo()
    first = Image.new("L", (8, 8), 10)
    memo.get(first, "mean", lambda: np.full(1, 10.0))
    key = next(iter(memo.items))
    impostor = Image.new("L", (8, 8), 200)
    memo.items[(id(impostor), "mean")] = memo.items.pop(key)  # as if the freed picture's id came back
    assert memo.get(impostor, "mean", lambda: np.full(1, 200.0))[0] == 200.0


def test_converting_to_the_picture_s_own_mode_returns_it_unchanged() -> None:
    rgb = Image.new("RGB", (4, 4), (1, 2, 3))
    assert picture_memo.converted(rgb, "RGB") is rgb
    gray = picture_memo.converted(rgb, "L")
    assert gray.mode == "L" and picture_memo.converted(rgb, "L") is gray


def test_clearing_lets_go_of_everything() -> None:
    memo = PictureMemo()
    memo.get(Image.new("L", (8, 8)), "step", lambda: np.zeros(8))
    memo.clear()
    assert memo.used == 0 and not memo.items
