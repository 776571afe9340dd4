"""A run folder: config, metrics, checkpoints and the final model of one training."""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import socket
import sys
from pathlib import Path
from typing import Any

from desktop_cls.core import contained
from desktop_cls.core.app_files import AppFileError, number_field, read_app_json
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.run_lock import LOCK_NAME, RunLock
from desktop_cls.core.run_lock import run_in_use as run_in_use  # "is this run owned by a live process?"
from desktop_cls.core.run_status import RunStatus, status_of
from desktop_cls.core.storage import as_write_error, default_runs_dir, read_jsonl, write_json

CONFIG = "config.json"
RUN_INFO = "run.json"
METRICS = "metrics.jsonl"
LAST = "checkpoints/last.pt"
BEST = "checkpoints/best.pt"
MODEL = "model.safetensors"
MODEL_INFO = "model.json"  # the model file's sidecar (models.model_io.sidecar_path)
PROBLEMS = "problems.json"
TRAINED_ON = "trained_on.bin"  # the content digests of the pictures the run trained on (inference/trained_on)
TENSORBOARD = "tensorboard"  # the TensorBoard events folder (training.tensorboard_log)
_FOLDERS = ("checkpoints", TENSORBOARD)
RUN_FILES = (LOCK_NAME, CONFIG, RUN_INFO, METRICS, PROBLEMS, MODEL, MODEL_INFO, TRAINED_ON, *_FOLDERS, LAST, BEST)


_held: dict[Path, RunLock] = {}  # run folders this process trains in, each with its OS lock
_created: set[Path] = set()  # run folders this process made (removed again if the start fails)


def refuse_used_out(out: str | Path) -> Path:
    """`out` as a path; UserError when it exists and is not an empty folder (an earlier run must not be
    overwritten). The command line asks before it scans the data, so the refusal comes first, not after the plan.
    A link whose target is gone is refused too (the folder cannot be made there)."""
    p = Path(out).expanduser()
    if os.path.lexists(p) and (not p.is_dir() or _has_files(p)):
        raise UserError(_("{path} already exists and is not empty").format(path=p),
                        cli_fix=_("choose a new folder for --out, or continue that run with --resume"),
                        gui_fix=_("choose a new folder, or continue that run with “Resume a run…”"))
    return p


def new_run_dir(out: str | Path | None, model: str) -> Path:
    """A fresh folder, locked for this process (see `release_run`). An existing non-empty --out is
    refused so no earlier run is overwritten; two runs started at once never share a folder."""
    if out is not None:
        p = refuse_used_out(out)
        created = not p.exists()
        p.mkdir(parents=True, exist_ok=True)
        p = p.resolve()
        if created:
            _created.add(p)
        lock = _lock_new(p)
        if _has_files(p):  # another process filled it between our check and our lock
            lock.release()
            raise UserError(_("{path} was just taken by another run; choose a new folder").format(path=p))
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
        _created.add(p)
        _held[p] = _lock_new(p)
        return p
    raise UserError(_("cannot create a run folder under {base}").format(base=base))


def claim_run(run: Path) -> Path:
    """Lock an existing run folder for this process (to resume it); RunInUse if someone trains in it,
    contained.Refused when one of the run's own files is a link (see check_run_files)."""
    run = Path(run)
    check_run_files(run)
    if run not in _held:
        _held[run] = RunLock(run).acquire()
    return run


def check_run_files(run: Path) -> None:
    """A run folder from someone else may hold links in place of its own files (`.lock`, metrics.jsonl,
    checkpoints/ or tensorboard/ -> a file or folder of the user's): training in it would truncate, append to
    or write the link's target. The first such file is refused with contained.Refused, before anything is
    written. RUN_FILES holds every name training writes in a run (a test trains one and compares)."""
    for rel in RUN_FILES:
        try:
            st = contained.lstat(run, rel)
        except contained.Refused:
            raise
        except OSError:
            continue
        in_place = rel in (LOCK_NAME, METRICS)  # written in place: a second name (hard link) would be written too
        wrong = contained.found(st, want_dir=rel in _FOLDERS, in_place=in_place) if st is not None else None
        if wrong is not None:
            raise contained.Refused(Path(run) / rel, wrong)


