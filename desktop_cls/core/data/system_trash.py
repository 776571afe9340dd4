"""Handing a file or folder to the system trash, never into a trash folder someone else prepared.

On Linux and the BSDs the system trash follows the freedesktop.org trash specification: a file on the drive of
the user's home goes to the home trash (~/.local/share/Trash, the user's own), but a file on any other drive goes
to a trash folder at the top of *that* drive: `$topdir/.Trash/$uid` when `.Trash` is a real folder with the
sticky bit, else `$topdir/.Trash-$uid`. A USB stick, a disk image or a network share made by someone else can
hold such a folder ready-made, as a link (or with its `files/` as a link) into the user's own folders: the
trash would then move the dataset's images there, or over the user's files. send2trash's own implementation
only asks whether `.Trash-$uid` exists (through links) and opens `info/NAME.trashinfo` for writing by name (a
dangling link there creates the file it names); GIO checks `.Trash-$uid` itself but not its `files/`.

So before anything is handed over, every trash folder an implementation might use on that drive is checked
the way the specification asks of `.Trash` and more: a real folder (not a link) owned by the user, its `files/`
and `info/` real folders of the user's (or absent: then they are made fresh), and no link in `info/`. When one
fails, `UnsafeTrash` names it and nothing is handed over; the caller offers to delete for good instead.

Windows (the Recycle Bin, `$Recycle.Bin\\SID`, which Windows owns and re-creates when its permissions are wrong)
and macOS (`.Trashes/$uid`, handled by the Finder's own NSFileManager call) are not checked here: their trash
is the system's own code, not a folder layout that this app or send2trash reads.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _

FREEDESKTOP = sys.platform not in ("win32", "darwin")
MAX_INFO_ENTRIES = 1_000_000  # a trash's info/ with more entries than this is not searched for links: refused


class UnsafeTrash(UserError):
    """The trash folder the system trash would use for `path` could send it elsewhere; nothing was handed over."""

    def __init__(self, path: Path, folder: Path, reason: str) -> None:
        super().__init__(_(
            "Nothing was sent to the system trash: the trash folder of the drive this is on, {folder}, {reason}. A "
            "drive or folder prepared by someone else can hold such a trash folder to send your files somewhere "
            "else, or over them. Delete {folder} if you did not make it, or delete these items for good "
            "instead").format(folder=folder, reason=reason))
        self.path, self.folder, self.reason = path, folder, reason


def send(path: Path) -> None:
    """Hand `path` to the system trash (send2trash), after checking the trash folder it would go to (UnsafeTrash)."""
    import send2trash  # (looked up at each call: tests stand in for the system trash)

    check(path)
    send2trash.send2trash(str(path))


def check(path: Path) -> None:
    """UnsafeTrash when a trash folder the system trash may use for `path` is not the user's own real folder."""
    for folder in trash_folders(path):
        reason = folder_problem(folder)
        if reason is not None:
            raise UnsafeTrash(path, folder, reason)


def trash_folders(path: Path) -> list[Path]:
    """The folders a freedesktop trash may put `path` in, when it is on another drive than the home (the home
    trash is the user's own); none on Windows and macOS."""
    if not FREEDESKTOP or _device(path) == _home_device():
        return []
    top = _mount_point(path)
    uid = os.getuid()
    shared = _lstat(top / ".Trash")
    found = [top / f".Trash-{uid}"]
    if shared is not None and stat.S_ISDIR(shared.st_mode) and shared.st_mode & stat.S_ISVTX:
        found.insert(0, top / ".Trash" / str(uid))  # used first (a link or a folder without the sticky bit is not)
    return found


def folder_problem(folder: Path) -> str | None:
    """Why `folder` (a `.Trash-$uid` or `.Trash/$uid`) must not be used, or None: absent (it is made fresh), or a
    real folder of the user's whose files/ and info/ are too and whose info/ holds no link."""
    st = _lstat(folder)
    if st is None:
        return None
    problem = _not_own_folder(folder, st)
    if problem is not None:
        return problem
    for sub in ("files", "info"):
        st = _lstat(folder / sub)
        if st is not None and (problem := _not_own_folder(folder / sub, st, part=sub)) is not None:
            return problem
    return _link_in(folder / "info")


def _not_own_folder(path: Path, st: os.stat_result, part: str = "") -> str | None:
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(path)
        return (_("has its {part} folder as a link to {target}").format(part=part, target=target) if part
                else _("is a link to {target}").format(target=target))
    if not stat.S_ISDIR(st.st_mode):
        return (_("has a file in place of its {part} folder").format(part=part) if part
                else _("is a file, not a folder"))
    if st.st_uid != os.getuid():
        return (_("has its {part} folder owned by another user").format(part=part) if part
                else _("belongs to another user"))
    return None


def _link_in(info: Path) -> str | None:
    """A link among the entries of a trash's info/ (a write of NAME.trashinfo by name would follow it)."""
    try:
        with os.scandir(info) as entries:
            for i, e in enumerate(entries):
                if i >= MAX_INFO_ENTRIES:
                    return _("holds more than {n} entries in its info folder, too many to check").format(
                        n=MAX_INFO_ENTRIES)
                if e.is_symlink():
                    return _("holds a link in its info folder ({name})").format(name=e.name)
    except FileNotFoundError:
        return None
    return None


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _device(path: Path) -> int:
    return os.lstat(path).st_dev


def _home_device() -> int:
    return os.stat(os.path.realpath(os.path.expanduser("~"))).st_dev


def _mount_point(path: Path) -> Path:
    """The top of the drive `path` is on (as the trash implementations find it: its real path, walked up)."""
    top = os.path.realpath(path)
    while not os.path.ismount(top):
        top = os.path.dirname(top)
    return Path(top)
