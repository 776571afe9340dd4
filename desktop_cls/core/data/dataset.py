"""Scan an image folder into a dataset index: classes, samples, split, problems, fingerprint.

Class names and indices match torchvision's ImageFolder on the same folder, except that hidden
files and folders are never classes or samples, an empty class is reported instead of fatal,
and symlink loops end. A folder link inside a class that leads up the tree or into another
class is reported (`symlink_loop`) and not followed, so no image is counted under the wrong class.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from desktop_cls.core.data.collector import gc_paused
from desktop_cls.core.data.file_checks import typical_image_size, unreadable
from desktop_cls.core.data.folder_layout import detect_layout, list_labelled
from desktop_cls.core.data.folder_walk import digest, stat_files
from desktop_cls.core.data.imaging import display_path, utf8_name
from desktop_cls.core.data.problems import Problem
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _, join_list

__all__ = ["DatasetIndex", "Problem", "Sample", "fingerprint", "labeled_folder", "scan", "stratified_split"]


class Sample(NamedTuple):
    """One image of a dataset. A named tuple, not a dataclass: a scan makes one per image, 100,000 on a large
    folder, and a tuple is made in C (see _samples) where a frozen dataclass runs __init__ for each."""

    path: str
    label: int
    split: str  # train | val | test


_ALL_SPLITS = "*"


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

    def held_out_split(self) -> str:
        """The split an evaluation scores by default: test when the folder has one, else validation."""
        return "test" if self.split_size("test") else "val"

    def split_size(self, name: str) -> int:
        """Images in one split, from the counts kept per index: the window asks when a dataset arrives, and a
        pass over 100,000 samples there is 20 ms of its UI thread each time."""
        return sum(self._split_counts.get(name, Counter()).values())

    def counts(self, split: str | None = None) -> dict[str, int]:
        """Images per class, in one split or in all. Counted once per index: the window asks several times for
        each change of dataset or option, and each count of 100,000 samples took 30 ms of its UI thread."""
        c = self._split_counts.get(_ALL_SPLITS if split is None else split, Counter())
        return {name: c[i] for i, name in enumerate(self.classes)}

    def positions(self, label: int) -> np.ndarray:
        """Where one class's samples are in `samples`, in their order: a view of one class reads through them.
        Grouped once per index (see `prepare`)."""
        order, starts = self._label_order
        return order[starts[label]:starts[label + 1]] if 0 <= label < len(self.classes) else order[:0]

    def position(self, path: str) -> int | None:
        """Where the sample of PATH is in `samples` (None: no sample has that path); mapped once per index."""
        return self._path_positions.get(path)

    def prepare(self) -> DatasetIndex:
        """Make what the window asks of a new index (counts, each class's positions, the path map), on the thread
        that made it: each is a pass over every sample, 10-30 ms of the UI thread at 100,000 images."""
        self.counts()
        _ = self._label_order, self._path_positions
        return self

    @cached_property
    def _label_order(self) -> tuple[np.ndarray, np.ndarray]:
        """The samples' positions sorted by label (stable), and where each label's run starts (one more at the end)."""
        labels = np.array([s.label for s in self.samples], dtype=np.int64)  # a loop that hands the lock round
        order = np.argsort(labels, kind="stable")
        return order, np.searchsorted(labels[order], np.arange(len(self.classes) + 1))

    @cached_property
    def _path_positions(self) -> dict[str, int]:
        return {s.path: i for i, s in enumerate(self.samples)}

    @cached_property
    def _split_counts(self) -> dict[str, Counter[int]]:
        """Label counts per split, and over all splits (_ALL_SPLITS); kept in the instance's dict."""
        return _count_splits(map(attrgetter("split", "label"), self.samples))

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
            "splits": {sp: self.split_size(sp) for sp in ("train", "val", "test")},
            "unlabeled": len(self.unlabeled),
            "problems": [p.to_dict() for p in self.problems],
            "typical_image_size": list(self.typical_size) if self.typical_size else None,
        }