def release_run(run: Path) -> None:
    """Let other processes train in `run` again (also happens by itself when this process ends)."""
    lock = _held.pop(Path(run), None)
    if lock is not None:
        with contextlib.suppress(OSError):  # closing flushes the pid hint, which a full disk refuses
            lock.release()


def _lock_new(p: Path) -> RunLock:
    """The lock of a run folder just made; a full or read-only disk removes the folder again and
    says which folder could not be written."""
    try:
        return RunLock(p).acquire()
    except OSError as e:
        discard_unstarted_run(p)
        raise as_write_error(e, p / LOCK_NAME) from None


def discard_unstarted_run(run: Path) -> None:
    """A run whose first files could not be written (a full or read-only disk): release it and remove
    the folder when this process made it and nothing but the lock is in it, so a failed start leaves
    nothing behind. A folder the user made stays, as empty as it was."""
    run = Path(run)
    release_run(run)
    if run in _created:
        _created.discard(run)
        with contextlib.suppress(OSError):
            if not _has_files(run):
                (run / LOCK_NAME).unlink(missing_ok=True)
                run.rmdir()


def _has_files(p: Path) -> bool:
    return any(e.name != LOCK_NAME for e in p.iterdir())


def is_run_dir(path: Path) -> bool:
    return (Path(path) / CONFIG).is_file() and (Path(path) / RUN_INFO).is_file()


def run_of_model(model: str | Path) -> Path | None:
    """The run folder MODEL is the model of: MODEL itself, or the folder of its model.safetensors; None for any
    other model file (an exported one belongs to no run)."""
    path = Path(model).expanduser()
    if is_run_dir(path):
        return path
    return path.parent if path.name == MODEL and is_run_dir(path.parent) else None


def require_run_dir(run: Path) -> None:
    """UserError unless `run` is a run folder, naming the file at fault: "config.json and run.json are missing"
    was said of a run whose config.json alone was a folder or a pipe."""
    for name in (CONFIG, RUN_INFO):
        p = Path(run) / name
        if not os.path.lexists(p):
            raise UserError(_("{run} is not a training run folder ({file} is missing)").format(run=run, file=name))
        if not p.is_file():
            raise UserError(_("{path} is not a regular file (a folder, a link to nothing, a pipe or a device), where a "
                              "training run keeps its {file}; delete it, or choose the run folder it came "
                              "from").format(path=p, file=name))


def read_run_info(run: Path) -> dict[str, Any]:
    """run.json as a dict; UserError (never a hang, RecursionError or crash) when it is missing,
    a link, a special file, too large, too deeply nested or not an object."""
    p = Path(run) / RUN_INFO
    try:
        data = read_app_json(p, follow_links=False)
    except FileNotFoundError:
        raise UserError(_("{run} is not a training run folder ({file} is missing)").format(
            run=run, file=RUN_INFO)) from None
    except AppFileError as e:
        raise UserError(str(e)) from None
    except OSError as e:
        raise UserError(_("cannot read {path}: {error}").format(path=p, error=e.strerror or e)) from None
    if not isinstance(data, dict):
        raise UserError(_("{path} is malformed").format(path=p))
    return data


def run_split(run: Path, info: dict[str, Any], val_fraction: float = 0.2, seed: int = 0) -> tuple[float, int]:
    """The validation share and the seed run.json records (the defaults given when absent), which scan needs
    to split the run's dataset as it was split; UserError naming run.json and the field when one was edited
    into something else ("abc", NaN, 1e400, out of range)."""
    p = Path(run) / RUN_INFO
    return (float(number_field(p, info, "val_fraction", val_fraction, 0.0, 0.99)),
            int(number_field(p, info, "seed", seed, 0, 2**31 - 1, whole=True)))


def run_info_or_none(path: Path) -> dict[str, Any] | None:
    """run.json of PATH when it is a readable run folder; None otherwise (a model file, a damaged run)."""
    if not is_run_dir(path):
        return None
    try:
        return read_run_info(path)
    except UserError:
        return None


