from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data.imaging import MAX_PIXELS, load_rgb
from desktop_cls.core.errors import ImageLoadError


def save(path: Path, im: Image.Image, **kw: Any) -> Path:
    im.save(path, **kw)
    return path


def test_sixteen_bit_grayscale_is_scaled_not_clipped(tmp_path: Path) -> None:
    arr = np.full((4, 4), 32768, dtype=np.uint16)
    p = save(tmp_path / "g16.png", Image.fromarray(arr))
    out = np.asarray(load_rgb(p))
    assert out.shape == (4, 4, 3)
    assert out[0, 0].tolist() == [128, 128, 128]


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    p = save(tmp_path / "c.jpg", Image.new("CMYK", (8, 8), (0, 255, 255, 0)))  # pure red in CMYK
    r, g, b = np.asarray(load_rgb(p))[4, 4].tolist()
    assert r > 200 and g < 60 and b < 60


def test_palette_with_transparency_composites_on_white(tmp_path: Path) -> None:
    im = Image.new("P", (4, 4), 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.putpixel((1, 1), 1)
    p = save(tmp_path / "p.png", im, transparency=0)
    out = np.asarray(load_rgb(p))
    assert out[0, 0].tolist() == [255, 255, 255]  # transparent -> white background
    assert out[1, 1].tolist() == [255, 0, 0]


def test_rgba_half_transparent_blends(tmp_path: Path) -> None:
    p = save(tmp_path / "a.png", Image.new("RGBA", (2, 2), (0, 0, 0, 128)))
    v = np.asarray(load_rgb(p))[0, 0].tolist()
    assert all(120 <= c <= 130 for c in v)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    # A 2x1 image, left pixel red, right pixel blue; after orientation the red pixel moves predictably.
    arr = np.zeros((1, 2, 3), dtype=np.uint8)
    arr[0, 0] = (255, 0, 0)
    arr[0, 1] = (0, 0, 255)
    im = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x0112] = orientation
    p = tmp_path / f"o{orientation}.png"
    im.save(p, exif=exif.tobytes())
    out = np.asarray(load_rgb(p))
    expected = {1: (1, 2), 2: (1, 2), 3: (1, 2), 4: (1, 2), 5: (2, 1), 6: (2, 1), 7: (2, 1), 8: (2, 1)}[orientation]
    assert out.shape[:2] == expected
    red_at = tuple(int(v) for v in np.argwhere(out[..., 0] > 200)[0])
    want = {1: (0, 0), 2: (0, 1), 3: (0, 1), 4: (0, 0), 5: (0, 0), 6: (0, 0), 7: (1, 0), 8: (1, 0)}[orientation]
    assert red_at == want


def test_animated_gif_uses_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (4, 4), c) for c in ((255, 0, 0), (0, 255, 0))]
    p = tmp_path / "anim.gif"
    frames[0].save(p, save_all=True, append_images=frames[1:], duration=50)
    r, g, _ = np.asarray(load_rgb(p))[0, 0].tolist()
    assert r > 200 and g < 50


def test_png_bytes_named_jpg_load(tmp_path: Path) -> None:
    p = tmp_path / "really_png.JPG"
    Image.new("RGB", (3, 3), (10, 20, 30)).save(p, format="PNG")
    assert np.asarray(load_rgb(p))[0, 0].tolist() == [10, 20, 30]


@pytest.mark.parametrize("kind,content", [
    ("corrupt", b""),
    ("not_image", b"this is a text file, not a picture"),
])
def test_unreadable_files_raise_our_error(tmp_path: Path, kind: str, content: bytes) -> None:
    p = tmp_path / "bad.jpg"
    p.write_bytes(content)
    with pytest.raises(ImageLoadError) as e:
        load_rgb(p)
    assert e.value.path == str(p)
    assert e.value.kind in (kind, "not_image", "corrupt")


def truncated_jpeg(p: Path) -> Path:
    """A JPEG cut in half, as an interrupted copy leaves it."""
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buf, "JPEG")
    p.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return p


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    p = truncated_jpeg(tmp_path / "t.jpg")
    with pytest.raises(ImageLoadError) as e:
        load_rgb(p)
    assert e.value.kind == "corrupt"


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    side = int(MAX_PIXELS**0.5) + 100
    p = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(p)  # tiny file, huge claimed size
    assert p.stat().st_size < 5_000_000
    with pytest.raises(ImageLoadError) as e:
        load_rgb(p)
    assert e.value.kind == "too_large"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageLoadError) as e:
        load_rgb(tmp_path / "nope.png")
    assert e.value.kind == "missing"


def test_or_load_error_keeps_each_files_outcome(tmp_path: Path) -> None:
    from desktop_cls.core.data.imaging import load_resized, or_load_error

    good = tmp_path / "good.png"
    Image.fromarray(np.full((10, 12, 3), 200, np.uint8)).save(good)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    out = [or_load_error(load_resized, str(p), (8, 8)) for p in (good, bad)]
    assert isinstance(out[0], np.ndarray) and out[0].shape == (8, 8, 3)
    assert isinstance(out[1], ImageLoadError) and out[1].kind == "not_image"
    with pytest.raises(ValueError):  # only image errors are caught
        or_load_error(lambda p: int(p), "x")


def test_a_truncated_file_is_explained_in_the_user_s_language_with_pillow_s_words_as_detail(tmp_path: Path) -> None:
    """Pillow's "image file is truncated" reached the Chinese window untranslated ("无法解码：image file is
    truncated"); the reason is ours and translated, Pillow's text only a detail."""
    from desktop_cls.core import i18n

    p = truncated_jpeg(tmp_path / "t.jpg")
    with pytest.raises(ImageLoadError) as e:
        load_rgb(p)
    assert e.value.message.startswith("cannot decode: the file ends too early") and "truncated" in e.value.message
    i18n.set_language("zh_CN")
    try:
        with pytest.raises(ImageLoadError) as zh:
            load_rgb(p)
    finally:
        i18n.set_language("en")
    reason = zh.value.message.split("（")[0]
    assert reason.startswith("无法解码：") and "truncated" not in reason and "文件" in reason


@pytest.mark.parametrize(("error", "words"), [
    (OSError("image file is truncated (3 bytes not processed)"), "ends too early"),
    (EOFError(), "ends too early"),
    (OSError("cannot identify image file 'x.png'"), "not an image this app can read"),
    (ValueError("Decompression bomb: too many pixels"), "far too large"),
    (OSError("cannot write mode P;4 as JPEG"), "cannot read (an unusual colour format"),
    (OSError("unsupported BMP compression (7)"), "cannot read (an unusual colour format"),
    (SyntaxError("broken PNG file"), "damaged"),
    (OSError("broken data stream when reading image file"), "damaged"),
    (MemoryError(), "not enough memory"),
    (KeyError("zzz"), "could not be read"),
])
def test_library_errors_become_plain_reasons_with_the_raw_text_kept(error: BaseException, words: str) -> None:
    from desktop_cls.core.data.decode_reasons import plain_decode_reason

    text = plain_decode_reason(error)
    assert words in text and text.endswith(f"(detail: {str(error) or type(error).__name__})")
