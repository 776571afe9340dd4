"""A run's suggestions for the Label page's loose images, each as sure as the run has been shown to be right:
checked on its cross-validated predictions of the folder it learned from, or, in another folder, on that
folder's labeled images it did not learn (other_folder_check). The numbers are sure_suggestions'."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.inference.sure_suggestions import PrecisionCheck, precision_check

if TYPE_CHECKING:
    from desktop_cls.core.inference.predictor import Predictor


def run_precision_check(predictor: Predictor, model_source: str | Path, folder: str | Path,
                        progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> PrecisionCheck | None:
    """The check for a run's suggestions in FOLDER. On the folder it learned from: its saved out-of-fold logits
    (cross_validated; None when it kept none: it validated on a held-out split, whose calibration then stands).
    On another folder: that folder's labeled images it did not learn (other_folder_check)."""
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.inference.cross_validated import load_cross_validated
    from desktop_cls.core.inference.other_folder_check import other_folder_check

    source = Path(model_source)
    run = source if source.is_dir() else source.parent
    root = Path(folder).expanduser().resolve()
    info = rd.run_info_or_none(run)
    if info is None or info.get("dataset_root") != str(root):
        return other_folder_check(predictor, run, info, root, progress, cancel)
    cv = load_cross_validated(run, root, len(predictor.classes))
    if cv is None:
        return None
    return precision_check(cv.logits, cv.labels, predictor.temperature)


@dataclass(frozen=True)
class ModelSuggestions:
    """A run's suggestions for loose images: file name -> (class, confidence), the model's classes, the check."""

    suggestions: dict[str, tuple[str, float]]
    classes: tuple[str, ...]
    check: PrecisionCheck | None
    lowered: frozenset[str] = frozenset()  # names whose confidence the check lowered (the model was surer)


def model_suggestions(model: str | Path, root: str | Path, names: Sequence[str], progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> ModelSuggestions:
    """The chosen run's suggestion for each name in ROOT, its confidences checked as the live ones are: on the
    run's cross-validated predictions of this folder's images, or, for a run of another folder, on this folder's
    labeled images it did not learn."""
    from desktop_cls.core.inference.predictor import Predictor

    predictor = Predictor.load(model)
    preds = [p for p in predictor.predict_paths([Path(root) / n for n in names], progress=progress, cancel=cancel)
             if p.label]
    check = run_precision_check(predictor, model, root, progress, cancel)
    conf = np.array([p.confidence for p in preds], dtype=np.float64)
    lowered: frozenset[str] = frozenset()
    if check is not None:
        lowered = frozenset(Path(p.path).name for p, low in zip(preds, check.lowered(conf), strict=True) if low)
        conf = check.honest(conf)
    return ModelSuggestions({Path(p.path).name: (str(p.label), float(c)) for p, c in zip(preds, conf, strict=True)},
                            tuple(predictor.classes), check, lowered)
