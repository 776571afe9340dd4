"""A run folder: config, metrics, checkpoints and the final model of one training."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import default_runs_dir, read_jsonl, write_json

CONFIG = "config.json"
RUN_INFO = "run.json"
METRICS = "metrics.jsonl"
LAST = "checkpoints/last.pt"
BEST = "checkpoints/best.pt"
MODEL = "model.safetensors"
PROBLEMS = "problems.json"


def new_run_dir(out: str | Path | None, model: str) -> Path:
    """A fresh folder; an existing non-empty --out is refused so no earlier run is overwritten."""
    if out is not None:
        p = Path(out).expanduser()
        if p.exists() and (not p.is_dir() or any(p.iterdir())):
            raise UserError(f"{p} already exists and is not empty",
                            cli_fix="choose a new folder for --out, or continue that run with --resume",
                            gui_fix="choose a new folder, or continue that run with “Resume a run…”")
        p.mkdir(parents=True, exist_ok=True)
        return p.resolve()
    base = default_runs_dir()
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for i in range(1000):
        p = base / (f"{stamp}-{model}" + (f"-{i}" if i else ""))
        if not p.exists():
            p.mkdir(parents=True)
            return p
    raise UserError(f"cannot create a run folder under {base}")


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
