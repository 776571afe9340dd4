"""Reading weight files the user picked without running code from them: safetensors, or torch files
opened with weights_only=True, after their zip directory (or, in torch's older format, their pickle read without
running it) has shown they cannot ask for more memory than their own size."""

from __future__ import annotations

import mmap
import os
import pickle
import pickletools
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
    one that could ask for more memory than it holds (check_torch_file)."""
    try:
        if Path(path).stat().st_size == 0:
            raise ModelFileError(_("cannot read {path}: the file is empty (0 bytes; was its saving cut short?)").format(
                    path=path))
        check_torch_file(path)
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
MAX_TORCH_FILE_BYTES = 2 << 30  # a checkpoint of the largest model here (ResNet-50 with Adam's state) is ~300 MB


def check_torch_file(path: Path) -> None:
    """ModelFileError for a torch file torch should not open: over MAX_TORCH_FILE_BYTES (torch reads it whole into
    memory), a zip whose entries would unpack to more than it holds (check_torch_zip), or a file in torch's older
    non-zip format whose storages claim more bytes than it holds (check_torch_legacy)."""
    size = os.stat(path).st_size
    if size > MAX_TORCH_FILE_BYTES:
        raise ModelFileError(_("refused to open {path}: it is {size:,} bytes, over the {limit:,}-byte limit for "
                               "weight files (no model this app trains needs a file that large)").format(
                path=path, size=size, limit=MAX_TORCH_FILE_BYTES))
    with open(path, "rb") as f:
        zipped = f.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    if zipped:
        check_torch_zip(path)
    else:
        check_torch_legacy(path)
UNPACK_RATIO = 16  # compressed entries may unpack to this many times the file's size (TorchScript's code: ~3)


def check_torch_zip(path: Path) -> None:
    """Refuse a torch zip file (a .pt, a checkpoint, a TorchScript file) that could make torch allocate far more
    than its own size before any other check: torch reads each entry whole into memory at its unpacked size, and
    it unpacks compressed entries, so a 1 MB file holding one deflated gigabyte asked for that gigabyte. torch.save
    writes every entry uncompressed (torch.jit.save compresses only its code, a few times over), so ModelFileError
    for compressed entries that would unpack to more than UNPACK_RATIO times the file, or uncompressed ones that
    claim more than the file holds. The zip directory is read as torch reads it: the last one in the file."""
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


LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # the number the older format's first pickle holds (torch.serialization)
MAX_PICKLE_OPS = 2_000_000  # steps of one pickle stepped through (~36 a tensor: EfficientNet-Lite0 takes 10,696)


def check_torch_legacy(path: Path) -> None:
    """Refuse a file in torch's older non-zip format whose tensors claim more bytes than the file holds: torch
    allocates each storage at the size its pickle claims before reading any of its bytes, so a 368-byte file asked
    for 4 GB. The pickles are stepped through opcode by opcode (pickletools, which runs nothing; MAX_PICKLE_OPS at
    most) on a memory map (a length read from the file never allocates more than the file), keeping only the
    storage claims; a file that is not in that format at all is left to torch, which refuses it."""
    size = os.stat(path).st_size
    if size == 0:
        return
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        try:
            if _pickle_values(m, path)[-1:] != [LEGACY_MAGIC]:
                return  # not torch's older format: torch says what it is
        except (ValueError, EOFError):
            return
        try:
            for _header in range(2):  # the format's version, then the saving machine's sizes
                _pickle_values(m, path)
            claims: dict[object, int] = {}
            _pickle_values(m, path, lambda pid: claims.setdefault(*_storage_claim(pid, path)))
        except (ValueError, EOFError) as e:
            raise ModelFileError(_("cannot read {path}: it is not a PyTorch file, or it is damaged ({error})").format(
                    path=path, error=_first_line(e))) from None
    claimed = sum(claims.values())
    if claimed > size:
        raise ModelFileError(_("refused to open {path}: its tensors claim {claimed:,} bytes, more than the file's "
                               "{size:,}; the file is damaged or made to exhaust memory").format(
                path=path, claimed=claimed, size=size))


class _Other:
    """A value of the pickle the check does not keep."""


_OTHER = _Other()
_VALUE_OPS = frozenset({"INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "STRING", "BINSTRING",
                        "SHORT_BINSTRING", "UNICODE", "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "NONE",
                        "NEWTRUE", "NEWFALSE", "BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "FLOAT", "BINFLOAT"})


def _pickle_values(f: Any, path: Path, on_persistent_id: Any = None) -> list[object]:
    """Step through one pickle from f's position to its STOP without running it; the stack at its STOP, with
    the values a persistent id is made of (numbers, strings, globals as "module name", tuples) and a placeholder
    for anything else. on_persistent_id(pid) for each persistent id. ValueError for a damaged pickle."""
    stack: list[object] = []
    memo: dict[object, object] = {}
    for step, (op, arg, _pos) in enumerate(pickletools.genops(f)):  # (a length past the map's end: ValueError)
        if step > MAX_PICKLE_OPS:
            raise ModelFileError(_("refused to open {path}: its pickle runs past {steps:,} steps, far more than any "
                                   "weights file's").format(path=path, steps=MAX_PICKLE_OPS))
        name = op.name
        if name == "STOP":
            break  # (its value left on the stack)
        if name in _VALUE_OPS or name == "GLOBAL":
            stack.append(arg)
        elif name in ("PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE"):
            _need(stack, 1)
            memo[len(memo) if name == "MEMOIZE" else arg] = stack[-1]
        elif name == "STACK_GLOBAL":
            _need(stack, 2)
            module, attr = stack.pop(-2), stack.pop()
            stack.append(f"{module} {attr}" if isinstance(module, str) and isinstance(attr, str) else _OTHER)
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg, _OTHER))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            _need(stack, n)
            stack[len(stack) - n:] = [tuple(stack[len(stack) - n:])]
        elif name in ("PERSID", "BINPERSID"):
            _need(stack, 0 if name == "PERSID" else 1)
            pid = arg if name == "PERSID" else stack.pop()
            if on_persistent_id is not None:
                on_persistent_id(pid)
            stack.append(_OTHER)
        else:
            _generic_step(op, stack, name == "TUPLE")
    return stack


def _need(stack: list[object], n: int) -> None:
    if len(stack) < n:
        raise ValueError("pickle stack underflow")


def _generic_step(op: Any, stack: list[object], as_tuple: bool) -> None:
    """What an opcode does to the stack by its description (pickletools): its arguments popped (down to the
    topmost mark when it takes one), placeholders pushed for its results (a tuple for TUPLE)."""
    before, after = op.stack_before, op.stack_after
    items: list[object] = []
    count = len(before)
    if pickletools.markobject in before or (op.name == "POP" and stack and stack[-1] is pickletools.markobject):
        while stack and stack[-1] is not pickletools.markobject:
            items.append(stack.pop())
        _need(stack, 1)
        stack.pop()
        count = before.index(pickletools.markobject) if pickletools.markobject in before else 0
    _need(stack, count)
    del stack[len(stack) - count:]
    if as_tuple:
        stack.append(tuple(reversed(items)))
        return
    stack.extend(pickletools.markobject if s is pickletools.markobject else _OTHER for s in after)


def _storage_claim(pid: object, path: Path) -> tuple[object, int]:
    """(storage key, bytes torch allocates for it) of a persistent id of torch's older format:
    ("storage", "torch FloatStorage", key, location, numel, view); ModelFileError for anything else."""
    from torch.serialization import StorageType

    if (isinstance(pid, tuple) and len(pid) == 6 and pid[0] in ("storage", b"storage")
            and isinstance(pid[1], str) and isinstance(pid[4], int) and pid[4] >= 0):
        try:
            itemsize = StorageType(pid[1].rpartition(" ")[2]).dtype.itemsize
        except (KeyError, AttributeError):
            itemsize = 16  # the widest element (complex128); torch refuses a type it does not know anyway
        key = pid[2] if isinstance(pid[2], (str, bytes)) else repr(pid[2])
        return key, pid[4] * itemsize
    raise ModelFileError(_("refused to open {path}: it refers to data in a way PyTorch's weight files do not, so "
                           "what it would load cannot be checked").format(path=path))


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
        except (SafetensorError, OSError, ValueError) as e:  # (the library's words: "header too small")
            raise ModelFileError(_("cannot read {path}: {error}. The file is damaged or was cut short (an unfinished "
                                   "copy or download?); copy it again from where it came from").format(
                                       path=path, error=e)) from None
    if suffix in WEIGHT_SUFFIXES:
        return _plain_state(torch_load_safe(path), path)
    raise ModelFileError(_("{path}: unsupported weights file type '{suffix}' (use .safetensors or .pt)").format(
            path=path, suffix=suffix))
