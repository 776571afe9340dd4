"""The labeling engine's own files in a dataset folder (DATASET/.desktop_cls/: journal, trash, writer lock)
and the moves it makes, all done through core.contained: a dataset from someone else may hold links
anywhere, and none is followed.

- Control files that are links or not what they should be (a `.desktop_cls` link, a journal that is a
  link, a FIFO or a folder, a trash that is a link) are set aside (renamed, which moves a link itself)
  with a notice; nothing is read or written through them. A writer lock with another name (a copy made with
  `cp -al` shares the original's) loses that name, and the folder gets a lock of its own.
- One writer per dataset: an OS lock on .desktop_cls/lock, shared by every Workspace of this process and
  released when the last one goes; a second app instance gets a clear message and a read-only Workspace.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core import contained, run_lock
from desktop_cls.core.app_files import read_app_bytes
from desktop_cls.core.data import tree_walk
from desktop_cls.core.data.folder_layout import (
    SPLIT_DIR_NAMES,
    class_dirs,
    class_folder,
    detect_layout,
    is_hidden,
    sibling,
)
from desktop_cls.core.data.labeling_journal import Move, Operation
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _, quoted
from desktop_cls.core.run_lock import FolderLock
from desktop_cls.core.storage import is_write_failure, write_reason

STATE_DIR = ".desktop_cls"
JOURNAL = "journal.jsonl"
TRASH = "trash"
LOCK = "lock"
FILE_STEPS = frozenset({"assign", "trash", "import"})  # kinds of step that move image files, never a folder
CLASS_STEPS = frozenset({"create_class", "rename_class", "merge_classes", "delete_class"})  # never a loose image
# Told (moves done, moves in all) before each move of a step: a worker thread shows its progress, and stops it by
# raising core.events.CancelledError (the step is then rolled back: nothing changed).
Watch = Callable[[int, int], None]


@dataclass
class _Held:
    lock: FolderLock
    owners: int = 0


_locks: dict[Path, _Held] = {}  # dataset root -> its lock and how many Workspaces of this process share it


def stamp() -> str:
    return _dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def set_aside_control_files(root: Path) -> list[str]:
    """Rename control files that are links or the wrong kind of file out of the way; a notice for each.
    (The journal is checked by the Workspace, which sets a bad one aside as it does a damaged one.)"""
    notices: list[str] = []
    for rel, want_dir in ((STATE_DIR, True), (f"{STATE_DIR}/{TRASH}", True), (f"{STATE_DIR}/{LOCK}", False)):
        try:
            st = contained.lstat(root, rel)
        except OSError:
            break  # .desktop_cls itself could not be used: already reported
        wrong = None if st is None else contained.found(st, want_dir, in_place=True)  # the lock: one name only
        if st is not None and wrong == contained.HARD_LINK:  # (only a file has another name: the lock)
            _unshare_lock(root, st)
        if wrong in (None, contained.HARD_LINK):
            continue
        aside = f"{rel}.not-used-{stamp()}"
        try:
            contained.rename(root, rel, aside)
        except OSError as e:
            raise UserError(_("{path} is a link or is not what the app keeps there, and it could not be moved aside "
                              "({reason}); labeling in this folder is off until it is removed").format(
                                  path=root / rel, reason=e)) from None
        notices.append(_("{path} was a link or not what the app keeps there; the app never writes through one in a "
                         "folder it writes to, so it was renamed {name} and left untouched").format(
                             path=root / rel, name=Path(aside).name))
    return notices


def _unshare_lock(root: Path, st: os.stat_result) -> None:
    """The writer lock is a file with another name: a copy of a dataset made with hard links (`cp -al`) shares the
    original's. Its name here is removed, so this folder gets a lock file of its own (the file is never opened for
    writing, and its other name keeps it); a lock holds no user data, so this needs no notice. Left as it is while
    this folder holds it, or another process does: that one locked it before it had a second name, maybe for
    this folder, which stays read-only until it lets go (hold_writer_lock)."""
    rel = f"{STATE_DIR}/{LOCK}"
    holders = [r for r, held in _locks.items() if held.lock.holds(st)]
    if root in holders or (not holders and run_lock.locked(root, rel)):
        return
    with contained.entry(root, rel) as (fd, name):
        os.unlink(name, dir_fd=fd)


def hold_writer_lock(root: Path, owner: object) -> bool:
    """Take (or share, within this process) the dataset's writer lock for `owner`; False when another process
    holds it (a lock file with another name is left only while one does). The lock is released when the last
    owner of this process is garbage collected."""
    held = _locks.get(root)
    if held is None:
        lock = FolderLock(root, f"{STATE_DIR}/{LOCK}")
        try:
            if not lock.try_acquire():
                return False
        except contained.Refused:
            st = contained.lstat(root, lock.rel)
            if st is not None and contained.found(st, False, in_place=True) == contained.HARD_LINK:
                return False
            raise
        held = _locks[root] = _Held(lock)
    held.owners += 1
    weakref.finalize(owner, _drop, root)
    return True


def lock_owner(root: Path) -> int | None:
    return FolderLock(root, f"{STATE_DIR}/{LOCK}").owner()


def _drop(root: Path) -> None:
    held = _locks.get(root)
    if held is None:
        return
    held.owners -= 1
    if held.owners <= 0:
        del _locks[root]
        held.lock.release()


class FolderShape:
    """A dataset's layout and class folders as last read, so a key press need not list the dataset folder again
    (20,000 loose images there made each one ~10 ms). Steps that only move image files keep it; a class step (new,
    renamed, merged, deleted class, or its undo) updates its classes from the folders it made, moved or removed;
    a step after which the layout itself may have changed forgets it (read again when next asked, best off the UI
    thread); `read` (off the UI thread) reads it afresh for outside changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._known: _Shape | None = None
        self.reads = 0  # how often the folder was listed for it: tests count work with it

    def folder(self, name: str, image: str | None = None) -> str:
        """class_folder, without listing the dataset folder when its shape is known."""
        known = self._get()
        return class_folder(self.root, name, image, known.layout, known.base)

    def class_folders(self, name: str) -> list[str]:
        """folder_layout.class_folders without listing the dataset folder: the class's folder in train/ first,
        then in each other split where it is (one stat each)."""
        known = self._get()
        if known.layout != "split_folders":
            return [name]
        return [f"{known.base}/{name}", *(f"{s}/{name}" for s in known.splits
                                          if s != known.base and contained.is_dir(self.root, f"{s}/{name}"))]

    def classes(self) -> list[str]:
        return list(self._get().classes)

    def image_to_file(self, rel: str, target: str) -> str:
        """REL, an existing path filed into the class TARGET: refused when it is a folder (a class folder dropped on
        another class was moved into it whole, a class nested in a class, called "1 image"); a class's images go
        into another class by merging the two."""
        if not contained.is_dir(self.root, rel):
            return rel
        name, path = rel.rpartition("/")[2], self.root / rel
        if rel in self.class_folders(name):
            raise UserError(_("{path} is the folder of the class {source}, not an image; nothing was moved. To file "
                              "all its images into {target}, merge the two classes (Merge into… on the Label page)")
                            .format(path=path, source=quoted(name), target=quoted(target)))
        raise UserError(_("{path} is a folder, not an image; nothing was moved. Drop its images instead").format(
            path=path))

    def kept(self) -> list[str] | None:
        """The classes when the shape is known (nothing is listed for them), else None."""
        known = self._known
        return list(known.classes) if known is not None else None

    def _get(self) -> _Shape:
        known = self._known
        return known if known is not None else self.read(None, lambda: 0)

    def read(self, started: int | None, steps: Callable[[], int]) -> _Shape:
        """List the folder's shape now; kept unless a step began since `started` (then that step's view wins)."""
        self.reads += 1
        layout = detect_layout(self.root)
        base = class_folder(self.root, "", layout=layout)
        splits = sorted(n for n in class_dirs(self.root) if n.lower() in SPLIT_DIR_NAMES) \
            if layout == "split_folders" else []
        with os.scandir(self.root / base) as it:
            known = _Shape(layout, base, sorted(e.name for e in it if e.is_dir() and not is_hidden(e.name)), splits)
        with self._lock:
            if started is None or started == steps():
                self._known = known
        return known

    def after(self, op: Operation, ops: Mapping[int, Operation]) -> None:
        """A step was made: the shape is kept when it moved files only, follows a class step, and is forgotten
        otherwise (read again when next asked)."""
        if files_only(op, ops):
            return
        with self._lock:
            known = self._known
            self._known = _follow(self.root, known, op.moves) if known is not None and class_step(op, ops) else None


