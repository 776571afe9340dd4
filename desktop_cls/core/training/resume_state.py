"""What a checkpoint holds and how a stopped run picks up from it (the trainer's save/restore half)."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import write_atomic
from desktop_cls.core.training.checkpoint import load_checkpoint

if TYPE_CHECKING:
    from desktop_cls.core.training.trainer import Trainer


def checkpoint_state(t: Trainer) -> dict[str, Any]:
    """Everything an exact resume needs: weights, optimiser, loop state, and what the run was trained on."""
    s = t.state
    return {
        "model": t.model.state_dict(),
        "optimizer": t.optimizer.state_dict(),
        "scaler": t.scaler.state_dict(),
        "epoch": s.epoch,
        "best_val_accuracy": s.best_val_accuracy,
        "best_metric": s.best_metric,
        "best_epoch": s.best_epoch,
        "since_best": s.since_best,
        "batch_size": s.batch_size,
        "auto_batch": s.auto_batch,
        "classes": list(t.classes),
        "config": t.cfg.to_json(),
        "fingerprint": json.dumps(t.data.fingerprint),
        "torch_rng": torch.get_rng_state(),
    }


def restore_checkpoint(t: Trainer) -> None:
    """Load the last checkpoint into t; refuses a checkpoint from other classes or another model."""
    if t.is_main:  # half-written temp files left by a crash or kill
        for stale in (t.run / "checkpoints").glob(".*.tmp"):
            stale.unlink(missing_ok=True)
    ck = load_checkpoint(t.run / rd.LAST)
    if list(ck["classes"]) != list(t.classes):
        raise UserError(f"cannot resume {t.run}: the dataset's classes changed "
                        f"({', '.join(ck['classes'])} -> {', '.join(t.classes)})")
    try:
        t.model.load_state_dict(ck["model"])
        t.optimizer.load_state_dict(ck["optimizer"])
    except (RuntimeError, ValueError, KeyError) as e:
        raise UserError(f"cannot resume {t.run}: the checkpoint does not fit this model ({e})") from None
    if ck.get("scaler"):
        t.scaler.load_state_dict(ck["scaler"])
    s = t.state
    s.epoch = int(ck["epoch"])
    s.best_val_accuracy = ck.get("best_val_accuracy")
    s.best_metric = float(ck.get("best_metric", -math.inf))
    s.best_epoch = int(ck.get("best_epoch", 0))
    s.since_best = int(ck.get("since_best", 0))
    s.batch_size = int(ck.get("batch_size", t.cfg.batch_size))
    s.auto_batch = int(ck.get("auto_batch", 0))
    rows = rd.read_metrics(t.run)
    s.history = [r for r in rows if int(r.get("epoch", 0)) <= s.epoch]
    if t.is_main and len(s.history) != len(rows):
        write_atomic(t.run / rd.METRICS, "".join(json.dumps(r) + "\n" for r in s.history).encode())
    old_fp = json.loads(ck.get("fingerprint", "{}"))
    if old_fp.get("sha256") != t.data.fingerprint.get("sha256"):
        t.cb.notice("the dataset changed since this run started (files added, removed or edited); "
                    "training continues on the files as they are now", "warning")
