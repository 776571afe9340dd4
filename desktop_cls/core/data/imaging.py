"""The one safe way we decode an image: any mode to RGB, EXIF orientation applied, bombs refused.

Every path that reads pixels (scan, training cache, evaluation, prediction) goes through
`load_rgb` / `load_resized`, so a model sees the same pixels in training and in use.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from desktop_cls.core.errors import ImageLoadError

# torchvision.datasets.folder.IMG_EXTENSIONS: kept identical so our class map matches ImageFolder's.
IMG_EXTENSIONS: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
# Read when predicting a file the user names; not collected as training samples (ImageFolder parity).
EXTRA_EXTENSIONS: tuple[str, ...] = (".gif",)

MAX_PIXELS = 100_000_000  # ~10k x 10k: far above any photo, far below a decompression bomb's claim

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def is_image_name(name: str, extra: bool = False) -> bool:
    low = name.lower()
    return low.endswith(IMG_EXTENSIONS) or (extra and low.endswith(EXTRA_EXTENSIONS))


def _to_rgb(im: Image.Image) -> Image.Image:
    """Convert any PIL mode to 8-bit RGB the way a person would expect it to look."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode.startswith("I;16") or mode in ("I", "F"):
        arr = np.asarray(im)
        if mode == "F":
            lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
            scaled = (arr - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(arr)
            gray = np.nan_to_num(scaled).clip(0, 255).astype(np.uint8)
        else:
            arr = arr.astype(np.int64)
            gray = (arr >> 8).clip(0, 255).astype(np.uint8) if arr.max(initial=0) > 255 else arr.astype(
                np.uint8
            )
        return Image.fromarray(np.stack([gray] * 3, axis=-1), "RGB")
    if mode == "P":
        im = im.convert("RGBA") if "transparency" in im.info else im.convert("RGB")
        mode = im.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im.convert("RGB")


def load_rgb(path: str | Path, draft_size: tuple[int, int] | None = None) -> Image.Image:
    """Decode the first frame of an image file as upright RGB, or raise ImageLoadError.

    draft_size lets the JPEG decoder skip detail we would throw away when resizing (much faster
    for large photos); the result is then at least that large in both sides.
    """
    p = str(path)
    try:
        with Image.open(p) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ImageLoadError(
                    p, "too_large", f"{im.width}x{im.height} pixels is over the {MAX_PIXELS:,} limit "
                    "(possible decompression bomb); shrink the image to use it"
                )
            if im.width < 1 or im.height < 1:
                raise ImageLoadError(p, "corrupt", "the image has no pixels")
            if getattr(im, "n_frames", 1) > 1:
                im.seek(0)
            if draft_size is not None and im.format == "JPEG":
                side = max(draft_size)
                im.draft("RGB", (side, side))
            im.load()
            upright = ImageOps.exif_transpose(im)
            rgb = _to_rgb(upright if upright is not None else im)
            if rgb is im:
                rgb = im.copy()
            return rgb
    except ImageLoadError:
        raise
    except FileNotFoundError:
        raise ImageLoadError(p, "missing", "the file no longer exists") from None
    except PermissionError:
        raise ImageLoadError(p, "unreadable", "permission denied; check the file's permissions") from None
    except UnidentifiedImageError:
        fmt = sniff_format(p)
        if fmt:
            raise ImageLoadError(p, "corrupt", f"looks like a {fmt} file but is damaged; re-export or "
                                 "remove it") from None
        raise ImageLoadError(p, "not_image", "not an image file (unknown content); remove it or fix "
                             "its extension") from None
    except Image.DecompressionBombError as e:
        raise ImageLoadError(p, "too_large", f"refused as a possible decompression bomb ({e})") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, ZeroDivisionError,
            MemoryError, RuntimeError, AttributeError, struct.error) as e:
        reason = str(e) or type(e).__name__
        raise ImageLoadError(p, "corrupt", f"cannot decode: {reason}") from None
    except Exception as e:  # a decoder bug on hostile bytes: still only our documented error comes out
        raise ImageLoadError(p, "corrupt", f"cannot decode: {type(e).__name__}: {e}") from None


_MAGIC = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
          (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF")]


def sniff_format(path: str) -> str | None:
    """The format a file's first bytes claim, to tell a damaged image from a non-image."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def resize_rgb(im: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """Stretch to exactly size=(H, W) with PIL's antialiased bilinear; returns H x W x 3 uint8."""
    h, w = size
    if im.size != (w, h):
        im = im.resize((w, h), Image.Resampling.BILINEAR)
    return np.asarray(im, dtype=np.uint8)


def load_resized(path: str | Path, size: tuple[int, int]) -> np.ndarray:
    """The training/prediction view of a file: H x W x 3 uint8, or ImageLoadError."""
    return resize_rgb(load_rgb(path, draft_size=size), size)
