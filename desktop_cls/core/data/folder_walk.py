"""The folder walk: which entries of a class folder are images, each stat()ed once, in columns, and their digest.

A large folder holds 100,000 files: each folder is listed once (names only, no object per entry), the
usual case (every name a visible, UTF-8 image name) is decided for the whole folder at once, the names
are sorted (ImageFolder's order) and stat()ed with one map. Anything else (hidden, not UTF-8, a folder,
a link, a pipe, a GIF) takes a careful path entry by entry, in the order the folder lists them: folder
links up the tree or into another class are reported, never followed.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from desktop_cls.core.data.collector import gc_paused
from desktop_cls.core.data.imaging import IMG_EXTENSIONS, display_path, is_image_name, special_file_kind, utf8_name
from desktop_cls.core.data.problems import Problem
from desktop_cls.core.i18n import _

IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx", "$recycle.bin", "@eadir"})
T = TypeVar("T")
_WINDOWS = os.name == "nt"
_SIZE, _MTIME, _MODE = attrgetter("st_size"), attrgetter("st_mtime_ns"), attrgetter("st_mode")


def _ints(values: Iterable[int] = ()) -> array[int]:
    return array("q", values)


@dataclass(slots=True)
class Files:
    """A walk's image files in columns, one per field: a large folder has 100,000 files, and an object per
    file was a large part of walking it; columns are filled, filtered and hashed in bulk. Sizes and mtimes
    are 64-bit arrays, not lists: no int object per file stays alive, and the digest hashes their bytes."""

    paths: list[str] = field(default_factory=list)
    sizes: array[int] = field(default_factory=_ints)  # bytes, from the walk's one stat per file
    mtimes: array[int] = field(default_factory=_ints)  # ns, the same stat
    classes: list[str] = field(default_factory=list)  # class name of each file (filled by list_labelled)
    splits: list[str] = field(default_factory=list)  # the split folder each came from (train without one)

    def __len__(self) -> int:
        return len(self.paths)

    def add(self, path: str, size: int, mtime: int) -> None:
        self.paths.append(path)
        self.sizes.append(size)
        self.mtimes.append(mtime)

    def extend(self, other: Files, class_name: str | None = None, split: str | None = None) -> None:
        """other's files after these; class_name and split label every one of them when given."""
        self.paths += other.paths
        self.sizes += other.sizes
        self.mtimes += other.mtimes
        self.classes += [class_name] * len(other) if class_name is not None else other.classes
        self.splits += [split] * len(other) if split is not None else other.splits

    def reordered(self, order: list[int]) -> Files:
        """The files picked (and ordered) by index."""
        return Files(_pick(self.paths, order), _ints(map(self.sizes.__getitem__, order)),
                     _ints(map(self.mtimes.__getitem__, order)), _pick(self.classes, order),
                     _pick(self.splits, order))


def _pick(column: list[T], order: list[int]) -> list[T]:
    return list(map(column.__getitem__, order)) if column else []


def is_hidden(name: str) -> bool:
    """Dot files and the system's own (Thumbs.db, __MACOSX, ...): never a class, a sample or an input."""
    return name.startswith(".") or name.lower() in IGNORED_NAMES


def walk_images(class_dir: Path, problems: list[Problem], dataset_root: Path | None = None) -> Files:
    """Image files under class_dir in ImageFolder's order (sorted roots, sorted names), loop-safe and
    label-safe: links to folders elsewhere on disk are followed, links up the tree or across classes are not."""
    class_real = os.path.realpath(class_dir)
    root_real = os.path.realpath(dataset_root if dataset_root is not None else class_dir)
    found: list[tuple[str, Files]] = []
    seen: set[tuple[int, int]] = set()
    stack = [str(class_dir)]
    while stack:
        _walk_one(stack.pop(), class_dir.name, (class_real, root_real), stack, seen, found, problems)
    out = Files()
    for _d, files in sorted(found, key=itemgetter(0)):
        out.extend(files)
    return out


