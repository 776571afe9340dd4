"""Scan an image folder into a dataset index: classes, samples, split, problems, fingerprint.

Class names and indices match torchvision's ImageFolder on the same folder, except that hidden
files and folders are never classes or samples, an empty class is reported instead of fatal,
and symlink loops end. A folder link inside a class that leads up the tree or into another
class is reported (`symlink_loop`) and not followed, so no image is counted under the wrong class.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from desktop_cls.core.data.imaging import (
    MAX_PIXELS,
    display_path,
    is_image_name,
    load_rgb,
    special_file_kind,
    utf8_name,
)
from desktop_cls.core.errors import ImageLoadError, UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress

IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx", "$recycle.bin", "@eadir"})
VAL_DIR_NAMES = ("val", "valid", "validation")
SPLIT_DIR_NAMES = frozenset({"train", "test", *VAL_DIR_NAMES})


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    kind: str
    message: str
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "kind": self.kind, "message": self.message}
        if self.duplicate_of is not None:
            d["duplicate_of"] = self.duplicate_of
        return d


@dataclass(frozen=True, slots=True)
class Sample:
    path: str
    label: int
    split: str  # train | val | test


@dataclass(frozen=True)
class DatasetIndex:
    root: str
    layout: str  # class_folders | split_folders
    classes: tuple[str, ...]
    samples: tuple[Sample, ...]
    problems: tuple[Problem, ...] = ()
    unlabeled: tuple[str, ...] = ()
    val_fraction: float = 0.2
    seed: int = 0
    fingerprint: dict[str, Any] = field(default_factory=dict)
    typical_size: tuple[int, int] | None = None  # median width, height of a sample of the images

    def split(self, name: str) -> list[Sample]:
        return [s for s in self.samples if s.split == name]

    def counts(self, split: str | None = None) -> dict[str, int]:
        c = Counter(s.label for s in self.samples if split is None or s.split == split)
        return {name: c.get(i, 0) for i, name in enumerate(self.classes)}

    def without(self, paths: Iterable[str], problems: Iterable[Problem] = ()) -> DatasetIndex:
        """The same index minus samples that turned out unreadable, with their problems added."""
        drop = set(paths)
        return DatasetIndex(
            root=self.root, layout=self.layout, classes=self.classes,
            samples=tuple(s for s in self.samples if s.path not in drop),
            problems=self.problems + tuple(problems), unlabeled=self.unlabeled,
            val_fraction=self.val_fraction, seed=self.seed, fingerprint=self.fingerprint,
            typical_size=self.typical_size,
        )

    def summary(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "layout": self.layout,
            "classes": list(self.classes),
            "counts": self.counts(),
            "num_images": len(self.samples),
            "splits": {sp: len(self.split(sp)) for sp in ("train", "val", "test")},
            "unlabeled": len(self.unlabeled),
            "problems": [p.to_dict() for p in self.problems],
            "typical_image_size": list(self.typical_size) if self.typical_size else None,
        }


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.lower() in IGNORED_NAMES


def _link_leaves_class(link: str, class_real: str, root_real: str) -> str | None:
    """Why a folder link inside a class must not be followed, or None: a link up to the class folder or one
    of its ancestors, or over into another folder of the dataset, would count other classes' images here."""
    target = os.path.realpath(link)
    if os.path.commonpath([target, class_real]) == target:
        return f"link to {target}, a folder that holds this class folder"
    if os.path.commonpath([target, root_real]) == root_real and os.path.commonpath([target, class_real]) != class_real:
        return f"link into {os.path.relpath(target, root_real)} of this dataset"
    return None


def _walk_images(class_dir: Path, problems: list[Problem], dataset_root: Path | None = None) -> list[str]:
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
            problems.append(Problem(d, "symlink_loop", "folder already visited through a link; skipped"))
            continue
        seen.add(key)
        files: list[str] = []
        try:
            with os.scandir(d) as it:
                for e in it:
                    if _hidden(e.name) or not _usable_name(e, problems):
                        continue
                    try:
                        if e.is_dir(follow_symlinks=True):
                            sub = os.path.join(d, e.name)
                            why = _link_leaves_class(sub, class_real, root_real) if e.is_symlink() else None
                            if why is not None:
                                problems.append(Problem(sub, "symlink_loop", f"{why}: not followed, so its images "
                                                        f"are not counted as '{class_dir.name}'"))
                                continue
                            stack.append(sub)
                        elif not is_image_name(e.name, extra=True):
                            continue
                        elif not e.is_file(follow_symlinks=True):
                            _report_special(e, problems)
                        elif is_image_name(e.name):
                            files.append(e.name)
                        else:
                            problems.append(Problem(os.path.join(d, e.name), "unsupported_format",
                                                    "GIF files are not used for training; convert to PNG"))
                    except OSError:
                        continue
        except PermissionError:
            problems.append(Problem(d, "unreadable", "permission denied; check the folder's permissions"))
            continue
        except OSError as e:
            problems.append(Problem(d, "unreadable", str(e)))
            continue
        found.append((d, sorted(files)))
    out: list[str] = []
    for root, files in sorted(found):
        out.extend(os.path.join(root, f) for f in files)
    return out


