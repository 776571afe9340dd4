"""A run's last evaluation, kept in its folder (evaluation.json) and read back when the run is opened again.

What is kept is the evaluation the Evaluate page was handed (Evaluation.to_dict() with the scored images and the
curves), with what it was computed from: the images' folder as a fingerprint of its files and class folders, taken
before scoring, and the model file's size and time. Read back, every field is checked (kept_results) and the
result is compared with the folder and the model as they are now: a result that no longer matches comes back with
the reasons, so the page marks it stale and offers to evaluate again. Torch-free."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.folder_layout import detect_layout, list_labelled
from desktop_cls.core.data.folder_walk import digest
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.inference import kept_results as kr
from desktop_cls.core.inference.evaluation_checks import checked_evaluation

EVALUATION = "evaluation.json"
KIND = "desktop_cls evaluation"
MAX_BYTES = 64 * 1024 * 1024  # 100,000 scored images with their curves are about 25 MB
SHOWN_CLASSES = 8  # class names a stale note lists


@dataclass(frozen=True)
class SavedEvaluation:
    """The kept evaluation as the page's task hands it over (None: none kept for these images, or refused),
    why it no longer matches the folder or the model (empty: it does), and why a kept file was not read."""

    result: dict[str, Any] | None = None
    stale: tuple[str, ...] = ()
    note: str = ""
    folder: str = ""  # the images it is of when they are not those asked for (see load_evaluation)


def folder_state(folder: str | Path) -> dict[str, Any] | None:
    """What the images of FOLDER are now: a digest of every image's path, size, time and class (and split folder),
    and the class folders' names; None when it cannot be read. One walk, no image opened."""
    try:
        root = Path(folder).expanduser().resolve()
        layout = detect_layout(root)
        files, classes, _loose = list_labelled(root, layout, [])
    except (OSError, UserError, ValueError):
        return None
    index = {c: i for i, c in enumerate(classes)}
    labels = [index.get(c, -1) for c in files.classes]
    d = digest(str(root), tuple(classes), files, labels, files.splits)
    return {"sha256": d["sha256"], "classes": list(classes)}


def kept_epoch(model: str | Path) -> tuple[int, int] | None:
    """(epoch of the saved model, epochs trained) for a run folder, so the accuracy can be matched to training."""
    info = rd.run_info_or_none(Path(model))
    if info is None:
        return None
    best, done = info.get("best_epoch"), info.get("epochs_done")
    return (best, done) if isinstance(best, int) and isinstance(done, int) and best > 0 else None


def shown_result(ev: Any, model: str, folder: str) -> dict[str, Any]:
    """An Evaluation as the Evaluate page shows it and keep_evaluation keeps it, for the window and the CLI alike:
    Evaluation.to_dict() and, under "_" keys, the scored images, the curves, the model, the folder and the epoch the
    model was kept at."""
    d: dict[str, Any] = ev.to_dict()
    pred = ev.probs.argmax(axis=1) if len(ev.probs) else []
    d["_samples"] = [(p, int(t), int(k), float(ev.probs[i, k]))
                     for i, (p, t, k) in enumerate(zip(ev.paths, ev.y_true, pred, strict=True))]
    d["_curves"] = ev.curves()
    d["_model"] = model
    d["_folder"] = folder
    d["_epoch"] = kept_epoch(model)
    return d


def model_state(run: str | Path) -> list[int] | None:
    return kr.identity(Path(run) / rd.MODEL)


def keep_evaluation(model: str, folder: str, before: dict[str, Any] | None, result: dict[str, Any]) -> str:
    """Keep `result` (the evaluate task's dict) in the run folder MODEL, for the next start; "" when kept or when
    MODEL is not a run folder (a model file keeps nothing), else why it could not be kept."""
    run = Path(model)
    if not rd.is_run_dir(run) or before is None:
        return ""
    root = str(Path(folder).expanduser().resolve())
    samples = []
    for path, true, predicted, confidence in result["_samples"]:
        rel = os.path.relpath(path, root)
        if rel.startswith("..") or os.path.isabs(rel):
            return _("its images are not all inside {folder}").format(folder=root)
        samples.append([Path(rel).as_posix(), true, predicted, confidence])
    report = {k: v for k, v in result.items() if not k.startswith("_") and k != "misclassified"}
    body = {"folder": root, "folder_state": before, "model": model_state(run), "epoch": result.get("_epoch"),
            "report": report, "samples": samples, "curves": result["_curves"]}
    try:
        kr.write_kept(run, EVALUATION, KIND, body)
    except (OSError, UserError) as e:
        return str(e)
    return ""


def load_evaluation(run: str, folder: str, classes: Sequence[str] = (), chosen: Sequence[str] = ()) -> SavedEvaluation:
    """The evaluation kept in RUN when it was of FOLDER's images, as the page's task hands one over ("_" keys
    included), with the reasons it no longer matches; `classes`: the run's own (run.json), which a kept result must
    name. A kept file that is too large, malformed or hostile comes back as a note, never as an exception.

    One kept of other images that still exist comes back too, with `folder` naming them: whole (checked against
    them) when they are among `chosen`, folders the user chose in the app; else alone, never walked, as a run
    folder from someone else could name any folder (the page says where it is, and the user may choose it)."""
    again = _("Press Evaluate to score the model again.")
    kept = kr.read_kept(Path(run), EVALUATION, KIND, MAX_BYTES, again)
    if kept.data is None:
        return SavedEvaluation(note=kept.note)
    try:
        data = checked_evaluation(kept.data, tuple(classes))
    except kr.Refused as e:
        return SavedEvaluation(note=kr.refused_note(Path(run) / EVALUATION, str(e), again))
    root, elsewhere = data["folder"], ""
    if root != _resolved(folder) and not (kr.local_folder(root) and kr.same_folder(root, folder)):
        if kr.local_folder(root) is None or not os.path.isdir(root):
            return SavedEvaluation()
        if root not in {_resolved(c) for c in chosen}:
            return SavedEvaluation(folder=root)
        folder = elsewhere = root
    now = folder_state(root)
    samples = [(os.path.join(root, *rel.split("/")), t, k, c) for rel, t, k, c in data["samples"]]
    result = {**data["report"], "_folder": folder, "_model": run, "_epoch": data["epoch"], "_curves": data["curves"],
              "_samples": samples}
    return SavedEvaluation(result, _stale(data, now, model_state(run)), folder=elsewhere)


def _resolved(folder: str) -> str:
    """A folder the user named, as keep_evaluation writes it (resolved); "" when it cannot be."""
    if not folder:
        return ""
    try:
        return str(Path(folder).expanduser().resolve())
    except (OSError, RuntimeError, ValueError):
        return ""


def _stale(data: dict[str, Any], now: dict[str, Any] | None, model: list[int] | None) -> tuple[str, ...]:
    """Why the kept evaluation no longer matches: the model changed, the folder is gone, its classes or files
    changed."""
    why = []
    if model != data["model"]:
        why.append(_("the model was trained again or replaced since"))
    before = data["folder_state"]
    if now is None:
        why.append(_("its images' folder {folder} cannot be read").format(folder=data["folder"]))
    elif now["classes"] != before["classes"]:
        shown = ", ".join(now["classes"][:SHOWN_CLASSES]) + (", …" if len(now["classes"]) > SHOWN_CLASSES else "")
        why.append(_("the class folders changed since (now: {classes})").format(classes=shown))
    elif now["sha256"] != before["sha256"]:
        why.append(_("images were added, removed, moved or changed since"))
    return tuple(why)