def _walk_one(d: str, class_name: str, reals: tuple[str, str], stack: list[str], seen: set[tuple[int, int]],
              found: list[tuple[str, Files]], problems: list[Problem]) -> None:
    """One folder of the walk: its images go to found, its sub-folders to the stack; a loop is reported."""
    try:
        st = os.stat(d)
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        problems.append(Problem(d, "symlink_loop", _("folder already visited through a link; skipped")))
        return
    seen.add(key)
    try:
        with gc_paused():  # one folder at a time, see _stats
            found.append((d, _scan_folder(d, class_name, reals, stack, problems)))
    except PermissionError:
        problems.append(Problem(d, "unreadable", _("permission denied; check the folder's permissions")))
    except OSError as e:
        problems.append(Problem(d, "unreadable", str(e)))


def _scan_folder(d: str, class_name: str, reals: tuple[str, str], stack: list[str],
                 problems: list[Problem]) -> Files:
    """The images directly in d, sorted by name; sub-folders safe to follow go on the stack, the rest are reported.

    reals: the class folder's and the dataset's real paths. Each image is stat()ed once, here. The plain
    case (a visible, UTF-8, image-named regular file) is decided in bulk for the whole folder, without an
    object per entry; every other entry takes the careful path one by one, in the order the folder lists them."""
    names = os.listdir(d)
    plain = _plain_names(names)
    candidates = sorted(names if plain is None else compress(names, plain))  # ImageFolder's order
    prefix = os.path.join(d, "")
    paths = list(map(prefix.__add__, candidates))
    stats, complete = _stats(d, paths, candidates)
    odd = set() if plain is None else {n for n, ok in zip(names, plain, strict=True) if not ok}
    if not complete or not all(map(stat.S_ISREG, set(map(_MODE, stats)))):
        regular = [st is not None and stat.S_ISREG(st.st_mode) for st in stats]
        odd.update(n for n, ok in zip(candidates, regular, strict=True) if not ok)
        stats, paths = list(compress(stats, regular)), list(compress(paths, regular))
    files = Files(paths, _ints(map(_SIZE, stats)), _ints(map(_MTIME, stats)))
    return _add_odd(files, d, odd, class_name, reals, stack, problems) if odd else files


def _add_odd(files: Files, d: str, odd: set[str], class_name: str, reals: tuple[str, str], stack: list[str],
             problems: list[Problem]) -> Files:
    """files plus what the careful path makes of the odd names, in the order the folder lists them."""
    late = Files()  # images the careful path found plain after all (the folder changed meanwhile)
    with os.scandir(d) as it:
        for e in it:
            if e.name in odd and (st := _odd_entry(e, d, class_name, reals, stack, problems)) is not None:
                late.add(e.path, st.st_size, st.st_mtime_ns)
    if not late.paths:
        return files
    files.extend(late)
    return files.reordered(sorted(range(len(files)), key=files.paths.__getitem__))


def _stats(d: str, paths: list[str], names: list[str]) -> tuple[list[os.stat_result | None], bool]:
    """Each file's own stat (a link's, not its target's: links take the careful path, which reports them), None
    where that fails (a file gone meanwhile), and whether none failed.

    Each folder is walked with the cycle collector paused: its 10,000 stat results count as new objects though
    none can hold a cycle, and with the collector on they set off 130 young collections, a dozen middle ones
    and a full one over a 100,000-file walk (a fifth of its time); they are freed with their folder, and the
    collector runs again between folders."""
    if _WINDOWS:  # the folder listing carries them there: no call per file
        with os.scandir(d) as it:
            entries = {e.name: e for e in it}
        stats = [_stat_or_none(entries[n]) if n in entries else None for n in names]
    else:
        try:
            return list(map(os.lstat, paths)), True
        except OSError:
            stats = [_stat_or_none(p) for p in paths]
    return stats, all(st is not None for st in stats)


def _plain_names(names: list[str]) -> list[bool] | None:
    """Per name: visible, valid UTF-8 and a training image's extension; None when every name is. Decided for
    the whole folder at once first (one lower() and a count per extension over the joined names): a check
    name by name was a large part of walking 100,000 files."""
    joined = "\0".join(names) + "\0"
    low = joined.lower()
    if _all_image_names(low, len(names)) and not low.startswith(".") and "\0." not in low and utf8_name(joined):
        return None  # no name is hidden (an ignored name has no image extension)
    lows = [n.lower() for n in names]
    return [low.endswith(IMG_EXTENSIONS) and not is_hidden(n) and utf8_name(n)
            for n, low in zip(names, lows, strict=True)]