def _count_splits(pairs: Iterable[tuple[str, int]]) -> dict[str, Counter[int]]:
    by_split: dict[str, Counter[int]] = {_ALL_SPLITS: Counter()}
    for (split, label), n in Counter(pairs).items():
        by_split.setdefault(split, Counter())[label] += n
        by_split[_ALL_SPLITS][label] += n
    return by_split


def stratified_split(labels: list[int], val_fraction: float, seed: int) -> list[str]:
    """Per class, a seeded shuffle puts round(n * val_fraction) samples (at least one when n >= 2) in val."""
    splits = ["train"] * len(labels)
    if val_fraction <= 0 or not labels:
        return splits
    rng = random.Random(seed)
    column = np.asarray(labels)
    ordered = np.argsort(column, kind="stable")  # each class's indices in order, class by class
    cuts = np.flatnonzero(np.diff(column[ordered])) + 1
    for group in np.split(ordered, cuts):
        idx = group.tolist()
        _shuffle(idx, rng)
        n = len(idx)
        n_val = 0 if n < 2 else max(1, min(n - 1, round(n * val_fraction)))
        for i in idx[:n_val]:
            splits[i] = "val"
    return splits


def _shuffle(x: list[int], rng: random.Random) -> None:
    """rng.shuffle(x) with its draws inlined: the same calls to getrandbits in the same order, so the same
    order for a seed as ever (tests/core/test_walk_bulk.py checks it), at half the cost per element."""
    getrandbits = rng.getrandbits
    top = len(x) - 1  # i runs down to 1, j drawn in [0, i] with (i + 1).bit_length() bits: the same k for a run of i
    while top >= 1:
        k = (top + 1).bit_length()
        low = (1 << (k - 1)) - 1  # the smallest i drawn with k bits
        for i in range(top, low - 1, -1):
            j = getrandbits(k)
            while j > i:
                j = getrandbits(k)
            x[i], x[j] = x[j], x[i]
        top = low - 1


def fingerprint(root: str, classes: tuple[str, ...], samples: Iterable[Sample]) -> dict[str, Any]:
    """Identifies the exact files a run saw: relative path, size, mtime and label of each (each file stat()ed)."""
    samples = list(samples)
    return digest(root, classes, stat_files([s.path for s in samples]), [s.label for s in samples],
                   [s.split for s in samples])


def scan(
    folder: str | Path,
    val_fraction: float = 0.2,
    seed: int = 0,
    verify: str = "header",
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    workers: int | None = None,
    unlabeled_only: bool = False,
) -> DatasetIndex:
    """Index `folder`: one sub-folder per class (or train/val/test folders of class folders).

    val_fraction of each class's images (seeded by seed, stratified) become the validation split of a
    plain class-folder layout. verify: 'none', 'header' (fast, default) or 'full' (decode every image);
    unreadable files become problems and are left out of the samples. progress(done, total, what) is
    called from this thread; cancel stops it with CancelledError. workers: threads that check files.

    Raises UserError when the folder is missing, is not a folder, or holds no class with a readable image
    (unlabeled_only: unless images lie directly inside, a pile to label, which is an index without classes).
    """
    root = _folder_to_scan(folder, val_fraction)
    problems: list[Problem] = []
    layout = detect_layout(root)
    progress(0, 0, _("listing files"))
    files, class_names, unlabeled = list_labelled(root, layout, problems)
    if cancel is not None:
        cancel.raise_if_set()
    # split before the check: which images are validated follows the folder's image files and the seed, not how
    # closely a front end checked them (the app's header check, the CLI's none, a health check after either)
    splits, val_fraction = _splits(layout, files.splits, _class_keys(files.classes, class_names), val_fraction, seed)
    bad = unreadable(files, verify, workers, progress, cancel)
    if bad:
        problems.extend(bad[p] for p in files.paths if p in bad)
        kept = [i for i, p in enumerate(files.paths) if p not in bad]
        files, splits = files.reordered(kept), list(map(splits.__getitem__, kept))
    classes = _classes_with_images(root, layout, class_names, Counter(files.classes), problems, bool(unlabeled))
    if not classes and not (unlabeled_only and unlabeled):
        raise _no_classes(root, bool(unlabeled))
    labels = _class_keys(files.classes, list(classes))
    index = DatasetIndex(
        root=str(root), layout=layout, classes=classes, samples=_samples(files.paths, labels, splits),
        problems=tuple(problems), unlabeled=tuple(unlabeled), val_fraction=val_fraction,
        seed=seed, fingerprint=digest(str(root), classes, files, labels, splits),
        typical_size=typical_image_size(files.paths, workers=workers),
    )
    # counted here, on the scanning thread, not by the window's first look; from the columns (zip's one tuple)
    index.__dict__["_split_counts"] = _count_splits(zip(splits, labels, strict=True))  # as the cached property
    return index


