"""Which files of a dataset folder are images of which class and split.

The layout is one sub-folder per class, or train/ beside val/ (valid/, validation/) and/or test/, each
holding class folders. Hidden files and folders are never classes or samples; a folder link that leads
up the tree or into another class is reported (`symlink_loop`) and not followed, so no image is counted
under the wrong class; a name that is not valid UTF-8 is reported and skipped, not fatal.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from desktop_cls.core.data.imaging import display_path, is_image_name, special_file_kind, utf8_name
from desktop_cls.core.data.problems import Problem
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.names import name_problem, normal_name

IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx", "$recycle.bin", "@eadir"})
VAL_DIR_NAMES = ("val", "valid", "validation")
SPLIT_DIR_NAMES = frozenset({"train", "test", *VAL_DIR_NAMES})
Labelled = tuple[str, str, str]  # (path, class name, split)
FileStats = dict[str, tuple[int, int]]  # path -> (size in bytes, mtime in ns), from the walk's one stat per file


def is_hidden(name: str) -> bool:
    """Dot files and the system's own (Thumbs.db, __MACOSX, ...): never a class, a sample or an input."""
    return name.startswith(".") or name.lower() in IGNORED_NAMES


def detect_layout(root: Path) -> str:
    """split_folders: train/ beside val/ (or valid/, validation/) and/or test/, each holding class folders.

    A train/ + test/ folder without val/ (scikit-learn's and Kaggle's usual shape) is split folders too,
    not two classes named "train" and "test": validation is then split from train/. When train/ holds
    images rather than class folders, "train" and "test" really are class names.
    """
    dirs = {n.lower(): n for n in class_dirs(root)}
    tops = set(dirs)
    if not ("train" in tops and tops & {"test", *VAL_DIR_NAMES} and tops <= SPLIT_DIR_NAMES):
        return "class_folders"
    has_val = bool(tops & set(VAL_DIR_NAMES))
    return "split_folders" if has_val or class_dirs(root / dirs["train"]) else "class_folders"


def list_labelled(root: Path, layout: str, problems: list[Problem],
                  stats: FileStats | None = None) -> tuple[list[Labelled], list[str], list[str]]:
    """(path, class name, split) of every image in a class folder, the class names, and the loose images.

    stats, when given, receives each image's size and mtime from the walk's own stat, so the empty-file
    check and the fingerprint need not stat every file again (on a large folder that was most of the walk).
    """
    labelled: list[Labelled] = []
    if layout != "split_folders":
        class_names = [c for c in class_dirs(root, problems) if _walkable_class(root, root / c, problems)]
        for cname in class_names:
            labelled.extend((p, cname, "train") for p in walk_images(root / cname, problems, root, stats))
        return labelled, class_names, _loose_images(root)
    split_dirs = {n.lower(): n for n in class_dirs(root)}
    class_names = [c for c in class_dirs(root / split_dirs["train"], problems)
                   if _walkable_class(root, root / split_dirs["train"] / c, problems)]
    for split_key, split_name in [("train", "train"), *[(v, "val") for v in VAL_DIR_NAMES], ("test", "test")]:
        if split_key not in split_dirs:
            continue
        sdir = root / split_dirs[split_key]
        for cname in class_dirs(sdir, problems if split_key != "train" else None):
            if cname not in class_names:
                problems.append(Problem(str(sdir / cname), "unknown_class",
                                        _("class '{name}' is not in train/; its images are left out").format(
                                            name=cname)))
                continue
            if split_key == "train" or _walkable_class(root, sdir / cname, problems):
                labelled.extend((p, cname, split_name) for p in walk_images(sdir / cname, problems, root, stats))
    return labelled, class_names, _loose_images(root)


