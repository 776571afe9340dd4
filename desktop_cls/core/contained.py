"""Writes, moves and folders that stay inside one root folder on the real file system.

A dataset, run or export folder may come from someone else (a zip, a tar, a git clone, a synced
share): any name in it can be a link to the user's own files. Every write, move, append, mkdir and
lock-file open the app makes in such a folder goes through here, given the root it must stay under
and a path relative to it. The root itself is the user's choice and is taken as it is; below it no
link is ever followed:

- POSIX: each component is opened relative to its parent's directory descriptor with
  O_NOFOLLOW | O_DIRECTORY, and the operation itself (rename, mkdir, rmdir, open) is done relative to
  the last descriptor (dir_fd / src_dir_fd / dst_dir_fd). What is checked is what is acted on, even
  when the folder changes meanwhile.
- Windows has no dir_fd: each component is lstat'ed (links and junctions refused) right before the
  operation, which acts on the full path. A process that swaps a folder for a junction between the
  check and the operation can still win that race; a hostile folder that merely sits on disk cannot.

A link (or a file where a folder must be) on the way raises Refused, which is both an OSError (so
the callers' "the step failed, roll it back" paths handle it) and a UserError (one clear message).
A final component is never followed either: a rename moves a link itself, an atomic write replaces
it, and an append or lock-file open refuses it, and a file with another name (a hard link, which a tar
keeps and may point at a file anywhere on the disk) too: writing in place would write to that other file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path, PureWindowsPath

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _

_POSIX = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: Windows links and junctions
_WINDOWS_NAMES = os.name == "nt"  # '\\' separates and a drive starts a path; elsewhere both are name characters


LINK, NOT_FOLDER, NOT_FILE, HARD_LINK = "link", "not_folder", "not_file", "hard_link"  # what Refused found


class Refused(UserError, OSError):
    """A link, or something that is not a real folder or file, where the app was about to write."""

    def __init__(self, path: str | Path, found: str = LINK) -> None:
        if found == NOT_FOLDER:
            message = _("{path} is not a folder; a folder from someone else may hold links or other files in "
                        "place of folders, so the app never writes through one. Nothing was changed there; move "
                        "or delete that file, then try again")
        elif found == NOT_FILE:
            message = _("{path} is not a regular file (a folder, a link, a pipe or a device); the app never writes to "
                        "one in a folder from someone else. Nothing was changed there; delete it, then try again")
        elif found == HARD_LINK:
            message = _("{path} has another name (a hard link): it is the same file as one elsewhere, maybe outside "
                        "this folder, so the app never writes to it. Nothing was changed; delete it, or replace it "
                        "with a copy of itself, then try again")
        else:
            message = _("{path} is a link; a folder from someone else may hold links to your own files, so the app "
                        "never writes through one. Nothing was changed there; replace the link with a copy of what "
                        "it points to, or delete it, then try again")
        super().__init__(message.format(path=path))
        self.path = str(path)
        self.found = found
        self.errno = errno.ELOOP

    def __str__(self) -> str:
        return UserError.__str__(self)


def found(st: os.stat_result, want_dir: bool, in_place: bool = False) -> str | None:
    """What is wrong with an entry that should be a real folder (or a regular file, written `in_place`: one name)."""
    if is_link(st):
        return LINK
    if want_dir != stat.S_ISDIR(st.st_mode) or (not want_dir and not stat.S_ISREG(st.st_mode)):
        return NOT_FOLDER if want_dir else NOT_FILE
    return HARD_LINK if in_place and not want_dir and st.st_nlink > 1 else None


def parts(rel: str | Path) -> list[str]:
    """The components of a relative path ('/'-separated; '\\' too on Windows only: elsewhere it is a character of a
    real name, a\\x.png is not a/x.png); ValueError for an absolute one, '..', '.', an empty one or NUL."""
    text = rel.as_posix() if isinstance(rel, Path) else str(rel)
    text = text.replace("\\", "/") if _WINDOWS_NAMES else text
    items = text.split("/")
    if (not text or text.startswith("/") or (_WINDOWS_NAMES and PureWindowsPath(text).drive) or "\x00" in text
            or any(p in ("", ".", "..") for p in items)):
        raise ValueError(_("{path} is not a path inside the folder").format(path=rel))
    return items


def relative(root: Path, path: str | Path) -> str:
    """path (absolute, or relative to root) as a path relative to root: its folder resolved, its own name kept
    (a link is moved, not followed). Behind a link that leads out of root it is Refused, naming the link: the
    path reads as inside the folder, and "not inside the dataset folder" alone left the user puzzled."""
    p = Path(path)
    p = p if p.is_absolute() else root / p
    try:
        return (p.parent.resolve() / p.name).relative_to(root).as_posix()
    except ValueError:
        lexical, at = Path(os.path.normpath(p.parent)), root
        for name in lexical.relative_to(root).parts if lexical.is_relative_to(root) else ():
            at = at / name
            if at.is_symlink():
                raise Refused(at) from None
        raise UserError(_("{path} is not inside the dataset folder {root}").format(path=path, root=root)) from None


def is_link(st: os.stat_result) -> bool:
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & _REPARSE_POINT)


def _refuse_component(root: Path, names: list[str], dir_fd: int | None, err: OSError) -> None:
    """Turn the error of opening names[-1] as a folder into Refused when it is a link or not a folder."""
    path = root.joinpath(*names)
    try:
        st = os.lstat(names[-1], dir_fd=dir_fd) if dir_fd is not None else os.lstat(path)
    except OSError:
        raise err from None
    if is_link(st):
        raise Refused(path) from None
    if not stat.S_ISDIR(st.st_mode):
        raise Refused(path, NOT_FOLDER) from None
    raise err


@contextlib.contextmanager
def folder(root: str | Path, rel: list[str], create: bool = False) -> Iterator[int | None]:
    """A descriptor of root/rel reached without following a link (None on Windows, after the checks);
    missing folders are created one by one when `create`. The caller must not close it."""
    root = Path(root)
    if not _POSIX:
        _check_windows(root, rel, create)
        yield None
        return
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for i in range(len(rel)):
            new = _below(fd, root, rel[:i + 1], create)
            os.close(fd)
            fd = new
        yield fd
    finally:
        os.close(fd)


_FOLDER_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC


def _below(fd: int, root: str | Path, names: list[str], create: bool) -> int:
    """A descriptor of the folder names[-1] inside fd (which is root/names[:-1]), never through a link: Refused
    for a link or a file in its place; created when missing and `create`."""
    try:
        return os.open(names[-1], _FOLDER_FLAGS, dir_fd=fd)
    except FileNotFoundError:
        if not create:
            raise
        with contextlib.suppress(FileExistsError):
            os.mkdir(names[-1], dir_fd=fd)
    except OSError as e:
        _refuse_component(Path(root), names, fd, e)
        raise
    try:
        return os.open(names[-1], _FOLDER_FLAGS, dir_fd=fd)
    except OSError as e:
        _refuse_component(Path(root), names, fd, e)
        raise


def _check_windows(root: Path, rel: list[str], create: bool) -> None:
    path = root
    for i, name in enumerate(rel):
        path = path / name
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if not create:
                raise
            os.mkdir(path)
            continue
        if is_link(st) or not stat.S_ISDIR(st.st_mode):
            _refuse_component(root, rel[:i + 1], None, NotADirectoryError(errno.ENOTDIR, "", str(path)))


@contextlib.contextmanager
def entry(root: str | Path, rel: str | Path, create_parents: bool = False) -> Iterator[tuple[int | None, str]]:
    """(dir_fd, name) for root/rel, its folder reached without links: hand both to os.* calls (Windows:
    (None, full path))."""
    items = parts(rel)
    with folder(root, items[:-1], create_parents) as fd:
        yield (fd, items[-1]) if fd is not None else (None, str(Path(root).joinpath(*items)))


def lstat(root: str | Path, rel: str | Path) -> os.stat_result | None:
    """The entry's own status (a link is not followed), None when it does not exist."""
    try:
        with entry(root, rel) as (fd, name):
            return os.lstat(name, dir_fd=fd)
    except (FileNotFoundError, NotADirectoryError):
        return None


