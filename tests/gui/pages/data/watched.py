"""A sequence that counts what the UI thread does with it: each pass over all of it (with where it was made) and
each item read. Reading the rows in sight is what a virtual view does; a pass is not."""

from __future__ import annotations

import threading
import traceback
from typing import Any


class Watched(tuple[Any, ...]):
    passes: list[str]
    read: int

    def __iter__(self) -> Any:
        if threading.current_thread() is threading.main_thread():
            self.passes.append("".join(traceback.format_stack(limit=7)[:-1]))
        return super().__iter__()

    def __getitem__(self, key: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            self.read += 1
        return super().__getitem__(key)

    def reset(self) -> None:
        self.passes, self.read = [], 0

    def told(self) -> str:
        return f"{len(self.passes)} passes:\n" + "\n".join(self.passes)


def watched(items: Any) -> Watched:
    out = Watched(items)
    out.reset()
    return out
