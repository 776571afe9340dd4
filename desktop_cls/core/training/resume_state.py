"""What a checkpoint holds and how a stopped run picks up from it (the trainer's save/restore half)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core import contained
from desktop_cls.core import run_dir as rd
from desktop_cls.core.app_files import AppFileError, loads_bounded, number_field
from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _, join_list
from desktop_cls.core.storage import write_atomic
from desktop_cls.core.training.checkpoint import load_checkpoint
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.fit_result import TrainState
from desktop_cls.core.training.step import TrainStep

MAX_EPOCHS = 10_000_000  # a checkpoint's epoch counters (the options allow 10,000 epochs)
MAX_BATCH = 1 << 20  # a checkpoint's batch sizes (the options allow 8,192)


def checkpoint_state(step: TrainStep, state: TrainState, classes: Sequence[str],
                     fingerprint: Mapping[str, Any]) -> dict[str, Any]:
    """Everything an exact resume needs: weights, optimiser, loop state, and what the run was trained on."""
    return {
        "model": step.model.state_dict(),
        "optimizer": step.optimizer.state_dict(),
        "scaler": step.scaler.state_dict(),
        "epoch": state.epoch,
        "best_val_accuracy": state.best_val_accuracy,
        "best_metric": state.best_metric,
        "best_val_loss": state.best_val_loss,
        "best_epoch": state.best_epoch,
        "since_best": state.since_best,
        "batch_size": state.batch_size,
        "auto_batch": state.auto_batch,
        "classes": list(classes),
        "config": step.cfg.to_json(),
        "fingerprint": json.dumps(fingerprint),
        "torch_rng": torch.get_rng_state(),
    }


def restore_checkpoint(run: Path, step: TrainStep, classes: Sequence[str], fingerprint: Mapping[str, Any],
                       is_main: bool = True) -> tuple[TrainState, bool]:
    """Load run's last checkpoint into step; returns the loop state and whether the dataset changed since.

    Refuses (UserError) a checkpoint from other classes or another model. The main process also removes
    half-written temp files and drops metrics rows past the checkpoint, so the log matches the weights."""
    if is_main:  # half-written temp files left by a crash or kill
        contained.remove_files(run, "checkpoints", lambda name: name.startswith(".") and name.endswith(".tmp"))
    ck = load_checkpoint(run / rd.LAST)
    if list(ck["classes"]) != list(classes):
        raise UserError(_("cannot resume {run}: the dataset's classes changed ({before} -> {after})").format(
                run=run, before=join_list(map(str, ck["classes"])), after=join_list(classes)))
    try:
        step.model.load_state_dict(ck["model"])
        step.optimizer.load_state_dict(ck["optimizer"])
        if ck.get("scaler"):
            step.scaler.load_state_dict(ck["scaler"])
    except (RuntimeError, ValueError, KeyError, TypeError, AttributeError, IndexError) as e:
        raise UserError(_("cannot resume {run}: the checkpoint does not fit this model ({error})").format(
                run=run, error=e)) from None
    s = _loop_state(run / rd.LAST, ck, step.cfg.batch_size)
    rows = rd.read_metrics(run)
    s.history = [r for r in rows if int(r.get("epoch", 0)) <= s.epoch]
    if is_main and len(s.history) != len(rows):
        write_atomic(run / rd.METRICS, "".join(json.dumps(r) + "\n" for r in s.history).encode(), root=run)
    return s, dataset_changed(_fingerprint(ck.get("fingerprint")), fingerprint)


def _loop_state(path: Path, ck: Mapping[str, Any], batch_size: int) -> TrainState:
    """The loop state a checkpoint holds, each number checked (a checkpoint may come from someone else):
    AppFileError naming the file and the field instead of a ValueError from int() or float()."""
    def whole(key: str, default: int, hi: int = MAX_EPOCHS) -> int:
        return int(number_field(path, ck, key, default, 0, hi, whole=True))

    accuracy = ck.get("best_val_accuracy")
    return TrainState(
        epoch=whole("epoch", 0), best_epoch=whole("best_epoch", 0), since_best=whole("since_best", 0),
        best_val_accuracy=None if accuracy is None else float(number_field(path, ck, "best_val_accuracy", 0, 0, 1)),
        best_metric=float(number_field(path, ck, "best_metric", -math.inf, -math.inf, math.inf)),
        best_val_loss=float(number_field(path, ck, "best_val_loss", math.inf, 0, math.inf)),
        batch_size=whole("batch_size", batch_size, MAX_BATCH), auto_batch=whole("auto_batch", 0, MAX_BATCH))


def _fingerprint(text: object) -> dict[str, Any]:
    """The dataset fingerprint a checkpoint recorded; one that cannot be read counts as a changed dataset."""
    try:
        data = loads_bounded(text, "fingerprint") if isinstance(text, str | bytes) else None
    except AppFileError:
        data = None
    return data if isinstance(data, dict) else {"unreadable": True}


def dataset_changed(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether the files differ from what a checkpoint recorded. Fingerprints of one version compare by digest;
    one written by an earlier version (a run started before an update) by what both versions count the same
    way (files, bytes, classes), rather than reporting every such run's dataset as changed."""
    if before.get("version", 1) == now.get("version", 1):
        return before.get("sha256") != now.get("sha256")
    return any(before.get(k) != now.get(k) for k in ("num_files", "total_bytes", "classes"))


