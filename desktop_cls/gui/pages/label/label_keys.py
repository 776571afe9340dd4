"""Which key files an image into which class on the Label page.

A class whose name is one digit or one letter gets that key, so with classes "0" … "9" key 0 files
into "0" (not into the first class in the list). The other classes take the free keys 1 … 9, 0 in
class order, so "cat", "dog", "fish" are still 1, 2, 3 and a tenth class gets 0.

Keys stay where they are while the user labels (`KeyMemory`): a class made later ("ant", which sorts
before "cat") takes the next free key instead of shifting every key after it, so the key that filed into
"cat" a moment ago still does. A class renamed, merged away or deleted frees its key for the next new one.
"""

from __future__ import annotations

ORDERED_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")


def _own_key(name: str) -> str | None:
    return name.lower() if len(name) == 1 and name.isascii() and name.isalnum() else None


def class_keys(classes: list[str] | tuple[str, ...], kept: dict[str, str] | None = None) -> dict[str, str]:
    """Key (a digit or lower-case letter) -> class name; classes beyond the free keys get none. `kept`: the keys
    given before (key -> class), which the classes still there keep; the others take the free keys."""
    keys = {k: name for k, name in (kept or {}).items() if name in classes}
    named = set(keys.values())
    for name in classes:
        own = _own_key(name)
        if name not in named and own is not None and own not in keys:
            keys[own] = name
            named.add(name)
    free = (k for k in ORDERED_KEYS if k not in keys)
    for name in classes:
        if name in named:
            continue
        key = next(free, None)
        if key is None:
            break
        keys[key] = name
    return keys


def key_of(keys: dict[str, str]) -> dict[str, str]:
    """Class name -> its key, for button captions and tooltips."""
    return {name: key for key, name in keys.items()}


class KeyMemory:
    """The keys given in each dataset folder this session: the classes keep them as classes come and go."""

    def __init__(self) -> None:
        self._given: dict[str, dict[str, str]] = {}  # folder -> key -> class

    def keys(self, folder: str, classes: list[str] | tuple[str, ...]) -> dict[str, str]:
        """The keys of `classes` in `folder`: those given before stay, a new class takes a free one."""
        keys = class_keys(classes, self._given.get(folder))
        self._given[folder] = keys
        return keys