def _class_keys(names: list[str], classes: list[str]) -> list[int]:
    """Each file's class as its position in `classes`."""
    return list(map({c: i for i, c in enumerate(classes)}.__getitem__, names))


def _folder_to_scan(folder: str | Path, val_fraction: float) -> Path:
    """The folder resolved, or a UserError that says what to point to instead."""
    root = Path(folder).expanduser()
    if not root.exists():
        raise UserError(_("folder not found: {folder}").format(folder=root))
    if not root.is_dir():
        raise UserError(_("not a folder: {folder} (point to the folder that holds one sub-folder per class)").format(
            folder=root))
    if not 0.0 <= val_fraction < 1.0:
        raise UserError(_("validation fraction must be in [0, 1), got {value}").format(value=val_fraction))
    root = root.resolve()
    if not utf8_name(str(root)):
        raise UserError(_("the folder path {folder} is not valid UTF-8 text; rename it").format(
            folder=display_path(str(root))))
    return root


def _no_classes(root: Path, unlabeled: bool) -> UserError:
    """No class has a readable image; with images directly inside, also how to give them classes."""
    message = _("no classes found in {folder}: expected one sub-folder of images per class.").format(folder=root)
    if unlabeled:  # two sentences, joined as the language joins them (no space after "。")
        message = _("{sentence} {next}").format(sentence=message, next=_(
            "It has images directly inside: put them in one sub-folder per class, or label them on the Label page."))
    return UserError(message)


def _samples(paths: list[str], labels: list[int], splits: list[str]) -> tuple[Sample, ...]:
    """Sample(path, label, split) for each, made without a Python call per sample (tuple.__new__ from C)."""
    with gc_paused():
        return tuple(map(tuple.__new__, repeat(Sample), zip(paths, labels, splits, strict=True)))


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


def _classes_with_images(root: Path, layout: str, class_names: list[str], counts: Counter[str],
                         problems: list[Problem], waiting: bool) -> tuple[str, ...]:
    """The classes with at least one readable image; each empty one becomes a problem (waiting: to label into)."""
    for c in class_names:
        if counts.get(c, 0) == 0:
            where = root / "train" / c if layout == "split_folders" else root / c
            problems.append(Problem(str(where), "empty_class", (_(
                "class '{name}' has no images yet; label some into it on the Label page (training leaves it out "
                "until then)") if waiting else _(
                "class '{name}' has no readable images and is left out; add images or remove the folder")).format(
                    name=c)))
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
        raise UserError(_("none of the classes in {folder} ({classes}) are known to the model ({known})").format(
            folder=folder, classes=join_list(idx.classes), known=join_list(classes)))
    probs = [Problem(str(Path(idx.root) / c), "unknown_class",
                     _("class '{name}' is not one the model knows; its images are left out").format(name=c))
             for c in unknown]
    samples = tuple(Sample(s.path, mapping[s.label], "test") for s in all_samples if s.label in mapping)
    return DatasetIndex(root=idx.root, layout=idx.layout, classes=tuple(classes), samples=samples,
                        problems=idx.problems + tuple(probs), unlabeled=idx.unlabeled, val_fraction=0.0,
                        seed=0, fingerprint=fingerprint(idx.root, tuple(classes), samples))
