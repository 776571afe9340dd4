"""The checks a kept evaluation (saved_evaluation) passes before the window shows it: every field of the report
(metrics.classification_report and Evaluation.to_dict), the scored images and the curves, by type and range; the
class names are the run's own; each image path stays inside the evaluated folder; the confusion matrix is the one
the scored images give. What passes is rebuilt from the known fields only."""

from __future__ import annotations

import os
import re
from typing import Any

from desktop_cls.core.i18n import _
from desktop_cls.core.inference import kept_results as kr
from desktop_cls.core.inference.cross_validated import SPLIT as CV_SPLIT

MAX_CLASSES = 10_000
MAX_IMAGES = 2_000_000
MAX_POINTS = MAX_IMAGES + 2  # a curve has a point per distinct score, and its ends
SPLITS = ("validation", "val", "test", "folder", CV_SPLIT)
_TOP_K = re.compile(r"top([1-9][0-9]{0,4})_accuracy")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SCORES = ("precision", "recall", "f1")


def checked_evaluation(data: dict[str, Any], run_classes: tuple[str, ...]) -> dict[str, Any]:
    """The kept file's fields, checked; kr.Refused naming the first field that is not what the app writes."""
    report = kr.record(data.get("report"), "report")
    classes = _classes(report.get("classes"), run_classes)
    samples = _samples(data.get("samples"), len(classes))
    folder = kr.text(data.get("folder"), "folder", 4096)
    if not os.path.isabs(folder):
        raise kr.Refused(_("“{field}” must be an absolute path").format(field="folder"))
    return {"folder": folder, "samples": samples, "model": _pair(data.get("model"), "model"),
            "epoch": _pair(data.get("epoch"), "epoch"), "report": _report(report, classes, samples),
            "curves": _curves(kr.record(data.get("curves"), "curves"), classes, len(samples)),
            "folder_state": _folder_state(data.get("folder_state"))}


def _folder_state(value: object) -> dict[str, Any]:
    """The images' folder as it was scored (saved_evaluation.folder_state): a digest and the class folders."""
    state = kr.record(value, "folder_state")
    if not isinstance(state.get("sha256"), str) or not _SHA256.fullmatch(state["sha256"]):
        raise kr.Refused(_("“{field}” must be a SHA-256 digest").format(field="folder_state.sha256"))
    names = kr.items(state.get("classes"), "folder_state.classes", MAX_CLASSES)
    return {"sha256": state["sha256"], "classes": [kr.name(c, "folder_state.classes") for c in names]}


def _classes(value: object, run_classes: tuple[str, ...]) -> list[str]:
    classes = [kr.name(c, "classes") for c in kr.items(value, "classes", MAX_CLASSES)]
    if not classes or len(set(classes)) != len(classes):
        raise kr.Refused(_("“{field}” must name each class once").format(field="classes"))
    if tuple(classes) != tuple(run_classes):  # (a run whose run.json names none keeps no result it can show)
        raise kr.Refused(_("its classes are not the run's own"))
    return classes


def _pair(value: object, what: str) -> list[int] | None:
    if value is None:
        return None
    pair = kr.items(value, what, 2)
    if len(pair) != 2:
        raise kr.Refused(_("“{field}” must be two whole numbers").format(field=what))
    return [kr.whole(v, what) for v in pair]


def _samples(value: object, n_classes: int) -> list[tuple[str, int, int, float]]:
    out = []
    for row in kr.items(value, "samples", MAX_IMAGES):
        if not isinstance(row, list) or len(row) != 4:
            raise kr.Refused(_("“{field}” must hold [path, class, predicted class, confidence] rows").format(
                field="samples"))
        rel, true, predicted, confidence = row
        out.append((kr.relative_path(rel, "samples"), kr.whole(true, "samples", 0, n_classes - 1),
                    kr.whole(predicted, "samples", 0, n_classes - 1),
                    float(kr.number(confidence, "samples", 0.0, 1.0) or 0.0)))
    return out


