"""The built-in demo dataset: deterministic shapes drawn from a recipe in resources/, no download."""

from __future__ import annotations

import io
import json
import os
import random
import secrets
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.storage import as_write_error, write_atomic
from desktop_cls.resources_path import resource


def load_recipe() -> dict[str, Any]:
    recipe: dict[str, Any] = json.loads(resource("demo_recipe.json").read_text(encoding="utf-8"))
    return recipe


def _colour(rng: random.Random, avoid: tuple[int, int, int] | None = None) -> tuple[int, int, int]:
    while True:
        c = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        if avoid is None or sum(abs(a - b) for a, b in zip(c, avoid, strict=True)) > 200:
            return c


def draw_shape(kind: str, size: int, rng: random.Random) -> Image.Image:
    bg = _colour(rng)
    fg = _colour(rng, avoid=bg)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 12, (size, size, 3))
    base = np.clip(np.array(bg, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    im = Image.fromarray(base, "RGB")
    d = ImageDraw.Draw(im)
    r = rng.uniform(0.22, 0.4) * size
    cx = rng.uniform(r, size - r)
    cy = rng.uniform(r, size - r)
    box = (cx - r, cy - r, cx + r, cy + r)
    w = max(1, round(size / 10))
    if kind == "circle":
        d.ellipse(box, fill=fg)
    elif kind == "ring":
        d.ellipse(box, outline=fg, width=w + 1)
    elif kind == "square":
        d.rectangle(box, fill=fg)
    elif kind == "triangle":
        d.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=fg)
    elif kind == "diamond":
        d.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=fg)
    elif kind == "cross":
        d.rectangle((cx - r, cy - w, cx + r, cy + w), fill=fg)
        d.rectangle((cx - w, cy - r, cx + w, cy + r), fill=fg)
    elif kind == "horizontal_stripes":
        step = int(rng.randint(3, 6) * size // 32 + 2)
        for y in range(rng.randint(0, step), size, step * 2):
            d.rectangle((0, y, size, y + step - 1), fill=fg)
    elif kind == "vertical_stripes":
        step = int(rng.randint(3, 6) * size // 32 + 2)
        for x in range(rng.randint(0, step), size, step * 2):
            d.rectangle((x, 0, x + step - 1, size), fill=fg)
    elif kind == "checkerboard":
        step = int(rng.randint(3, 6) * size // 32 + 2)
        for y in range(0, size, step):
            for x in range(0, size, step):
                if (x // step + y // step) % 2 == 0:
                    d.rectangle((x, y, x + step - 1, y + step - 1), fill=fg)
    elif kind == "dots":
        for _ in range(rng.randint(4, 9)):
            px, py = rng.uniform(0, size), rng.uniform(0, size)
            rr = max(1.5, size / 16)
            d.ellipse((px - rr, py - rr, px + rr, py + rr), fill=fg)
    else:
        raise ValueError(f"unknown demo shape {kind!r}")
    return im


def make_demo_dataset(folder: str | Path, images_per_class: int | None = None,
                      image_size: int | None = None, classes: list[str] | None = None) -> Path:
    """Write the demo dataset (one sub-folder per class) into a new folder, or an empty one (kept as it is: its
    permissions and its place, a mount point say, do not change). UserError naming the folder for anything else:
    a folder with files, a file, a link."""
    out = Path(folder).expanduser()
    existing = _usable_destination(out)
    recipe = load_recipe()
    n = images_per_class or int(recipe["images_per_class"])
    size = image_size or int(recipe["image_size"])
    names = classes or list(recipe["classes"])
    rng = random.Random(int(recipe["seed"]))
    # built in a hidden folder (inside an empty destination, else beside it) and renamed into place: a full disk
    # leaves nothing half-written. Made with os.mkdir, so it gets the usual permissions, not a temp folder's 0700
    staging = (out if existing else out.parent) / f".{out.name}.demo-{secrets.token_hex(4)}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(staging)
    except OSError as e:
        raise as_write_error(e, out) from None
    try:
        for cname in names:
            cdir = staging / cname
            cdir.mkdir()
            for i in range(n):
                im = draw_shape(cname, size, rng)
                buf = io.BytesIO()
                im.save(buf, format="PNG")
                write_atomic(cdir / f"{cname}_{i:04d}.png", buf.getvalue())
        if existing:
            for cname in names:
                os.rename(staging / cname, out / cname)
        else:
            os.rename(staging, out)
    except OSError as e:
        raise as_write_error(e, out) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _usable_destination(out: Path) -> bool:
    """Whether out is an existing empty folder (False: nothing there yet); UserError naming it and the fix when
    it cannot take the demo data."""
    if out.is_symlink():
        raise UserError(_("{folder} is a link (to {target}); the demo data is written only into a real folder: give "
                          "that folder itself, or a new one").format(folder=out, target=os.readlink(out)))
    if not out.exists():
        return False
    if not out.is_dir():
        raise UserError(_("{folder} is a file, not a folder; choose a new or empty folder for the demo data").format(
            folder=out))
    try:
        with os.scandir(out) as it:
            full = next(it, None) is not None
    except OSError as e:
        raise UserError(_("{folder} cannot be read ({reason}); choose a new or empty folder for the demo data").format(
            folder=out, reason=e.strerror or e)) from None
    if full:
        raise UserError(_("{folder} is not empty; choose a new or empty folder for the demo data").format(folder=out))
    return True