def lexists(root: str | Path, rel: str | Path) -> bool:
    return lstat(root, rel) is not None


def is_dir(root: str | Path, rel: str | Path) -> bool:
    """A real folder (a link to one is not)."""
    st = lstat(root, rel)
    return st is not None and stat.S_ISDIR(st.st_mode) and not is_link(st)


def is_empty_dir(root: str | Path, rel: str | Path) -> bool:
    """A real folder with nothing in it (told by its first entry: a full folder is not listed)."""
    items = parts(rel)
    try:
        with folder(root, items) as fd, os.scandir(fd if fd is not None else Path(root).joinpath(*items)) as it:
            return next(it, None) is None
    except (FileNotFoundError, Refused, NotADirectoryError):
        return False


def mkdir(root: str | Path, rel: str | Path) -> None:
    """root/rel and any missing folder above it; Refused when a link is on the way or in the place."""
    with folder(root, parts(rel), create=True):
        pass


def rmdir(root: str | Path, rel: str | Path) -> None:
    with entry(root, rel) as (fd, name):
        st = os.lstat(name, dir_fd=fd)
        if is_link(st):
            raise Refused(Path(root) / rel)
        os.rmdir(name, dir_fd=fd)


def rename(root: str | Path, src: str | Path, dst: str | Path, parents: bool = False, replace: bool = False) -> None:
    """Move root/src to root/dst (a link is moved itself, never followed); FileExistsError when dst is
    taken unless `replace`; missing folders above dst are created when `parents`."""
    with entry(root, src) as (sfd, sname), entry(root, dst, create_parents=parents) as (dfd, dname):
        os.lstat(sname, dir_fd=sfd)  # FileNotFoundError naming the file when it is gone
        if not replace and _lstat_or_none(dname, dfd) is not None:
            raise FileExistsError(errno.EEXIST, _("a file is in the way"), str(Path(root) / dst))
        (os.replace if replace else os.rename)(sname, dname, src_dir_fd=sfd, dst_dir_fd=dfd)