def _report(report: dict[str, Any], classes: list[str], samples: list[tuple[str, int, int, float]]) -> dict[str, Any]:
    """The report with its known fields only, each checked; its confusion matrix must be the scored images'."""
    n = kr.whole(report.get("num_images"), "num_images", 0, MAX_IMAGES)
    if n != len(samples):
        raise kr.Refused(_("“{field}” is not the number of scored images").format(field="num_images"))
    counts = [[0] * len(classes) for _c in classes]
    for _p, true, predicted, _conf in samples:
        counts[true][predicted] += 1
    if report.get("confusion_matrix") != counts:
        raise kr.Refused(_("“{field}” is not the one its scored images give").format(field="confusion_matrix"))
    per_class = kr.record(report.get("per_class"), "per_class")
    if sorted(per_class) != sorted(classes):
        raise kr.Refused(_("“{field}” must have a row for each class").format(field="per_class"))
    averages = kr.record(report.get("averages"), "averages")
    out: dict[str, Any] = {
        "accuracy": kr.number(report.get("accuracy"), "accuracy", 0.0, 1.0, nan=True), "num_images": n,
        "classes": classes, "confusion_matrix": counts,
        "per_class": {c: _scores(per_class[c], "per_class") for c in classes},
        "averages": {k: _scores(averages.get(k), "averages") for k in ("macro", "weighted")},
        "ece": kr.number(report.get("ece"), "ece", 0.0, 1.0, none=True, nan=True),
        "split": _one_of(report.get("split"), "split", SPLITS),
        "problems": [_problem(p) for p in kr.items(report.get("problems", []), "problems", MAX_IMAGES)],
        "learned_left_out": kr.whole(report.get("learned_left_out", 0), "learned_left_out", 0, MAX_IMAGES * 10),
        "note": kr.text(report.get("note", ""), "note")}
    top = [k for k in report if _TOP_K.fullmatch(k)]
    if len(top) != 1:
        raise kr.Refused(_("“{field}” must be there once").format(field="topK_accuracy"))
    out[top[0]] = kr.number(report[top[0]], top[0], 0.0, 1.0, nan=True)
    if (folds := report.get("cross_validation_folds")) is not None:
        out["cross_validation_folds"] = kr.whole(folds, "cross_validation_folds", 2, 1000)
    return out


def _scores(value: object, what: str) -> dict[str, Any]:
    row = kr.record(value, what)
    out: dict[str, Any] = {k: kr.number(row.get(k), what, 0.0, 1.0, none=True) for k in _SCORES}
    out["support"] = kr.whole(row.get("support"), what, 0, MAX_IMAGES)
    return out


def _one_of(value: object, what: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise kr.Refused(_("“{field}” must be one of {allowed}").format(field=what, allowed=", ".join(allowed)))
    return str(value)


def _problem(value: object) -> dict[str, Any]:
    p = kr.record(value, "problems")
    out = {k: kr.text(p.get(k), "problems") for k in ("path", "kind", "message")}
    if p.get("duplicate_of") is not None:
        out["duplicate_of"] = kr.text(p["duplicate_of"], "problems")
    return out


def _numbers(value: object, what: str, most: int = MAX_POINTS) -> list[float]:
    return kr.numbers(value, what, most, 0.0, 1.0)  # shares, rates and confidences


def _curves(curves: dict[str, Any], classes: list[str], n: int) -> dict[str, Any]:
    """The reliability bins, the precision-recall curve of each class and, for two classes, the ROC curve."""
    bins = kr.record(curves.get("reliability"), "reliability")
    out: dict[str, Any] = {"reliability": {k: _numbers(bins.get(k), "reliability", 1000)
                                           for k in ("lower", "upper", "confidence", "accuracy", "share")}}
    pr = kr.record(curves.get("pr", {}), "pr")
    if not set(pr) <= set(classes):
        raise kr.Refused(_("“{field}” names a class the evaluation has not").format(field="pr"))
    out["pr"] = {c: {"precision": _numbers(kr.record(v, "pr").get("precision"), "pr", n + 2),
                     "recall": _numbers(v.get("recall"), "pr", n + 2),
                     "average_precision": kr.number(v.get("average_precision"), "pr", 0.0, 1.0, nan=True)}
                 for c, v in pr.items()}
    if (roc := curves.get("roc")) is not None:
        roc = kr.record(roc, "roc")
        out["roc"] = {"fpr": _numbers(roc.get("fpr"), "roc", n + 2), "tpr": _numbers(roc.get("tpr"), "roc", n + 2),
                      "auc": kr.number(roc.get("auc"), "roc", 0.0, 1.0, nan=True),
                      "positive": _one_of(roc.get("positive"), "roc", tuple(classes))}
    return out