def _all_image_names(low: str, count: int) -> bool:
    """Does each of the `count` NUL-ended names in `low` end in an image extension? Each name ends in at most
    one "<extension>NUL", so the counts add up to `count` exactly when all do; a folder usually holds one
    or two formats, so this stops after a count or two."""
    found = 0
    for ending in _ENDINGS:
        found += low.count(ending)
        if found == count:
            return True
    return count == 0


_ENDINGS = tuple(ext + "\0" for ext in IMG_EXTENSIONS)


def _stat_or_none(item: str | os.DirEntry[str]) -> os.stat_result | None:
    """The entry's own stat, not its target's: a link is not a plain image (the careful path reports it)."""
    try:
        return item.stat(follow_symlinks=False) if isinstance(item, os.DirEntry) else os.lstat(item)
    except OSError:
        return None


def _odd_entry(e: os.DirEntry[str], d: str, class_name: str, reals: tuple[str, str], stack: list[str],
               problems: list[Problem]) -> os.stat_result | None:
    """One entry that is not a plain image: a folder to follow (or a link not to), a file to skip or report.
    Returns the stat of an image that turned out plain after all (changed since the bulk check)."""
    name = e.name
    if is_hidden(name) or not usable_name(e, problems):
        return None
    try:
        if e.is_dir(follow_symlinks=True):
            sub = os.path.join(d, e.name)
            why = _link_leaves_class(sub, *reals) if e.is_symlink() else None
            if why is None:
                stack.append(sub)
                if e.is_symlink() and not _inside(os.path.realpath(sub), reals[1]):
                    problems.append(link_problem(sub, os.path.realpath(sub), reals[1], class_name))
            else:
                problems.append(Problem(sub, "symlink_loop", _(
                    "{why}: not followed, so its images are not counted as '{name}'").format(
                        why=why, name=class_name)))
        elif not is_image_name(name, extra=True):
            return None
        elif (st := _regular_stat(e)) is None:
            _report_special(e, problems)
        elif is_image_name(name):
            if e.is_symlink():
                problems.append(link_problem(e.path, os.path.realpath(e.path), reals[1]))
            return st
        else:
            problems.append(Problem(os.path.join(d, e.name), "unsupported_format",
                                    _("GIF files are not used for training; convert to PNG")))
    except OSError:
        return None
    return None


def _link_leaves_class(link: str, class_real: str, root_real: str) -> str | None:
    """Why a folder link inside a class must not be followed, or None: a link up to the class folder or one
    of its ancestors, or over into another folder of the dataset, would count other classes' images here."""
    target = os.path.realpath(link)
    if os.path.commonpath([target, class_real]) == target:
        return _("link to {target}, a folder that holds this class folder").format(target=target)
    if os.path.commonpath([target, root_real]) == root_real and os.path.commonpath([target, class_real]) != class_real:
        return _("link into {folder} of this dataset").format(folder=os.path.relpath(target, root_real))
    return None


def _inside(target: str, root_real: str) -> bool:
    return os.path.commonpath([target, root_real]) == root_real


def link_problem(path: str, target: str, root_real: str, folder_of: str | None = None) -> Problem:
    """A class folder or an image that is a link, read through (as ImageFolder does) and said so: the app never
    moves, trashes or writes through a link, so the user should know which ones there are and where they lead.
    folder_of: for a folder link, the class its images are read as."""
    inside = _inside(target, root_real)
    if folder_of is not None:
        message = _("a link to {target}, outside the dataset: read as class '{name}', but the app never moves, "
                    "trashes or writes through it. If not meant, replace the link with a real folder, or remove it")
    elif inside:
        message = _("a link to {target}, the same file (not a copy): read twice, so it weighs double; the app "
                    "never moves, trashes or writes through it. If not meant, remove the link")
    else:
        message = _("a link to {target}, outside the dataset: read through, but the app never moves, trashes or "
                    "writes through it. If not meant, replace the link with a copy of the image, or remove it")
    shown = os.path.relpath(target, root_real) if inside else target
    return Problem(path, "link", message.format(target=shown, name=folder_of))


