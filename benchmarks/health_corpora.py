"""Real-image corpora for the dataset health checks: distinct pictures, and planted copies among them.

* digits: scikit-learn's handwritten digits (1,797 real 8x8 scans), upscaled to 32 px files.
* letters: A-J rendered from the typefaces on this machine, each file with its own canvas size, glyph
  size, offset, rotation and shade on a plain background (small, low-contrast, like notMNIST).
* photos: crops of the sample photos scikit-learn ships (china.jpg, flower.jpg), at least a fifth of a
  crop apart, so no two are the same picture.

Planted copies are what "the same picture" means: exact, JPEG at quality 60, resized by up to 10 %,
cropped by up to 5 %, given a border, brightened or with contrast changed. Used by tests (small
versions) and by benchmarks/health_findings.py (the figures in docs/reliability.md).
"""

from __future__ import annotations

import io
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

LETTERS = "ABCDEFGHIJ"


def save_png(im: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, format="PNG")
    return path


def digits(out: Path, size: int = 32, limit: int | None = None) -> list[Path]:
    from sklearn.datasets import load_digits

    d = load_digits()
    paths = []
    for i in range(len(d.images) if limit is None else min(limit, len(d.images))):
        arr = (d.images[i] / 16.0 * 255).astype(np.uint8)
        im = Image.fromarray(arr, "L").resize((size, size), Image.Resampling.BILINEAR)
        paths.append(save_png(im, out / str(d.target[i]) / f"digit_{i:04d}.png"))
    return paths


