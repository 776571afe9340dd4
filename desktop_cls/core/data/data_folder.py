"""Whether a folder may be the app's data folder (runs, models, caches, the demo dataset), checked before it is used.

The data folder comes from the settings file, and a settings folder may be synced or come from someone else: its
`data_folder` could name a system folder, the user's home or a hidden folder in it (~/.ssh, ~/.config), a folder
that does not exist (the app made it, with its parents, anywhere the path said), or a folder prepared by someone
else whose `runs`, `cache` or `demo-dataset` is a link into the user's own folders (new run folders, cache files
and demo images would land there). What the app writes in its data folder are new run folders (each made
exclusively, `mkdir`), cache files named by digests (written atomically) and the demo dataset (only into a missing
or empty folder); none of it is ever written into a file the app did not make, as long as these names are real
folders. So a data folder is refused, with the reason, when:

- it is not a full path, or (read from the settings) does not exist: it is never made from a setting;
- it is a system folder (or inside one), the home folder itself, or inside a hidden folder of the home other than
  the app's own;
- it is a link itself (the message names where it leads, to be chosen instead), or one of the names the app
  makes in it is a link;
- (POSIX) it, or one of the names the app makes in it, belongs to another user or is writable by every user (/tmp,
  a shared folder): another user could put a link in place of a run folder between the moment the app makes it
  and the moment it writes there, or have made `runs` ready for that.

The default folders (platformdirs, or DESKTOP_CLS_*_DIR) are the user's own and not checked here.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from desktop_cls.core import contained, storage
from desktop_cls.core.i18n import _

# Everything the app makes directly in its data folder, and in its "cache" sub-folder (thumbnail_cache,
# embeddings, image_cache, health_cache, small_copies, serving.runtime, backbone_choice).
MADE_HERE = ("runs", "cache", "demo-dataset")
MADE_IN_CACHE = ("thumbnails", "features", "images", "hashes", "small_copies", "serve-onnx", "backbone_speed.json")

_POSIX_SYSTEM = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin",
                 "/sys", "/usr", "/System", "/Library", "/Applications", "/private/etc", "/var/lib", "/var/log")


def problem(folder: str | Path, create: bool = False) -> str | None:
    """Why `folder` cannot be the data folder (short, for "… cannot be used ({reason})"), or None. `create`: the
    user chose it just now in Preferences, so a missing folder is made; from the settings file it never is."""
    path = Path(folder).expanduser()
    if not path.is_absolute():
        return _("it is not a full path")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return _("it does not exist; the app does not make a data folder named only in its settings")
        return storage.writable_problem(path)
    except OSError as e:
        return e.strerror or str(e)
    if contained.is_link(st):  # (a Windows junction too)
        return _("it is a link to {target}; choose that folder itself").format(target=os.path.realpath(path))
    place = place_problem(Path(os.path.abspath(path)))
    return place or _link_inside(path) or _shared(path) or storage.writable_problem(path)


def place_problem(path: Path) -> str | None:
    """A system folder, the home itself, or a hidden folder of the home that is not the app's own (PATH absolute):
    no place for the app to write into on the word of a file."""
    home = Path(os.path.abspath(Path.home()))
    if path == home:
        return _("it is your home folder itself; the app would make its folders among your files. Choose or make "
                 "a folder inside it")
    if path == Path(path.anchor):
        return _("it is the top folder of a drive; choose or make a folder inside it")
    if _inside_any(path, _system_folders()):
        return _("it is a system folder")
    if path.is_relative_to(home) and path.relative_to(home).parts[0].startswith("."):
        own = [storage.default_data_dir(), storage.default_cache_dir(), storage.user_config_dir()]
        if not _inside_any(path, [Path(os.path.abspath(p)) for p in own]):
            return _("it is inside a hidden folder of your home ({hidden}), where programs keep their settings and "
                     "keys").format(hidden=home / path.relative_to(home).parts[0])
    return None


def _system_folders() -> list[Path]:
    if sys.platform != "win32":
        return [Path(p) for p in _POSIX_SYSTEM]
    names = ("SystemRoot", "ProgramFiles", "ProgramFiles(x86)", "ProgramData")
    return [Path(os.path.abspath(v)) for n in names if (v := os.environ.get(n))]


def _inside_any(path: Path, folders: list[Path]) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


def _is_link(path: Path) -> bool:
    try:
        return contained.is_link(os.lstat(path))
    except OSError:
        return False


def _link_inside(path: Path) -> str | None:
    """One of the names the app makes in the data folder is a link (a folder prepared by someone else)."""
    names = [*MADE_HERE, *(f"cache/{n}" for n in MADE_IN_CACHE)]
    for name in names:
        if _is_link(path / name):
            return _("{name} in it is a link to {target}, where the app would write; delete that link").format(
                name=path / name, target=os.path.realpath(path / name))
    return None


def _shared(path: Path) -> str | None:
    """The folder, or a name the app makes in it, is another user's or writable by every user (POSIX)."""
    if os.name == "nt":
        return None
    for where in (path, *(path / n for n in (*MADE_HERE, *(f"cache/{n}" for n in MADE_IN_CACHE)))):
        try:
            st = os.lstat(where)
        except OSError:
            continue
        if st.st_uid != os.getuid():
            return _("{name} belongs to another user, who could put links to your files where the app writes; "
                     "choose a folder of your own").format(name=where)
        if stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_IWOTH:
            return _("every user can write in {name}, so another one could put links to your files where the app "
                     "writes; choose a folder of your own").format(name=where)
    return None
