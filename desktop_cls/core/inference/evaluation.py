"""Evaluate a model on its validation split or any labeled folder: metrics, confusion, mistakes.

On any images but its own validation split, the pictures the model learned from are left out by their content
(a folder copied from the one it trained on holds them under other names: scoring them overstated its accuracy),
and the evaluation says how many (trained_on); where that cannot be told, it says the score may include them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample, labeled_folder, scan
from desktop_cls.core.data.image_cache import decode_samples
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _, join_list, ngettext
from desktop_cls.core.inference.calibration import softmax
from desktop_cls.core.inference.cross_validated import SPLIT as CV_SPLIT
from desktop_cls.core.inference.cross_validated import load_cross_validated
from desktop_cls.core.inference.metrics import classification_report
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.inference.trained_on import trained_on


@dataclass(frozen=True)
class Evaluation:
    report: dict[str, Any]
    paths: tuple[str, ...]
    y_true: np.ndarray
    probs: np.ndarray
    split: str
    problems: tuple[Problem, ...]
    left_out: int = 0  # images of the folder the model learned from (copies of its training pictures), not scored
    note: str = ""  # what the score leaves out, or that it may include pictures the model learned

    def curves(self) -> dict[str, Any]:
        """Reliability diagram bins, per-class precision-recall curves, and ROC for two classes."""
        from desktop_cls.core.inference.calibration import reliability_bins
        from desktop_cls.core.inference.metrics import average_precision, pr_curve, roc_curve

        classes = self.report["classes"]
        pr: dict[str, Any] = {}
        for i, c in enumerate(classes):
            positive = self.y_true == i
            if positive.any() and len(self.probs):
                precision, recall, _ = pr_curve(positive, self.probs[:, i])
                pr[c] = {"precision": precision.tolist(), "recall": recall.tolist(),
                         "average_precision": average_precision(positive, self.probs[:, i])}
        out: dict[str, Any] = {"reliability": reliability_bins(self.y_true, self.probs), "pr": pr}
        if len(classes) == 2 and len(self.probs):
            fpr, tpr, auc = roc_curve(self.y_true == 1, self.probs[:, 1])
            out["roc"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "auc": auc, "positive": classes[1]}
        return out

    def to_dict(self, max_misclassified: int | None = None) -> dict[str, Any]:
        d = dict(self.report)
        d["split"] = self.split
        d["misclassified"] = self.misclassified()[:max_misclassified]
        d["problems"] = [p.to_dict() for p in self.problems]
        d["learned_left_out"] = self.left_out
        d["note"] = self.note
        return d

    def misclassified(self) -> list[dict[str, Any]]:
        classes = self.report["classes"]
        pred = self.probs.argmax(axis=1) if len(self.probs) else np.zeros(0, dtype=np.int64)
        rows = [
            {"path": p, "true": classes[int(t)], "predicted": classes[int(k)], "confidence": float(self.probs[i, k])}
            for i, (p, t, k) in enumerate(zip(self.paths, self.y_true, pred, strict=True)) if t != k
        ]
        return sorted(rows, key=lambda r: -r["confidence"])


def samples_for(predictor: Predictor, folder: str | Path) -> tuple[list[Sample], str, tuple[Problem, ...]]:
    """Which images to score: the run's own validation split when DIR is its training folder,
    test/ (else val/) for a train/val/test layout, otherwise every image in the folder."""
    root = Path(folder).expanduser().resolve()
    run = Path(predictor.source).parent
    if rd.is_run_dir(run):
        info = rd.read_run_info(run)
        if info.get("dataset_root") == str(root) and info.get("layout", "class_folders") == "class_folders":
            val_fraction, seed = rd.run_split(run, info)
            idx = scan(root, val_fraction=val_fraction, seed=seed)
            if list(idx.classes) == list(predictor.classes) and idx.split("val"):
                return idx.split("val"), "validation", idx.problems
    idx = scan(root, val_fraction=0.0)
    if idx.layout == "split_folders":
        part = idx.held_out_split()
        mapped = _map_classes(idx, predictor.classes)
        return [s for s in mapped.samples if s.split == part], part, mapped.problems
    idx = labeled_folder(root, predictor.classes)
    return list(idx.samples), "folder", idx.problems


def _cross_validated(predictor: Predictor, folder: str | Path, top_k: int) -> Evaluation | None:
    """A run that learned from every image of FOLDER (few images, cross-validated): its out-of-fold
    predictions, the only ones on these images made by a model that had not seen them."""
    run = Path(predictor.source).parent
    root = Path(folder).expanduser().resolve()
    info = rd.run_info_or_none(run)
    if info is None or info.get("dataset_root") != str(root):
        return None
    cv = load_cross_validated(run, root, len(predictor.classes))
    if cv is None:
        return None
    probs = softmax(cv.logits, predictor.temperature)
    report = classification_report(cv.labels, probs, predictor.classes, top_k=top_k)
    report["cross_validation_folds"] = cv.folds
    return Evaluation(report, cv.paths, cv.labels, probs, CV_SPLIT, (), note=_not_scored(root, cv.paths))


def _not_scored(root: Path, scored: tuple[str, ...]) -> str:
    """What the cross-validated score leaves out: the folder's labelled images it has no prediction for (a class
    renamed, images moved or added since training), so a score on 58 of 78 images does not pass for all of them."""
    have = set(scored)
    missing = sum(1 for s in scan(root, val_fraction=0.0).samples if s.path not in have)
    if not missing:
        return ""
    return ngettext("{n} labeled image of this folder is not scored: it was added, moved or renamed since the run "
                    "was trained, and the run's cross-validation has no prediction for it. Train again to score it.",
                    "{n} labeled images of this folder are not scored: they were added, moved or renamed since the "
                    "run was trained, and the run's cross-validation has no prediction for them. Train again to "
                    "score them.", missing).format(n=missing)


def _map_classes(idx: DatasetIndex, classes: tuple[str, ...]) -> DatasetIndex:
    known = {c: i for i, c in enumerate(classes)}
    unknown = [c for c in idx.classes if c not in known]
    if len(unknown) == len(idx.classes):
        raise UserError(_("none of the classes in {root} are known to the model ({classes})").format(
                root=idx.root, classes=', '.join(classes)))
    samples = tuple(Sample(s.path, known[idx.classes[s.label]], s.split) for s in idx.samples
                    if idx.classes[s.label] in known)
    left_out = _("class '{name}' is unknown to the model; left out")
    probs = idx.problems + tuple(Problem(c, "unknown_class", left_out.format(name=c)) for c in unknown)
    return DatasetIndex(idx.root, idx.layout, classes, samples, probs, idx.unlabeled, 0.0, 0, idx.fingerprint)


def evaluate(predictor: Predictor, folder: str | Path, top_k: int = 5, progress: ProgressFn = no_progress,
             cancel: CancelToken | None = None) -> Evaluation:
    """Metrics, confusion matrix and mistakes of predictor on folder.

    folder is the run's own dataset (its validation split is used) or any labeled folder whose class
    names match the model's (unknown classes are left out and reported in problems). Images the model
    learned from (copies of its training pictures, by content) are left out, counted in left_out and said in
    note. top_k: the top-k accuracy reported. Raises UserError when no labeled image remains (or every one is
    a picture the model learned); CancelledError on cancel."""
    learned_all = _cross_validated(predictor, folder, top_k)
    if learned_all is not None:
        return learned_all
    samples, split, problems = samples_for(predictor, folder)
    if not samples:
        raise UserError(_("no labeled images to evaluate in {folder}").format(folder=folder))
    left_out, note = 0, ""
    if split != "validation":  # its own validation split holds no picture it learned; any other folder may
        samples, left_out, note = _unlearned(predictor, samples, folder, progress, cancel)
    decoded, bad = decode_samples(samples, predictor.meta.input_size, progress=progress, cancel=cancel)
    probs = predictor.probabilities(decoded.images)
    y = decoded.labels.numpy()
    report = classification_report(y, probs, predictor.classes, top_k=top_k)
    note = " ".join(n for n in (_unknown_classes(problems), note) if n)
    return Evaluation(report, tuple(decoded.paths), y, probs, split, tuple(problems) + tuple(bad), left_out, note)


def _unknown_classes(problems: Sequence[Problem]) -> str:
    """The folder's classes the model does not know, whose images the score leaves out (a class renamed since
    training is one): said with the score, not only in the problems no front end lists."""
    names = [Path(p.path).name for p in problems if p.kind == "unknown_class"]
    if not names:
        return ""
    return ngettext("The images of class {classes}, which the model does not know, were left out.",
                    "The images of classes {classes}, which the model does not know, were left out.",
                    len(names)).format(classes=join_list(names))


def _unlearned(predictor: Predictor, samples: list[Sample], folder: str | Path, progress: ProgressFn,
               cancel: CancelToken | None) -> tuple[list[Sample], int, str]:
    """The samples that are not copies of a picture the model learned (by content, whatever their names), how many
    were left out and what the score should say about it. UserError when every one was."""
    run = Path(predictor.source).parent
    progress(0, 0, _("finding the images the model learned from"))
    learned = trained_on(run, rd.run_info_or_none(run), cancel)
    notes = [learned.refused] if learned.refused else []
    if not learned.known:
        notes.append(_("Which of these images the model learned from cannot be told ({why}), so the score may "
                       "include images it learned.").format(why=learned.unknown))
        return samples, 0, " ".join(notes)
    seen = learned.learned_among([s.path for s in samples], cancel)
    kept = [s for s in samples if s.path not in seen]
    if not kept:
        raise UserError(_("every labeled image in {folder} is one the model learned from (a copy of one of its "
                          "training images), so none can show how well it does on images it has not seen").format(
                            folder=folder),
                        cli_fix=_("evaluate it on images it was not trained on"),
                        gui_fix=_("choose a folder of images it was not trained on"))
    if seen:
        notes.append(ngettext("{n} image the model learned from was left out (a copy of one of its training "
                              "images).", "{n} images the model learned from were left out (copies of its "
                              "training images).", len(seen)).format(n=len(seen)))
    return kept, len(samples) - len(kept), " ".join(notes)
