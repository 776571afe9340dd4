"""The export's stand-alone script decodes every picture as `predict` does: a big JPEG at the reduced scale the
app asks of the decoder, a picture over 16 megapixels reduced by the app's whole factors first, float and
16-bit TIFFs converted to 8 bits the app's way, CMYK and 1-bit pictures made RGB. The pictures are real
(scikit-learn's handwritten digits, laid side by side and upscaled past the threshold), the model is the
shared tiny run."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data.imaging import load_resized
from desktop_cls.core.data.picture_view import REDUCE_ABOVE_PIXELS
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.models.model_io import read_meta

# Imports the script with every desktop_cls import made to fail, and writes what it shows the network and the
# probabilities it gives for each picture.
SCRIPT_VIEW = ("import json, runpy, sys; import numpy as np; sys.modules['desktop_cls'] = None; "
               "ns = runpy.run_path(sys.argv[1], run_name='example'); out, pictures = sys.argv[2], sys.argv[3:]; "
               "np.savez(out, *[ns['preprocess'](p) for p in pictures]); "
               "print(json.dumps([ns['probabilities'](p).tolist() for p in pictures]))")
BIG = (4100, 4000)  # 16.4 megapixels, over REDUCE_ABOVE_PIXELS
PANORAMA = (16500, 1000)  # as many pixels; its shorter side too short for the app's small copy, reduced after


@functools.cache
def digit_scans() -> np.ndarray:
    sklearn = pytest.importorskip("sklearn.datasets")
    return sklearn.load_digits().images


def digits(rows: int, cols: int, seed: int) -> np.ndarray:
    """rows x cols of scikit-learn's handwritten digits (8 x 8 scans, 17 grey levels) side by side, 0-255."""
    scans = digit_scans()
    pick = np.random.default_rng(seed).integers(0, len(scans), rows * cols)
    tiles = np.rint(scans[pick] * (255 / 16)).astype(np.uint8).reshape(rows, cols, 8, 8)
    return tiles.transpose(0, 2, 1, 3).reshape(rows * 8, cols * 8)


def colour_digits(rows: int, cols: int, seed: int) -> np.ndarray:
    return np.stack([digits(rows, cols, seed + k) for k in range(3)], axis=-1)


def upscaled(arr: np.ndarray, size: tuple[int, int], mode: str | None = None) -> Image.Image:
    """Nearest-neighbour: cheap to make and to compress, and its block edges still tell a reduced decode
    from a full one."""
    return Image.fromarray(arr, mode).resize(size, Image.Resampling.NEAREST)


def pictures_in_other_modes(folder: Path) -> list[Path]:
    """A blue square on a transparent canvas whose hidden pixels are red, the same as a palette PNG and as an RGB
    PNG whose red is its transparent colour, and 16-bit and 8-bit greyscale scans, also with a transparent grey."""
    rgba = np.zeros((24, 40, 4), dtype=np.uint8)
    rgba[..., 0] = 230  # red, but fully transparent: the network must not see it
    rgba[6:18, 14:26] = (40, 40, 230, 255)
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgba, "RGBA").save(folder / "clip_art.png")
    palette = Image.fromarray(rgba[..., :3], "RGB").quantize(4)
    palette.save(folder / "palette.png", transparency=int(np.asarray(palette)[0, 0]))  # red's index hidden
    Image.fromarray(rgba[..., :3], "RGB").save(folder / "rgb_key.png", transparency=(230, 0, 0))
    scan = (np.arange(16 * 16).reshape(16, 16) * 100).astype(np.uint16)
    Image.fromarray(scan).save(folder / "scan16.png")
    Image.fromarray(scan).save(folder / "scan16_key.png", transparency=int(scan[0, 0]))  # one corner hidden
    Image.fromarray(digits(16, 16, 14)).save(folder / "scan8_key.png", transparency=0)  # the paper hidden
    return sorted(folder.iterdir())


