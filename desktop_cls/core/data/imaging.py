"""The one safe way we decode an image: any mode to RGB, EXIF orientation applied, bombs refused.

Every path that reads pixels (scan, training cache, evaluation, prediction) goes through
`load_rgb` / `load_resized`, so a model sees the same pixels in training and in use.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from desktop_cls.core.data.decode_reasons import plain_decode_reason
from desktop_cls.core.data.memory_limits import DECODE_BUDGET, MAX_IMAGE_MB_ENV, decode_cost, max_image_bytes
from desktop_cls.core.data.picture_view import ALPHA_MODES, colour_keyed, network_view, reduce_for, visible_on_white
from desktop_cls.core.data.small_copies import SMALL_COPIES, SMALL_SIDE, SmallCopies, is_big, shrink, shrink_cost
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.i18n import N_, _

T = TypeVar("T")

# torchvision.datasets.folder.IMG_EXTENSIONS: kept identical so our class map matches ImageFolder's.
IMG_EXTENSIONS: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
# Read when predicting a file the user names; not collected as training samples (ImageFolder parity).
EXTRA_EXTENSIONS: tuple[str, ...] = (".gif",)

# Bump whenever the pixels decoded from some file change: every cache of decoded pixels or of what is computed
# from them (the decoded images, the health check's hashes) is keyed by it, so its older entries become misses.
# 2: picture_view (transparent pictures cut and letterboxed); 3: a transparent colour is transparency at any size.
# (Features, thumbnails and small copies have formats of their own: bump those too when they are affected.)
DECODER_VERSION = 3

# ~15.5k x 15.5k, far below a decompression bomb's claim: as many 8-bit RGBA pixels as the default 1,024 MB per
# image holds when read for a size (memory_limits, small_copies.shrink_cost); read whole, the memory limit rules
MAX_PIXELS = 240_000_000
ORIENTATION = 0x0112  # the EXIF tag
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# between the limit and twice it Pillow only warns; load_rgb refuses those images itself, in our words
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def is_image_name(name: str, extra: bool = False) -> bool:
    low = name.lower()
    return low.endswith(IMG_EXTENSIONS) or (extra and low.endswith(EXTRA_EXTENSIONS))


def utf8_name(name: str) -> bool:
    """False for a name the file system handed over with undecodable bytes (not valid UTF-8)."""
    if name.isascii():  # the common case, answered without encoding (the walk asks once per file)
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_path(path: str) -> str:
    """A path safe to print or write to JSON: undecodable bytes shown as \\xNN."""
    return path if utf8_name(path) else os.fsencode(path).decode("utf-8", "backslashreplace")


_SPECIAL = ((stat.S_ISFIFO, N_("a named pipe (FIFO)")), (stat.S_ISSOCK, N_("a socket")), (stat.S_ISCHR, N_("a device")),
            (stat.S_ISBLK, N_("a device")), (stat.S_ISDIR, N_("a folder")))


def special_file_kind(mode: int) -> str | None:
    """What a non-regular file is ('a named pipe (FIFO)', ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((_(what) for test, what in _SPECIAL if test(mode)), _("not a regular file"))


def check_file(p: str) -> None:
    """Only regular files with printable names are opened: opening a FIFO would block for ever."""
    if not utf8_name(p):
        raise ImageLoadError(display_path(p), "bad_name", _("the file name is not valid UTF-8 text; rename the file"))
    try:
        mode = os.stat(p).st_mode
    except (FileNotFoundError, PermissionError):
        return  # reported by the decoder below with its usual message
    except OSError as e:
        raise ImageLoadError(p, "unreadable", str(e)) from None
    what = special_file_kind(mode)
    if what is not None:
        raise ImageLoadError(p, "not_a_file", _("{what}, not an image file; only regular files are read").format(
                what=what))


def _gray16(arr: np.ndarray) -> np.ndarray:
    """16-bit samples to 8 bits by the bit depth (value / 257), never by the image's own maximum."""
    return ((arr.astype(np.int64).clip(0, 65535) + 128) // 257).astype(np.uint8)


def _to_rgb(im: Image.Image) -> Image.Image:
    """Convert any PIL mode to 8-bit RGB the way a person would expect it to look. Transparency, an alpha
    channel or a transparent colour (PNG tRNS, GIF), shows white, its visible part marked (picture_view)."""
    mode = im.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _deep_to_rgb(im)
    if colour_keyed(im) or mode == "P":
        im = im.convert("RGBA") if "transparency" in im.info else im.convert("RGB")
        mode = im.mode
    if mode == "RGB":
        return im
    if mode in ALPHA_MODES:
        return visible_on_white(im.convert("RGBA"))  # and where the visible part is (picture_view)
    return im.convert("RGB")


def _deep_to_rgb(im: Image.Image) -> Image.Image:
    """16-bit and 32-bit grey by the bit depth (value / 257), float from its lowest to its highest value; a
    transparent grey level (16-bit PNG tRNS) is transparency, which Pillow's own conversion would clip away."""
    arr = np.asarray(im)
    if im.mode == "F":
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        scaled = (arr - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(arr)
        gray = np.nan_to_num(scaled).clip(0, 255).astype(np.uint8)
    else:  # 'I;16*' and 'I' (PIL's mode for 16-bit PNG/TIFF grayscale): 16 bits deep
        gray = _gray16(arr)
    key = im.info.get("transparency")
    if im.mode != "F" and isinstance(key, int) and not isinstance(key, bool):
        alpha = np.where(arr == key, 0, 255).astype(np.uint8)
        return visible_on_white(Image.fromarray(np.stack([gray] * 3 + [alpha], axis=-1), "RGBA"))
    return Image.fromarray(np.stack([gray] * 3, axis=-1), "RGB")


def load_rgb(path: str | Path, draft_size: tuple[int, int] | None = None) -> Image.Image:
    """Decode the first frame of an image file as upright RGB, or raise ImageLoadError.

    draft_size lets the JPEG decoder skip detail we would throw away when resizing (much faster
    for large photos); the result is then at least that large in both sides.
    """
    check_file(str(path))
    return _decode(str(path), str(path), draft_size, _same)


def load_whole_or_small(path: str) -> tuple[Image.Image, bool]:
    """The picture whole, or a big one the limit per image refuses whole read for a size as training reads it
    (its small copy's pixels, and True): a 10,524 x 16,000 drawing that trains was "too large" to view or check."""
    try:
        return load_rgb(path), False
    except ImageLoadError as e:
        if e.kind != "too_large":
            raise
        return load_rgb(path, (SMALL_SIDE, SMALL_SIDE)), True  # refused the same way when it is over even so


def _same(im: Image.Image) -> Image.Image:
    return im


def decode_rgb(data: bytes, name: str, draft_size: tuple[int, int] | None = None) -> Image.Image:
    """load_rgb for bytes in memory (an upload): the same pixels as from a file, nothing written to disk.

    name only labels the errors."""
    return _decode(io.BytesIO(data), name, draft_size, _same, head=data[:16])


def _decode(source: str | BinaryIO, p: str, draft_size: tuple[int, int] | None, finish: Callable[[Image.Image], T],
            head: bytes | None = None, small: SmallCopies | None = None) -> T:
    """Open, check the header's cost, then decode and `finish` while holding that much of the
    decode budget (memory_limits), so no number of workers decodes more at once than it allows.
    With `small`, a huge picture is read from its small copy when one was kept (small_copies)."""
    try:
        with Image.open(source) as im:
            refuse_from_header(p, im, for_size=draft_size is not None)
            if getattr(im, "n_frames", 1) > 1:
                im.seek(0)
            if draft_size is not None and im.format == "JPEG":
                side = max(draft_size)
                im.draft("RGB", (side, side))
            # read for a size: a huge picture is first shrunk to its small copy's pixels, kept or not
            big = draft_size is not None and is_big(im.width, im.height)
            copies = small if big else None
            kept = copies.get(p) if copies is not None else None
            if kept is not None and draft_size is not None:  # decoded before: its small copy, not its pixels
                with DECODE_BUDGET.hold(decode_cost(kept.width, kept.height, kept.mode)):
                    return finish(_to_rgb(reduce_for(kept, max(draft_size))))
            turned = big and _may_turn(im)
            with DECODE_BUDGET.hold(read_cost(im, big, turned)):
                im.load()
                if big:  # a huge picture: the same small copy whether one is kept (predict) or not (serve)
                    upright = _shrunk_upright(im, turned)
                    if copies is not None:  # decoded this once
                        copies.put(p, upright)
                else:
                    upright = _upright(im)
                if draft_size is not None:  # a big PNG, TIFF...: its decode is paid, the rest need not be
                    upright = reduce_for(upright, max(draft_size))
                rgb = _to_rgb(upright)
                return finish(im.copy() if rgb is im else rgb)
    except ImageLoadError:
        raise
    except FileNotFoundError:
        raise ImageLoadError(p, "missing", _("the file no longer exists")) from None
    except PermissionError:
        raise ImageLoadError(p, "unreadable", _("permission denied; check the file's permissions")) from None
    except UnidentifiedImageError:
        fmt = sniff_format(p) if head is None else sniff_bytes(head)
        if fmt:
            raise ImageLoadError(p, "corrupt", _("looks like a {fmt} file but is damaged; re-export or "
                                                 "remove it").format(
                    fmt=fmt)) from None
        raise ImageLoadError(p, "not_image", _("not an image file (unknown content); remove it or fix its "
                                               "extension")) from None
    except Image.DecompressionBombError as e:
        raise ImageLoadError(p, "too_large", bomb_message(str(e))) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, ZeroDivisionError,
            MemoryError, RuntimeError, AttributeError, struct.error) as e:
        raise ImageLoadError(p, "corrupt", _("cannot decode: {reason}").format(reason=plain_decode_reason(e))) from None
    except Exception as e:  # a decoder bug on hostile bytes: still only our documented error comes out
        raise ImageLoadError(p, "corrupt", _("cannot decode: {reason}").format(reason=plain_decode_reason(e))) from None


def _may_turn(im: Image.Image) -> bool:
    """Whether the header shows an EXIF orientation that turns the picture (a PNG's getexif() would decode it
    to look after its pixels: any EXIF or XMP before them counts)."""
    if im.format == "PNG":
        return any(key in im.info for key in ("exif", "Raw profile type exif", "XML:com.adobe.xmp", "xmp"))
    return im.getexif().get(ORIENTATION, 1) in range(2, 9)


def _shrunk_upright(im: Image.Image, turned: bool) -> Image.Image:
    """A decoded big picture's small copy, upright. Turned upright first when its cost was counted (`turned`),
    as before; without an orientation it is shrunk as it is, with no whole copy (Pillow's exif_transpose makes
    one); an orientation found only after the pixels (a PNG's eXIf after its data) turns the small copy."""
    if im.getexif().get(ORIENTATION, 1) not in range(2, 9):
        return shrink(im)
    return shrink(_upright(im)) if turned else _upright(shrink(im))


def _upright(im: Image.Image) -> Image.Image:
    """im turned by its EXIF orientation (a copy, as Pillow makes it)."""
    turned = ImageOps.exif_transpose(im)
    return turned if turned is not None else im


def read_cost(im: Image.Image, big: bool, turned: bool = False) -> int:
    """Peak bytes to read an opened image: a big picture read for a size is shrunk before any conversion
    (small_copies.shrink_cost); any other is decoded and converted whole (memory_limits.decode_cost)."""
    cost = shrink_cost(im, turned) if big else None
    return decode_cost(im.width, im.height, im.mode) if cost is None else cost


def too_many_pixels(width: int, height: int) -> str:
    """Why an image over MAX_PIXELS is refused, and the fix: one wording for the scan and the loader."""
    return _("{width}x{height} pixels is over the {limit:,} limit (possible decompression bomb); shrink the image "
             "to use it").format(width=width, height=height, limit=MAX_PIXELS)


def refuse_from_header(p: str, im: Image.Image, for_size: bool = False) -> None:
    """Refuse from the header alone: too many pixels, no pixels, or more memory to read than allowed, `for_size`
    (training, thumbnails) or whole (a scan runs it too, so an image the loader refuses is never counted as
    usable)."""
    if im.width * im.height > MAX_PIXELS:
        raise ImageLoadError(p, "too_large", too_many_pixels(im.width, im.height))
    if im.width < 1 or im.height < 1:
        raise ImageLoadError(p, "corrupt", _("the image has no pixels"))
    big = for_size and is_big(im.width, im.height)
    cost, limit = read_cost(im, big, big and _may_turn(im)), max_image_bytes()
    if cost > limit:
        raise ImageLoadError(p, "too_large", _(
            "decoding this {width}x{height} {mode} image needs about {need:,} MB, over the {limit:,} MB limit per "
            "image; shrink it, or set {env} to a larger number of MB").format(
                width=im.width, height=im.height, mode=im.mode, need=cost // 2**20, limit=limit // 2**20,
                env=MAX_IMAGE_MB_ENV))


def bomb_message(pillow_message: str) -> str:
    """Our limit in our words: Pillow's own message cites twice the limit (where it stops warning)."""
    m = re.search(r"\((\d+) pixels\)", pillow_message)
    size = f"{int(m.group(1)):,} pixels" if m else "its size"
    return (_("{size} is over the {limit:,} limit (possible decompression bomb); shrink the image to use it").format(
            size=size, limit=MAX_PIXELS))


_MAGIC = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
          (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF")]


def sniff_format(path: str) -> str | None:
    """The format a file's first bytes claim, to tell a damaged image from a non-image."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return None
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str | None:
    """The format the first 16 bytes of an image claim."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def resize_rgb(im: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """Stretch to exactly size=(H, W) with PIL's antialiased bilinear; returns H x W x 3 uint8. A picture cut
    to its visible part (transparent margins) is letterboxed on white instead, keeping its shape."""
    h, w = size
    im = network_view(im, size)
    if im.size != (w, h):
        im = im.resize((w, h), Image.Resampling.BILINEAR)
    return np.asarray(im, dtype=np.uint8)


def resize_array(arr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The network's view of a picture in memory (H x W grey, x 3 RGB or x 4 RGBA, uint8: a video frame), as
    `load_resized` sees the same pixels saved as a PNG: a huge one reduced by the same whole factors first, one
    with transparent pixels cut to its visible part and letterboxed on white; H x W x 3 uint8."""
    im = Image.fromarray(np.ascontiguousarray(arr))
    with DECODE_BUDGET.hold(decode_cost(im.width, im.height, im.mode)):
        if is_big(im.width, im.height):
            im = shrink(im)
        return resize_rgb(_to_rgb(reduce_for(im, max(size))), size)


def load_resized(path: str | Path, size: tuple[int, int]) -> np.ndarray:
    """The training/prediction view of a file: H x W x 3 uint8, or ImageLoadError. The full-size
    picture is resized while its memory is still counted in the decode budget."""
    check_file(str(path))
    return _decode(str(path), str(path), size, lambda im: resize_rgb(im, size), small=SMALL_COPIES)


def or_load_error(fn: Callable[..., T], path: str, *args: object) -> T | ImageLoadError:
    """fn(path, *args), or the ImageLoadError it raised: a thread pool over many files keeps every
    file's outcome in place instead of stopping at the first unreadable one."""
    try:
        return fn(path, *args)
    except ImageLoadError as e:
        return e


def load_resized_all(paths: list[str], size: tuple[int, int]) -> list[np.ndarray | ImageLoadError]:
    """load_resized for each path, an error in the place of each unreadable one: one request for a worker
    process (this module imports no torch, so such a process starts in a second, not in five)."""
    return [or_load_error(load_resized, p, size) for p in paths]