def _walkable_class(root: Path, class_dir: Path, problems: list[Problem]) -> bool:
    """A class folder that is a link up the tree (`cats -> ..`, `-> /`) or into the dataset would count
    images twice or pull in a whole disk: it is reported and left out. A link to a folder elsewhere is
    followed, as ImageFolder does."""
    if not os.path.islink(class_dir):
        return True
    target, root_real = os.path.realpath(class_dir), os.path.realpath(root)
    if os.path.commonpath([target, root_real]) == target:
        why = _("link to {target}, a folder that holds this dataset").format(target=target)
    elif os.path.commonpath([target, root_real]) == root_real:
        why = _("link into {folder} of this dataset").format(folder=os.path.relpath(target, root_real))
    else:
        return True
    problems.append(Problem(str(class_dir), "symlink_loop", _("{why}: not followed, so the class '{name}' is left "
                                                              "out").format(why=why, name=class_dir.name)))
    return False


def class_folder(root: Path, name: str, image: str | None = None) -> str:
    """Class `name`'s folder relative to root: <name>, or with split folders train/<name>, or for an image
    already in split/<class>/ (a relabelled test image stays a test image) split/<name>."""
    if detect_layout(root) != "split_folders":
        return name
    parts = image.split("/") if image else []
    if len(parts) >= 3 and parts[0].lower() in SPLIT_DIR_NAMES:
        return f"{parts[0]}/{name}" if name else parts[0]
    train = {n.lower(): n for n in class_dirs(root)}["train"]
    return f"{train}/{name}" if name else train


def class_folders(root: Path, name: str) -> list[str]:
    """Every folder of class `name` relative to root: <name>, or with split folders train/<name> and then
    the val/ and test/ folders of that name that exist."""
    if detect_layout(root) != "split_folders":
        return [name]
    splits = sorted((n for n in class_dirs(root) if n.lower() in SPLIT_DIR_NAMES), key=lambda n: n.lower() != "train")
    return [f"{s}/{name}" for s in splits if s.lower() == "train" or (root / s / name).is_dir()]


def check_class_name(name: str) -> str:
    """The name as a class folder's, or UserError: one plain name, and none the scanner skips."""
    name = name.strip()
    if name and not name.startswith(".") and is_hidden(name):
        raise UserError(_("{name!r} cannot be a class name: folders of that name are skipped (the system and "
                          "other programs put them in folders), so its images would not be seen; choose another "
                          "name").format(name=name))
    if (not name or name in (".", "..") or name.startswith(".") or any(c in name for c in '/\\:*?"<>|')
            or any(ord(c) < 32 or ord(c) == 127 for c in name) or len(name.encode("utf-8")) > 255):
        raise UserError(_("{name!r} cannot be a class name: use letters, digits, spaces, - or _, without a leading "
                          "dot, control characters or any of / \\ : * ? \" < > |").format(name=name))
    problem = name_problem(normal_name(name))  # length, invisible and text-direction characters
    if problem is not None:
        raise UserError(_("{name!r} cannot be a class name: {problem}").format(name=name, problem=problem))
    return normal_name(name)  # 'é' typed composed or decomposed is one class


def class_dirs(root: Path, problems: list[Problem] | None = None) -> list[str]:
    """The visible sub-folders of root, sorted (ImageFolder's class order)."""
    try:
        with os.scandir(root) as it:
            names = sorted(e.name for e in it if e.is_dir() and not is_hidden(e.name) and _usable_name(e, problems))
    except OSError as e:
        raise UserError(_("cannot read folder {folder}: {reason}").format(folder=root, reason=e)) from None
    return _distinct(root, names, problems)


def _distinct(root: Path, names: list[str], problems: list[Problem] | None) -> list[str]:
    """Class folders whose names a person can tell apart: a name with invisible or text-direction
    characters, or one equal to an earlier name once Unicode-normalised (é composed vs decomposed),
    is left out and reported, instead of becoming a second class that looks like the first."""
    kept: dict[str, str] = {}
    for name in names:
        problem = name_problem(name) if utf8_name(name) else None
        twin = kept.get(normal_name(name))
        if twin is not None:
            problem = _("it looks the same as the class folder {other!r} (the same letters, encoded "
                        "differently)").format(other=twin)
        if problem is None:
            kept[normal_name(name)] = name
        elif problems is not None:
            problems.append(Problem(display_path(str(root / name)), "bad_name", _(
                "{problem}; the folder is left out until it is renamed").format(problem=problem)))
    return list(kept.values())