def pictures(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    upscaled(colour_digits(32, 32, 0), BIG).save(folder / "big.jpg", quality=90)
    clip = np.zeros((250, 256, 2), np.uint8)  # grey and alpha, as clip art often is
    clip[40:200, 64:176] = np.stack([digits(20, 14, 6), np.full((160, 112), 255, np.uint8)], axis=-1)
    upscaled(clip, BIG, "LA").save(folder / "big_clip_art.png", compress_level=1)
    palette = Image.fromarray(colour_digits(8, 132, 9)).quantize(16)  # as many pixels, made RGB to be reduced
    palette.resize(PANORAMA, Image.Resampling.NEAREST).save(folder / "panorama.png", compress_level=1)
    measured = digits(16, 16, 10).astype(np.float32) * 0.037 - 1.5
    measured[0, :5] = np.nan  # no data
    Image.fromarray(measured, "F").save(folder / "digits_float.tif")
    Image.fromarray(digits(16, 16, 11).astype(np.uint16) * 250).save(folder / "digits_16_bit.tif")
    Image.fromarray(colour_digits(16, 16, 12)).convert("CMYK").save(folder / "digits_cmyk.jpg")  # print, reduced
    Image.fromarray(digits(16, 16, 15) > 127).save(folder / "digits_1_bit.tif")  # fax, bi-level scan
    return sorted(folder.iterdir())


def header(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as im:
        return im.mode, im.size


def script_view(script: Path, images: list[Path], out: Path) -> tuple[list[np.ndarray], np.ndarray]:
    """What the script shows the network for each picture (1 x 3 x H x W) and its probabilities."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(script.parent)}  # no PYTHONPATH: not our tree
    proc = subprocess.run([sys.executable, "-c", SCRIPT_VIEW, str(script), str(out), *map(str, images)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=script.parent)
    assert proc.returncode == 0, proc.stderr
    with np.load(out) as views:
        return [views[f"arr_{i}"] for i in range(len(images))], np.array(json.loads(proc.stdout))


def test_the_script_sees_every_picture_as_predict_does(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """Clip art and scans as they come (a blue square on a transparent canvas whose hidden pixels are red, the
    same as a palette PNG and with red as its transparent colour, scans with and without a transparent grey),
    and big and deep pictures: the script shows the network the very pixels `predict` does and gets its
    probabilities."""
    run, _data = trained_run
    res = export_model(run, "onnx", tmp_path / "export" / "model")
    images = pictures_in_other_modes(tmp_path / "small") + pictures(tmp_path / "pictures")
    kinds = {p.name: header(p) for p in images}
    assert [kinds[f"scan{kind}_key.png"][0][:4] for kind in ("16", "8")] == ["I;16", "L"]
    assert [kinds[f"digits_{kind}"][0] for kind in ("float.tif", "cmyk.jpg", "1_bit.tif")] == ["F", "CMYK", "1"]
    assert kinds["digits_16_bit.tif"][0].startswith("I;16")
    big = [size for name, (_mode, size) in kinds.items() if name.startswith(("big", "panorama"))]
    assert len(big) == 3 and all(w * h > REDUCE_ABOVE_PIXELS for w, h in big)
    views, probs = script_view(Path(str(res.snippet)), images, tmp_path / "views.npz")
    meta = read_meta(run / "model.json")
    classes = list(meta.classes)
    app = Predictor.load(run).predict_paths(images, top_k=len(classes))  # decodes each picture, keeps small copies
    app_probs = np.zeros_like(probs)
    for i, p in enumerate(app):
        assert p.error is None, p.error
        for label, probability in p.top_k:
            app_probs[i, classes.index(label)] = probability
    assert [p.label for p in app][:3] == ["fish"] * 3  # the visible blue square, not the hidden red
    assert (probs.argmax(1) == app_probs.argmax(1)).all()
    # the same pixels (below); only the runtimes' float32 arithmetic differs (torch against onnxruntime)
    assert np.abs(probs - app_probs).max() <= 1e-5
    mean, std = np.array(meta.mean, np.float32), np.array(meta.std, np.float32)
    for path, view in zip(images, views, strict=True):  # a big picture now read from its kept small copy
        seen = load_resized(path, meta.input_size).astype(np.float32) / 255.0
        assert np.array_equal(view[0], ((seen - mean) / std).transpose(2, 0, 1)), path.name
    sidecar = json.loads(Path(res.sidecar).read_text())
    assert "transparent" in sidecar["transparency"] and "white" in sidecar["transparency"]
