"""Checking a run's suggestions in a folder it did not learn from.

A run keeps out-of-fold predictions of the folder it trained on (cross_validated), and they check its suggestions
there (sure_suggestions). In another folder they are not that folder's: its own labeled images check the
suggestions instead, each predicted by the run's model. Such a prediction is held out only if the model did not
learn that picture, and a folder made by copying pictures (or a whole folder) holds pictures it learned under
other names. So the pictures it learned are listed from its folder, which must still be exactly as it was
trained (its fingerprint: a picture removed or changed since could be one of these), and matched by their bytes
(data/same_content); of those, only the ones the run recorded training on count when it kept that record
(trained_on: a picture of its held-out split was never learned). A labeled picture the model learned is checked
by that picture's out-of-fold prediction where the run kept one (a quick run on few images), else it is left out;
the others are predicted (a seeded sample of MAX_CHECKED at most). Once its folder has changed, the content
digests the run recorded of the pictures it trained on (trained_on) tell them instead: each labeled picture it
learned is left out. Where nothing can tell which pictures the model learned (no run record; its folder gone or
changed and no record of its own), or no labeled picture is left to check on, nothing is checked: each
suggestion is shown at most UNCHECKED sure, and the check says why (the Label page shows it beside *Accept above*).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.same_content import same_content
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.inference.sure_suggestions import UNCHECKED, PrecisionCheck, checked_on, unchecked
from desktop_cls.core.inference.trained_on import RecordRefused, TrainedOn, folder_as_trained, read_trained_on

if TYPE_CHECKING:
    from desktop_cls.core.inference.predictor import Predictor

MAX_CHECKED = 200  # labelled pictures predicted for the check (90 % needs 8 right, 18 with one mistake); each
# costs what a suggestion does (2-5 a second on a busy CPU)


@dataclass(frozen=True)
class Learned:
    """The pictures a run learned, in its folder as it is now, and the out-of-fold logits of those it kept."""

    folder: str
    paths: list[str]
    oof: dict[str, np.ndarray]  # path -> logits from a head that did not learn that picture


def learned_pictures(run: Path, info: Mapping[str, Any], num_classes: int,
                     cancel: CancelToken | None = None) -> Learned | None:
    """Every picture of the run's folder when the folder is as the run was trained (its fingerprint; the run's
    split and seed reproduce it), with the run's out-of-fold logits; None when that cannot be told."""
    from desktop_cls.core.inference.cross_validated import load_cross_validated

    index = folder_as_trained(run, info, cancel)
    if index is None:
        return None
    cv = load_cross_validated(run, Path(index.root), num_classes)
    oof = {} if cv is None else dict(zip(cv.paths, cv.logits, strict=True))
    return Learned(index.root, [s.path for s in index.samples], oof)


def labelled_pictures(folder: Path, cancel: CancelToken | None = None) -> list[tuple[str, str]]:
    """(path, class name) of each labeled picture in FOLDER; none when it has no class yet."""
    try:
        index = scan(folder, val_fraction=0.0, verify="none", cancel=cancel)
    except UserError:
        return []
    return [(s.path, index.classes[s.label]) for s in index.samples]


def other_folder_check(predictor: Predictor, run: Path, info: Mapping[str, Any] | None, folder: Path,
                       progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> PrecisionCheck:
    """The check of the run's suggestions in FOLDER, on FOLDER's labeled pictures the run did not learn."""
    if info is None:
        return unchecked(_("This model has no training record beside it, so which of this folder's labeled images "
                           "it learned cannot be told: its suggestions cannot be checked here, and none is shown as "
                           "more than {cap:.0%} sure. Train a model on this folder to check them.").format(
            cap=UNCHECKED))
    progress(0, 0, _("finding the images the model learned"))
    labelled = labelled_pictures(folder, cancel)
    learned, refused = _learned_among(run, info, [p for p, _c in labelled], len(predictor.classes), cancel)
    if learned is None:
        return unchecked(" ".join([_(
            "The model learned from {folder}, which has changed since it was trained (or is gone), so which of this "
            "folder's labeled images it learned cannot be told: its suggestions cannot be checked here, and none is "
            "shown as more than {cap:.0%} sure. Train a model on this folder to check them.").format(
            folder=info.get("dataset_root"), cap=UNCHECKED), *([refused] if refused else [])]))
    twins = learned.twins
    conf: list[float] = []
    right: list[bool] = []
    for path, name in labelled:  # pictures it learned, predicted before it learned them (out of fold)
        row = learned.oof.get(twins.get(path, ""))
        if row is not None:
            probs = _softmax(row, predictor.temperature)
            conf.append(float(probs.max()))
            right.append(predictor.classes[int(probs.argmax())] == name)
    fresh = [(p, c) for p, c in labelled if p not in twins]  # pictures it never learned
    if len(fresh) > MAX_CHECKED:
        keep = np.sort(np.random.default_rng(0).choice(len(fresh), MAX_CHECKED, replace=False))
        fresh = [fresh[i] for i in keep]
    said = _("checking the suggestions on labeled images")
    preds = predictor.predict_paths([p for p, _c in fresh], progress=lambda d, t, _w: progress(d, t, said),
                                    cancel=cancel)
    for pred, (_p, name) in zip(preds, fresh, strict=True):
        if pred.label:  # (an unreadable picture checks nothing)
            conf.append(pred.confidence)
            right.append(pred.label == name)
    if not conf:
        return unchecked(_("No labeled image in this folder can check the model's suggestions (the model learned "
                           "all of them, in {folder}, or there are none), so none is shown as more than {cap:.0%} "
                           "sure. Label a few images here to check them.").format(folder=learned.folder,
                                                                                  cap=UNCHECKED))
    return checked_on(np.array(conf), np.array(right), len(conf))


@dataclass(frozen=True)
class _Twins:
    twins: dict[str, str]  # each labelled picture the run learned -> that picture in its folder ("": by its record)
    oof: dict[str, np.ndarray]  # as Learned's
    folder: str  # the folder it learned from


def _learned_among(run: Path, info: Mapping[str, Any], labelled: list[str], num_classes: int,
                   cancel: CancelToken | None) -> tuple[_Twins | None, str]:
    """Which labeled pictures the run learned: matched to its folder's when that is as trained (their out-of-fold
    logits then count), only those among them it recorded training on when it kept that record (a copy of a picture
    of its held-out split was never learned: it is predicted); else by the digests it recorded (trained_on); None
    when neither can tell, with why its record was refused, if it was."""
    learned = learned_pictures(run, info, num_classes, cancel)
    try:
        digests, refused = read_trained_on(run), ""
    except RecordRefused as e:
        digests, refused = None, str(e)
    if learned is not None:
        twins = same_content(labelled, learned.paths, cancel)
        if digests is not None:  # of its folder's pictures, those it trained on (not its held-out ones)
            trained = TrainedOn(digests=digests).learned_among(list(twins), cancel)
            twins = {p: twin for p, twin in twins.items() if p in trained}
        return _Twins(twins, learned.oof, learned.folder), ""
    if digests is None:
        return None, refused
    seen = TrainedOn(digests=digests).learned_among(labelled, cancel)
    return _Twins(dict.fromkeys(seen, ""), {}, str(info.get("dataset_root"))), ""


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    from desktop_cls.core.inference.calibration import softmax

    return np.asarray(softmax(np.asarray(logits, dtype=np.float64)[None, :], temperature))[0]
