"""A short script written next to each exported model: how to use it elsewhere, without desktop_cls.

The preprocessing it spells out is the one the sidecar JSON describes and `predict` uses (imaging,
picture_view, small_copies), step for step, so that it gives the app's pixels: a JPEG decoded at a reduced
scale (draft), a picture over REDUCE_ABOVE_PIXELS reduced by a whole factor first, 16-bit samples / 257 and
float samples stretched from their lowest to their highest value; upright, RGB at 8 bits per channel; a
picture with transparent pixels (an alpha channel or a transparent colour, whatever its size) cut to its
visible part and letterboxed on white, any other stretched to
input_size with bilinear resampling; scaled to [0, 1], normalised by mean/std, NCHW float32. The app's
constants for big pictures are written into the script; they are the same for every model, so the sidecar
does not carry them.
File names enter the script as Python literals (repr), never as code: `--out` may be any name.
"""

from __future__ import annotations

import json
from pathlib import Path

from desktop_cls.core.data.picture_view import REDUCE_ABOVE_PIXELS, REDUCE_MARGIN
from desktop_cls.core.data.small_copies import SMALL_SIDE

_HEADER = '''"""Classify images with {model} ({title}), without desktop_cls.

Needs: pip install {packages}
Usage: python {script} IMAGE [IMAGE ...]
"""

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
MODEL = HERE / {model_literal}
META = json.loads((HERE / {sidecar_literal}).read_text(encoding="utf-8"))  # classes and preprocessing
# How the app decodes very big pictures: over BIG pixels, reduced by a whole factor before the resize
BIG, KEEP_SIDE, MARGIN = {big}, {keep_side}, {margin}
ALPHA = ("RGBA", "LA", "PA", "RGBa", "La")  # modes with an alpha channel; others may have a transparent colour


def preprocess(path):
    """The picture as the app shows it to the network, as 1 x 3 x H x W float32: decoded as the app decodes
    it (a JPEG at a reduced scale, a very big picture reduced first, deep samples to 8 bits), upright (EXIF),
    RGB; with transparent pixels, cut to its visible part and centred on white (shape kept), else stretched
    to the input size; scaled to [0, 1] and normalised."""
    height, width = META["input_size"]
    side = max(height, width)
    with Image.open(path) as im:
        if im.format == "JPEG":  # decoded at 1/2, 1/4 or 1/8 scale where that still gives side x side pixels
            im.draft("RGB", (side, side))
        im = shrink_big(ImageOps.exif_transpose(im), side)
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        im = to_8_bits(im)
    if "transparency" in im.info and im.mode not in ALPHA:  # a transparent colour (PNG, GIF) is transparency
        im = im.convert("RGBA")
    if im.mode in ALPHA:
        im = visible_on_white(im.convert("RGBA"), width, height)
    im = im.convert("RGB")
    if im.size != (width, height):
        im = im.resize((width, height), Image.Resampling.BILINEAR)
    x = np.asarray(im, dtype=np.float32) / 255.0
    x = (x - np.array(META["mean"], dtype=np.float32)) / np.array(META["std"], dtype=np.float32)
    return x.transpose(2, 0, 1)[None]


def shrink_big(im, side):
    """A picture over BIG pixels reduced by a whole factor (a box filter) before the resize, as the app does:
    to at least KEEP_SIDE px on its shorter side when it has twice that, then, if still over BIG pixels, to at
    least MARGIN x side. Smaller pictures are left as they are."""
    if im.width * im.height > BIG and min(im.size) >= 2 * KEEP_SIDE:
        im = reduce_by(im, min(im.size) // KEEP_SIDE)
    if im.width * im.height > BIG:
        im = reduce_by(im, min(im.size) // (MARGIN * side))
    return im


def reduce_by(im, factor):
    """im.reduce(factor): a picture with a transparent colour made RGBA first (averaging would lose the colour),
    palette and 1-bit pictures made RGB; a 16-bit one with a transparent colour, or in a mode reduce does not
    take, is left to the final resize."""
    if factor < 2:
        return im
    if "transparency" in im.info and im.mode not in ALPHA:
        if im.mode not in ("1", "L", "P", "RGB"):
            return im
        im = im.convert("RGBA")
    elif im.mode in ("P", "1"):
        im = im.convert("RGB")
    try:
        return im.reduce(factor)
    except ValueError:
        return im


def to_8_bits(im):
    """Deep samples to 8-bit grey: integers (16-bit scans) by the bit depth, value / 257, so 65535 is white;
    floats stretched from the picture's lowest value (black) to its highest (white). A transparent grey level
    (16-bit PNG) becomes an alpha channel."""
    raw = np.asarray(im)
    if im.mode == "F":
        lo, hi = float(np.nanmin(raw)), float(np.nanmax(raw))
        a = np.nan_to_num((raw - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(raw)).clip(0, 255)
    else:
        a = (raw.astype(np.int64).clip(0, 65535) + 128) // 257
    grey = Image.fromarray(a.astype(np.uint8))
    key = im.info.get("transparency")
    if im.mode != "F" and isinstance(key, int):
        return Image.merge("LA", (grey, Image.fromarray(np.where(raw == key, 0, 255).astype(np.uint8))))
    return grey


def visible_on_white(rgba, width, height):
    """Over white; with transparent pixels, the box of the visible ones scaled to fit width x height (bilinear,
    shape kept) and centred on a white canvas (the sidecar's "transparency")."""
    alpha = rgba.getchannel("A")
    rgb = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    if alpha.getextrema()[0] == 255:
        return rgb
    rgb = rgb.crop(alpha.getbbox() or (0, 0, rgba.width, rgba.height))
    scale = min(width / rgb.width, height / rgb.height)
    size = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    canvas.paste(rgb.resize(size, Image.Resampling.BILINEAR), ((width - size[0]) // 2, (height - size[1]) // 2))
    return canvas
'''

