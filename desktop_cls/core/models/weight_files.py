"""Reading weight files the user picked without running code from them: safetensors, or torch files
opened with weights_only=True, after their zip directory has shown they cannot ask for more memory than
their own size."""

from __future__ import annotations

import os
import pickle
import re
import warnings
import zipfile
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
    """torch.load restricted to tensors and plain containers: a file that needs code is refused, and so is
    one whose entries would unpack to more than the file holds (check_torch_zip)."""
    try:
        if Path(path).stat().st_size == 0:
            raise ModelFileError(_("cannot read {path}: the file is empty (0 bytes; was its saving cut short?)").format(
                    path=path))
        check_torch_zip(path)
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


_ZIP_MAGIC = b"PK\x03\x04"  # how torch itself tells its zip format from the older one
UNPACK_RATIO = 16  # compressed entries may unpack to this many times the file's size (TorchScript's code: ~3)


def check_torch_zip(path: Path) -> None:
    """Refuse a torch zip file (a .pt, a checkpoint, a TorchScript file) that could make torch allocate far more
    than its own size before any other check: torch reads each entry whole into memory at its unpacked size, and
    it unpacks compressed entries, so a 1 MB file holding one deflated gigabyte asked for that gigabyte. torch.save
    writes every entry uncompressed (torch.jit.save compresses only its code, a few times over), so ModelFileError
    for compressed entries that would unpack to more than UNPACK_RATIO times the file, or uncompressed ones that
    claim more than the file holds. Files in torch's older non-zip format are left to torch (they are read in step
    with the file). The zip directory is read as torch reads it: the last one in the file."""
    with open(path, "rb") as f:
        if f.read(len(_ZIP_MAGIC)) != _ZIP_MAGIC:
            return
        size = os.fstat(f.fileno()).st_size
        try:
            with zipfile.ZipFile(f) as z:
                entries = z.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
            raise ModelFileError(_("cannot read {path}: its zip directory is damaged ({error})").format(
                    path=path, error=_first_line(e))) from None
    packed = [e for e in entries if e.compress_type != zipfile.ZIP_STORED]
    unpacked = sum(e.file_size for e in packed)
    if unpacked > UNPACK_RATIO * size:
        raise ModelFileError(_("refused to open {path}: its compressed entries (such as {name}) would unpack to "
                               "{claimed} bytes, more than {ratio} times the file's {size}; the file is damaged or "
                               "made to exhaust memory. PyTorch's own files are not packed like this").format(
                path=path, name=packed[0].filename, claimed=unpacked, ratio=UNPACK_RATIO, size=size))
    claimed = sum(max(e.file_size, e.compress_size) for e in entries if e.compress_type == zipfile.ZIP_STORED)
    if claimed > size:
        raise ModelFileError(_("refused to open {path}: its entries claim {claimed} bytes, more than the file's "
                               "{size}; the file is damaged or made to exhaust memory").format(
                path=path, claimed=claimed, size=size))


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
