"""The runs on this computer as plain rows: what `desktop-cls runs`, the window's Past runs and its Resume
dialog list (status, dataset, how far each got, whether it can continue). Qt-free and torch-free."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_cls.core import run_dir as rd
from desktop_cls.core.app_files import read_app_json
from desktop_cls.core.errors import UserError
from desktop_cls.core.run_status import RunStatus


@dataclass(frozen=True)
class RunSummary:
    path: str
    status: RunStatus
    stopped_by: str | None  # "user" | "quit" for a STOPPED run
    model: str | None
    dataset: str | None  # the folder it trained on
    epochs_done: int
    epochs: int | None  # the total it was set to run (None: a quick run has none; config.json unreadable)
    best_val_accuracy: float | None
    quick: bool  # the quick method: one fit, nothing to continue
    in_use: bool  # a live process trains it now
    has_checkpoint: bool
    has_model: bool  # model.safetensors is there: Evaluate, Classify and Export can open it (a run stopped before its
    # first epoch, or a stopped quick run, saved none)
    problem: str | None = None  # why a DAMAGED run cannot be read

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def resumable(self) -> bool:
        """Stopped or interrupted after a saved epoch, and no other process trains it."""
        return self.status.resumable and self.has_checkpoint and not self.quick and not self.in_use


def run_config(run: Path) -> dict[str, Any]:
    """The run's config.json as a dict ({} when it cannot be read)."""
    try:
        data = read_app_json(run / rd.CONFIG)
    except (OSError, ValueError, UserError):
        return {}
    return data if isinstance(data, dict) else {}


def epochs_done(run: Path, info: dict[str, Any]) -> int:
    """The epochs a run has finished: run.json's count, or the last epoch its metrics log holds."""
    done = info.get("epochs_done")
    if isinstance(done, int):
        return done
    try:
        return max((int(r.get("epoch", 0)) for r in rd.read_metrics(run)), default=0)
    except (OSError, UserError, ValueError, TypeError):
        return 0


def summarize(run: Path) -> RunSummary:
    """One run's row; a run whose run.json cannot be read is DAMAGED, never an exception."""
    problem = None
    try:
        info = rd.read_run_info(run)
    except (UserError, OSError) as e:
        info, problem = {}, str(e)
    status = rd.run_status(run, info) if info else RunStatus.DAMAGED
    cfg = run_config(run)
    acc = info.get("best_val_accuracy")
    quick = "quick" in (cfg.get("method"), cfg.get("mode"))
    epochs = None if quick else cfg.get("epochs")  # a quick run's config.json keeps an unused default
    stopped_by = info.get("stopped_by") if status is RunStatus.STOPPED else None
    return RunSummary(
        path=str(run), status=status, stopped_by=stopped_by if isinstance(stopped_by, str) else None,
        model=str(info.get("model") or cfg.get("model") or "") or None,
        dataset=str(info["dataset_root"]) if isinstance(info.get("dataset_root"), str) else None,
        epochs_done=epochs_done(run, info), epochs=epochs if isinstance(epochs, int) else None,
        best_val_accuracy=acc if isinstance(acc, float) and math.isfinite(acc) else None,
        quick=quick, in_use=rd.run_in_use(run),
        has_checkpoint=(run / rd.LAST).is_file(), has_model=(run / rd.MODEL).is_file(), problem=problem)


def run_summaries(base: Path | None = None, newest: int | None = None) -> list[RunSummary]:
    """The runs under base (default: the app's runs folder), newest first."""
    return [summarize(run) for run in rd.list_runs(base)[:newest]]


def resumable_runs(base: Path | None = None, newest: int = 50) -> list[RunSummary]:
    """The runs that can continue (stopped or interrupted after a saved epoch), newest first."""
    return [s for s in run_summaries(base, newest) if s.resumable]