def _loose_images(root: Path) -> list[str]:
    with os.scandir(root) as it:
        return sorted(os.path.join(root, e.name) for e in it
                      if e.is_file() and not is_hidden(e.name) and is_image_name(e.name, extra=True)
                      and utf8_name(e.name))


def walk_images(class_dir: Path, problems: list[Problem], dataset_root: Path | None = None,
                stats: FileStats | None = None) -> list[str]:
    """Image files under class_dir in ImageFolder's order (sorted roots, sorted names), loop-safe and
    label-safe: links to folders elsewhere on disk are followed, links up the tree or across classes are not."""
    class_real = os.path.realpath(class_dir)
    root_real = os.path.realpath(dataset_root if dataset_root is not None else class_dir)
    found: list[tuple[str, list[str]]] = []
    seen: set[tuple[int, int]] = set()
    stack = [str(class_dir)]
    while stack:
        d = stack.pop()
        try:
            st = os.stat(d)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problems.append(Problem(d, "symlink_loop", _("folder already visited through a link; skipped")))
            continue
        seen.add(key)
        try:
            files = _scan_folder(d, class_dir.name, (class_real, root_real), stack, problems,
                                 {} if stats is None else stats)
        except PermissionError:
            problems.append(Problem(d, "unreadable", _("permission denied; check the folder's permissions")))
            continue
        except OSError as e:
            problems.append(Problem(d, "unreadable", str(e)))
            continue
        found.append((d, sorted(files)))
    out: list[str] = []
    for folder, files in sorted(found):
        out.extend(os.path.join(folder, f) for f in files)
    return out


def _scan_folder(d: str, class_name: str, reals: tuple[str, str], stack: list[str],
                 problems: list[Problem], stats: FileStats) -> list[str]:
    """The image names directly in d; sub-folders safe to follow go on the stack, the rest are reported.

    reals: the class folder's and the dataset's real paths. Each image is stat()ed once, here; its size
    and mtime go to stats."""
    class_real, root_real = reals
    files: list[str] = []
    with os.scandir(d) as it:
        for e in it:
            name = e.name
            if is_hidden(name) or not _usable_name(e, problems):
                continue
            try:
                if e.is_dir(follow_symlinks=True):
                    sub = os.path.join(d, e.name)
                    why = _link_leaves_class(sub, class_real, root_real) if e.is_symlink() else None
                    if why is None:
                        stack.append(sub)
                    else:
                        problems.append(Problem(sub, "symlink_loop", _(
                            "{why}: not followed, so its images are not counted as '{name}'").format(
                                why=why, name=class_name)))
                elif not is_image_name(name, extra=True):
                    continue
                elif (st := _regular_stat(e)) is None:
                    _report_special(e, problems)
                elif is_image_name(name):
                    files.append(name)
                    stats[e.path] = (st.st_size, st.st_mtime_ns)  # the path walk_images joins
                else:
                    problems.append(Problem(os.path.join(d, e.name), "unsupported_format",
                                            _("GIF files are not used for training; convert to PNG")))
            except OSError:
                continue
    return files


def _link_leaves_class(link: str, class_real: str, root_real: str) -> str | None:
    """Why a folder link inside a class must not be followed, or None: a link up to the class folder or one
    of its ancestors, or over into another folder of the dataset, would count other classes' images here."""
    target = os.path.realpath(link)
    if os.path.commonpath([target, class_real]) == target:
        return _("link to {target}, a folder that holds this class folder").format(target=target)
    if os.path.commonpath([target, root_real]) == root_real and os.path.commonpath([target, class_real]) != class_real:
        return _("link into {folder} of this dataset").format(folder=os.path.relpath(target, root_real))
    return None


def _usable_name(entry: os.DirEntry[str], problems: list[Problem] | None) -> bool:
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
