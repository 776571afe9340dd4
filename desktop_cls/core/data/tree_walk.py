"""Walking and removing folder trees that may come from someone else: a zip or a git clone can nest folders a
thousand deep, and Python's os.walk (recursive) then fails with RecursionError, as would deleting such a tree
with shutil.rmtree.

- `walk` is os.walk's top-down walk done with a stack instead of recursion, and bounded: a folder more than
  MAX_DEPTH levels below the top stops it with TooDeep, a message naming the folder and the fix. As os.walk
  does, it lists a link to a folder among the folders and never enters it, and the caller may prune the
  folders list in place.
- `remove_tree` deletes a tree of any depth inside a root (one descriptor open at a time, POSIX), each link
  deleted itself and never followed: the dataset's trash can be emptied of a tree too deep to walk.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from desktop_cls.core import contained
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _

MAX_DEPTH = 100  # folder levels below the top: no photo collection nests that deep; a hostile one may, endlessly
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class TooDeep(UserError):
    """A folder tree nested deeper than the walk goes."""

    def __init__(self, top: str | Path, path: str | Path, depth: int) -> None:
        super().__init__(_("{path} is nested more than {depth} folders deep inside {top}; the app does not go that "
                           "deep. Move the images you want out to a folder fewer levels down, or choose them "
                           "directly").format(path=_shown(top, path), depth=depth, top=top))
        self.top, self.path, self.depth = str(top), str(path), depth


def _shown(top: str | Path, path: str | Path) -> str:
    """A very deep path shortened to its first folders and its last one (a thousand levels make no message)."""
    names = Path(os.path.relpath(path, top)).parts
    return str(Path(top, *names)) if len(names) <= 4 else str(Path(top, *names[:2], "…", names[-1]))


def walk(top: str | Path, max_depth: int = MAX_DEPTH,
         onerror: Callable[[OSError], object] | None = None) -> Iterator[tuple[str, list[str], list[str]]]:
    """(folder, sub-folder names, other names) for top and each folder below it, top-down and in the order the
    folders list says (sort or prune it in place, as with os.walk); TooDeep past max_depth levels below top.
    A folder that cannot be listed is passed to `onerror` (when given) and skipped."""
    stack: list[tuple[str, int]] = [(os.fspath(top), 0)]
    while stack:
        path, depth = stack.pop()
        if depth > max_depth:
            raise TooDeep(top, path, max_depth)
        try:
            dirs, files, links = _list(path)
        except OSError as e:
            if onerror is not None:
                onerror(e)
            continue
        yield path, dirs, files
        stack.extend((os.path.join(path, d), depth + 1) for d in reversed(dirs) if d not in links)


def _list(path: str) -> tuple[list[str], list[str], set[str]]:
    """A folder's entries as (folders, the rest, the folder names among them that are links)."""
    dirs: list[str] = []
    files: list[str] = []
    links: set[str] = set()
    with os.scandir(path) as it:
        for e in it:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(e.name)
            if is_dir and e.is_symlink():
                links.add(e.name)
    return dirs, files, links


def files_under(root: Path, rel: str, max_depth: int = MAX_DEPTH) -> list[str]:
    """Every entry under root/rel that is not a folder (links included, never entered), relative to root with '/',
    in walk order with each folder's names sorted."""
    out: list[str] = []
    for folder, _dirs, files in walk(root / rel, max_depth):
        lead = Path(folder).relative_to(root).as_posix()
        out.extend(f"{lead}/{f}" for f in sorted(files))
    return out


def remove_tree(root: str | Path, rel: str) -> int:
    """Delete root/rel and everything under it, whatever its depth, never following a link (a link is deleted
    itself); the folders on the way to it must be real (contained.Refused otherwise). Returns the entries
    deleted. OSError when the tree changes under it in a way it cannot follow (nothing outside is touched)."""
    with contained.entry(root, rel) as (fd, name):
        st = os.lstat(name, dir_fd=fd)
        if not stat.S_ISDIR(st.st_mode) or contained.is_link(st):
            (os.rmdir if stat.S_ISDIR(st.st_mode) else os.unlink)(name, dir_fd=fd)  # (a junction: rmdir)
            return 1
        if fd is None:
            return _remove_by_path(name)
        return _remove_below(fd, name)


def _remove_below(parent: int, name: str) -> int:
    """Empty and remove the folder `name` of the folder `parent`, one descriptor open at a time: down into each
    sub-folder in turn, back up through '..' once a folder is empty (checked to be the folder it came from)."""
    fd = os.open(name, _FOLDER, dir_fd=parent)
    try:
        path, ids = [name], [_identity(parent)]  # names from `parent` down to fd's folder; each one's parent's id
        count, left = _clear(fd)
        pending = [left]  # per level, the sub-folders still to remove
        while path:
            if pending[-1]:
                sub = pending[-1].pop()
                try:
                    new = os.open(sub, _FOLDER, dir_fd=fd)
                except FileNotFoundError:
                    continue
                ids.append(_identity(fd))
                fd = _swap(fd, new)
                path.append(sub)
                gone, left = _clear(fd)
                count += gone
                pending.append(left)
                continue
            pending.pop()
            fd = _swap(fd, os.open("..", _FOLDER, dir_fd=fd))
            if _identity(fd) != ids.pop():
                raise OSError(_("a folder was moved while it was being deleted; what is left stays"))
            os.rmdir(path.pop(), dir_fd=fd)
            count += 1
        return count
    finally:
        os.close(fd)


def _swap(old: int, new: int) -> int:
    os.close(old)
    return new


def _clear(fd: int) -> tuple[int, list[str]]:
    """Delete the entries of the folder fd that are not real folders (a link is deleted itself); how many went,
    and the names of the real sub-folders."""
    with os.scandir(fd) as it:
        entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
    for name, is_dir in entries:
        if not is_dir:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=fd)
    subs = [name for name, is_dir in entries if is_dir]
    return len(entries) - len(subs), subs


def _identity(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _remove_by_path(top: str) -> int:
    """Windows: no descriptors; the tree removed bottom-up from a stack of paths, each entry lstat'ed first (a
    link or junction is removed itself, never entered)."""
    count = 0
    stack = [(top, False)]
    while stack:
        path, emptied = stack.pop()
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) or contained.is_link(st):
            (os.rmdir if stat.S_ISDIR(st.st_mode) else os.unlink)(path)
        elif emptied:
            os.rmdir(path)
        else:
            stack.append((path, True))
            stack.extend((os.path.join(path, n), False) for n in os.listdir(path))
            continue
        count += 1
    return count
