"""Huge pictures are decoded once: their small copy is kept (content-keyed, proven on read) and reused.

The thresholds are lowered so tiny images stand in for 13,000 px ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from desktop_cls.core.data import imaging, small_copies
from desktop_cls.core.data.imaging import load_resized
from desktop_cls.core.data.small_copies import SmallCopies


@pytest.fixture
def copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SmallCopies:
    monkeypatch.setattr(small_copies, "REDUCE_ABOVE_PIXELS", 1000)
    monkeypatch.setattr(small_copies, "SMALL_SIDE", 16)
    cache = SmallCopies(tmp_path / "small")
    monkeypatch.setattr(imaging, "SMALL_COPIES", cache)
    return cache


@pytest.fixture
def full_decodes(monkeypatch: pytest.MonkeyPatch) -> list[Image.Image]:
    """The files whose own pixels were decoded, one entry each (a small copy is read from bytes, not a file)."""
    loaded: list[Image.Image] = []
    real = ImageFile.ImageFile.load

    def counted(im: ImageFile.ImageFile) -> object:
        if im.filename and not any(seen is im for seen in loaded):
            loaded.append(im)
        return real(im)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    return loaded


def _picture(path: Path, seed: int = 0, mode: str = "RGBA") -> Path:
    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 255, (48, 64, 4), dtype=np.uint8)
    arr[:10, :, 3] = 0  # transparent margin: the visible box must survive the small copy
    Image.fromarray(arr, "RGBA").convert(mode).save(path)
    return path


def _entries(cache: SmallCopies) -> list[Path]:
    return sorted(cache.dir.rglob("*.bin"))


def test_a_huge_picture_is_decoded_once_and_then_read_from_its_small_copy(
        tmp_path: Path, copies: SmallCopies, full_decodes: list[Image.Image]) -> None:
    pic = _picture(tmp_path / "big.png")
    cold = load_resized(pic, (8, 8))
    assert len(full_decodes) == 1 and len(_entries(copies)) == 1
    kept = copies.get(str(pic))
    assert kept is not None and kept.size == (22, 16)  # reduced 3x (rounded up): the shorter side keeps SMALL_SIDE
    warm = load_resized(pic, (8, 8))
    assert len(full_decodes) == 1  # the original's pixels were not decoded again
    np.testing.assert_array_equal(cold, warm)  # the same view the first run learned from
    moved = tmp_path / "other name.png"
    pic.rename(moved)
    load_resized(moved, (8, 8))
    assert len(full_decodes) == 1  # keyed by content, not by name


def test_small_pictures_get_no_copy(tmp_path: Path, copies: SmallCopies, full_decodes: list[Image.Image]) -> None:
    small = tmp_path / "small.png"
    Image.new("RGB", (30, 30), "red").save(small)
    load_resized(small, (8, 8))
    load_resized(small, (8, 8))
    assert len(full_decodes) == 2 and _entries(copies) == []


def test_a_damaged_or_swapped_entry_is_a_miss_and_is_written_again(
        tmp_path: Path, copies: SmallCopies, full_decodes: list[Image.Image]) -> None:
    a, b = _picture(tmp_path / "a.png", 1), _picture(tmp_path / "b.png", 2)
    view_a, view_b = load_resized(a, (8, 8)), load_resized(b, (8, 8))
    entry_a, entry_b = (copies._path(copies.digest(str(p))) for p in (a, b))
    entry_b.write_bytes(entry_a.read_bytes())  # a's copy where b's belongs
    np.testing.assert_array_equal(load_resized(b, (8, 8)), view_b)
    assert len(full_decodes) == 3  # b decoded again, not read from a's pixels
    raw = bytearray(entry_a.read_bytes())
    raw[-5] ^= 0xFF
    entry_a.write_bytes(bytes(raw))
    assert copies.get(str(a)) is None
    np.testing.assert_array_equal(load_resized(a, (8, 8)), view_a)
    assert len(full_decodes) == 4 and copies.get(str(a)) is not None  # proven entry written back


def test_palette_and_grey_pictures_keep_their_look(tmp_path: Path, copies: SmallCopies) -> None:
    for mode in ("P", "LA", "L"):
        pic = _picture(tmp_path / f"{mode}.png", mode=mode)
        cold = load_resized(pic, (8, 8))
        assert copies.get(str(pic)) is not None
        np.testing.assert_array_equal(load_resized(pic, (8, 8)), cold)


def test_an_unwritable_cache_costs_only_the_saving(tmp_path: Path, copies: SmallCopies,
                                                   full_decodes: list[Image.Image]) -> None:
    copies.root = tmp_path / "a file"
    copies.root.write_text("not a folder")
    pic = _picture(tmp_path / "big.png")
    first = load_resized(pic, (8, 8))
    np.testing.assert_array_equal(load_resized(pic, (8, 8)), first)
    assert len(full_decodes) == 2
