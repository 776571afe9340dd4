"""Pausing the cycle collector while many long-lived objects are made at once, safely from several threads."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_gc_lock = threading.Lock()
_gc_holders = [0, False]  # how many paused it, and whether it was on before the first


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cycle collector off while many objects that all live on are made at once (Mercurial's `nogc`):
    it runs after every 700 new containers and looks at each again as it ages, which was an eighth of a
    100,000-image scan. Reference counting still frees everything else meanwhile; nested and concurrent
    pauses turn it back on once, when the last ends, and only when it was on before."""
    with _gc_lock:
        if _gc_holders[0] == 0:
            _gc_holders[1] = gc.isenabled()
            gc.disable()
        _gc_holders[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders[0] -= 1
            if _gc_holders[0] == 0 and _gc_holders[1]:
                gc.enable()
