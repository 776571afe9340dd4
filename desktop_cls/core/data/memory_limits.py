"""Limits that follow the memory an input costs, not its file size or one pixel count.

A 777 KB 16-bit RGBA PNG of 9,999 x 9,999 passes a 100-megapixel limit and needs ~2.9 GB while it is
decoded and converted; four of them decoded at once by a pool of workers took 11 GB. So each image's
decode cost is estimated from its header (pixels x the bytes its mode costs through our conversion
to RGB) and refused above a per-image limit, and every decode holds its cost in one process-wide
budget while it runs, whatever the number of workers. A big picture read for a size is shrunk before any
conversion and costs its decoded bytes instead (small_copies.shrink_cost). Video frames are bounded the same way.

Each limit names the environment variable that raises it, in MB.
"""

from __future__ import annotations

import os
import threading

MAX_IMAGE_MB_ENV = "DESKTOP_CLS_MAX_IMAGE_MB"
DECODE_MEMORY_MB_ENV = "DESKTOP_CLS_DECODE_MEMORY_MB"
MAX_FRAME_MB_ENV = "DESKTOP_CLS_MAX_FRAME_MB"
DEFAULT_MAX_IMAGE_MB = 1024
DEFAULT_DECODE_MEMORY_MB = 2048
DEFAULT_MAX_FRAME_MB = 256  # one decoded RGB video frame (8K UHD is 95 MB)

# Bytes per pixel from the decoded image to the RGB result (Pillow keeps RGB, RGBA and LA at 4 bytes
# a pixel): RGB: the frame and an upright copy; alpha: RGBA, a white background, their composite and
# the RGB result; 16-bit and float: the array, an int64 copy, 8-bit gray, the stacked RGB and its image.
# Measured (peak RSS growth of load_rgb on 3,000 x 3,000 PNGs): RGB 8, RGBA 8- and 16-bit 24, 16-bit gray 22.
_COST_PER_PIXEL = {"RGB": 8, "L": 6, "P": 10, "1": 6, "CMYK": 12, "YCbCr": 12, "LAB": 12, "HSV": 12}
_ALPHA_COST = 24
_DEEP_COST = 22


def _mb_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        mb = float(raw) if raw else default
    except ValueError:
        mb = default
    return int(max(mb, 1) * 2**20)


def max_image_bytes() -> int:
    """The most memory one image may need to decode (never more than the whole decode budget)."""
    return min(_mb_env(MAX_IMAGE_MB_ENV, DEFAULT_MAX_IMAGE_MB), DECODE_BUDGET.total)


def max_frame_bytes() -> int:
    """The most memory one decoded video frame may take (RGB, 3 bytes a pixel)."""
    return _mb_env(MAX_FRAME_MB_ENV, DEFAULT_MAX_FRAME_MB)


def decode_cost(width: int, height: int, mode: str) -> int:
    """Peak bytes to decode a width x height image of Pillow `mode` and convert it to RGB."""
    if "A" in mode or mode in ("La", "RGBa"):
        per = _ALPHA_COST
    elif mode.startswith("I") or mode == "F":
        per = _DEEP_COST
    else:
        per = _COST_PER_PIXEL.get(mode, 12)
    return max(width, 0) * max(height, 0) * per


def raw_bytes(width: int, height: int, mode: str) -> int:
    """Bytes Pillow stores a decoded width x height image of `mode` in: 1 a pixel for 1, L and P, 2 for 16-bit
    grey, 4 for every other mode (RGB too)."""
    per = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    return max(width, 0) * max(height, 0) * per


class DecodeBudget:
    """Bytes of decoding in flight across all threads; hold() waits until its share is free. A decode that fits
    takes four calls into Python here, where a generator, a condition's predicate and its notify took 14: a
    thumbnail's decoding thread takes the interpreter lock in turns with the UI thread."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self.waiting = 0  # threads waiting for their share
        self._lock = threading.Lock()
        self._free = threading.Condition(self._lock)

    def hold(self, cost: int) -> _Held:
        """A context that holds `cost` bytes of the budget while it is entered."""
        return _Held(self, min(max(cost, 0), self.total))  # one image alone may always run (its limit was checked)


class _Held:
    __slots__ = ("budget", "cost")

    def __init__(self, budget: DecodeBudget, cost: int) -> None:
        self.budget, self.cost = budget, cost

    def __enter__(self) -> None:
        b = self.budget
        with b._lock:
            while b.used + self.cost > b.total:
                b.waiting += 1
                try:
                    b._free.wait()
                finally:
                    b.waiting -= 1
            b.used += self.cost

    def __exit__(self, *_exc: object) -> None:
        b = self.budget
        with b._lock:
            b.used -= self.cost
            if b.waiting:
                b._free.notify_all()


DECODE_BUDGET = DecodeBudget(_mb_env(DECODE_MEMORY_MB_ENV, DEFAULT_DECODE_MEMORY_MB))
