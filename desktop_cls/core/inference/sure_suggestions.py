"""How sure a suggestion may say it is: never surer than the model has been shown to be right.

A head fitted on a few labelled images gives softmax confidences that can say "95 %" while being right
half the time, and *Accept above 90 %* files every such image into a class. So each confidence is checked
against the labelled images' own out-of-fold predictions (each made by a head that did not learn that
image): among those predicted at least c sure, the share that was right, as the Laplace estimate
(right + 1) / (n + 2). A suggestion c sure is shown as min(c, that share), made non-decreasing in c so
that the suggestions above any threshold are the surest ones, and the images moved at a threshold t were
right at least t of the time on the labelled ones. With no out-of-fold predictions (a class has fewer
than two labelled images) nothing can be checked and the share is the estimate of nothing: 50 %.
To reach 90 % the check needs at least 8 labelled images predicted that sure, all right (18 with one
mistake). Measured on real pictures in docs/benchmarks.md, "Suggestions: how sure is sure".

Torch-free: the Label page keeps the check of the suggestions it shows and asks it why none is sure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _

UNCHECKED = 0.5  # the Laplace estimate of a precision measured on no image


@dataclass(frozen=True)
class PrecisionCheck:
    """The labelled images' out-of-fold confidences, ascending, and the Laplace precision of the predictions
    at or above each; empty when nothing could be cross-validated."""

    confidences: np.ndarray  # n, ascending
    precision: np.ndarray  # n: (right among those >= confidences[i] + 1) / (their count + 2)
    labelled: int  # labelled images the suggestions learned from

    @property
    def ceiling(self) -> float:
        """The surest any suggestion can be shown: the most the check supports."""
        return float(self.honest(np.ones(1))[0])

    def honest(self, confidence: np.ndarray) -> np.ndarray:
        """Each confidence capped by the precision measured at or above it, made non-decreasing."""
        c = np.asarray(confidence, dtype=np.float64)
        if len(self.confidences) == 0:
            return np.minimum(c, UNCHECKED)
        s, p = self.confidences, self.precision
        own = np.minimum(s, p)  # what a suggestion exactly as sure as labelled image j may claim
        best_below = np.maximum.accumulate(own)
        j = np.searchsorted(s, c, side="left")  # the checked images at least c sure start at j
        above = np.where(j < len(s), p[np.minimum(j, len(s) - 1)], UNCHECKED)
        out = np.minimum(c, above)
        below = np.where(j > 0, best_below[np.maximum(j - 1, 0)], 0.0)
        return np.maximum(out, np.minimum(below, c))

    def note(self, threshold: float) -> str:
        """Why no suggestion reaches `threshold`, in words for the user ("" when some can)."""
        if self.ceiling >= threshold:
            return ""
        if len(self.confidences) == 0:
            return _("Suggestions cannot be checked yet: every class needs at least 2 labelled images, so none is "
                     "shown as more than {cap:.0%} sure. Label a few more images in each class.").format(
                cap=UNCHECKED)
        return _("No suggestion is shown as {threshold:.0%} sure yet: checked on the {count} labelled images (each "
                 "predicted by a model that did not learn it), the suggestions were right too rarely, or on too "
                 "few images, to support more than {cap:.0%}. Label more images to raise it.").format(
            threshold=threshold, count=self.labelled, cap=math.floor(self.ceiling * 100) / 100)  # 85.7 %: "85 %"


def precision_check(oof_logits: np.ndarray | None, labels: np.ndarray, temperature: float = 1.0,
                    labelled: int | None = None) -> PrecisionCheck:
    """The check from out-of-fold logits (None: there were none) of labelled images, at the temperature the
    suggestions will be made with."""
    from desktop_cls.core.inference.calibration import softmax

    y = np.asarray(labels, dtype=np.int64)
    count = len(y) if labelled is None else labelled
    if oof_logits is None or len(y) == 0:
        return PrecisionCheck(np.zeros(0), np.zeros(0), count)
    probs = softmax(oof_logits, temperature)
    conf, right = probs.max(1), probs.argmax(1) == y
    order = np.argsort(conf, kind="stable")
    conf, right = conf[order], right[order]
    right_above = np.cumsum(right[::-1])[::-1]  # right among those at or after i
    precision = (right_above + 1) / (np.arange(len(conf), 0, -1) + 2)
    first = np.searchsorted(conf, conf, side="left")  # equal confidences: all of them are "at least this sure"
    return PrecisionCheck(conf, precision[first], count)


def run_precision_check(model_source: str | Path, folder: str | Path, num_classes: int,
                        temperature: float) -> PrecisionCheck | None:
    """The check for a quick run's suggestions on the dataset it learned from: its saved out-of-fold logits
    (cross_validated). None when the run kept none (it validated on a held-out split, whose calibration then
    stands) or was trained on another folder."""
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.inference.cross_validated import load_cross_validated

    source = Path(model_source)
    run = source if source.is_dir() else source.parent
    root = Path(folder).expanduser().resolve()
    info = rd.run_info_or_none(run)
    if info is None or info.get("dataset_root") != str(root):
        return None
    cv = load_cross_validated(run, root, num_classes)
    if cv is None:
        return None
    return precision_check(cv.logits, cv.labels, temperature)


@dataclass(frozen=True)
class ModelSuggestions:
    """A run's suggestions for loose images: file name -> (class, confidence), the model's classes, the check."""

    suggestions: dict[str, tuple[str, float]]
    classes: tuple[str, ...]
    check: PrecisionCheck | None


def model_suggestions(model: str | Path, root: str | Path, names: Sequence[str], progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> ModelSuggestions:
    """The chosen run's suggestion for each name in ROOT, its confidences checked as the live ones are where
    the run kept its cross-validated predictions of this folder's images."""
    from desktop_cls.core.inference.predictor import Predictor

    predictor = Predictor.load(model)
    preds = [p for p in predictor.predict_paths([Path(root) / n for n in names], progress=progress, cancel=cancel)
             if p.label]
    check = run_precision_check(model, root, len(predictor.classes), predictor.temperature)
    conf = np.array([p.confidence for p in preds], dtype=np.float64)
    if check is not None:
        conf = check.honest(conf)
    return ModelSuggestions({Path(p.path).name: (str(p.label), float(c)) for p, c in zip(preds, conf, strict=True)},
                            tuple(predictor.classes), check)
