"""A run that ended, read back from its folder as the FitResult its training returned: the window shows a run
chosen after a restart (or from Past runs) exactly as it showed the run when it ended. Qt-free and torch-free."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.run_list import run_config
from desktop_cls.core.run_status import RunStatus
from desktop_cls.core.training.fit_result import FitResult

# What a quick run's run.json keeps of the figures its result carried (the Train page's summary reads them).
QUICK_FACTS = ("features_computed", "features_cached", "features_cached_from_runs", "features_cached_for_suggestions",
               "feature_seconds", "decode_seconds", "network_seconds", "head_seconds", "head_c", "val_images",
               "cv_folds", "class_accuracy")


def saved_result(run: Path) -> FitResult | None:
    """The run's result as it ended (finished, stopped or interrupted after a saved epoch); None for a run that
    is going, failed, never saved an epoch, or whose run.json cannot be read."""
    try:
        info = rd.read_run_info(run)
    except (UserError, OSError):
        return None
    status = rd.run_status(run, info)
    done = _number(info.get("epochs_done"), int)
    if status not in (RunStatus.FINISHED, RunStatus.STOPPED, RunStatus.INTERRUPTED) or not done:
        return None
    cfg = run_config(run)
    classes = info.get("classes")
    quick = "quick" in (cfg.get("method"), info.get("method"))
    extra: dict[str, Any] = {k: info[k] for k in QUICK_FACTS if k in info} if quick else {}
    if quick:
        extra["method"] = "quick"
    acc = _number(info.get("best_val_accuracy"), float)
    return FitResult(
        run_dir=str(run), classes=tuple(str(c) for c in classes) if isinstance(classes, list) else (),
        epochs=_number(cfg.get("epochs"), int) or done, epochs_done=done,
        best_val_accuracy=acc if acc is not None and math.isfinite(acc) else None,
        best_epoch=_number(info.get("best_epoch"), int) or done,
        train_seconds=_number(info.get("train_seconds"), float) or 0.0,
        cancelled=status is not RunStatus.FINISHED, stopped_early=info.get("stopped_early") is True, extra=extra)


def _number(value: object, kind: type) -> Any:
    """value when it is a number of that kind (an int is a float too; a bool is neither), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if kind is float else value if isinstance(value, int) else None
