"""Which files of a dataset folder are images of which class and split.

The layout is one sub-folder per class, or train/ beside val/ (valid/, validation/) and/or test/, each
holding class folders. Hidden files and folders are never classes or samples; a folder link that leads
up the tree or into another class is reported (`symlink_loop`) and not followed, so no image is counted
under the wrong class; a name that is not valid UTF-8 is reported and skipped, not fatal.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop_cls.core.data.folder_walk import IGNORED_NAMES, Files, is_hidden, link_problem, usable_name, walk_images
from desktop_cls.core.data.imaging import display_path, is_image_name, utf8_name
from desktop_cls.core.data.problems import Problem
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.names import name_problem, normal_name, windows_problem

VAL_DIR_NAMES = ("val", "valid", "validation")
SPLIT_DIR_NAMES = frozenset({"train", "test", *VAL_DIR_NAMES})
__all__ = ["IGNORED_NAMES", "Files", "detect_layout", "is_hidden", "list_labelled", "walk_images"]


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


def list_labelled(root: Path, layout: str, problems: list[Problem]) -> tuple[Files, list[str], list[str]]:
    """Every image in a class folder (path, size, mtime, class name, split), the class names, and the loose
    images. Sizes and mtimes come from the walk's own stat, so the empty-file check and the fingerprint
    need not stat every file again (on a large folder that was most of the walk)."""
    labelled = Files()
    if layout != "split_folders":
        class_names = [c for c in class_dirs(root, problems) if _walkable_class(root, root / c, problems)]
        for cname in class_names:
            labelled.extend(walk_images(root / cname, problems, root), cname, "train")
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
                labelled.extend(walk_images(sdir / cname, problems, root), cname, split_name)
    return labelled, class_names, _loose_images(root)


def _walkable_class(root: Path, class_dir: Path, problems: list[Problem]) -> bool:
    """A class folder that is a link up the tree (`cats -> ..`, `-> /`) or into the dataset would count
    images twice or pull in a whole disk: it is reported and left out. A link to a folder elsewhere is
    followed, as ImageFolder does, and reported too (`link`): nothing is moved or written through it."""
    if not os.path.islink(class_dir):
        return True
    target, root_real = os.path.realpath(class_dir), os.path.realpath(root)
    if os.path.commonpath([target, root_real]) == target:
        why = _("link to {target}, a folder that holds this dataset").format(target=target)
    elif os.path.commonpath([target, root_real]) == root_real:
        why = _("link into {folder} of this dataset").format(folder=os.path.relpath(target, root_real))
    else:
        problems.append(link_problem(str(class_dir), target, root_real, class_dir.name))
        return True
    problems.append(Problem(str(class_dir), "symlink_loop", _("{why}: not followed, so the class '{name}' is left "
                                                              "out").format(why=why, name=class_dir.name)))
    return False


def class_folder(root: Path, name: str, image: str | None = None, layout: str | None = None,
                 train: str | None = None) -> str:
    """Class `name`'s folder relative to root: <name>, or with split folders train/<name>, or for an image
    already in split/<class>/ (a relabelled test image stays a test image) split/<name>. `layout` and the train
    folder's name when known: finding them lists the folder, 20,000 loose images and all."""
    if (layout or detect_layout(root)) != "split_folders":
        return name
    parts = image.split("/") if image else []
    if len(parts) >= 3 and parts[0].lower() in SPLIT_DIR_NAMES:
        return f"{parts[0]}/{name}" if name else parts[0]
    train = train or {n.lower(): n for n in class_dirs(root)}["train"]
    return f"{train}/{name}" if name else train


def class_folders(root: Path, name: str) -> list[str]:
    """Every folder of class `name` relative to root: <name>, or with split folders train/<name> and then
    the val/ and test/ folders of that name that exist."""
    if detect_layout(root) != "split_folders":
        return [name]
    splits = sorted((n for n in class_dirs(root) if n.lower() in SPLIT_DIR_NAMES), key=lambda n: n.lower() != "train")
    return [f"{s}/{name}" for s in splits if s.lower() == "train" or (root / s / name).is_dir()]


def sibling(folder: str, name: str) -> str:
    """The folder `name` next to `folder` (relative paths): a class renamed in a split stays in that split."""
    head = folder.rpartition("/")[0]
    return f"{head}/{name}" if head else name


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


def check_new_class_name(name: str) -> str:
    """check_class_name for a class folder about to be made, which must also be one Windows can hold (not CON, not
    'cat.'): a dataset labelled here is shared and opened there. A class folder of such a name that is already
    there (made elsewhere) is still labeled into, renamed and deleted."""
    cls = check_class_name(name)
    problem = windows_problem(cls)
    if problem is not None:
        raise UserError(_("{name!r} cannot be a class name: {problem}").format(name=name, problem=problem))
    return cls


def class_dirs(root: Path, problems: list[Problem] | None = None) -> list[str]:
    """The visible sub-folders of root, sorted (ImageFolder's class order)."""
    try:
        with os.scandir(root) as it:
            names = sorted(e.name for e in it if e.is_dir() and not is_hidden(e.name) and usable_name(e, problems))
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
