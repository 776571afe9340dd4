"""Reading weight files the user picked without running code from them: safetensors, or torch files
opened with weights_only=True."""

from __future__ import annotations

import pickle
import re
import warnings
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core.errors import ModelFileError
from desktop_cls.core.i18n import _

WEIGHT_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin", ".ckpt")
# torch warns about the pickle protocol of files it then refuses; our refusal says what matters, once
warnings.filterwarnings("ignore", message="Detected pickle protocol", category=UserWarning)


def _plain_state(obj: Any, path: Path) -> dict[str, torch.Tensor]:
    if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
        obj = obj["model"]
    elif isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                            for k, v in obj.items()):
        raise ModelFileError(_("{path} holds no state dict of tensors").format(path=path))
    return obj


def torch_load_safe(path: Path) -> Any:
    """torch.load restricted to tensors and plain containers: a file that needs code is refused."""
    try:
        if Path(path).stat().st_size == 0:
            raise ModelFileError(_("cannot read {path}: the file is empty (0 bytes; was its saving cut short?)").format(
                    path=path))
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        # torch's own text suggests weights_only=False, which is exactly what must not be done here
        wanted = re.search(r"GLOBAL ([\w.]+)", str(e))
        what = _(" (it asks for {name})").format(name=wanted.group(1)) if wanted else ""
        raise ModelFileError(
            _("refused to open {path}: it contains Python objects, not only weights, and loading it could run "
              "code{what}. Only open .pt files you made yourself with state_dict().").format(
                    path=path, what=what)
        ) from None
    except (OSError, RuntimeError, EOFError, ValueError) as e:
        raise ModelFileError(_("cannot read {path}: {error}").format(
                path=path, error=_first_line(e))) from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else _("the file ends too early or is damaged ({name})").format(
            name=type(e).__name__)


def load_state_dict_file(path: Path) -> dict[str, torch.Tensor]:
    """Weights from .safetensors, or from .pt/.pth/.bin/.ckpt read with weights_only=True; else refused."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(_("model file not found: {path}").format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return load_file(str(path))
        except (SafetensorError, OSError, ValueError) as e:
            raise ModelFileError(_("cannot read {path}: {error}").format(path=path, error=e)) from None
    if suffix in WEIGHT_SUFFIXES:
        return _plain_state(torch_load_safe(path), path)
    raise ModelFileError(_("{path}: unsupported weights file type '{suffix}' (use .safetensors or .pt)").format(
            path=path, suffix=suffix))
