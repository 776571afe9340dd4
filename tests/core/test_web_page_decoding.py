"""The exported web page prepares a picture as the app does: its JavaScript, run by Node on the pixels a browser
decodes, gives the very pixels `load_resized` does for a picture over 16 megapixels (reduced by the app's whole
factors, Pillow's reduce ported exactly), with or without transparency; a JPEG, which the app decodes at a reduced
scale (draft), is reduced by the same factor, which brings the page within a level of the app. In headless
Chromium (where installed) the same holds from the files, with the browser's own decoder."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data.imaging import load_resized
from desktop_cls.core.inference.export_web import decoding_rules
from desktop_cls.resources_path import resources_dir

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js runs the page's JavaScript outside a browser")

# app.js in a bare context (no DOM: the page never starts), then one of the functions it exposes for checks
HARNESS = """
const fs = require("fs"), vm = require("vm");
const [app, raw, out, fn, w, h, arg, model] = process.argv.slice(2);
const window = { DESKTOP_CLS_MODEL: JSON.parse(model) };
const ctx = vm.createContext({ window, document: { addEventListener() {} }, navigator: { language: "en" } });
vm.runInContext(fs.readFileSync(app, "utf8"), ctx);
const rgba = new Uint8Array(fs.readFileSync(raw));
const result = window[fn](rgba, Number(w), Number(h), JSON.parse(arg));
const bytes = result.rgba || result;
fs.writeFileSync(out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
"""


def _run_page(tmp_path: Path, fn: str, rgba: np.ndarray, arg: object, size: tuple[int, int] = (40, 56)) -> np.ndarray:
    """The page's function on H x W x 4 pixels (as a browser's decoder gives them): its bytes, flat."""
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    (tmp_path / "pixels.raw").write_bytes(np.ascontiguousarray(rgba).tobytes())
    model = {"classes": ["a", "b"], "input_size": list(size), "mean": [0.5] * 3, "std": [0.25] * 3,
             "temperature": 1.0, **decoding_rules()}
    subprocess.run([str(NODE), str(tmp_path / "harness.js"), str(resources_dir() / "web" / "app.js"),
                    str(tmp_path / "pixels.raw"), str(tmp_path / "out.raw"), fn, str(rgba.shape[1]),
                    str(rgba.shape[0]), json.dumps(arg), json.dumps(model)], check=True, timeout=300)
    return np.frombuffer((tmp_path / "out.raw").read_bytes(), np.uint8)


def _page_view(tmp_path: Path, picture: Path, size: tuple[int, int], jpeg: bool) -> np.ndarray:
    """H x W x 3: what the page shows the model, from the browser's full-size decode of the file."""
    with Image.open(picture) as im:
        rgba = np.asarray(im.convert("RGBA"))
    return _run_page(tmp_path, "desktopClsModelPixels", rgba, jpeg, size).reshape(3, *size).transpose(1, 2, 0)


