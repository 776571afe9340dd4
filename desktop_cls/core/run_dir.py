"""A run folder: config, metrics, checkpoints and the final model of one training."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.run_lock import LOCK_NAME, RunLock
from desktop_cls.core.run_lock import run_in_use as run_in_use  # "is this run owned by a live process?"
from desktop_cls.core.storage import default_runs_dir, read_jsonl, write_json

CONFIG = "config.json"
RUN_INFO = "run.json"
METRICS = "metrics.jsonl"
LAST = "checkpoints/last.pt"
BEST = "checkpoints/best.pt"
MODEL = "model.safetensors"
PROBLEMS = "problems.json"


_held: dict[Path, RunLock] = {}  # run folders this process trains in, each with its OS lock


def new_run_dir(out: str | Path | None, model: str) -> Path:
    """A fresh folder, locked for this process (see `release_run`). An existing non-empty --out is
    refused so no earlier run is overwritten; two runs started at once never share a folder."""
    if out is not None:
        p = Path(out).expanduser()
        if p.exists() and (not p.is_dir() or _has_files(p)):
            raise UserError(f"{p} already exists and is not empty; choose a new folder, or resume it with --resume")
        p.mkdir(parents=True, exist_ok=True)
        p = p.resolve()
        lock = RunLock(p).acquire()
        if _has_files(p):  # another process filled it between our check and our lock
            lock.release()
            raise UserError(f"{p} was just taken by another run; choose a new folder")
        _held[p] = lock
        return p
    base = default_runs_dir()
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base.mkdir(parents=True, exist_ok=True)
    for i in range(1000):
        p = base / (f"{stamp}-{model}" + (f"-{i}" if i else ""))
        try:
            p.mkdir()  # atomic: of two runs started in the same second, one gets the next name
        except FileExistsError:
            continue
        _held[p] = RunLock(p).acquire()
        return p
    raise UserError(f"cannot create a run folder under {base}")


def claim_run(run: Path) -> Path:
    """Lock an existing run folder for this process (to resume it); RunInUse if someone trains in it."""
    run = Path(run)
    if run not in _held:
        _held[run] = RunLock(run).acquire()
    return run


def release_run(run: Path) -> None:
    """Let other processes train in `run` again (also happens by itself when this process ends)."""
    lock = _held.pop(Path(run), None)
    if lock is not None:
        lock.release()


def _has_files(p: Path) -> bool:
    return any(e.name != LOCK_NAME for e in p.iterdir())


def is_run_dir(path: Path) -> bool:
    return (Path(path) / CONFIG).is_file() and (Path(path) / RUN_INFO).is_file()


def read_run_info(run: Path) -> dict[str, Any]:
    p = Path(run) / RUN_INFO
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{run} is not a training run folder ({RUN_INFO} is missing)") from None
    except (OSError, json.JSONDecodeError) as e:
        raise UserError(f"cannot read {p}: {e}") from None
    if not isinstance(data, dict):
        raise UserError(f"{p} is malformed")
    return data


def update_run_info(run: Path, **changes: Any) -> dict[str, Any]:
    p = Path(run) / RUN_INFO
    info = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
    info.update(changes)
    write_json(p, info)
    return info


def read_metrics(run: Path) -> list[dict[str, Any]]:
    return read_jsonl(Path(run) / METRICS)


def list_runs(base: Path | None = None) -> list[Path]:
    root = base or default_runs_dir()
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if is_run_dir(p)), key=lambda p: p.stat().st_mtime, reverse=True)