def open_regular(root: str | Path, rel: str | Path, flags: int, create_parents: bool = False) -> int:
    """A descriptor of the regular file root/rel opened with `flags` (O_CREAT allowed); Refused for a link,
    a FIFO, a device or a folder (a FIFO would block), and, for writing, a file with another name (a hard link)."""
    with entry(root, rel, create_parents) as (fd, name):
        if fd is None and (st := _lstat_or_none(name, None)) is not None and is_link(st):
            raise Refused(name)
        try:
            out = os.open(name, flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY, 0o666, dir_fd=fd)
        except OSError:
            st = _lstat_or_none(name, fd)
            if st is not None and (is_link(st) or not stat.S_ISREG(st.st_mode)):
                raise Refused(Path(root) / rel, LINK if is_link(st) else NOT_FILE) from None
            raise
    if wrong := found(os.fstat(out), False, in_place=bool(flags & (os.O_WRONLY | os.O_RDWR))):
        os.close(out)
        raise Refused(Path(root) / rel, wrong)
    if _NONBLOCK and sys.platform != "win32":
        os.set_blocking(out, True)
    return out


def _lstat_or_none(name: str, fd: int | None) -> os.stat_result | None:
    try:
        return os.lstat(name, dir_fd=fd)
    except OSError:
        return None