@dataclass(frozen=True)
class _Shape:
    layout: str  # folder_layout.detect_layout's answer
    base: str  # the folder holding the classes: "" or the train folder
    classes: list[str]
    splits: list[str]  # with split folders, their names (train, val, test as spelled on disk)


def _follow(root: Path, known: _Shape, moves: Sequence[Move]) -> _Shape | None:
    """The shape after a class step's folder moves, or None when the layout itself may have changed (then it is
    read again): classes that look like split folders (train beside val or test), or split folders left without
    a class in train/ (train/ and test/ are then two classes)."""
    names = set(known.classes)
    for m in moves:
        src = m.src if m.src is not None and m.src.rpartition("/")[0] == known.base else None
        dst = m.dst if m.dst is not None and m.dst.rpartition("/")[0] == known.base else None
        if any(end is not None and is_hidden(end.rpartition("/")[2]) for end in (src, dst)) or (
                known.base and any(end is not None and "/" not in end for end in (m.src, m.dst))):
            return None  # (a step planned in another layout, undone in this one: read again rather than guessed)
        if src is not None and not (m.dst is None and contained.is_dir(root, src)):  # (a folder not empty stays)
            names.discard(src.rpartition("/")[2])
        if dst is not None:
            names.add(dst.rpartition("/")[2])
    tops = {n.lower() for n in names}
    if known.layout == "split_folders" and not names:
        return None
    if known.layout != "split_folders" and "train" in tops and tops & (SPLIT_DIR_NAMES - {"train"}) \
            and tops <= SPLIT_DIR_NAMES:
        return None
    return _Shape(known.layout, known.base, sorted(names), known.splits)


