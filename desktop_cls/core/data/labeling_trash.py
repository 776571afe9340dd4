"""Emptying a dataset's own trash (DATASET/.desktop_cls/trash/): each of its items (a step's folder, an undone
import's copies) is handed to the OS trash in turn, and the journal then forgets the steps whose files went.

It is not a journaled step and cannot be rolled back, so a worker thread may stop it between items (`stop`):
what it did not reach stays in the trash, and the steps that moved files there stay undoable. Nothing outside
the dataset is ever handed over: the trash must be a real folder inside a real .desktop_cls, every link in an
item is deleted itself (never followed, never handed to the OS trash), and each item is checked (no link on the
way) right before it goes. An item nested too deep to be walked for links (tree_walk.MAX_DEPTH: a folder from someone
else can nest endlessly) is deleted for good instead, one folder at a time, and `notes` says so.

Nor is anything handed to a trash folder someone else prepared on the dataset's drive (system_trash): emptying
stops before that item with `refused` set, and the user may empty it again `for_good` (each item deleted here, its
links deleted themselves).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_cls.core import contained
from desktop_cls.core.data import system_trash, tree_walk
from desktop_cls.core.data.labeling_journal import Operation
from desktop_cls.core.data.labeling_state import STATE_DIR, TRASH, Watch
from desktop_cls.core.i18n import _

TRASH_DIR = f"{STATE_DIR}/{TRASH}"


@dataclass
class Emptied:
    """What emptying did: the entries (files and folders) handed over or deleted, and the trash's items left in it
    (a stop came before them)."""

    files: int = 0
    left: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the user: items deleted for good, not handed over
    refused: system_trash.UnsafeTrash | None = None  # the drive's trash folder was not safe: `left` stayed


def empty_trash(root: Path, stop: Callable[[], bool] = lambda: False, told: Watch | None = None,
                for_good: bool = False) -> Emptied:
    """Hand each item of the trash to the OS trash (for_good: delete it); `stop()` is asked before each item and
    between the folders of a large one (true: that item and the rest stay), told(items done, items) after each."""
    if not contained.is_dir(root, TRASH_DIR):
        return Emptied()
    with contained.folder(root, contained.parts(TRASH_DIR)) as fd:
        names = sorted(os.listdir(fd if fd is not None else root / TRASH_DIR))
    emptied = Emptied()
    for i, name in enumerate(names):
        try:
            sent = None if stop() else _empty_item(root, f"{TRASH_DIR}/{name}", stop, emptied.notes, for_good)
        except system_trash.UnsafeTrash as e:
            emptied.refused, sent = e, None
        if sent is None:
            emptied.left = names[i:]
            break
        emptied.files += sent
        if told is not None:
            told(i + 1, len(names))
    return emptied


def _empty_item(root: Path, rel: str, stop: Callable[[], bool], notes: list[str], for_good: bool) -> int | None:
    """Hand root/rel to the OS trash, its links deleted first; the entries it held, or None when stopped first.
    A tree too deep to walk is deleted for good (its links deleted themselves, never followed), said in `notes`."""
    st = contained.lstat(root, rel)  # Refused if a folder on the way is a link
    if st is None:
        return 0
    if for_good:
        return tree_walk.remove_tree(root, rel) - (1 if stat.S_ISDIR(st.st_mode) else 0)
    system_trash.check(root / rel)  # before anything of it changes (its links are deleted below)
    if contained.is_link(st):
        _remove_links(root, {rel.rpartition("/")[0]: {rel.rpartition("/")[2]}})
        return 1
    links: dict[str, set[str]] = {}
    try:
        count = _look(root, rel, links, stop) if stat.S_ISDIR(st.st_mode) else 1  # a folder: the entries it holds
    except tree_walk.TooDeep as e:
        count = tree_walk.remove_tree(root, rel) - 1  # (the entries it held, as for the others)
        notes.append(_("{path}, in this dataset's trash, held folders nested more than {depth} deep: too deep to be "
                       "checked for links before going to the system trash, so it was deleted for good").format(
                           path=e.top, depth=e.depth))
        return count
    if count is None:
        return None
    _remove_links(root, links)  # no OS trash ever sees (or follows) a link
    with contextlib.suppress(FileNotFoundError):
        contained.lstat(root, rel)  # Refused if a folder on the way became a link meanwhile
        system_trash.send(root / rel)  # UnsafeTrash: the drive's trash folder is someone else's
    return count


def _look(root: Path, rel: str, links: dict[str, set[str]], stop: Callable[[], bool]) -> int | None:
    """The entries under root/rel, the links among them gathered by folder (the walk lists a folder link among the
    folders and never enters it); None when `stop` came first."""
    count = 0
    for dirpath, dirs, files in tree_walk.walk(root / rel):  # (TooDeep past its depth)
        if stop():
            return None
        count += len(dirs) + len(files)
        found = {n for n in dirs + files if os.path.islink(os.path.join(dirpath, n))}
        if found:
            links[Path(dirpath).relative_to(root).as_posix()] = found
    return count


def _remove_links(root: Path, links: Mapping[str, set[str]]) -> None:
    """Delete the links named, folder by folder (the links themselves: what they point to is never touched)."""
    for folder, names in links.items():
        contained.remove_files(root, folder, names.__contains__)


def trash_steps(ops: Mapping[int, Operation], redo_stack: Sequence[int], left: Collection[str] = ()) -> list[int]:
    """Steps that can be neither undone nor redone once the trash is emptied: those that moved files into it, and
    an undone step that takes files out of it (an import, whose undo put its copies there) — unless every item
    of the trash they touch was `left` there."""
    kept = set(left)

    def touched(i: int, op: Operation) -> set[str]:
        paths = [m.dst for m in op.moves] + ([m.src for m in op.moves] if i in redo_stack else [])
        return {p.split("/")[2] if p.count("/") >= 2 else "" for p in paths if p and p.startswith(STATE_DIR)}

    return sorted(i for i, op in ops.items() if (items := touched(i, op)) and not items <= kept)