def _usable_name(entry: os.DirEntry[str], problems: list[Problem] | None) -> bool:
    """A name that is not valid UTF-8 is named (with \\xNN for its bad bytes) and skipped, not fatal."""
    if utf8_name(entry.name):
        return True
    if problems is not None:
        what = "folder" if entry.is_dir() else "file"
        problems.append(Problem(display_path(entry.path), "bad_name", f"the {what} name is not valid UTF-8 "
                                f"text; it is left out until it is renamed"))
    return False


def _report_special(entry: os.DirEntry[str], problems: list[Problem]) -> None:
    try:
        what = special_file_kind(entry.stat(follow_symlinks=True).st_mode) or "not a regular file"
    except OSError:
        what = "a broken link"
    problems.append(Problem(entry.path, "not_a_file", f"{what}, not an image file; it is left out"))


def _class_dirs(root: Path, problems: list[Problem] | None = None) -> list[str]:
    try:
        with os.scandir(root) as it:
            return sorted(e.name for e in it if e.is_dir() and not _hidden(e.name) and _usable_name(e, problems))
    except OSError as e:
        raise UserError(f"cannot read folder {root}: {e}") from None


def _loose_images(root: Path) -> list[str]:
    with os.scandir(root) as it:
        return sorted(os.path.join(root, e.name) for e in it
                      if e.is_file() and not _hidden(e.name) and is_image_name(e.name, extra=True)
                      and utf8_name(e.name))


def detect_layout(root: Path) -> str:
    """split_folders: train/ beside val/ (or valid/, validation/) and/or test/, each holding class folders.

    A train/ + test/ folder without val/ (scikit-learn's and Kaggle's usual shape) is split folders too,
    not two classes named "train" and "test": validation is then split from train/. When train/ holds
    images rather than class folders, "train" and "test" really are class names.
    """
    dirs = {n.lower(): n for n in _class_dirs(root)}
    tops = set(dirs)
    if not ("train" in tops and tops & {"test", *VAL_DIR_NAMES} and tops <= SPLIT_DIR_NAMES):
        return "class_folders"
    has_val = bool(tops & set(VAL_DIR_NAMES))
    return "split_folders" if has_val or _class_dirs(root / dirs["train"]) else "class_folders"


def stratified_split(labels: list[int], val_fraction: float, seed: int) -> list[str]:
    """Per class, a seeded shuffle puts round(n * val_fraction) samples (at least one when n >= 2) in val."""
    splits = ["train"] * len(labels)
    if val_fraction <= 0:
        return splits
    rng = random.Random(seed)
    by_class: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        by_class.setdefault(lab, []).append(i)
    for lab in sorted(by_class):
        idx = by_class[lab]
        rng.shuffle(idx)
        n = len(idx)
        n_val = 0 if n < 2 else max(1, min(n - 1, round(n * val_fraction)))
        for i in idx[:n_val]:
            splits[i] = "val"
    return splits


def _check_header(path: str) -> Problem | None:
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                return Problem(path, "too_large", f"{im.width}x{im.height} pixels is over the limit")
        return None
    except Exception:
        try:
            load_rgb(path)
        except ImageLoadError as e:
            return Problem(path, e.kind, e.message)
        return None


def _check_decode(path: str) -> Problem | None:
    try:
        load_rgb(path, draft_size=(64, 64))
        return None
    except ImageLoadError as e:
        return Problem(path, e.kind, e.message)


def _header_size(path: str) -> tuple[int, int] | None:
    try:
        with Image.open(path) as im:
            w, h = im.size
            rotated = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: turned 90 degrees
            return (h, w) if rotated else (w, h)
    except Exception:
        return None


