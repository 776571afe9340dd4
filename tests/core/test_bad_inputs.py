"""A messy photo folder: every broken file is named with a reason, every valid one is used with the
right pixels, and training and prediction on the folder complete."""

from __future__ import annotations

import io
import os
import random
import signal
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.imaging import MAX_PIXELS, load_rgb
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit

RED = (220, 30, 30)
BLUE = (30, 30, 220)


def _bytes(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def build_corpus(root: Path) -> tuple[dict[str, tuple[int, int, int]], dict[str, str]]:
    """Returns (valid file -> expected centre colour, broken file -> expected problem kind)."""
    valid: dict[str, tuple[int, int, int]] = {}
    broken: dict[str, str] = {}
    red = root / "red"
    blue = root / "blue"
    (red / "nested" / "deeper").mkdir(parents=True)
    blue.mkdir(parents=True)
    solid = Image.new("RGB", (24, 24), RED)

    def put(path: Path, data: bytes, colour: tuple[int, int, int] | None = None, kind: str | None = None) -> None:
        path.write_bytes(data)
        if colour is not None:
            valid[str(path)] = colour
        if kind is not None:
            broken[str(path)] = kind

    put(red / "plain.jpg", _bytes(solid, "JPEG", quality=95), RED)
    put(red / "UPPER.JPG", _bytes(solid, "JPEG", quality=95), RED)
    put(red / "png_named.jpg", _bytes(solid, "PNG"), RED)
    put(red / "image.webp", _bytes(solid, "WEBP", lossless=True), RED)
    put(red / "image.bmp", _bytes(solid, "BMP"), RED)
    put(red / "image.tiff", _bytes(solid, "TIFF"), RED)
    put(red / "tiny.png", _bytes(Image.new("RGB", (1, 1), RED), "PNG"), RED)
    put(red / ("ünïcödé_画像_" + "x" * 150 + ".png"), _bytes(solid, "PNG"), RED)
    put(red / "nested" / "deeper" / "deep.png", _bytes(solid, "PNG"), RED)
    put(red / "cmyk.jpg", _bytes(Image.new("CMYK", (24, 24), (0, 220, 220, 30)), "JPEG"), RED)
    rgba = Image.new("RGBA", (24, 24), (*RED, 255))
    put(red / "rgba.png", _bytes(rgba, "PNG"), RED)
    pal = Image.new("P", (24, 24), 1)
    pal.putpalette([0, 0, 0, *RED] + [0] * 762)
    pal.putpixel((0, 0), 0)
    put(red / "palette_transparent.png", _bytes(pal, "PNG", transparency=0), RED)
    exif = Image.Exif()
    exif[0x0112] = 6
    put(red / "rotated.jpg", _bytes(solid, "JPEG", exif=exif.tobytes()), RED)
    g16 = Image.fromarray(np.full((24, 24), 65535, dtype=np.uint16))
    put(blue / "gray16.png", _bytes(g16, "PNG"), (255, 255, 255))
    for i in range(4):
        put(blue / f"blue_{i}.png", _bytes(Image.new("RGB", (24, 24), BLUE), "PNG"), BLUE)
    anim = [Image.new("RGB", (24, 24), c) for c in (BLUE, RED)]
    gif = io.BytesIO()
    anim[0].save(gif, format="GIF", save_all=True, append_images=anim[1:])
    put(blue / "animated.gif", gif.getvalue(), kind="unsupported_format")

    jpeg = _bytes(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)), "JPEG")
    put(red / "truncated.jpg", jpeg[: len(jpeg) // 2], kind="corrupt")
    png = _bytes(Image.fromarray(np.random.default_rng(1).integers(0, 255, (64, 64, 3), dtype=np.uint8)), "PNG")
    put(red / "truncated.png", png[: len(png) // 2], kind="corrupt")
    put(red / "zero.png", b"", kind="corrupt")
    put(red / "text.jpg", b"hello, I am a text file", kind="not_image")
    garbled = bytearray(_bytes(solid, "PNG"))
    garbled[40] ^= 0xFF  # inside the IDAT chunk: its CRC no longer matches
    put(red / "garbled_chunk.png", bytes(garbled), kind="corrupt")
    side = int(MAX_PIXELS**0.5) + 100
    put(blue / "bomb.png", _bytes(Image.new("1", (side, side)), "PNG"), kind="too_large")

    (root / ".hidden_dir").mkdir()
    (root / ".hidden_dir" / "x.png").write_bytes(_bytes(solid, "PNG"))
    (red / ".DS_Store").write_bytes(b"\0")
    (red / "Thumbs.db").write_bytes(b"\0")
    (blue / "desktop.ini").write_text("[x]")
    (root / "empty_class").mkdir()
    os.symlink(red, red / "nested" / "loop")
    return valid, broken


def test_garbled_png_chunk_really_is_broken(tmp_path: Path) -> None:
    data = bytearray(_bytes(Image.new("RGB", (24, 24), RED), "PNG"))
    data[40] ^= 0xFF
    assert zlib.crc32(bytes(data[37:41])) is not None  # the byte sits in the first IDAT chunk
    p = tmp_path / "g.png"
    p.write_bytes(bytes(data))
    with pytest.raises(ImageLoadError):
        load_rgb(p)


def test_messy_folder_is_scanned_trained_and_predicted(tmp_path: Path) -> None:
    root = tmp_path / "messy"
    valid, broken = build_corpus(root)
    idx = scan(root, val_fraction=0.0, verify="full")
    problems = {p.path: p for p in idx.problems}
    for path, kind in broken.items():
        assert path in problems, f"{Path(path).name} not reported"
        assert problems[path].kind == kind, (Path(path).name, problems[path])
        assert problems[path].message
    assert any(p.kind == "empty_class" for p in idx.problems)
    assert any(p.kind == "symlink_loop" for p in idx.problems)
    used = {s.path for s in idx.samples}
    assert used == set(valid), sorted(Path(p).name for p in set(valid) ^ used)
    assert idx.classes == ("blue", "red")
    from desktop_cls.core.data.health import PROBLEM_KINDS

    assert {p.kind for p in idx.problems} <= set(PROBLEM_KINDS)  # the documented set of kinds
    for path, colour in valid.items():
        centre = np.asarray(load_rgb(path))
        h, w = centre.shape[:2]
        got = centre[h // 2, w // 2].astype(int)
        assert np.abs(got - np.array(colour)).max() <= 40, (Path(path).name, got, colour)

    res = fit(TrainConfig(model="simple_cnn", epochs=2, batch_size=4, image_size=16), idx, out=tmp_path / "run")
    assert res.epochs_done == 2
    preds = Predictor.load(res.run_dir).predict_paths([root])
    by_path = {p.path: p for p in preds}
    for path in valid:
        assert by_path[path].label in ("red", "blue")
    for path, kind in broken.items():
        if kind != "unsupported_format":
            assert by_path[path].error, Path(path).name


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "locked.png"
    p.write_bytes(_bytes(Image.new("RGB", (4, 4), RED), "PNG"))
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        p.chmod(0)
    else:  # root reads anything: simulate what an ordinary user meets
        real_open = Image.open

        def deny(fp: object, *a: object, **k: object) -> Image.Image:
            if str(fp) == str(p):
                raise PermissionError(13, "Permission denied", str(p))
            return real_open(fp, *a, **k)  # type: ignore[arg-type]

        monkeypatch.setattr(Image, "open", deny)
    with pytest.raises(ImageLoadError) as e:
        load_rgb(p)
    assert e.value.kind == "unreadable" and "permission" in e.value.message


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        if op < 0.5 and b:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif op < 0.7 and b:
            del b[rng.randrange(len(b)):]
        elif op < 0.85:
            i = rng.randrange(len(b) + 1)
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif b:
            i = rng.randrange(len(b))
            del b[i:i + rng.randint(1, 32)]
    return bytes(b)


def test_fuzzed_images_only_raise_our_error(tmp_path: Path) -> None:
    rng = random.Random(1234)
    base = Image.fromarray(np.random.default_rng(2).integers(0, 255, (20, 20, 3), dtype=np.uint8))
    seeds = {
        "png": _bytes(base, "PNG"), "jpg": _bytes(base, "JPEG"), "gif": _bytes(base.convert("P"), "GIF"),
        "bmp": _bytes(base, "BMP"), "webp": _bytes(base, "WEBP"), "tiff": _bytes(base, "TIFF"),
    }
    target = tmp_path / "fuzz.img"
    outcomes = {"ok": 0, "error": 0}

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError("the loader hung on a mutated image")

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for i in range(2400):
            data = list(seeds.values())[i % len(seeds)]
            target.write_bytes(_mutate(data, rng))
            signal.alarm(5)
            try:
                load_rgb(target)
                outcomes["ok"] += 1
            except ImageLoadError:
                outcomes["error"] += 1
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
    assert outcomes["ok"] + outcomes["error"] == 2400
    assert outcomes["error"] > 100  # the mutations really do break files
