"""Training checkpoints: everything needed to resume, saved atomically, loaded without unpickling code."""

from __future__ import annotations

import errno
import json
import math
import shutil
from pathlib import Path
from typing import Any

import torch

from desktop_cls.core.app_files import MAX_JSON_DEPTH, AppFileError, json_depth_exceeds, read_app_json
from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.models.weight_files import torch_load_safe
from desktop_cls.core.storage import as_write_error, is_write_failure, write_atomic_with

CHECKPOINT_VERSION = 1


class DiskFull(UserError):
    """Saving ran out of disk space; whatever was saved before is intact, so the run can be resumed."""


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


def disk_full_error(path: Path, needed: int) -> DiskFull:
    """'the disk is full: free N MB and resume', N from what the save needs and what is free now."""
    folder = Path(path).parent
    mb = max(1, math.ceil((needed - _free_or_zero(folder)) / 2**20))
    if not _resumable(path):  # the first epoch's save: there is nothing to resume from
        return DiskFull(_("the disk is full: free {mb} MB on {folder} and train again (no epoch had been saved "
                          "yet, so there is nothing to resume)").format(mb=mb, folder=folder))
    return DiskFull(_("the disk is full: free {mb} MB on {folder} and resume the run (the previous checkpoint is "
                      "intact)").format(mb=mb, folder=folder))


def save_failed_error(path: Path, reason: object) -> UserError:
    """'saving X failed: why', and what is left: the previous checkpoint, or (at the first save) nothing to resume."""
    if _resumable(path):
        return UserError(_("saving {path} failed: {reason}. The previous checkpoint is intact.").format(
                path=path, reason=reason))
    return UserError(_("saving {path} failed: {reason}. No epoch had been saved yet, so there is nothing to resume: "
                       "fix the problem and train again.").format(path=path, reason=reason))


def _resumable(path: Path) -> bool:
    """A checkpoint of an earlier epoch is there: the file itself, or the run's last.pt."""
    folder = Path(path).parent
    return any(p.is_file() for p in (Path(path), folder / "last.pt", folder / "checkpoints" / "last.pt"))


def is_disk_full(e: BaseException) -> bool:
    return isinstance(e, OSError) and e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def save_checkpoint(path: Path, state: dict[str, Any], root: Path | None = None) -> None:
    """state holds tensors, plain containers and strings only, so weights_only loading can read it.

    A full disk is DiskFull whichever way it shows: torch.save reports it as a RuntimeError
    ('unexpected pos'), not an OSError, so a failed save is checked against the free space. No link
    below `root` (the run folder) is followed."""
    path = Path(path)
    payload = dict(state)
    payload["checkpoint_version"] = CHECKPOINT_VERSION
    try:
        write_atomic_with(path, lambda p: _save_closing(payload, p), root)
    except (OSError, RuntimeError) as e:
        needed = 2 * (path.stat().st_size if path.is_file() else _tensor_bytes(payload)) + 2**20
        system = _os_error_in(e)  # torch wraps the file's own error (EFBIG: ulimit -f) in "unexpected pos"
        if is_disk_full(system or e) or _free_or_zero(path.parent) < needed:
            raise disk_full_error(path, needed) from None
        if system is not None and is_write_failure(system):
            raise as_write_error(system, path) from None
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise save_failed_error(path, reason) from None


def _save_closing(payload: dict[str, Any], path: Path) -> None:
    """torch.save into a file this function closes, failed or not: torch.save(obj, path) keeps its own descriptor
    open in the error's traceback, so the deleted temporary file of a failed save went on filling the disk until the
    error was gone, and the run could not even say in run.json that it had stopped."""
    with open(path, "wb") as f:
        torch.save(payload, f)


def _os_error_in(e: BaseException) -> OSError | None:
    """e, or the OSError it was raised while handling (a few levels at most)."""
    seen: BaseException | None = e
    for _level in range(4):
        if seen is None or isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _free_or_zero(folder: Path) -> int:
    try:
        return free_bytes(folder)
    except OSError:
        return 0


def _tensor_bytes(obj: Any) -> int:
    if isinstance(obj, torch.Tensor):
        return obj.numel() * obj.element_size()
    if isinstance(obj, dict):
        return sum(_tensor_bytes(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(_tensor_bytes(v) for v in obj)
    return 0


def load_checkpoint(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(_("checkpoint not found: {path}").format(path=path))
    data = torch_load_safe(path)
    if not isinstance(data, dict) or data.get("checkpoint_version") != CHECKPOINT_VERSION:
        raise ModelFileError(_("{path} is not a desktop_cls checkpoint (or from an unsupported version)").format(
                path=path))
    for key in ("model", "optimizer", "epoch", "config", "classes"):
        if key not in data:
            raise ModelFileError(_("{path} is incomplete: '{key}' is missing").format(path=path, key=key))
    if not isinstance(data["classes"], list | tuple):
        raise ModelFileError(_("{path}: classes must be a list").format(path=path))
    if isinstance(data["config"], str):
        if json_depth_exceeds(data["config"]):  # (json.loads would raise RecursionError)
            raise ModelFileError(_("{path} nests JSON deeper than {depth} levels; it was not read").format(
                    path=path, depth=MAX_JSON_DEPTH))
        try:
            data["config"] = json.loads(data["config"])
        except json.JSONDecodeError:
            raise ModelFileError(_("{path}: the stored configuration is not valid JSON").format(path=path)) from None
    return data


def checkpoint_epoch(path: Path) -> int | None:
    """The epoch a checkpoint file holds, or None when it is missing or unreadable."""
    try:
        return int(load_checkpoint(path)["epoch"])
    except (ModelFileError, OSError, ValueError, TypeError):
        return None


def sidecar_epoch(model_file: Path) -> int | None:
    """The epoch recorded in a model file's JSON sidecar, or None."""
    try:
        return int(read_app_json(Path(model_file).with_suffix(".json"))["epoch"])
    except (OSError, ValueError, KeyError, TypeError, AppFileError):
        return None