def font_files(limit: int | None = None) -> list[str]:
    """Scalable typefaces on this machine (fc-list), else Pillow's built-in one (always present)."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                                timeout=30).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        listed = []
    files = sorted({f for f in listed if f.lower().endswith((".ttf", ".otf"))})
    distinct: dict[bytes, str] = {}
    for f in files:  # many font files share their Latin letters (a family's scripts): keep one of each design
        try:
            font = ImageFont.truetype(f, 32)
            if not all(has_glyph(font, c) for c in LETTERS):
                continue
            distinct.setdefault(bytes(font.getmask(LETTERS)), f)
        except (OSError, ValueError):
            continue
    unique = sorted(distinct.values())
    return unique[:limit] if limit else unique


def _font(file: str | None, px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if file is None:
        return ImageFont.load_default(px)
    return ImageFont.truetype(file, px)


def has_glyph(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, letter: str) -> bool:
    """False when the font draws its missing-glyph box for the letter (symbol and math fonts)."""
    missing = font.getmask("\U0010fffd")
    mask = font.getmask(letter)
    return mask.size[0] > 0 and (mask.size != missing.size or bytes(mask) != bytes(missing))


def render_letter(letter: str, font: str | None, rng: random.Random) -> Image.Image | None:
    """One letter with its own canvas size, glyph size, offset, rotation and shade; None if the font lacks it."""
    side = rng.randint(24, 40)
    fg, bg = rng.randint(0, 120), rng.randint(150, 255)
    if rng.random() < 0.3:
        fg, bg = bg, fg
    big = 4 * side
    try:
        f = _font(font, int(big * rng.uniform(0.55, 0.85)))
        if not has_glyph(f, letter):
            return None
        canvas = Image.new("L", (big, big), 0)
        draw = ImageDraw.Draw(canvas)
        box = draw.textbbox((0, 0), letter, font=f)
    except (OSError, ValueError):
        return None
    w, h = box[2] - box[0], box[3] - box[1]
    if w < big * 0.1 or h < big * 0.2 or w > big or h > big:
        return None
    x = (big - w) // 2 - box[0] + rng.randint(-big // 10, big // 10)
    y = (big - h) // 2 - box[1] + rng.randint(-big // 10, big // 10)
    draw.text((x, y), letter, fill=255, font=f)
    mask = canvas.rotate(rng.uniform(-12, 12), resample=Image.Resampling.BICUBIC)
    if mask.getbbox() is None:
        return None
    im = Image.composite(Image.new("L", (big, big), fg), Image.new("L", (big, big), bg), mask)
    return im.resize((side, side), Image.Resampling.LANCZOS)


def letters(out: Path, per_class: int, seed: int = 0, fonts: list[str] | None = None) -> list[Path]:
    """Each letter once per typeface (at most per_class of them): two renders of one design can come out
    the same picture by chance, which is a real copy, not the distinct set this corpus stands for."""
    rng = random.Random(seed)
    faces: list[str | None] = list(fonts if fonts is not None else font_files()) or [None]
    paths = []
    for letter in LETTERS:
        order = list(faces)
        rng.shuffle(order)
        made = 0
        for face in order:
            if made >= per_class:
                break
            im = render_letter(letter, face, rng)
            if im is not None:
                paths.append(save_png(im, out / letter / f"{letter}_{made:04d}.png"))
                made += 1
    return paths


def sample_photos() -> list[Image.Image]:
    from sklearn.datasets import load_sample_images

    return [Image.fromarray(a) for a in load_sample_images().images]


def photo_crops(out: Path, per_photo: int = 24, seed: int = 0, side: int = 96) -> list[Path]:
    """Crops of each sample photo whose corners lie at least 20 % of a crop apart: distinct pictures."""
    rng = random.Random(seed)
    paths: list[Path] = []
    for k, photo in enumerate(sample_photos()):
        boxes: list[tuple[int, int, int]] = []
        tries = 0
        while len(boxes) < per_photo and tries < per_photo * 200:
            tries += 1
            s = rng.randint(120, 260)
            x, y = rng.randint(0, photo.width - s), rng.randint(0, photo.height - s)
            if all(max(abs(x - bx), abs(y - by), abs(s - bs)) > 0.2 * min(s, bs) for bx, by, bs in boxes):
                boxes.append((x, y, s))
        for i, (x, y, s) in enumerate(boxes):
            im = photo.crop((x, y, x + s, y + s)).resize((side, side), Image.Resampling.LANCZOS)
            paths.append(save_png(im, out / f"photo{k}" / f"crop_{i:03d}.png"))
    return paths


def _jpeg(im: Image.Image, quality: int = 60) -> bytes:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _crop(im: Image.Image, rng: random.Random, most: float = 0.05) -> Image.Image:
    w, h = im.size
    cuts = [rng.uniform(0, most) for _ in range(4)]
    return im.crop((round(w * cuts[0] / 2), round(h * cuts[1] / 2), w - round(w * cuts[2] / 2),
                    h - round(h * cuts[3] / 2)))


def _border(im: Image.Image, rng: random.Random) -> Image.Image:
    pad = max(1, round(min(im.size) * rng.uniform(0.02, 0.05)))
    colour = im.convert("RGB").getpixel((0, 0))
    assert isinstance(colour, tuple)  # an RGB picture's pixel
    return ImageOps.expand(im.convert("RGB"), border=pad, fill=colour)


COPIES: dict[str, Callable[[Image.Image, random.Random], Image.Image | bytes]] = {
    "exact": lambda im, rng: im,
    "jpeg60": lambda im, rng: _jpeg(im, 60),
    "bigger": lambda im, rng: im.resize((round(im.width * 1.1), round(im.height * 1.1)), Image.Resampling.BICUBIC),
    "smaller": lambda im, rng: im.resize((round(im.width * 0.9), round(im.height * 0.9)), Image.Resampling.BILINEAR),
    "cropped": lambda im, rng: _crop(im, rng),
    "border": _border,
    "brighter": lambda im, rng: ImageEnhance.Brightness(im).enhance(1.25),
    "contrast": lambda im, rng: ImageEnhance.Contrast(im).enhance(0.8),
    "crop_jpeg": lambda im, rng: _jpeg(_crop(im, rng), 75),
}


def plant_copies(originals: list[Path], out_dir: Callable[[Path], Path], per_kind: int, seed: int = 0,
                 kinds: tuple[str, ...] = tuple(COPIES), tag: str = "copy") -> dict[Path, tuple[str, Path]]:
    """Writes per_kind copies of each kind of randomly chosen originals; returns copy -> (kind, original).

    out_dir(original) names the folder a copy goes to (its own class, another class, another split).
    """
    rng = random.Random(seed)
    chosen = rng.sample(originals, min(len(originals), per_kind * len(kinds)))
    planted: dict[Path, tuple[str, Path]] = {}
    for n, orig in enumerate(chosen):
        kind = kinds[n % len(kinds)]
        with Image.open(orig) as src:
            im = src.convert("RGB") if src.mode not in ("L", "RGB") else src.copy()
        made = COPIES[kind](im, rng)
        folder = out_dir(orig)
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(made, bytes):
            dst = folder / f"{tag}_{kind}_{n:04d}.jpg"
            dst.write_bytes(made)
        else:
            dst = save_png(made, folder / f"{tag}_{kind}_{n:04d}.png")
        planted[dst] = (kind, orig)
    return planted
