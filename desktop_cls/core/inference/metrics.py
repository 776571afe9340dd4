"""Classification metrics from labels and probabilities (numpy only, so any consumer can use them)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """rows = true class, columns = predicted class."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    return cm


def per_class_scores(cm: np.ndarray, classes: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """Precision, recall, F1 and support per class; None where a score is undefined.

    A class with no true images has no recall (None). Its precision is 0 when the model predicted it (those
    predictions are all false positives), else None; its F1 follows 2tp / (2tp + fp + fn), as scikit-learn's.
    A class with images that is never predicted scores precision 0 (scikit-learn's zero_division=0).
    """
    tp = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    denom = support + predicted  # 2tp + fp + fn
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)

    def score(values: np.ndarray, i: int, defined: bool) -> float | None:
        return float(values[i]) if defined else None

    return {c: {"precision": score(precision, i, bool(support[i] or predicted[i])),
                "recall": score(recall, i, bool(support[i])),
                "f1": score(f1, i, bool(support[i] or predicted[i])),
                "support": int(support[i])} for i, c in enumerate(classes)}


def averages(per_class: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Macro and support-weighted means over the classes that have images among the true labels (as
    scikit-learn's classification_report with labels= those classes): a class without images has no recall,
    so it is left out rather than counted as 0. None when no class has images."""
    rows = [r for r in per_class.values() if r["support"] > 0]
    support = np.array([r["support"] for r in rows], dtype=np.float64)
    out: dict[str, dict[str, Any]] = {"macro": {}, "weighted": {}}
    for key in ("precision", "recall", "f1"):
        vals = np.array([r[key] for r in rows], dtype=np.float64)
        out["macro"][key] = float(vals.mean()) if rows else None
        out["weighted"][key] = float((vals * support).sum() / support.sum()) if rows else None
    out["macro"]["support"] = out["weighted"]["support"] = int(support.sum())
    return out


def top_k_accuracy(y_true: np.ndarray, probs: np.ndarray, k: int) -> float:
    """Share of images whose class is among the k highest scores; ties broken as scikit-learn does."""
    if len(y_true) == 0:
        return float("nan")
    k = min(k, probs.shape[1])
    top = np.argsort(probs, axis=1, kind="stable")[:, ::-1][:, :k]
    return float((top == y_true[:, None]).any(axis=1).mean())


def expected_calibration_error(y_true: np.ndarray, probs: np.ndarray, bins: int = 15) -> float:
    """Top-label ECE over equal-width confidence bins (lo, hi], the binning of scikit-learn's calibration_curve."""
    if len(y_true) == 0:
        return float("nan")
    return calibration_error(probs.max(axis=1), probs.argmax(axis=1) == y_true, bins)


def calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """The same for confidences as shown (a suggestion's may be capped below its probability) and whether each
    was right."""
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (confidence > lo) & (confidence <= hi)
        if m.any():
            ece += m.mean() * abs(correct[m].mean() - confidence[m].mean())
    return float(ece)


def classification_report(y_true: np.ndarray, probs: np.ndarray, classes: tuple[str, ...] | list[str],
                          top_k: int = 5) -> dict[str, Any]:
    y_pred = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=np.int64)
    cm = confusion_matrix(y_true, y_pred, len(classes))
    per_class = per_class_scores(cm, classes)
    return {
        "accuracy": float((y_pred == y_true).mean()) if len(y_true) else float("nan"),
        f"top{min(top_k, len(classes))}_accuracy": top_k_accuracy(y_true, probs, top_k),
        "num_images": len(y_true),
        "classes": list(classes),
        "per_class": per_class,
        "averages": averages(per_class),
        "confusion_matrix": cm.tolist(),
        "ece": expected_calibration_error(y_true, probs),
    }


def _threshold_counts(is_positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True and false positives at each distinct score, highest first.

    Tied scores form one threshold (as in scikit-learn), so the curves and their areas do not depend on
    the order the images came in (saturated probabilities of 1.0 tie often).
    """
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    s = scores[order]
    pos = np.asarray(is_positive, dtype=bool)[order].astype(np.float64)
    last_of_each = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1] if len(s) else np.zeros(0, dtype=np.int64)
    tp = np.cumsum(pos)[last_of_each]
    fp = 1.0 + last_of_each - tp
    return tp, fp, s[last_of_each]


def pr_curve(is_positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) as the threshold sweeps down through the distinct scores.

    The points are scikit-learn's precision_recall_curve in reverse order, starting at (recall 0, precision 1).
    """
    tp, fp, thresholds = _threshold_counts(is_positive, scores)
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    recall = tp / tp[-1] if len(tp) and tp[-1] > 0 else np.ones_like(tp)
    return (np.concatenate([[1.0], precision]), np.concatenate([[0.0], recall]),
            np.concatenate([[np.inf], thresholds]))


def roc_curve(is_positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(false positive rate, true positive rate, area under the curve); the area is NaN without both classes."""
    tp, fp, _ = _threshold_counts(is_positive, scores)
    n_pos = tp[-1] if len(tp) else 0.0
    n_neg = fp[-1] if len(fp) else 0.0
    tpr = np.concatenate([[0.0], tp / max(n_pos, 1.0)])
    fpr = np.concatenate([[0.0], fp / max(n_neg, 1.0)])
    if n_pos == 0 or n_neg == 0:
        return fpr, tpr, float("nan")
    auc = float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))
    return fpr, tpr, auc


def average_precision(is_positive: np.ndarray, scores: np.ndarray) -> float:
    """Sum over thresholds of (recall gained) x precision, as scikit-learn's average_precision_score."""
    precision, recall, _ = pr_curve(is_positive, scores)
    return float(np.sum((recall[1:] - recall[:-1]) * precision[1:]))
