"""How sure a suggestion may say it is: never surer than the model has been shown to be right.

A head fitted on a few labeled images gives softmax confidences that can say "95 %" while being right
half the time, and *Accept above 90 %* files every such image into a class. So each confidence is checked
against the labeled images' own out-of-fold predictions (each made by a head that did not learn that
image): among those predicted at least c sure, the share that was right, as the Laplace estimate
(right + 1) / (n + 2). A suggestion c sure is shown as min(c, that share), made non-decreasing in c so
that the suggestions above any threshold are the surest ones, and the images moved at a threshold t were
right at least t of the time on the labeled ones. With no out-of-fold predictions (a class has fewer
than two labeled images; for a run's suggestions in another folder, see other_folder_check) nothing can be
checked and the share is the estimate of nothing: 50 %.
To reach 90 % the check needs at least 8 labeled images predicted that sure, all right (18 with one
mistake). Measured on real pictures in docs/benchmarks.md, "Suggestions: how sure is sure".

Torch-free: the Label page keeps the check of the suggestions it shows and asks it why none is sure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from desktop_cls.core.i18n import _

UNCHECKED = 0.5  # the Laplace estimate of a precision measured on no image


@dataclass(frozen=True)
class PrecisionCheck:
    """The labeled images' out-of-fold confidences, ascending, and the Laplace precision of the predictions
    at or above each; empty when nothing could be cross-validated."""

    confidences: np.ndarray  # n, ascending
    precision: np.ndarray  # n: (right among those >= confidences[i] + 1) / (their count + 2)
    labelled: int  # labelled images the suggestions were checked on
    why: str = ""  # why nothing could be checked, when it is not too few labelled images (the user's words)

    @property
    def checked(self) -> bool:
        """Whether any labeled image checked the suggestions (else each is shown at most UNCHECKED sure)."""
        return len(self.confidences) > 0

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

    def lowered(self, confidence: np.ndarray) -> np.ndarray:
        """Which confidences `honest` lowers: the model was surer than the check supports, so the shown value is
        what the check measured, not the model's own (the Label page shows it as "≥": right at least that often
        on the labeled images, and the model said more)."""
        c = np.asarray(confidence, dtype=np.float64)
        return self.honest(c) < c - 1e-9

    def note(self, threshold: float) -> str:
        """Why no suggestion reaches `threshold`, in words for the user ("" when some can)."""
        if self.ceiling >= threshold:
            return ""
        if len(self.confidences) == 0 and self.why:
            return self.why
        if len(self.confidences) == 0:
            return _("Suggestions cannot be checked yet: every class needs at least 2 labeled images, so none is "
                     "shown as more than {cap:.0%} sure. Label a few more images in each class.").format(
                cap=UNCHECKED)
        return _("No suggestion is shown as {threshold:.0%} sure yet: checked on the {count} labeled images (each "
                 "predicted by a model that did not learn it), the suggestions were right too rarely, or on too "
                 "few images, to support more than {cap:.0%}. Label more images to raise it.").format(
            threshold=threshold, count=self.labelled, cap=math.floor(self.ceiling * 100) / 100)  # 85.7 %: "85 %"


def precision_check(oof_logits: np.ndarray | None, labels: np.ndarray, temperature: float = 1.0,
                    labelled: int | None = None) -> PrecisionCheck:
    """The check from out-of-fold logits (None: there were none) of labeled images, at the temperature the
    suggestions will be made with."""
    from desktop_cls.core.inference.calibration import softmax

    y = np.asarray(labels, dtype=np.int64)
    count = len(y) if labelled is None else labelled
    if oof_logits is None or len(y) == 0:
        return PrecisionCheck(np.zeros(0), np.zeros(0), count)
    probs = softmax(oof_logits, temperature)
    return checked_on(probs.max(1), probs.argmax(1) == y, count)


def unchecked(why: str) -> PrecisionCheck:
    """No labeled image could check the suggestions, for the reason `why` (the user's words)."""
    return PrecisionCheck(np.zeros(0), np.zeros(0), 0, why)


def checked_on(confidence: np.ndarray, right: np.ndarray, labelled: int) -> PrecisionCheck:
    """The check from held-out predictions of labeled images: how sure each was, and whether it was right."""
    conf, right = np.asarray(confidence, dtype=np.float64), np.asarray(right, dtype=bool)
    if len(conf) == 0:
        return PrecisionCheck(np.zeros(0), np.zeros(0), labelled)
    order = np.argsort(conf, kind="stable")
    conf, right = conf[order], right[order]
    right_above = np.cumsum(right[::-1])[::-1]  # right among those at or after i
    precision = (right_above + 1) / (np.arange(len(conf), 0, -1) + 2)
    first = np.searchsorted(conf, conf, side="left")  # equal confidences: all of them are "at least this sure"
    return PrecisionCheck(conf, precision[first], labelled)