def _check_epochs_left(run: Path, info: dict[str, Any], total: int, total_given: bool) -> None:
    """UserError when resuming would contradict the run's files: a finished run without a new, larger total
    of epochs (it would train nothing, or retrain to its old total), or a total below the epochs already done.
    A stopped run resumed to exactly its epochs done only finishes (its best model files repaired, if need be)."""
    from desktop_cls.core.run_list import epochs_done
    from desktop_cls.core.run_status import RunStatus

    done = epochs_done(run, info)
    if rd.run_status(run, info) is RunStatus.FINISHED and (not total_given or total <= done):
        raise UserError(_("{run} finished all {done} epochs").format(run=run, done=done),
                        cli_fix=_("to train it further give --epochs N above {done}").format(done=done),
                        gui_fix=_("to train it further, start a new run"))
    if total < done:
        raise UserError(_("{run} has already trained {done} epochs, more than {total}").format(
                run=run, done=done, total=total),
                        cli_fix=_("give --epochs {done} or more, or leave --epochs out").format(done=done),
                        gui_fix=_("resume it without changing its number of epochs"))


def resumable_run(run: Path, epochs: int | None = None) -> tuple[TrainConfig, DatasetIndex]:
    """The options (with a new total of epochs, if given) and the dataset, scanned again with the run's
    split, of a run folder that can be resumed; UserError saying why when it cannot."""
    rd.require_run_dir(run)
    if TrainConfig.load(run / rd.CONFIG).method == "quick":
        raise UserError(_("{run} is a quick run: it finishes in one step, so there is nothing to resume. Train again "
                          "(its image features are cached, so it takes seconds)").format(
                run=run))
    if not (run / rd.LAST).is_file():
        raise UserError(_("{run} has no checkpoint yet (it stopped before finishing an epoch); start a new run").format(
                run=run))
    cfg = TrainConfig.load(run / rd.CONFIG)
    info = rd.read_run_info(run)
    total = cfg.epochs if epochs is None else epochs
    if epochs is not None:
        cfg = cfg.replace(epochs=epochs)
    root = info.get("dataset_root")
    if not isinstance(root, str) or not Path(root).is_dir():
        raise UserError(_("the dataset of {run} is no longer at {root}; move it back to resume").format(
                run=run, root=root))
    val_fraction, seed = rd.run_split(run, info, cfg.val_fraction, cfg.seed)
    _check_epochs_left(run, info, total, epochs is not None)
    return cfg, scan(root, val_fraction=val_fraction, seed=seed)