def update_run_info(run: Path, **changes: Any) -> dict[str, Any]:
    p = Path(run) / RUN_INFO
    info = read_run_info(run) if p.is_file() else {}
    info.update(changes)
    write_json(p, info, root=Path(run))
    return info


def update_config(run: Path, **changes: Any) -> None:
    """Change only these fields of config.json (atomically), so the run's options say what it did: a resume's
    new total of epochs, the quick method's resolved choices."""
    data = read_app_json(Path(run) / CONFIG)
    if isinstance(data, dict) and any(data.get(k) != v for k, v in changes.items()):
        write_json(Path(run) / CONFIG, {**data, **changes}, root=Path(run))


def read_metrics(run: Path) -> list[dict[str, Any]]:
    """Each epoch's row of metrics.jsonl that makes sense: an int epoch, and numbers (or null) for the
    rest. A row a crash or an editor left behind (`"epoch": null`, a string loss) is skipped on its own,
    so a damaged run is still listed, plotted and resumable instead of stopping whoever reads it."""
    rows: list[dict[str, Any]] = []
    try:
        raw = read_jsonl(Path(run) / METRICS, follow_links=False)
    except (OSError, AppFileError):  # a link, a pipe, a device: no history rather than a hang
        return rows
    for row in raw:
        clean = _metrics_row(row)
        if clean is not None:
            rows.append(clean)
    return rows


def _metrics_row(row: dict[str, Any]) -> dict[str, Any] | None:
    epoch = row.get("epoch")
    if not (isinstance(epoch, int) and not isinstance(epoch, bool) and 0 <= epoch <= 10_000_000):
        return None
    return {k: (v if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) else None)
            for k, v in row.items()}


def list_runs(base: Path | None = None) -> list[Path]:
    """The run folders under base, newest first: those with a config.json and a run.json of any kind, so a run
    whose run.json is a link, a device or a folder is listed (as damaged, saying why), not left out."""
    root = base or default_runs_dir()
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if (p / CONFIG).is_file() and os.path.lexists(p / RUN_INFO)),
                  key=_mtime, reverse=True)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:  # removed while listed, or a link to nowhere
        return 0.0


# ---- is the process that trains a run still alive? ---------------------------------------------
# run.json names its process (pid, host, start time); a run that says "running" while that process is
# gone was interrupted (a crash, a kill, a power cut) and can be resumed. An OS-level lock on the run
# folder can replace this test later: keep every caller going through run_status().


def process_owner() -> dict[str, Any]:
    """The fields run.json records about the process writing it."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "pid_started": process_started(os.getpid())}


def process_started(pid: int) -> int | None:
    """When the process started (clock ticks after boot, Linux): tells a reused pid from the original."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def owner_is_gone(info: dict[str, Any]) -> bool:
    """True only when it can be told: the run names a process on this computer that no longer runs.
    Runs from other computers (a shared folder) or from before pids were recorded count as alive."""
    pid = info.get("pid")
    if not isinstance(pid, int) or not 0 < pid < 2**31 or info.get("host") != socket.gethostname():
        return False  # os.kill(-1, 0) would ask about every process, a pid past 2**31 raise OverflowError
    if not _pid_alive(pid):
        return True
    started = info.get("pid_started")
    return isinstance(started, int) and process_started(pid) not in (None, started)  # pid reused


def run_status(run: Path, info: dict[str, Any] | None = None) -> RunStatus:
    """run.json's status, INTERRUPTED for a running one whose process is gone (its OS lock died with it,
    and the pid it wrote is no longer that process), DAMAGED when run.json cannot be read."""
    if info is None:
        try:
            info = read_run_info(run)
        except UserError:
            return RunStatus.DAMAGED
    status = status_of(info)
    gone = status is RunStatus.RUNNING and not run_in_use(run) and owner_is_gone(info)
    return RunStatus.INTERRUPTED if gone else status


def interrupted_runs(base: Path | None = None, newest: int = 50) -> list[Path]:
    """Runs (newest first, among the `newest` runs) whose training process died while they ran."""
    found = []
    for run in list_runs(base)[:newest]:
        try:
            if run_status(run) is RunStatus.INTERRUPTED:
                found.append(run)
        except (UserError, OSError):  # a damaged run is listed by `runs`, never fatal here
            continue
    return found
