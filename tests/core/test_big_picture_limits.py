"""A big picture read for a size costs its decoded pixels, not their conversion: two 168-megapixel openclipart
drawings (10,524 x 16,000 RGBA, 2 MB files) were refused as decompression bombs although they are shrunk to
a small copy before any conversion. Read whole (the viewer) they still cost, and are refused, in full.

Thresholds are lowered so that a 400 x 250 picture plays the huge one under a 1 MB limit per image."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from desktop_cls.core.data import imaging, picture_view, small_copies
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.health import check_health
from desktop_cls.core.data.imaging import load_resized, load_rgb, load_whole_or_small
from desktop_cls.core.data.memory_limits import MAX_IMAGE_MB_ENV, decode_cost, max_image_bytes, raw_bytes
from desktop_cls.core.data.small_copies import SmallCopies
from desktop_cls.core.errors import ImageLoadError

SIZE = (8, 8)


@pytest.fixture(autouse=True)
def huge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(small_copies, "REDUCE_ABOVE_PIXELS", 1000)
    monkeypatch.setattr(small_copies, "SMALL_SIDE", 16)
    monkeypatch.setattr(small_copies, "STRIP_BOXES", 1)
    monkeypatch.setattr(picture_view, "STRIP_BOXES", 1)
    monkeypatch.setattr(imaging, "SMALL_COPIES", SmallCopies(tmp_path / "small"))
    monkeypatch.setenv(MAX_IMAGE_MB_ENV, "1")


def _drawing(path: Path, w: int = 400, h: int = 250, exif: Image.Exif | None = None) -> Path:
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 255, (h, w, 4), dtype=np.uint8)
    arr[:20, :, 3] = 0  # a transparent margin, as clip art has
    Image.fromarray(arr, "RGBA").save(path, exif=exif or Image.Exif())
    return path


def _reference(path: Path) -> np.ndarray:
    """What the loader made of it before any limit: turned upright, Pillow's whole reduce, then the usual view."""
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im)
    small = upright.reduce(min(upright.size) // small_copies.SMALL_SIDE)
    return imaging.resize_rgb(imaging._to_rgb(picture_view.reduce_for(small, max(SIZE))), SIZE)


def _held(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    costs: list[int] = []
    real = imaging.DECODE_BUDGET.hold

    def hold(cost: int) -> object:
        costs.append(cost)
        return real(cost)

    monkeypatch.setattr(imaging.DECODE_BUDGET, "hold", hold)
    return costs


def test_a_big_picture_over_its_conversion_cost_is_read_for_a_size_with_the_same_pixels(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pic = _drawing(tmp_path / "apple.png")
    assert decode_cost(400, 250, "RGBA") > max_image_bytes()  # converted whole it is over the limit
    costs = _held(monkeypatch)
    view = load_resized(pic, SIZE)
    np.testing.assert_array_equal(view, _reference(pic))
    assert len(costs) == 1 and raw_bytes(400, 250, "RGBA") <= costs[0] < max_image_bytes()  # its raw size held
    np.testing.assert_array_equal(load_resized(pic, SIZE), view)  # and again from its small copy
    assert load_rgb(pic, SIZE).size[0] < 400  # thumbnails read it for a size too


def test_a_turned_big_picture_counts_its_turned_copy_and_keeps_its_pixels(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exif = Image.Exif()
    exif[imaging.ORIENTATION] = 6
    pic = _drawing(tmp_path / "turned.png", exif=exif)
    costs = _held(monkeypatch)
    np.testing.assert_array_equal(load_resized(pic, SIZE), _reference(pic))
    assert costs[0] >= 2 * raw_bytes(400, 250, "RGBA")


def test_read_whole_it_is_still_refused_with_the_limit_and_the_fix(tmp_path: Path) -> None:
    pic = _drawing(tmp_path / "apple.png")
    with pytest.raises(ImageLoadError, match="over the 1 MB limit per image") as e:
        load_rgb(pic)
    assert e.value.kind == "too_large" and MAX_IMAGE_MB_ENV in e.value.message and e.value.path == str(pic)
    view, small = load_whole_or_small(str(pic))  # the viewer and the health check: its small copy instead
    assert small and view.size == (27, 17)  # reduced 15x (rounded up): the shorter side keeps SMALL_SIDE


def _png_claiming(path: Path, width: int, height: int) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [16_000, 100_000])  # over the pixel bound; 10^10 pixels
def test_a_header_claiming_too_many_pixels_is_refused_for_a_size_too(tmp_path: Path, side: int) -> None:
    bomb = _png_claiming(tmp_path / "bomb.png", side, side)
    with pytest.raises(ImageLoadError, match="shrink the image to use it") as e:
        load_resized(bomb, SIZE)
    with pytest.raises(ImageLoadError, match="shrink the image to use it"):
        load_whole_or_small(str(bomb))
    assert e.value.kind == "too_large" and f"{imaging.MAX_PIXELS:,} limit" in e.value.message
    assert str(bomb) in str(e.value)


def test_the_pixel_bound_is_what_the_default_limit_per_image_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real thresholds and limits
    side = int(imaging.MAX_PIXELS**0.5)
    square = Image.new("RGBA", (1, 1))
    square._size = (side, side)  # a header's claim: nothing is allocated
    assert imaging.read_cost(square, big=True) <= max_image_bytes() < imaging.read_cost(square, big=False)
    assert Image.MAX_IMAGE_PIXELS == imaging.MAX_PIXELS


@pytest.mark.parametrize("width", [400, 1000])  # its raw size fits the 1 MB limit; it does not
def test_the_scan_counts_a_big_picture_usable_exactly_when_the_loader_reads_it(tmp_path: Path, width: int) -> None:
    for cls in ("apple", "pear"):
        (tmp_path / "data" / cls).mkdir(parents=True)
        Image.new("RGB", (16, 16), "red").save(tmp_path / "data" / cls / "small.png")
    pic = _drawing(tmp_path / "data" / "apple" / "big.png", w=width)
    try:
        load_resized(pic, SIZE)
        loads = True
    except ImageLoadError:
        loads = False
    index = scan(tmp_path / "data", val_fraction=0.0, verify="header")
    assert loads == (width == 400)
    assert sum(index.counts().values()) == (3 if loads else 2)
    assert [Path(p.path).name for p in index.problems] == ([] if loads else ["big.png"])


def test_the_health_check_reads_a_big_picture_as_training_does(tmp_path: Path) -> None:
    """The Data page listed the two drawings as "too large" while training read them."""
    for cls in ("apple", "pear"):
        (tmp_path / "data" / cls).mkdir(parents=True)
        Image.new("RGB", (16, 16), "red" if cls == "apple" else "green").save(tmp_path / "data" / cls / "small.png")
    pic = _drawing(tmp_path / "data" / "apple" / "big.png")
    (tmp_path / "data" / "pear" / "same.png").write_bytes(pic.read_bytes())
    index = scan(tmp_path / "data", val_fraction=0.0, verify="header")
    found = [(Path(p.path).name, p.kind) for p in check_health(index, loose=False)]
    assert ("same.png", "label_conflict") in found or ("big.png", "label_conflict") in found
    assert not [kind for _name, kind in found if kind == "too_large"]