def _soft_clip_art(h: int, w: int) -> np.ndarray:
    """A striped drawing in part of a transparent canvas, with half-transparent rows: every alpha path."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.uint32)
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[..., 0] = xx * 255 // w
    rgba[..., 1] = ((xx // 3 + yy // 5) % 2) * 255
    rgba[..., 2] = yy * 255 // h
    rgba[..., 3] = np.where((yy > h // 4) & (xx > w // 3), 255, np.where(yy % 7 == 0, yy % 256, 0))
    return rgba


@pytest.mark.parametrize("factor", [2, 3, 4, 5, 7, 8, 17])
def test_the_page_reduces_as_pillow_does(tmp_path: Path, factor: int) -> None:
    rgba = np.random.default_rng(factor).integers(0, 256, (61, 47, 4), np.uint8)
    rgba[:20, :, 3] = 255  # opaque, half-transparent and transparent pixels; sizes that leave partial boxes
    rgba[20:30, :, 3] = 0
    want = np.asarray(Image.fromarray(rgba, "RGBA").reduce(factor))
    got = _run_page(tmp_path, "desktopClsReduce", rgba, factor).reshape(want.shape)
    assert np.array_equal(got, want)


# shrunk to a small copy, then reduced again / reduced once (a shorter side under 2 x 1024); boxes left over
@pytest.mark.parametrize(("shape", "alpha"), [((4103, 4201), True), ((1701, 9505), False)])
def test_the_page_sees_a_picture_over_16_megapixels_as_the_app_does(tmp_path: Path, shape: tuple[int, int],
                                                                    alpha: bool) -> None:
    rgba = _soft_clip_art(*shape)
    picture = tmp_path / "big.png"
    Image.fromarray(rgba if alpha else np.ascontiguousarray(rgba[..., :3])).save(picture, compress_level=1)
    size = (40, 56)
    assert np.array_equal(_page_view(tmp_path, picture, size, jpeg=False), load_resized(picture, size))


def test_the_page_reduces_a_jpeg_as_the_app_s_decoder_does(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    small = rng.integers(0, 256, (60, 80, 3), np.uint8)
    photo = np.asarray(Image.fromarray(small).resize((1600, 1200), Image.Resampling.BICUBIC))  # detail at all scales
    picture = tmp_path / "photo.jpg"
    Image.fromarray(photo).save(picture, quality=92)
    size = (40, 56)  # the app asks the decoder for 56 px: it decodes at 1/8 (200 x 150)
    want = load_resized(picture, size).astype(int)
    reduced = np.abs(_page_view(tmp_path, picture, size, jpeg=True).astype(int) - want)
    full = np.abs(_page_view(tmp_path, picture, size, jpeg=False).astype(int) - want)
    assert reduced.mean() < full.mean() / 2 and reduced.max() <= 1  # without: 0.47 on average, up to 2


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

# a file's bytes (base64) decoded by the browser as the page decodes a dropped file, then the model's pixels
IN_BROWSER = """
const [b64, name, done] = arguments;
const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
window.desktopClsDecoded(new File([bytes], name)).then((p) => {
  const planes = window.desktopClsModelPixels(p.rgba, p.w, p.h, p.jpeg);
  let text = "";
  for (const v of planes) text += String.fromCharCode(v);
  done(btoa(text));
}).catch((e) => done("error: " + e));
"""


def _in_chromium(tmp_path: Path, pictures: list[Path], size: tuple[int, int]) -> list[np.ndarray]:
    """What the page, opened in headless Chromium (no runtime: the model never loads), shows the model of each."""
    import base64

    from tests.core.test_export_web import _browser

    page = tmp_path / "page"
    (page / "onnxruntime-web").mkdir(parents=True)
    for name in ("index.html", "app.js"):
        shutil.copyfile(resources_dir() / "web" / name, page / name)
    model = {"classes": ["a", "b"], "input_size": list(size), "mean": [0.5] * 3, "std": [0.25] * 3,
             "temperature": 1.0, **decoding_rules()}
    (page / "model.js").write_text(f"window.DESKTOP_CLS_MODEL = {json.dumps(model)};\n", encoding="utf-8")
    (page / "onnxruntime-web" / "runtime.js").write_text("window.DESKTOP_CLS_ORT = {};\n", encoding="utf-8")
    driver = _browser("en-US")
    try:
        driver.set_script_timeout(240)
        driver.get((page / "index.html").as_uri())
        out = []
        for p in pictures:
            got = driver.execute_async_script(IN_BROWSER, base64.b64encode(p.read_bytes()).decode("ascii"), p.name)
            assert not got.startswith("error"), got
            out.append(np.frombuffer(base64.b64decode(got), np.uint8).reshape(3, *size).transpose(1, 2, 0))
        return out
    finally:
        driver.quit()


@pytest.mark.skipif(CHROMIUM is None or DRIVER is None, reason="no headless Chromium (Debian: chromium, driver)")
def test_chromium_s_own_decode_gives_the_app_s_pixels(tmp_path: Path) -> None:
    """The page in a real browser, on files: its decoder, canvas and the ported steps give `load_resized`'s pixels
    (a JPEG within a level, as its draft is only approached)."""
    big = tmp_path / "big.png"
    Image.fromarray(np.ascontiguousarray(_soft_clip_art(4103, 4201)[..., :3])).save(big, compress_level=9)
    rng = np.random.default_rng(5)
    photo = tmp_path / "photo.jpg"
    Image.fromarray(rng.integers(0, 256, (60, 80, 3), np.uint8)).resize((1600, 1200), Image.Resampling.BICUBIC).save(
        photo, quality=92)
    soft = tmp_path / "soft.png"  # clip art with every level of transparency, through the browser's canvas
    rgba = _soft_clip_art(300, 400)
    rgba[..., 3] = np.where(rgba[..., 3] == 255, rng.integers(1, 256, rgba.shape[:2]), rgba[..., 3])
    Image.fromarray(rgba).save(soft)
    size = (40, 56)
    page_big, page_photo, page_soft = _in_chromium(tmp_path, [big, photo, soft], size)
    assert np.array_equal(page_big, load_resized(big, size))
    assert np.array_equal(page_soft, load_resized(soft, size))
    assert np.abs(page_photo.astype(int) - load_resized(photo, size).astype(int)).max() <= 1  # the JPEG: see above
