"""An export's files (model, its metadata, example script) are built in a sibling staging folder and
moved into place as one unit: never a new model beside the old model's metadata.

A file-by-file swap can be cut between two renames (a kill, a power cut, a full disk). The old
metadata is therefore moved into the staging folder *before* anything is replaced and put back if a
replace fails; the new metadata comes last. Whatever instant the swap stops at, the destination holds
a model with its own metadata or a model without metadata (refused on load: "metadata file missing"),
never a model with another model's class names. Staging folders carry the pid of the process that made
them and when it started (a restarted app often gets the pid of the one killed before it), so the next
export to that folder removes those a killed export left behind: only folders of that exact pattern, never
through a link.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path

from desktop_cls.core.data import tree_walk
from desktop_cls.core.run_dir import owner_is_gone, process_started
from desktop_cls.core.storage import as_write_error

_MARK = ".export-"


def new_staging(dest: Path) -> Path:
    """A fresh staging folder beside dest (same file system, so the final moves are renames), after
    removing any that an export killed earlier left there."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_staging(dest.parent)
        started = process_started(os.getpid())
        tag = f"{os.getpid()}" if started is None else f"{os.getpid()}.{started}"
        return Path(tempfile.mkdtemp(prefix=f".{dest.name}{_MARK}{tag}-", dir=dest.parent))
    except OSError as e:
        raise as_write_error(e, dest) from None


def clean_stale_staging(folder: Path) -> list[Path]:
    """Remove staging folders whose export process is gone; returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    host = socket.gethostname()
    for e in entries:
        if not (e.name.startswith(".") and _MARK in e.name) or not e.is_dir(follow_symlinks=False):
            continue
        pid_text, _dot, started = e.name.rsplit(_MARK, 1)[1].split("-", 1)[0].partition(".")
        if not pid_text.isdigit() or not (started.isdigit() or not started):
            continue
        owner = {"pid": int(pid_text), "host": host, "pid_started": int(started) if started else None}
        if owner_is_gone(owner):
            with contextlib.suppress(OSError):  # (any depth: a folder from someone else may nest thousands deep)
                tree_walk.remove_tree(folder, e.name)
            removed.append(Path(e.path))
    return removed


def replace_as_unit(staged: Sequence[Path], folder: Path, staging: Path) -> None:
    """Move `staged` files (the metadata last) into `folder`, replacing same-named files as one unit."""
    *payload, sidecar = staged
    old_sidecar = folder / sidecar.name
    kept = staging / ".previous-metadata"
    had_old = old_sidecar.is_file() and not old_sidecar.is_symlink()
    try:
        if had_old:
            os.replace(old_sidecar, kept)
        moved = 0
        try:
            for f in payload:
                os.replace(f, folder / f.name)
                moved += 1
        except OSError:
            if had_old and moved == 0:  # nothing new is in place: the old model keeps its metadata
                os.replace(kept, old_sidecar)
            raise
        os.replace(sidecar, old_sidecar)
    except OSError as e:
        raise as_write_error(e, folder / payload[0].name if payload else old_sidecar) from None