def files_only(op: Operation, ops: Mapping[int, Operation]) -> bool:
    """Whether a step (an undo or redo: the step it reverses or repeats) moved image files only, no folder: then
    its moves say all that changed in the dataset's layout and loose images (nothing needs listing)."""
    return _kind(op, ops) in FILE_STEPS and all(m.src is not None and m.dst is not None for m in op.moves)


def class_step(op: Operation, ops: Mapping[int, Operation]) -> bool:
    """Whether a step (an undo or redo: the step it reverses or repeats) made, renamed, merged or deleted a class:
    it moved class folders and the files inside them, never a loose image (those need no listing after it)."""
    return _kind(op, ops) in CLASS_STEPS


def _kind(op: Operation, ops: Mapping[int, Operation]) -> str:
    target = ops.get(op.target) if op.target is not None else None
    return target.kind if target is not None else op.kind


def free_name(root: Path, folder: str, name: str, taken: set[str]) -> str:
    """folder/name, or folder/'name (2).ext', (3)... when that is on disk or already planned (`taken`, which
    gets the answer): a step never overwrites, nor plans two files onto one name."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate = f"{folder}/{name}" if folder else name
    i = 2
    while candidate in taken or contained.lexists(root, candidate):
        new = f"{stem} ({i}).{ext}" if ext else f"{stem} ({i})"
        candidate = f"{folder}/{new}" if folder else new
        i += 1
    taken.add(candidate)
    return candidate


def merge_moves(root: Path, srcs: Sequence[str], target: str, trash: str) -> list[Move]:
    """The moves that merge class folders `srcs` (one per split) into the class `target`: each split's images
    stay in their split, under a free name; each emptied folder goes into `trash` (the step's trash folder)."""
    taken: set[str] = set()
    moves: list[Move] = []
    for src in srcs:
        if not (root / (dst := sibling(src, target))).is_dir():
            moves.append(Move(None, dst))
        moves.extend(Move(f, free_name(root, dst, f.rpartition("/")[2], taken))
                     for f in tree_walk.files_under(root, src))  # (TooDeep past its depth)
        moves.append(Move(src, f"{trash}/{src}"))
    return moves


def apply_moves(root: Path, moves: Sequence[Move], done: list[Move], tolerant: bool = False,
                watch: Watch | None = None) -> None:
    """Carry out moves in order; `done` collects what happened, so a failure can be undone. Every check and
    every move is made relative to the dataset folder without following a link (contained.Refused). `watch`
    is told before each move."""
    for i, m in enumerate(moves):
        if watch is not None:
            watch(i, len(moves))
        if m.src is None and m.dst is not None:
            if not contained.is_dir(root, m.dst):
                if contained.lexists(root, m.dst):
                    raise FileExistsError(_("{path} is in the way; nothing was overwritten").format(path=root / m.dst))
                contained.mkdir(root, m.dst)
                done.append(m)
        elif m.dst is None and m.src is not None:
            if contained.is_empty_dir(root, m.src):
                contained.rmdir(root, m.src)
                done.append(m)
        elif m.src is not None and m.dst is not None:
            src_there, dst_there = contained.lexists(root, m.src), contained.lexists(root, m.dst)
            if tolerant and not src_there and dst_there:
                continue  # already moved before the crash
            if dst_there:
                raise FileExistsError(_("{path} is in the way; nothing was overwritten").format(path=root / m.dst))
            if not src_there:
                raise FileNotFoundError(_("{path} no longer exists").format(path=root / m.src))
            contained.rename(root, m.src, m.dst, parents=True)
            done.append(m)


def roll_back(root: Path, done: list[Move]) -> None:
    """Undo the moves of a step that failed half-way, latest first (what cannot be put back stays)."""
    for m in reversed(done):
        with contextlib.suppress(OSError, ValueError):
            apply_moves(root, (m.inverse(),), [])


def check_moves(root: Path, moves: list[Move]) -> None:
    """Before journaling an undo or redo: every file to move is there and no file is in the way (as far as
    can be told); a link on the way raises contained.Refused."""
    touched: set[str] = set()

    def untouched(rel: str) -> bool:
        parts = rel.split("/")
        return not any("/".join(parts[:i]) in touched for i in range(1, len(parts) + 1))

    for m in moves:
        if m.src is not None and m.dst is not None:
            if untouched(m.src) and not contained.lexists(root, m.src):
                raise FileNotFoundError(2, _("no longer there"), str(root / m.src))
            if untouched(m.dst) and contained.lexists(root, m.dst):
                raise FileExistsError(17, _("a file is in the way"), str(root / m.dst))
        touched.update(x for x in (m.src, m.dst) if x is not None)


def journal_problem(root: Path, notices: list[str]) -> contained.Refused | None:
    """Why the journal must not be read or appended to (a link, a FIFO, a folder...), or None.

    A journal with another name (a backup made with `cp -al` shares every file with the dataset; a tar keeps hard
    links) is the same file as one elsewhere, so an append would write to both: it is first replaced by a copy of
    its own (temp file + rename, the other name untouched), and the history goes on; `notices` says so."""
    rel = f"{STATE_DIR}/{JOURNAL}"
    st = contained.lstat(root, rel)
    wrong = contained.found(st, want_dir=False, in_place=True) if st is not None else None
    if wrong == contained.HARD_LINK:
        contained.write_atomic(root, rel, read_app_bytes(root / rel, follow_links=False))  # (bounded)
        notices.append(_("{path} had another name (a hard link, as in a backup made with cp -al): the same file as "
                         "one elsewhere. This folder now has its own copy of its labeling history, so the other file "
                         "is never written to").format(path=root / rel))
        wrong = None
    return contained.Refused(root / rel, wrong) if wrong is not None else None


@contextlib.contextmanager
def said_unwritable(root: Path) -> Iterator[None]:
    """A folder the user cannot write to (read-only disk, no permission, full) refuses a step before any file
    moves, naming the folder and the way out, instead of a bare "cannot write .desktop_cls"."""
    try:
        yield
    except OSError as e:
        if not is_write_failure(e):
            raise
        raise UserError(_("{root} cannot be changed ({reason}); nothing was moved. Labeling sorts the images inside "
                          "this folder: copy it somewhere you can write to, or get permission to change it").format(
            root=root, reason=write_reason(e))) from None