def usable_name(entry: os.DirEntry[str], problems: list[Problem] | None) -> bool:
    """A name that is not valid UTF-8 is named (with \\xNN for its bad bytes) and skipped, not fatal."""
    if utf8_name(entry.name):
        return True
    if problems is not None:
        message = (_("the folder name is not valid UTF-8 text; it is left out until it is renamed") if entry.is_dir()
                   else _("the file name is not valid UTF-8 text; it is left out until it is renamed"))
        problems.append(Problem(display_path(entry.path), "bad_name", message))
    return False


def _regular_stat(entry: os.DirEntry[str]) -> os.stat_result | None:
    """The entry's stat (through a link) when it is a regular file; None for anything else or a broken link."""
    try:
        st = entry.stat(follow_symlinks=True)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _report_special(entry: os.DirEntry[str], problems: list[Problem]) -> None:
    try:
        what = special_file_kind(entry.stat(follow_symlinks=True).st_mode) or _("not a regular file")
    except OSError:
        what = _("a broken link")
    problems.append(Problem(entry.path, "not_a_file", _("{what}, not an image file; it is left out").format(
        what=what)))


FINGERPRINT_VERSION = 2  # 1 hashed a text line per file; 2 hashes the columns (see digest)


def digest(root: str, classes: tuple[str, ...], files: Files, labels: list[int], splits: list[str]) -> dict[str, Any]:
    """A dataset's fingerprint from the walk's columns (its sizes and mtimes: a large folder is not stat()ed
    twice), hashed column by column: the classes and the file count, each path relative to root as NUL-led
    UTF-8, the sizes, mtimes and labels as little-endian 64-bit integers, then the splits as NUL-ended text.

    Version 2: version 1 wrote each size and mtime as decimal text, a fifth of walking 100,000 files. Its
    digests never match version 2's; the fingerprint says its version, so a comparison can tell (see
    training.resume_state)."""
    h = hashlib.sha256(b"dataset fingerprint 2\0")
    h.update(len(classes).to_bytes(8, "little") + "\0".join([*classes, ""]).encode())  # each name, then a NUL
    h.update(len(files).to_bytes(8, "little"))
    _hash_paths(h, root, files.paths)
    for column in (files.sizes, files.mtimes, _ints(labels)):
        h.update(column if sys.byteorder == "little" else _swapped(column))
    h.update("\0".join([*splits, ""]).encode())
    sizes = np.frombuffer(files.sizes, dtype=np.int64)  # the column's own memory, summed without an int a file
    total = int(sizes.sum()) + int(np.count_nonzero(sizes == -1))  # a file that could not be stat()ed counts -1: as 0
    return {"sha256": h.hexdigest(), "version": FINGERPRINT_VERSION, "num_files": len(files), "total_bytes": total,
            "classes": list(classes)}


def _hash_paths(h: Any, root: str, paths: list[str]) -> None:
    """Each path relative to root, after a NUL, in blocks: where every path of a block is under root (the walk's
    always are) its root's prefix is cut off, else relpath per path. Cutting in one map was half the time of
    str.replace over the joined text, which searches again from each match."""
    lead = os.path.join(root, "")
    for start in range(0, len(paths), _BLOCK):
        block = paths[start:start + _BLOCK]
        rel = list(map(str.removeprefix, block, repeat(lead)))
        if sum(map(len, rel)) + len(lead) * len(block) != sum(map(len, block)):  # a path not under root
            rel = [os.path.relpath(q, root) for q in block]
        h.update(("\0" + "\0".join(rel)).encode() if rel else b"")


def _swapped(column: array[int]) -> bytes:
    little = array("q", column)
    little.byteswap()
    return little.tobytes()


_BLOCK = 16384  # paths hashed per update: few calls, and a bounded text per call


def stat_files(paths: list[str]) -> Files:
    """Each path's size and mtime (-1, -1 for a file that cannot be stat()ed)."""
    files = Files()
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            files.add(path, -1, -1)
            continue
        files.add(path, st.st_size, st.st_mtime_ns)
    return files