def append(root: str | Path, rel: str | Path, data: bytes, fresh_line: bool = False, sync: bool = True) -> None:
    """Append data to the regular file root/rel (created when missing) and fsync it unless sync=False; with
    `fresh_line`, a file whose last byte is not a newline gets one first (a torn line stays one lost record)."""
    fd = open_regular(root, rel, os.O_RDWR | os.O_APPEND | os.O_CREAT)
    try:
        end = os.fstat(fd).st_size
        if fresh_line and end:
            os.lseek(fd, end - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":
                data = b"\n" + data
        os.write(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic_with(root: str | Path, rel: str | Path, writer: Callable[[Path], object], sync: bool = True) -> None:
    """Readers see the old file or the new one, never half of one: a fresh temporary file beside the target
    (created exclusively, so never an existing link) is filled by `writer`, fsynced and renamed over root/rel
    (which replaces a link there instead of writing through it). sync=False skips the fsync, for a cache whose
    entries check themselves: after a power cut such an entry may be empty, never another file's bytes."""
    with entry(root, rel, create_parents=True) as (fd, name):
        tmp = f".{Path(name).name}.{secrets.token_hex(4)}.tmp"
        tmp_arg = tmp if fd is not None else str(Path(name).with_name(tmp))
        os.close(os.open(tmp_arg, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, 0o666,
                         dir_fd=fd))
        try:
            writer(_path_for(root, rel, fd, tmp_arg))
            if sync:
                out = os.open(tmp_arg, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _BINARY, dir_fd=fd)
                try:
                    os.fsync(out)
                finally:
                    os.close(out)
            os.replace(tmp_arg, name, src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_arg, dir_fd=fd)
            raise


def _path_for(root: str | Path, rel: str | Path, fd: int | None, tmp: str) -> Path:
    """A path a library can open that names the checked folder: on Linux through the descriptor itself."""
    if fd is not None and sys.platform.startswith("linux") and os.path.isdir(f"/proc/self/fd/{fd}"):
        return Path(f"/proc/self/fd/{fd}") / tmp
    return Path(root).joinpath(*parts(rel)[:-1]) / tmp if fd is not None else Path(tmp)


def write_atomic(root: str | Path, rel: str | Path, data: bytes, sync: bool = True) -> None:
    write_atomic_with(root, rel, lambda p: p.write_bytes(data), sync)


def write_unsynced(top: int | None, root: str | Path, sub: str, name: str, data: bytes) -> None:
    """root/sub/name written as write_atomic_with(..., sync=False) writes it (a fresh temporary file renamed over
    the name; no link below root followed; sub made when missing), `top` being root's descriptor from
    `folder(root, [])`, held by the caller for many small cache entries: each is then a few calls into the system
    and no path object, a tenth of the Python steps (a thumbnail's entry took more of them than its decoding).
    sub and name are plain names (ValueError otherwise)."""
    if not (_plain(sub) and _plain(name)):
        raise ValueError(_("{path} is not a path inside the folder").format(path=f"{sub}/{name}"))
    if top is None:  # Windows: no descriptors, the checked path instead
        write_atomic(root, f"{sub}/{name}", data, sync=False)
        return
    fd = _below(top, root, [sub], True)
    try:
        _write_new(fd, name, data)
    finally:
        os.close(fd)


def _plain(name: str) -> bool:
    """One plain name, told with string operations only (no path objects: this runs once per cache entry)."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name


def _write_new(fd: int, name: str, data: bytes) -> None:
    """data in a new temporary file inside the folder fd, then renamed over name (which may be a link: replaced)."""
    tmp = f".{name}.{os.urandom(4).hex()}.tmp"
    out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY, 0o666, dir_fd=fd)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(out, view):]
        finally:
            os.close(out)
        os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=fd)
        raise


def one_component(name: str) -> bool:
    """Can `name` (from a file) be used as one folder or file name: no separator, no '..', nothing empty, no
    control character, at most 255 bytes."""
    return (bool(name) and name not in (".", "..") and not any(c in name for c in "/\\:")
            and not any(ord(c) < 32 or ord(c) == 127 for c in name) and len(name.encode("utf-8", "replace")) <= 255)


def remove_files(root: str | Path, rel_dir: str | Path, wanted: Callable[[str], bool]) -> int:
    """Delete the entries of the real folder root/rel_dir whose name is `wanted` (a link is removed itself,
    never followed); a missing folder, or one that is a link, removes nothing. Returns how many went."""
    items = parts(rel_dir)
    try:
        with folder(root, items) as fd:
            names = os.listdir(fd if fd is not None else Path(root).joinpath(*items))
            gone = 0
            for name in filter(wanted, names):
                target = name if fd is not None else str(Path(root).joinpath(*items, name))
                with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                    os.unlink(target, dir_fd=fd)
                    gone += 1
            return gone
    except (FileNotFoundError, NotADirectoryError, Refused):
        return 0
