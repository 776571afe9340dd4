"""One process owns a run folder at a time: an OS-level lock on RUN/.lock that dies with its process.

flock (POSIX) and msvcrt.locking (Windows) locks belong to an open file, so a process killed with
kill -9 or a power cut leaves no stale lock behind, and a second opener in the same process (the app
starting a run that is already training) is refused too. The file itself is left in place: only the
lock on it counts, never its existence.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from desktop_cls.core import contained
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _

LOCK_NAME = ".lock"


class RunInUse(UserError):
    """Another process (or another task of this one) is training in this run folder."""


def _try_lock(f: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(f: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


class FolderLock:
    """An OS lock on the regular file root/rel (created when missing; a link or a special file there is
    refused with contained.Refused, never opened). `try_acquire` says whether this object now holds it."""

    def __init__(self, root: Path, rel: str = LOCK_NAME) -> None:
        self.root = Path(root)
        self.rel = rel
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def try_acquire(self) -> bool:
        if self._file is not None:
            return True
        fd = contained.open_regular(self.root, self.rel, os.O_RDWR | os.O_CREAT)
        f = os.fdopen(fd, "r+b")
        if not _try_lock(f):
            f.close()
            return False
        with contextlib.suppress(OSError):  # the owner's pid, for a message; only a hint
            f.seek(1 if sys.platform == "win32" else 0)
            f.truncate()
            f.write(str(os.getpid()).encode())
            f.flush()
        self._file = f
        return True

    def owner(self) -> int | None:
        """The process id the holder wrote, where the OS lets us read it (a hint for messages)."""
        with contextlib.suppress(OSError, ValueError):
            fd = contained.open_regular(self.root, self.rel, os.O_RDONLY)
            with os.fdopen(fd, "rb") as f:
                text = f.read(32).strip(b"\0 \n")
            return int(text) if text else None
        return None

    def holds(self, st: os.stat_result) -> bool:
        """Whether the file this object holds locked is the one `st` describes (under any of its names)."""
        if self._file is None:
            return False
        mine = os.fstat(self._file.fileno())
        return (mine.st_dev, mine.st_ino) == (st.st_dev, st.st_ino)

    def release(self) -> None:
        f, self._file = self._file, None
        if f is not None:
            _unlock(f)
            f.close()


class RunLock(FolderLock):
    """Held while a process trains in `run`; release() (or the process ending) frees it."""

    def __init__(self, run: Path) -> None:
        super().__init__(run)
        self.run = Path(run)

    def acquire(self) -> RunLock:
        """Take the lock or raise RunInUse naming the owner's process id (where the OS lets us read it);
        contained.Refused when RUN/.lock is a link or not a regular file."""
        if not self.try_acquire():
            owner = self.owner()
            who = _(" (process {owner})").format(owner=owner) if owner else ""
            raise RunInUse(_("{run} is in use by another training{who}; wait for it to finish or stop it, then try "
                             "again").format(run=self.run, who=who))
        return self

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def run_in_use(run: Path) -> bool:
    """Is this run folder owned by a live process right now? (False for a run left 'running' by a
    process that died: its lock died with it.) A .lock that is a link is never opened."""
    return locked(Path(run), LOCK_NAME)


def locked(root: Path, rel: str) -> bool:
    """Whether a process holds the lock on the file root/rel (opened for reading only, which a file with another
    name allows; a link is never opened: False, as when it cannot be opened)."""
    try:
        fd = contained.open_regular(root, rel, os.O_RDONLY)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as f:
        if not _try_lock(f):
            return True
        _unlock(f)
    return False