_RUNTIMES = {
    "onnx": ("onnxruntime numpy pillow", '''import onnxruntime as ort

session = ort.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])


def run(x):
    return session.run(None, {META["input_name"]: x})[0]
'''),
    "openvino": ("openvino numpy pillow", '''import openvino as ov

# f32: CPUs with bf16 units would otherwise compute in bf16 and drift slightly from the trained model
compiled = ov.Core().compile_model(str(MODEL), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})


def run(x):
    return compiled(x)[0]
'''),
    "torchscript": ("torch numpy pillow", '''import torch

module = torch.jit.load(str(MODEL), map_location="cpu").eval()


def run(x):
    with torch.inference_mode():
        return module(torch.from_numpy(x)).numpy()
'''),
}

_FOOTER = '''

def probabilities(path):
    """One probability per class (META["classes"]), as the app gives them: softmax(logits / temperature)."""
    logits = np.asarray(run(preprocess(path))[0], dtype=np.float64) / META["temperature"]
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


if __name__ == "__main__":
    for path in sys.argv[1:]:
        p = probabilities(path)
        best = int(p.argmax())
        print(f"{path}: {META['classes'][best]} ({p[best]:.1%})")
'''

TITLES = {"onnx": "ONNX, fp32", "onnx-int8": "ONNX, int8 quantized", "onnx-fp16": "ONNX, fp16",
          "openvino": "OpenVINO IR", "torchscript": "TorchScript"}


def _in_docstring(name: str) -> str:
    """A file name as docstring text that cannot end the docstring (quotes and backslashes escaped)."""
    return json.dumps(name)[1:-1]


def snippet_path(model_file: Path) -> Path:
    return Path(model_file).with_name(f"{Path(model_file).stem}_example.py")


def snippet_text(fmt: str, model_file: Path) -> str | None:
    """The script for fmt (None for safetensors: that format is for desktop_cls and PyTorch code)."""
    runtime = "onnx" if fmt.startswith("onnx") else fmt
    if runtime not in _RUNTIMES:
        return None
    packages, body = _RUNTIMES[runtime]
    model = Path(model_file)
    head = _HEADER.format(model=_in_docstring(model.name), title=TITLES[fmt], packages=packages,
                          script=_in_docstring(snippet_path(model).name),
                          model_literal=repr(model.name), sidecar_literal=repr(model.with_suffix(".json").name),
                          big=f"{REDUCE_ABOVE_PIXELS:_}", keep_side=SMALL_SIDE, margin=REDUCE_MARGIN)
    return head + "\n" + body + _FOOTER
