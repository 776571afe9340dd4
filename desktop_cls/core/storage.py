"""Where files live and how they are written: atomically, so a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import platformdirs

from desktop_cls.core import contained
from desktop_cls.core.app_files import AppFileError, loads_bounded, read_app_bytes
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.i18n import N_, _
from desktop_cls.core.names import windows_problem

APP_NAME = "desktop_cls"
WINDOWS = os.name == "nt"  # where a folder cannot be named CON or end with a dot


def write_atomic(path: Path, data: bytes, root: Path | None = None, *, sync: bool = True) -> None:
    """Readers see the old file or the new one, never half of one. No link below `root` (default: the
    file's own folder) is followed: a link in the file's place is replaced, never written through.
    sync=False: no fsync (contained.write_atomic_with), for cache entries that check themselves."""
    write_atomic_with(path, lambda tmp: tmp.write_bytes(data), root, sync=sync)


def write_atomic_with(path: Path, writer: Callable[[Path], object], root: Path | None = None, *,
                      sync: bool = True) -> None:
    """Atomic write for libraries that insist on writing to a path themselves (torch.save, onnx).

    A full disk, a file-size limit (EFBIG), a read-only folder or a refused permission raise
    WriteError (a UserError and an OSError with the errno) naming the file: one clear message, and
    the half-written temporary file is gone."""
    try:
        base, rel = _inside(path, root)
        contained.write_atomic_with(base, rel, writer, sync)
    except OSError as e:
        raise as_write_error(e, Path(path)) from None


def _inside(path: Path, root: Path | None) -> tuple[Path, str]:
    """(root, path relative to it); without a root the file's folder is the root. The root is created when
    missing (it is the caller's choice); below it, contained creates folders without following links."""
    path = Path(path)
    if root is None:
        _make_folder(path.parent)
        return path.parent, path.name
    _make_folder(Path(root))
    return Path(root), path.relative_to(root).as_posix()


def _make_folder(folder: Path) -> None:
    """mkdir -p; a file in the folder's place is ENOTDIR (mkdir's "File exists" names no fix)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as e:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), e.filename) from None


class WriteError(UserError, OSError):
    """A file could not be written (disk full, too large, read-only, no permission); says which and why."""


_WRITE_REASONS = {
    errno.ENOSPC: (N_("the disk is full"), N_("free some space or choose another folder")),
    getattr(errno, "EDQUOT", -1): (N_("your disk quota is used up"), N_("free some space or choose another folder")),
    errno.EFBIG: (N_("the file would be larger than this system allows (a file size limit such as ulimit -f, or "
                     "the file system's own)"), N_("raise the limit or choose another disk")),
    errno.EROFS: (N_("the disk or folder is read-only"), N_("choose a folder you can write to")),
    errno.EACCES: (N_("permission denied"), N_("choose a folder you can write to")),
    errno.EPERM: (N_("permission denied"), N_("choose a folder you can write to")),
    errno.ENOTDIR: (N_("a file stands where one of its folders should be"),
                    N_("move that file away or choose another folder")),
}


def write_problem(e: OSError, path: str | Path | None = None) -> str:
    """One sentence for a failed write: which file, why, and what to do."""
    where = path if path is not None else (e.filename or _("a file"))
    reason, fix = _WRITE_REASONS.get(e.errno or 0, (None, None))
    if reason is None or fix is None:
        return _("cannot write {path}: {reason}").format(path=where, reason=e.strerror or e)
    return _("cannot write {path}: {reason}; {fix}").format(path=where, reason=_(reason), fix=_(fix))


def write_reason(e: OSError) -> str:
    """Why a write failed, in the user's words ("the disk is full"), without the file or the fix."""
    reason = _WRITE_REASONS.get(e.errno or 0, (None, None))[0]
    return _(reason) if reason is not None else str(e.strerror or e)


def is_write_failure(e: BaseException) -> bool:
    """An OSError a user can act on (full disk, size limit, read-only, permissions), not a bug."""
    return isinstance(e, OSError) and (e.errno or 0) in _WRITE_REASONS


def ignore_file_size_signal() -> None:
    """A write past the file size limit (ulimit -f) then fails with EFBIG, which write_problem explains,
    instead of SIGXFSZ killing the process with nothing said and a half-written file left."""
    import contextlib
    import signal

    if hasattr(signal, "SIGXFSZ"):
        with contextlib.suppress(ValueError):  # ValueError: not the main thread
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def as_write_error(e: OSError, path: Path) -> OSError:
    """WriteError for the failures is_write_failure knows (keeping the errno), else e unchanged."""
    if isinstance(e, WriteError) or not is_write_failure(e):
        return e
    err = WriteError(write_problem(e, path))
    err.errno = e.errno
    return err


def write_json(path: Path, obj: Any, root: Path | None = None) -> None:
    write_atomic(path, (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), root)


def append_jsonl(path: Path, obj: Any, root: Path | None = None, sync: bool = True) -> None:
    """One line per call, always starting on a fresh line: a torn last line from a kill stays one lost
    record (skipped by read_jsonl) instead of swallowing the next one. A link or a special file in the
    file's place (or a link below `root`) is refused, never appended to. sync=False: not fsynced now, for a
    record whose loss a reader repairs."""
    base, rel = _inside(path, root)
    contained.append(base, rel, (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8"), fresh_line=True,
                     sync=sync)


def read_jsonl(path: Path, follow_links: bool = True) -> list[dict[str, Any]]:
    """Every complete record; a torn, garbled, too deeply nested or non-object line is skipped on its own.

    Read through app_files: a FIFO, device or oversized file raises AppFileError instead of hanging."""
    rows: list[dict[str, Any]] = []
    try:
        data = read_app_bytes(path, follow_links=follow_links)
    except FileNotFoundError:
        return rows
    for raw in data.split(b"\n"):
        try:
            row = loads_bounded(raw, path)
        except AppFileError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _user_dir(kind: str, default: Callable[..., str]) -> Path:
    """platformdirs' folder for this app, unless DESKTOP_CLS_<KIND>_DIR points elsewhere (tests, portable use)."""
    override = os.environ.get(f"DESKTOP_CLS_{kind}_DIR")
    return Path(override) if override else Path(default(APP_NAME, appauthor=False))


# The folder the user chose for runs, models and caches (the app's Preferences); None: the usual ones.
_data_folder: Path | None = None


def set_data_folder(folder: str | Path | None) -> None:
    """Runs, models and caches go under `folder` from now on (caches in its 'cache' sub-folder); None or
    '' restores the platform's folders. A choice made in the app outranks DESKTOP_CLS_DATA_DIR."""
    global _data_folder
    _data_folder = Path(folder).expanduser() if folder else None


def default_data_dir() -> Path:
    """Where runs and models go when the user chose no folder of their own."""
    return _user_dir("DATA", platformdirs.user_data_dir)


def user_data_dir() -> Path:
    return _data_folder if _data_folder is not None else default_data_dir()


def default_cache_dir() -> Path:
    """Where caches go when the user chose no data folder of their own."""
    return _user_dir("CACHE", platformdirs.user_cache_dir)


def user_cache_dir() -> Path:
    return _data_folder / "cache" if _data_folder is not None else default_cache_dir()


def writable_problem(folder: str | Path) -> str | None:
    """Why files cannot be written under `folder` (created when missing), or None when they can.

    Tried for real (a file is created and removed): permissions, a read-only disk and a full one all
    show up here, where reading the mode bits would miss the last two."""
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        return _("it is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        return e.strerror or str(e)
    return None


def user_config_dir() -> Path:
    return _user_dir("CONFIG", platformdirs.user_config_dir)


def user_log_dir() -> Path:
    return _user_dir("LOG", platformdirs.user_log_dir)


def default_runs_dir() -> Path:
    return user_data_dir() / "runs"


def unique_destination(path: Path) -> Path:
    """path, or 'name (2).ext', 'name (3).ext'... so that nothing existing is overwritten (a link counts as
    taken, one whose target is gone too: writing there would replace it)."""
    path = Path(path)
    if not os.path.lexists(path):
        return path
    for i in range(2, 100_000):
        candidate = path.with_name(f"{path.stem} ({i}){path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(f"no free name for {path}")


def copy_into_folders(items: list[tuple[str, str]], dest: Path) -> list[tuple[str, str]]:
    """Copy each (file, folder name) to dest/folder/, renaming on collisions; returns (source, copy).

    Folder names come from a model file: each must be one plain name (UserError otherwise, before anything
    is copied), and no link inside dest is followed. A source that is a link (or not a regular file) is not
    copied: NotCopied names it, and the items before it are copied."""
    check_folder_names(folder for _src, folder in items)
    return [(src, str(copy_into(src, Path(dest), folder))) for src, folder in items]


def check_folder_names(names: Iterable[str]) -> None:
    """UserError naming the first name (a class name from a model file) that is not one plain folder name."""
    for name in names:
        if not contained.one_component(name) or name.startswith("."):
            raise UserError(_("the class name {name!r} cannot be a folder name (it must be one plain name, without "
                              "/, \\, .. or control characters); nothing was copied").format(name=name[:80]))
        problem = windows_problem(name) if WINDOWS else None
        if problem is not None:
            raise UserError(_("the class name {name!r} cannot be a folder name here: {problem}; nothing was "
                              "copied").format(name=name[:80], problem=problem))


class Unreadable(Exception):
    """The source of a copy cannot be read (a link, a FIFO, a read error): `cause` is the OSError. A failure to
    write the copy stays an OSError, so a caller can tell a bad source from a full disk."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class NotCopied(UserError):
    """A source image that copy_into leaves out (a link, not a regular file, unreadable): one line naming why."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(why)
        self.path, self.why = path, why


def is_link(path: str | Path) -> bool:
    """A symbolic link (or a Windows junction): never copied nor entered when copying out of a user's folder."""
    return os.path.islink(path) or bool(getattr(os.path, "isjunction", lambda _p: False)(path))


def copy_into(src: str | Path, dest: Path, folder: str = "") -> Path:
    """Copy src into dest/folder/ (created when missing) under a free name; no link inside dest is followed,
    and a link or file already there is never written through. Returns the copy's path.

    src itself is never a link: the images may be a folder from someone else, and `x.jpg -> ~/private.jpg`
    would put the user's file into the sorted folder; NotCopied then names the link and where it points."""
    src = str(src)
    if is_link(src):
        raise NotCopied(src, link_not_copied(src))
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if folder:
        contained.mkdir(dest, folder)
    name = _free_name(dest, folder, Path(src).name)
    rel = f"{folder}/{name}" if folder else name
    try:
        copy_file(src, dest, rel)
    except Unreadable as e:
        if e.cause.errno == errno.ELOOP:  # a link put in its place since the check above
            raise NotCopied(src, link_not_copied(src)) from None
        raise NotCopied(src, _("cannot be read: {reason}").format(reason=e.cause.strerror or e.cause)) from None
    return dest / rel


def link_not_copied(src: str) -> str:
    """Why the link src is not copied, naming where it points (every link on the way resolved)."""
    return _("a link to {target}: links are never copied, so no file from elsewhere on this computer ends up "
             "among the copies; if it is an image you want, copy that file itself").format(
        target=os.path.realpath(src))


def copy_file(src: str, root: Path, rel: str, cancel: CancelToken | None = None, chunk: int = 1 << 20) -> None:
    """Copy the bytes of src to root/rel atomically (a temporary file renamed into place, no link below root
    followed), keeping its dates. src is opened without following a link at its name and must be a regular
    file (a FIFO would block): Unreadable otherwise, or on a read error; CancelledError when Cancel comes
    during a large file (nothing is left then)."""
    source = open_source(src)
    with source:
        st = os.fstat(source.fileno())  # the photo keeps its date, as a file manager's copy does
        contained.write_atomic_with(root, rel, lambda tmp: _pour(source, tmp, cancel, chunk))
    with contextlib.suppress(OSError, ValueError, NotImplementedError), contained.entry(root, rel) as (fd, name):
        os.utime(name, ns=(st.st_atime_ns, st.st_mtime_ns), dir_fd=fd, follow_symlinks=False)


def open_source(src: str) -> BinaryIO:
    """src opened for reading, never through a link at its name (one may have been put there since it was
    checked) and only when it is a regular file (a FIFO would block); Unreadable otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(src, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise Unreadable(e) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Unreadable(OSError(errno.EINVAL, _("not a regular file"), src))
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _pour(source: BinaryIO, tmp: Path, cancel: CancelToken | None, chunk: int) -> None:
    with open(tmp, "wb") as out:
        while True:
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            try:
                data = source.read(chunk)
            except OSError as e:
                raise Unreadable(e) from None
            if not data:
                return
            out.write(data)


def _free_name(root: Path, folder: str, name: str) -> str:
    """name, or 'stem (2).ext'...: a name not taken in root/folder (links there count as taken)."""
    path = Path(name)
    for i in range(1, 100_000):
        candidate = name if i == 1 else f"{path.stem} ({i}){path.suffix}"
        if not contained.lexists(root, f"{folder}/{candidate}" if folder else candidate):
            return candidate
    raise FileExistsError(f"no free name for {root / folder / name}")


def sha256_of(path: Path) -> str:
    """The file's SHA-256 in hex, read in 1 MB blocks (model and weight files run to hundreds of MB)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
