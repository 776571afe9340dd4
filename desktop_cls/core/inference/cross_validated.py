"""The honest evaluation of a run that learned from every labeled image.

With few images the quick mode validates by cross-validation and then fits its final head on all of them,
so the run has no image it has not seen: evaluating it on its own dataset afterwards scored the pictures it
learned (100 % where cross-validation had said 86 %). Training therefore keeps each image's out-of-fold
logits, computed by a head that did not learn that image, and evaluating the run on its own dataset shows
those: the same figure training reported, with the confusion matrix, mistakes and calibration behind it.

The file may come from someone else (a shared run folder): it is read bounded, and its paths are relative
names checked component by component, resolved inside the folder being evaluated, never used as given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from desktop_cls.core.app_files import AppFileError, read_app_json
from desktop_cls.core.names import name_problem
from desktop_cls.core.storage import write_json

CV_FILE = "cross_validation.json"
SPLIT = "cross-validation"


@dataclass(frozen=True)
class CrossValidated:
    paths: tuple[str, ...]  # absolute, inside the evaluated folder
    labels: np.ndarray  # int64, the model's class indices
    logits: np.ndarray  # N x classes, each row from a head that did not learn that image
    folds: int


def save_cross_validated(run: Path, root: str | Path, paths: Sequence[str], labels: np.ndarray, logits: np.ndarray,
                         folds: int) -> None:
    """Keep the out-of-fold logits beside the model, with paths relative to the dataset's folder."""
    base = Path(root)
    rel = [Path(p).relative_to(base).as_posix() for p in paths]
    write_json(run / CV_FILE, {"folds": int(folds), "paths": rel, "labels": [int(v) for v in labels],
                               "logits": np.round(np.asarray(logits, dtype=np.float64), 5).tolist()}, root=run)


def _relative(name: object) -> PurePosixPath | None:
    """A relative path whose every component is a plain name ('cat/a.png'), else None."""
    if not isinstance(name, str) or not name:
        return None
    rel = PurePosixPath(name)
    if rel.is_absolute() or any(name_problem(part) is not None for part in rel.parts):
        return None
    return rel


def load_cross_validated(run: Path, folder: Path, num_classes: int) -> CrossValidated | None:
    """The run's out-of-fold logits for its images in FOLDER; None when the run has none or the file does not
    hold what it should (the caller then evaluates the usual way)."""
    try:
        data = read_app_json(run / CV_FILE, follow_links=False)
    except (OSError, AppFileError):
        return None
    if not isinstance(data, dict):
        return None
    paths, labels, logits, folds = data.get("paths"), data.get("labels"), data.get("logits"), data.get("folds")
    if not (isinstance(paths, list) and isinstance(labels, list) and isinstance(logits, list)
            and isinstance(folds, int) and len(paths) == len(labels) == len(logits) > 0):
        return None
    rel = [_relative(p) for p in paths]
    if any(r is None for r in rel) or not all(isinstance(v, int) and 0 <= v < num_classes for v in labels):
        return None
    if not all(isinstance(row, list) and len(row) == num_classes
               and all(isinstance(z, (int, float)) and math.isfinite(z) for z in row) for row in logits):
        return None
    # an image moved to another class or deleted since training is left out: its label here would be stale
    keep = [i for i, r in enumerate(rel) if r is not None and folder.joinpath(*r.parts).is_file()]
    if not keep:
        return None
    return CrossValidated(tuple(str(folder.joinpath(*(rel[i] or PurePosixPath()).parts)) for i in keep),
                          np.asarray(labels, dtype=np.int64)[keep], np.asarray(logits, dtype=np.float64)[keep],
                          folds)
