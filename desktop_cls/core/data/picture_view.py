"""How a network sees a picture with transparency (clip art, icons, logos, cut-outs): its visible part only,
its shape kept, on white.

A drawing in a transparent canvas often fills a fraction of it, in any aspect ratio; stretched to a square
with its empty margins, a bird in a wide canvas becomes a thin smear. Cut to the visible pixels and
letterboxed on white, the frozen ImageNet features learn 20 clip-art pictures per class 2-4 points better
(docs/benchmarks.md, "Real pictures"). Pictures without transparent pixels are untouched.

Also here: big decoded pictures are first shrunk by an integer factor (Pillow's reduce, a box filter that
costs a fraction of a resize) to a few times the size the network needs, so a 13,000 px drawing costs its
decode and little after.
"""

from __future__ import annotations

from PIL import Image

TRIMMED = "desktop_cls_visible_box"  # Image.info: the box of the visible pixels of a transparent picture
REDUCE_MARGIN = 2  # keep at least twice the target side before the final antialiased resize
# Only pictures above this many pixels are reduced first: there the saving is large (a 13,000 px drawing),
# and below it every path (files, video frames, the exported web page) resizes the very same pixels.
REDUCE_ABOVE_PIXELS = 16_000_000


STRIP_BOXES = 16  # rows of boxes reduced at a time (_reduce)
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")  # modes with an alpha channel of their own
KEYABLE_MODES = ("1", "L", "P", "RGB")  # modes whose transparent colour Pillow's convert("RGBA") honours


def colour_keyed(im: Image.Image) -> bool:
    """A picture with a transparent colour instead of an alpha channel (PNG tRNS on RGB, grey or palette; GIF):
    transparency all the same, cut and letterboxed like any other (and whatever its size)."""
    return "transparency" in im.info and im.mode not in ALPHA_MODES


def reduced(im: Image.Image, factor: int) -> Image.Image:
    """im.reduce(factor) (a box filter), or im as it is. Reduce averages samples, which a palette index has
    not (made RGB first) and after which a transparent colour would no longer match its pixels (made RGBA
    first; a deep picture with one, which Pillow cannot make RGBA faithfully, is left whole)."""
    if factor < 2:
        return im
    if colour_keyed(im):
        if im.mode not in KEYABLE_MODES:
            return im
        im = im.convert("RGBA")
    elif im.mode in ("P", "1"):
        im = im.convert("RGB")
    try:
        return _reduce(im, factor)
    except ValueError:  # a mode reduce does not take (16-bit, ...): the final resize does it all
        return im


def _reduce(im: Image.Image, factor: int) -> Image.Image:
    """im.reduce(factor), a strip of whole boxes at a time where Pillow would premultiply a copy of the whole
    picture (RGBA, LA): the same pixels, and a 10,524 x 16,000 drawing costs its decoded 642 MB, not twice."""
    step = factor * STRIP_BOXES
    if im.mode not in ("RGBA", "LA") or im.height <= step:
        return im.reduce(factor)
    out = Image.new(im.mode, (-(-im.width // factor), -(-im.height // factor)))
    for top in range(0, im.height, step):
        out.paste(im.crop((0, top, im.width, min(top + step, im.height))).reduce(factor), (0, top // factor))
    out.info.update(im.info)
    return out


def reduce_for(im: Image.Image, side: int) -> Image.Image:
    """An integer-factor reduction of a very big picture that keeps both sides at least REDUCE_MARGIN x side
    (or the image as it is)."""
    if im.width * im.height <= REDUCE_ABOVE_PIXELS:
        return im
    return reduced(im, min(im.width, im.height) // max(1, side * REDUCE_MARGIN))


def visible_on_white(rgba: Image.Image) -> Image.Image:
    """RGBA onto white. With transparent pixels, the box of the visible ones rides along in the image's info,
    so that `network_view` cuts and letterboxes it; the image itself stays whole (viewers, overlays)."""
    alpha = rgba.getchannel("A")
    lo = alpha.getextrema()[0]
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    rgb = Image.alpha_composite(background, rgba).convert("RGB")
    if isinstance(lo, (int, float)) and lo < 255:
        rgb.info[TRIMMED] = alpha.getbbox() or (0, 0, rgba.width, rgba.height)
    return rgb


def network_view(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A picture with transparency: its visible part scaled to fit inside size=(H, W), centred on white.
    Any other picture is returned as it is (the caller stretches it to size)."""
    box = im.info.get(TRIMMED)
    if box is None:
        return im
    im = im.crop(box)
    h, w = size
    scale = min(w / im.width, h / im.height)
    nw, nh = max(1, round(im.width * scale)), max(1, round(im.height * scale))
    canvas = Image.new("RGB", (w, h), (255, 255, 255))
    canvas.paste(im.resize((nw, nh), Image.Resampling.BILINEAR), ((w - nw) // 2, (h - nh) // 2))
    return canvas
