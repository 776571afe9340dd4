"""Training checkpoints: everything needed to resume, saved atomically, loaded without unpickling code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core.errors import ModelFileError
from desktop_cls.core.models.weight_files import torch_load_safe
from desktop_cls.core.storage import write_atomic_with

CHECKPOINT_VERSION = 1


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """state holds tensors, plain containers and strings only, so weights_only loading can read it."""
    payload = dict(state)
    payload["checkpoint_version"] = CHECKPOINT_VERSION
    write_atomic_with(Path(path), lambda p: torch.save(payload, p))


def load_checkpoint(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"checkpoint not found: {path}")
    data = torch_load_safe(path)
    if not isinstance(data, dict) or data.get("checkpoint_version") != CHECKPOINT_VERSION:
        raise ModelFileError(f"{path} is not a desktop_cls checkpoint (or from an unsupported version)")
    for key in ("model", "optimizer", "epoch", "config", "classes"):
        if key not in data:
            raise ModelFileError(f"{path} is incomplete: '{key}' is missing")
    if not isinstance(data["classes"], list | tuple):
        raise ModelFileError(f"{path}: classes must be a list")
    if isinstance(data["config"], str):
        try:
            data["config"] = json.loads(data["config"])
        except json.JSONDecodeError:
            raise ModelFileError(f"{path}: the stored configuration is not valid JSON") from None
    return data
