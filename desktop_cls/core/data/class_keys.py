"""Which key files an image into which class on the Label page, and the dataset folder's memory of it.

A class whose name is one digit or one letter gets that key, so with classes "0" … "9" key 0 files
into "0" (not into the first class in the list). The other classes take the free keys 1 … 9, 0 in
class order, so "cat", "dog", "fish" are still 1, 2, 3 and a tenth class gets 0.

Keys stay where they are (`KeyMemory`): a class made later ("ant", which sorts before "cat") takes the next
free key instead of shifting every key after it, so the key that filed into "cat" a moment ago still does; a
class renamed takes its key along (`KeyMemory.carry`); one merged away or deleted frees its key for the next
new one. They are kept beside the folder's labelling journal (DATASET/.desktop_cls/keys.json), so a restart
finds the keys the user's fingers learned. That file may come from someone else with the folder: it is read
bounded and never through a link, and one that says anything but keys of this folder's classes is ignored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop_cls.core import contained
from desktop_cls.core.app_files import loads_bounded
from desktop_cls.core.data.labeling_state import STATE_DIR
from desktop_cls.core.errors import UserError

ORDERED_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
KEYS_FILE = "keys.json"
KEYS_VERSION = 1
MAX_KEYS_BYTES = 64 * 1024  # 36 keys of 255-byte class names are 10 kB


def _own_key(name: str) -> str | None:
    return name.lower() if len(name) == 1 and name.isascii() and name.isalnum() else None


def class_keys(classes: Sequence[str], kept: Mapping[str, str] | None = None) -> dict[str, str]:
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


def key_of(keys: Mapping[str, str]) -> dict[str, str]:
    """Class name -> its key, for button captions and tooltips."""
    return {name: key for key, name in keys.items()}


def _valid(keys: Any) -> bool:
    """Keys as the app gives them: a digit for any class, a letter only for the class named with it; each class
    once; each name one folder name (never a path)."""
    if not isinstance(keys, dict) or len(keys) > len(ORDERED_KEYS) + 26:
        return False
    names = list(keys.values())
    return len(set(names)) == len(names) and all(
        isinstance(name, str) and contained.one_component(name)
        and (key in ORDERED_KEYS or (key.isascii() and key.islower() and len(key) == 1 and _own_key(name) == key))
        for key, name in keys.items())


def read_keys(root: Path) -> dict[str, str]:
    """The keys kept in the dataset folder (key -> class); {} when there are none, or the file is not the app's
    (a link, a FIFO, too large, not JSON, keys out of range or paths where class names belong): it is ignored,
    and the classes take their keys afresh. Names of classes that are gone are dropped by `class_keys`."""
    try:
        fd = contained.open_regular(root, f"{STATE_DIR}/{KEYS_FILE}", os.O_RDONLY)
        with os.fdopen(fd, "rb") as f:
            data = f.read(MAX_KEYS_BYTES + 1)
        if len(data) > MAX_KEYS_BYTES:
            return {}
        stored = loads_bounded(data, root / STATE_DIR / KEYS_FILE)
    except (OSError, UserError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("version") != KEYS_VERSION or not _valid(stored.get("keys")):
        return {}
    return dict(stored["keys"])


def write_keys(root: Path, keys: Mapping[str, str]) -> bool:
    """Keep the keys beside the folder's journal, atomically and never through a link; only once the folder has
    the app's state folder (made by its first labelling step: a folder merely opened is not written to). False
    when they were not written (no state folder, a read-only disk): they then last for the session."""
    if not contained.is_dir(root, STATE_DIR):
        return False
    data = json.dumps({"version": KEYS_VERSION, "keys": dict(keys)}, ensure_ascii=False, indent=1) + "\n"
    try:
        contained.write_atomic(root, f"{STATE_DIR}/{KEYS_FILE}", data.encode("utf-8"))
    except OSError:
        return False
    return True


class KeyMemory:
    """The keys given in each dataset folder: the classes keep them as classes come and go, and across restarts
    (read from the folder the first time it is shown, written when they change)."""

    def __init__(self) -> None:
        self._given: dict[str, dict[str, str]] = {}  # folder -> key -> class, as given now
        self._kept: dict[str, dict[str, str]] = {}  # folder -> key -> class, as its file holds them

    def keys(self, folder: str | Path, classes: Sequence[str], writable: bool = False) -> dict[str, str]:
        """The keys of `classes` in `folder`: those given before stay, a new class takes a free one. `writable`
        (the folder may be labeled here): the keys are written to the folder whenever a restart would give
        other keys than these."""
        root = str(folder)
        if root not in self._given:
            self._given[root] = self._kept[root] = read_keys(Path(folder))
        keys = self._given[root] = class_keys(classes, self._given[root])
        if writable and keys != class_keys(classes, self._kept[root]) and write_keys(Path(folder), keys):
            self._kept[root] = keys
        return dict(keys)

    def carry(self, folder: str | Path, old: str, new: str) -> None:
        """Class `old` is now `new` (renamed, or a rename undone): its key goes with it."""
        root = str(folder)
        if root in self._given:  # (a new mapping: the keys handed out before are the caller's to compare with)
            self._given[root] = {key: new if name == old else name for key, name in self._given[root].items()}
