"""What a training writes about itself in its run folder: config.json, and run.json as the run goes."""

from __future__ import annotations

import contextlib
import datetime as _dt
from pathlib import Path

import torch

from desktop_cls import __version__
from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem
from desktop_cls.core.storage import write_json
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.fit_result import TrainState


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def record_start(run: Path, cfg: TrainConfig, index: DatasetIndex) -> None:
    """The options and the dataset (root, split, fingerprint) a resume needs to find again."""
    write_json(run / rd.CONFIG, cfg.to_dict())
    write_json(run / rd.RUN_INFO, {
        "status": "starting", "created": _now(), "desktop_cls_version": __version__, "model": cfg.model,
        "dataset_root": index.root, "layout": index.layout, "classes": list(index.classes),
        "val_fraction": index.val_fraction, "seed": index.seed, "dataset_fingerprint": index.fingerprint,
        "split": {sp: len(index.split(sp)) for sp in ("train", "val", "test")}, **rd.process_owner(),
    })


def record_setup(run: Path, parameters: int, device: torch.device, amp: torch.dtype | None, train_images: int,
                 val_images: int) -> None:
    rd.update_run_info(run, status="running", **rd.process_owner(), parameters=parameters, device=str(device),
                       precision=str(amp).replace("torch.", "") if amp else "fp32",
                       train_images=train_images, val_images=val_images)


def record_end(run: Path, status: str, state: TrainState, seconds: float, problems: list[Problem]) -> None:
    write_json(run / rd.PROBLEMS, [p.to_dict() for p in problems])
    rd.update_run_info(run, status=status, epochs_done=state.epoch, best_epoch=state.best_epoch,
                       best_val_accuracy=state.best_val_accuracy, train_seconds=round(seconds, 3), finished=_now())


def record_stop(run: Path, status: str, **details: object) -> None:
    """Cancelled or failed: say so in run.json when it exists (never raises on a full disk)."""
    if (run / rd.RUN_INFO).exists():
        with contextlib.suppress(OSError):
            rd.update_run_info(run, status=status, **details)