def typical_image_size(paths: Sequence[str], limit: int = 200, workers: int | None = None) -> tuple[int, int] | None:
    """Median width and height over an evenly spaced sample, read from file headers only.

    The suggested training image size comes from it; 200 headers take milliseconds on any folder.
    """
    if not paths:
        return None
    sample = list(paths[:: max(1, len(paths) // limit)])[:limit]
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        sizes = [s for s in pool.map(_header_size, sample) if s is not None]
    if not sizes:
        return None
    ws = sorted(w for w, _ in sizes)
    hs = sorted(h for _, h in sizes)
    return ws[len(ws) // 2], hs[len(hs) // 2]


def _zero_byte(path: str) -> bool:
    try:
        return os.path.getsize(path) == 0
    except OSError:
        return False


def fingerprint(root: str, classes: tuple[str, ...], samples: Iterable[Sample]) -> dict[str, Any]:
    """Identifies the exact files a run saw: relative path, size, mtime and label of each."""
    h = hashlib.sha256()
    h.update("\n".join(classes).encode())
    n = 0
    total = 0
    for s in samples:
        try:
            st = os.stat(s.path)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = -1, -1
        rel = os.path.relpath(s.path, root)
        h.update(f"\0{rel}\0{size}\0{mtime}\0{s.label}\0{s.split}".encode())
        n += 1
        total += max(size, 0)
    return {"sha256": h.hexdigest(), "num_files": n, "total_bytes": total, "classes": list(classes)}


def scan(
    folder: str | Path,
    val_fraction: float = 0.2,
    seed: int = 0,
    verify: str = "header",
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    workers: int | None = None,
) -> DatasetIndex:
    """Index `folder`: one sub-folder per class (or train/val/test folders of class folders).

    val_fraction of each class's images (seeded by seed, stratified) become the validation split of a
    plain class-folder layout. verify: 'none', 'header' (fast, default) or 'full' (decode every image);
    unreadable files become problems and are left out of the samples. progress(done, total, what) is
    called from this thread; cancel stops it with CancelledError. workers: threads that check files.

    Raises UserError when the folder is missing, is not a folder, or holds no class with a readable image.
    """
    root = Path(folder).expanduser()
    if not root.exists():
        raise UserError(f"folder not found: {root}")
    if not root.is_dir():
        raise UserError(f"not a folder: {root} (point to the folder that holds one sub-folder per class)")
    if not 0.0 <= val_fraction < 1.0:
        raise UserError(f"validation fraction must be in [0, 1), got {val_fraction}")
    root = root.resolve()
    if not utf8_name(str(root)):
        raise UserError(f"the folder path {display_path(str(root))} is not valid UTF-8 text; rename it")
    problems: list[Problem] = []
    layout = detect_layout(root)
    progress(0, 0, "listing files")
    labelled, class_names, unlabeled = _list_labelled(root, layout, problems)
    if cancel is not None:
        cancel.raise_if_set()
    paths = [p for p, _, _ in labelled]
    bad = _unreadable(paths, verify, workers, progress, cancel)
    problems.extend(bad[p] for p in paths if p in bad)
    good = [(p, c, s) for p, c, s in labelled if p not in bad]
    classes = _classes_with_images(root, layout, class_names, Counter(c for _, c, _ in good), problems)
    if not classes:
        hint = (" It has images directly inside: put them in one sub-folder per class, or label them "
                "on the Label page." if unlabeled else "")
        raise UserError(f"no classes found in {root}: expected one sub-folder of images per class.{hint}")
    cidx = {c: i for i, c in enumerate(classes)}
    labels = [cidx[c] for _, c, _ in good]
    splits, val_fraction = _splits(layout, [s for _, _, s in good], labels, val_fraction, seed)
    samples = tuple(Sample(p, lab, sp) for (p, _, _), lab, sp in zip(good, labels, splits, strict=True))
    return DatasetIndex(
        root=str(root), layout=layout, classes=classes, samples=samples, problems=tuple(problems),
        unlabeled=tuple(unlabeled), val_fraction=val_fraction,
        seed=seed, fingerprint=fingerprint(str(root), classes, samples),
        typical_size=typical_image_size([s.path for s in samples], workers=workers),
    )


def _splits(layout: str, given: list[str], labels: list[int], val_fraction: float,
            seed: int) -> tuple[list[str], float]:
    """Each sample's split and the fraction of train held out (0 when val/ came as a folder).

    Without a val/ folder the held-out part comes from train/ only, so test/ stays untouched for the
    final evaluation: training never sees it and model selection never peeks at it.
    """
    if layout == "class_folders":
        return stratified_split(labels, val_fraction, seed), val_fraction
    if "val" in given:
        return given, 0.0
    train = [i for i, sp in enumerate(given) if sp == "train"]
    held = stratified_split([labels[i] for i in train], val_fraction, seed)
    out = list(given)
    for i, sp in zip(train, held, strict=True):
        out[i] = sp
    return out, val_fraction


def _list_labelled(root: Path, layout: str, problems: list[Problem]
                   ) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """(path, class name, split) of every image in a class folder, the class names, and the loose images."""
    labelled: list[tuple[str, str, str]] = []
    if layout != "split_folders":
        class_names = _class_dirs(root, problems)
        for cname in class_names:
            labelled.extend((p, cname, "train") for p in _walk_images(root / cname, problems, root))
        return labelled, class_names, _loose_images(root)
    split_dirs = {n.lower(): n for n in _class_dirs(root)}
    class_names = _class_dirs(root / split_dirs["train"], problems)
    for split_key, split_name in [("train", "train"), *[(v, "val") for v in VAL_DIR_NAMES], ("test", "test")]:
        if split_key not in split_dirs:
            continue
        sdir = root / split_dirs[split_key]
        for cname in _class_dirs(sdir, problems if split_key != "train" else None):
            if cname not in class_names:
                problems.append(Problem(str(sdir / cname), "unknown_class",
                                        f"class '{cname}' is not in train/; its images are left out"))
                continue
            labelled.extend((p, cname, split_name) for p in _walk_images(sdir / cname, problems, root))
    return labelled, class_names, []


def _unreadable(paths: list[str], verify: str, workers: int | None, progress: ProgressFn,
                cancel: CancelToken | None) -> dict[str, Problem]:
    """Empty files, and with verify 'header' or 'full' the files that fail that check (in parallel:
    PIL releases the GIL while decoding)."""
    bad = {p: Problem(p, "corrupt", "the file is empty (0 bytes)") for p in paths if _zero_byte(p)}
    check = {"header": _check_header, "full": _check_decode}.get(verify)
    if check is None:
        if verify != "none":
            raise ValueError(f"verify must be none, header or full, not {verify!r}")
        return bad
    todo = [p for p in paths if p not in bad]
    with ThreadPoolExecutor(max_workers=workers or min(16, (os.cpu_count() or 2) * 2)) as pool:
        for i, prob in enumerate(pool.map(check, todo, chunksize=64), 1):
            if prob is not None:
                bad[prob.path] = prob
            if i % 64 == 0 or i == len(todo):
                progress(i, len(todo), "checking images")
                if cancel is not None:
                    cancel.raise_if_set()
    return bad


def _classes_with_images(root: Path, layout: str, class_names: list[str], counts: Counter[str],
                         problems: list[Problem]) -> tuple[str, ...]:
    """The classes with at least one readable image; each empty one becomes a problem."""
    for c in class_names:
        if counts.get(c, 0) == 0:
            where = root / "train" / c if layout == "split_folders" else root / c
            problems.append(Problem(str(where), "empty_class",
                                    f"class '{c}' has no readable images and is left out; "
                                    "add images or remove the folder"))
    return tuple(c for c in class_names if counts.get(c, 0) > 0)


def labeled_folder(folder: str | Path, classes: tuple[str, ...] | None = None,
                   verify: str = "header") -> DatasetIndex:
    """A folder used whole for evaluation (no split); with classes, labels follow the model's order."""
    idx = scan(folder, val_fraction=0.0, verify=verify)
    all_samples = list(idx.samples)
    if classes is None:
        return idx
    mapping = {i: classes.index(c) for i, c in enumerate(idx.classes) if c in classes}
    unknown = [c for c in idx.classes if c not in classes]
    if not mapping:
        raise UserError(f"none of the classes in {folder} ({', '.join(idx.classes)}) are known to the model "
                        f"({', '.join(classes)})")
    probs = [Problem(str(Path(idx.root) / c), "unknown_class",
                     f"class '{c}' is not one the model knows; its images are left out") for c in unknown]
    samples = tuple(Sample(s.path, mapping[s.label], "test") for s in all_samples if s.label in mapping)
    return DatasetIndex(root=idx.root, layout=idx.layout, classes=tuple(classes), samples=samples,
                        problems=idx.problems + tuple(probs), unlabeled=idx.unlabeled, val_fraction=0.0,
                        seed=0, fingerprint=fingerprint(idx.root, tuple(classes), samples))
