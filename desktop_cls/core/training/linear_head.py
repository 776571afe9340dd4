"""The quick mode's head with its L2 strength chosen by cross-validation on the user's own images.

One fixed strength (C = 1) suits the digits it was tuned on; real pictures with 20 per class want another
(docs/benchmarks.md, "Real pictures"). Each candidate C is scored by the out-of-fold log-loss of k heads,
each fitted without the images it scores; the best C then fits the final head on every image. The chosen C's
out-of-fold logits come back too: they are the honest validation (accuracy, calibration, ECE) of the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from desktop_cls.core.events import CancelToken
from desktop_cls.core.training.embeddings import fit_linear_head, head_logits, stratified_folds

C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
STANDARDISED_C_GRID = (0.03, 0.1, 0.3, 1.0)  # standardised features want a stronger penalty


@dataclass(frozen=True)
class HeadFit:
    """The fitted head, the strength it was fitted with, and how that strength was judged."""

    weight: np.ndarray  # C x D
    bias: np.ndarray  # C
    c: float
    cv_logits: np.ndarray | None  # N x C out-of-fold logits at c; None when there was nothing to cross-validate
    cv_loss: dict[float, float]  # out-of-fold mean log-loss per candidate


def _log_loss(z: np.ndarray, y: np.ndarray) -> float:
    z = z - z.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean())


def out_of_fold_logits(x: np.ndarray, y: np.ndarray, num_classes: int, fold: np.ndarray, c: float,
                       cancel: CancelToken | None = None) -> np.ndarray:
    z = np.zeros((len(y), num_classes), dtype=np.float32)
    for f in np.unique(fold):
        held = fold == f
        if (~held).any():
            w, b = fit_linear_head(x[~held], y[~held], num_classes, c=c, cancel=cancel)
            z[held] = head_logits(x[held], w, b)
    return z


def cv_folds_for(y: np.ndarray, most: int = 5) -> int:
    """As many folds as the smallest class allows (each fold holds one of its images), up to `most`."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    if len(counts) < 2 or counts.min() < 2:
        return 0
    return int(min(most, counts.min()))


def standardised(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each feature to mean 0 and standard deviation 1 over these images: (x', mean, scale)."""
    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    return ((x - mean) / scale).astype(np.float32), mean, scale


def fold_standardisation(fit: HeadFit, mean: np.ndarray, scale: np.ndarray) -> HeadFit:
    """A head fitted on standardised features, rewritten to take the raw ones: the same logits, so the saved
    network needs no extra layer (w' = w / scale, b' = b - w' . mean)."""
    w = (fit.weight / scale).astype(np.float32)
    b = (fit.bias - w @ mean).astype(np.float32)
    return HeadFit(w, b, fit.c, fit.cv_logits, fit.cv_loss)


def fit_head_cv(x: np.ndarray, y: np.ndarray, num_classes: int, grid: Sequence[float] = C_GRID, folds: int = 5,
                seed: int = 0, standardise: bool = False, cancel: CancelToken | None = None) -> HeadFit:
    """The head at the C with the lowest out-of-fold log-loss (ties: the stronger regularisation).
    standardise: fitted on standardised features (the scale of each feature no longer decides how strongly
    it is regularised: avg- and max-pooled features side by side differ in scale), returned for raw ones.
    cancel: checked at every step of each of the grid x folds fits (CancelledError), so a Stop is prompt."""
    if standardise:
        xs, mean, scale = standardised(np.asarray(x, dtype=np.float32))
        return fold_standardisation(fit_head_cv(xs, y, num_classes, grid, folds, seed, cancel=cancel), mean, scale)
    y = np.asarray(y, dtype=np.int64)
    k = cv_folds_for(y, folds)
    if k < 2 or len(grid) == 0:
        c = 1.0 if len(grid) == 0 else float(grid[len(grid) // 2])
        w, b = fit_linear_head(x, y, num_classes, c=c, cancel=cancel)
        return HeadFit(w, b, c, None, {})
    fold = stratified_folds(y, k, seed)
    losses: dict[float, float] = {}
    logits: dict[float, np.ndarray] = {}
    for c in sorted(grid):
        logits[c] = out_of_fold_logits(x, y, num_classes, fold, c, cancel)
        losses[c] = _log_loss(logits[c], y)
    best = min(losses, key=lambda c: (round(losses[c], 4), c))
    w, b = fit_linear_head(x, y, num_classes, c=best, cancel=cancel)
    return HeadFit(w, b, best, logits[best], losses)
