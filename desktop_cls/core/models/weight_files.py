"""Reading weight files the user picked without running code from them: safetensors, or torch files
opened with weights_only=True."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core.errors import ModelFileError

WEIGHT_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin", ".ckpt")

def _plain_state(obj: Any, path: Path) -> dict[str, torch.Tensor]:
    if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
        obj = obj["model"]
    elif isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                            for k, v in obj.items()):
        raise ModelFileError(f"{path} holds no state dict of tensors")
    return obj


def torch_load_safe(path: Path) -> Any:
    """torch.load restricted to tensors and plain containers: a file that needs code is refused."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        first = str(e).splitlines()[0] if str(e) else ""
        raise ModelFileError(
            f"refused to open {path}: it contains Python objects, not only weights, and loading it could "
            f"run code. Only open .pt files you made yourself with state_dict(). ({first[:160]})"
        ) from None
    except (OSError, RuntimeError, EOFError, ValueError) as e:
        raise ModelFileError(f"cannot read {path}: {str(e).splitlines()[0] if str(e) else e}") from None


def load_state_dict_file(path: Path) -> dict[str, torch.Tensor]:
    """Weights from .safetensors, or from .pt/.pth/.bin/.ckpt read with weights_only=True; else refused."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return load_file(str(path))
        except (SafetensorError, OSError, ValueError) as e:
            raise ModelFileError(f"cannot read {path}: {e}") from None
    if suffix in WEIGHT_SUFFIXES:
        return _plain_state(torch_load_safe(path), path)
    raise ModelFileError(f"{path}: unsupported weights file type '{suffix}' (use .safetensors or .pt)")
