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


def per_class_scores(cm: np.ndarray, classes: tuple[str, ...] | list[str]) -> dict[str, dict[str, float]]:
    tp = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return {c: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                "support": int(support[i])} for i, c in enumerate(classes)}


def averages(per_class: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    rows = list(per_class.values())
    support = np.array([r["support"] for r in rows], dtype=np.float64)
    out: dict[str, dict[str, float]] = {}
    for key in ("precision", "recall", "f1"):
        vals = np.array([r[key] for r in rows])
        present = support > 0
        out.setdefault("macro", {})[key] = float(vals[present].mean()) if present.any() else 0.0
        out.setdefault("weighted", {})[key] = float((vals * support).sum() / support.sum()) if support.sum() else 0.0
    out["macro"]["support"] = out["weighted"]["support"] = int(support.sum())
    return out


def top_k_accuracy(y_true: np.ndarray, probs: np.ndarray, k: int) -> float:
    if len(y_true) == 0:
        return float("nan")
    k = min(k, probs.shape[1])
    top = np.argsort(-probs, axis=1)[:, :k]
    return float((top == y_true[:, None]).any(axis=1).mean())


def expected_calibration_error(y_true: np.ndarray, probs: np.ndarray, bins: int = 15) -> float:
    if len(y_true) == 0:
        return float("nan")
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_true
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs(correct[m].mean() - conf[m].mean())
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


def pr_curve(is_positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) as the threshold sweeps down through the scores."""
    order = np.argsort(-scores, kind="stable")
    pos = is_positive[order].astype(np.float64)
    tp = np.cumsum(pos)
    fp = np.cumsum(1 - pos)
    total = max(pos.sum(), 1.0)
    precision = tp / np.maximum(tp + fp, 1e-12)
    recall = tp / total
    return (np.concatenate([[1.0], precision]), np.concatenate([[0.0], recall]),
            np.concatenate([[np.inf], scores[order]]))


def roc_curve(is_positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(false positive rate, true positive rate, area under the curve)."""
    order = np.argsort(-scores, kind="stable")
    pos = is_positive[order].astype(np.float64)
    tpr = np.concatenate([[0.0], np.cumsum(pos) / max(pos.sum(), 1.0)])
    fpr = np.concatenate([[0.0], np.cumsum(1 - pos) / max((1 - pos).sum(), 1.0)])
    auc = float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))
    return fpr, tpr, auc


def average_precision(is_positive: np.ndarray, scores: np.ndarray) -> float:
    precision, recall, _ = pr_curve(is_positive, scores)
    return float(np.sum((recall[1:] - recall[:-1]) * precision[1:]))
