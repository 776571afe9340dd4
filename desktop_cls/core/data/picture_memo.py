"""What a proof derives from one picture alone, kept for the picture's next pairs.

A picture takes part in several candidate pairs (four an image at 100,000), and each proof converted,
blurred, resized and padded both pictures afresh: about a third of a proof's time. These steps depend on the
picture and a few numbers only (its grid's size, the blur, the padding), so their results are kept here,
keyed by the picture object and those numbers, within a byte budget, least recently used out first.

A key holds the picture object itself next to its id, so a freed picture whose id is reused by another never
answers for it. The results are the same objects a fresh computation would equal: nothing is approximated.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
from PIL import Image

T = TypeVar("T", Image.Image, np.ndarray)

BUDGET = 32 << 20  # bytes per process: kept results and the pictures they keep alive


def _size(value: object) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, Image.Image):
        return value.width * value.height * len(value.getbands())
    return 0


def _entry_size(picture: object, value: object) -> int:
    """The result and the picture it keeps alive (counted for each of its entries: never under the truth)."""
    return _size(picture) + _size(value)


class PictureMemo:
    """Results derived from one picture, by (picture, step) within a byte budget."""

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget, self.used = budget, 0
        self.items: OrderedDict[tuple[int, Hashable], tuple[object, Image.Image | np.ndarray]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, picture: object, step: Hashable, make: Callable[[], T]) -> T:
        """The result of make() for this picture and step, computed once while it stays in the budget."""
        key = (id(picture), step)
        with self.lock:
            hit = self.items.get(key)
            if hit is not None and hit[0] is picture:
                self.items.move_to_end(key)
                self.hits += 1
                return hit[1]  # type: ignore[return-value]
        value = make()
        size = _entry_size(picture, value)
        with self.lock:
            self.misses += 1
            old = self.items.pop(key, None)
            if old is not None:
                self.used -= _entry_size(*old)
            if size <= self.budget // 8:
                self.items[key] = (picture, value)
                self.used += size
                while self.used > self.budget:
                    _key, dropped = self.items.popitem(last=False)
                    self.used -= _entry_size(*dropped)
        return value

    def clear(self) -> None:
        """Let go of everything (a check in the window's process ends: its memory goes back)."""
        with self.lock:
            self.items.clear()
            self.used = 0


MEMO = PictureMemo()


def converted(im: Image.Image, mode: str) -> Image.Image:
    """im in mode (im itself when it is already: nothing here changes a picture in place)."""
    if im.mode == mode:
        return im
    return MEMO.get(im, ("mode", mode), lambda: im.convert(mode))
