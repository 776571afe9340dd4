"""Copying images from elsewhere into a dataset, as one labeling step that Ctrl+Z undoes.

The copies are first made in a folder of the dataset's own trash (DATASET/.desktop_cls/trash/import-…/), each
atomically (a temporary file, then os.replace) under a free name; then one journaled step moves them to where
they belong: the dataset folder (unlabeled) or a class. So:
- undoing an import puts the copies back into the dataset's trash (the user's originals were never touched),
  redo brings them back, and *Empty trash* hands them to the system trash as any other deleted image;
- a crash while copying leaves copies only in the dataset's trash; one during the step is finished or rolled
  back on opening, as any step;
- Cancel stops between files (or within a large one): what was copied stays and is the step, so the folder is
  as if those files had been chosen; one Ctrl+Z takes them out.

A folder among the paths brings the files in it and its sub-folders (hidden ones left out). A link is never
copied nor entered, whether in a dropped folder or dropped itself: the folder may come from someone else (a zip, a
tar or a git clone keeps links), and `photo.jpg -> ~/.ssh/id_rsa` would put the user's key into a dataset that may
be shared. Each link left out is named with where it points, among the files not imported. A name read from
outside is one file name, never a path: separators, control characters and a leading dot (a hidden file nobody
would see) are replaced, and a name already taken gets " (2)". A file that cannot be copied
is named with the reason; a full or read-only disk stops the import (every later file would fail the same way).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core import contained
from desktop_cls.core.data import tree_walk
from desktop_cls.core.data.folder_layout import check_class_name, check_new_class_name
from desktop_cls.core.data.folder_walk import is_hidden
from desktop_cls.core.data.imaging import is_image_name
from desktop_cls.core.data.labeling import Workspace
from desktop_cls.core.data.labeling_journal import Move, Operation, reason
from desktop_cls.core.data.labeling_state import STATE_DIR, TRASH, free_name, stamp
from desktop_cls.core.data.step_words import StepFacts
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.names import windows_problem
from desktop_cls.core.storage import Unreadable, copy_file, is_link, is_write_failure, write_problem

CHUNK = 1 << 20  # bytes read at a time: Cancel is seen within a large file too
KIND = "import"
_UNSAFE = set('/\\:*?"<>|')
MAX_NAME_BYTES = 200


@dataclass(frozen=True, slots=True)
class NotImported:
    """A file that was not copied in, and why (one line for the user)."""

    path: str
    why: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: the copies' paths in the dataset, what was left out, whether Cancel stopped it."""

    imported: tuple[str, ...]
    not_imported: tuple[NotImported, ...]
    cancelled: bool
    requested: int
    step: Operation | None


def safe_name(name: str) -> str:
    """A file name from outside as one plain, visible name of the dataset: no separator or control character,
    no leading dot, not one the scanner skips, short enough for every file system; the extension is kept."""
    clean = "".join("_" if c in _UNSAFE or ord(c) < 32 or ord(c) == 127 else c for c in name).strip()
    stem, dot, ext = clean.rpartition(".")
    if not dot:
        stem, ext = clean, ""
    stem = stem.lstrip(". ") or "image"  # a leading dot would hide the image from every listing
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    out = f"{stem}.{ext}" if ext else stem
    return out if not is_hidden(out) and windows_problem(out) is None else f"image {out}"  # ('CON.png' too)


def link_refusal(src: str, imported: Collection[str] = ()) -> str:
    """Why the link src is not imported, naming where it points: `imported` holds the real paths of the other
    files to import, so a link to one of them (inside a dropped folder, say) is said to be among them."""
    target = os.path.realpath(src)  # (through every link on the way: this is where the bytes are)
    if os.path.isdir(target):
        return _("a link to the folder {target}: links are never followed; to import its images, choose or drop "
                 "that folder itself").format(target=target)
    if target in imported:
        return _("a link to {target}, which is itself among the files to import: links are never copied").format(
            target=target)
    return _("a link to {target}: links are never copied, so no file from elsewhere on this computer ends up in "
             "the dataset; if it is an image you want, choose or drop that file itself").format(target=target)


def refusal(root: Path, src: str) -> str | None:
    """Why src cannot be imported (a link, not an image file, a folder, already in the dataset), or None."""
    p = Path(src)
    if is_link(src):
        return link_refusal(src)
    if p.is_dir():
        return _("a folder: choose or drop the images in it")
    if not is_image_name(p.name):
        return _("not an image file the app can train on (JPEG, PNG, BMP, TIFF, WebP, PPM or PGM)")
    if not p.is_file():
        return _("not found, or not a regular file")
    with contextlib.suppress(OSError, ValueError):
        if p.resolve().is_relative_to(root):
            return _("already in the dataset")
    return None


def files_in(paths: Sequence[str], cancel: CancelToken | None = None) -> list[str]:
    """The files to import: each path given, and for a folder the files in it and its sub-folders in name order
    (hidden ones left out; a link to a folder is listed, to be refused, and not entered), so dropping a folder of
    photos imports its photos and names what else it held."""
    out: list[str] = []
    for p in paths:
        if not os.path.isdir(p) or is_link(p):
            out.append(p)
            continue
        for folder, dirs, files in tree_walk.walk(p):  # (enters no folder link; TooDeep past its depth)
            if cancel is not None and cancel.is_set():
                break
            dirs[:] = sorted(d for d in dirs if not is_hidden(d))
            out += [os.path.join(folder, d) for d in dirs if is_link(os.path.join(folder, d))]
            dirs[:] = [d for d in dirs if not is_link(os.path.join(folder, d))]
            out += [os.path.join(folder, f) for f in sorted(files) if not is_hidden(f)]
    return out


def copy_one(src: str, root: Path, rel: str, cancel: CancelToken | None) -> None:
    """Copy src to root/rel atomically (storage.copy_file: no link followed, at the source or below root);
    Unreadable when the source cannot be read, CancelledError when Cancel comes during a large file."""
    copy_file(src, root, rel, cancel, CHUNK)


def import_images(ws: Workspace, paths: Sequence[str], class_name: str | None = None, inside: Sequence[str] = (),
                  progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> ImportResult:
    """Copy the image files among `paths` into the dataset (into `class_name` when given) and, in the same step,
    file `inside` (images already in the dataset) into that class. UserError when the folder cannot be labeled
    or the class name is not one; StepFailed (nothing changed) when the step itself cannot be made."""
    if ws.read_only:
        raise UserError(ws.read_only)
    cls = check_class_name(class_name) if class_name is not None else None
    if cls is not None and not contained.is_dir(ws.root, ws.shape.folder(cls)):
        check_new_class_name(cls)  # a class folder about to be made: one Windows can hold too
    paths = files_in(paths, cancel)
    staging = f"{STATE_DIR}/{TRASH}/{KIND}-{stamp()}-{secrets.token_hex(3)}"
    staged: list[str] = []
    left: list[NotImported] = []
    cancelled, taken, real = False, set[str](), None
    for i, src in enumerate(paths):
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        progress(i, len(paths), _("copying {name} ({done:,} of {total:,})").format(
            name=Path(src).name, done=i + 1, total=len(paths)))
        if is_link(src):  # (never copied: see link_refusal)
            real = _real_paths(paths) if real is None else real
            why: str | None = link_refusal(src, real)
        else:
            why = refusal(ws.root, src)
        if why is None:
            rel = free_name(ws.root, staging, safe_name(Path(src).name), taken)
            try:
                copy_one(src, ws.root, rel, cancel)
                staged.append(rel)
                continue
            except CancelledError:
                cancelled = True
                break
            except Unreadable as e:
                why = _("cannot be read: {reason}").format(reason=reason(e.cause))
            except OSError as e:
                if is_write_failure(e):  # the disk is full or read-only: every later file would fail too
                    left.extend(NotImported(p, write_problem(e, ws.root)) for p in paths[i:])
                    break
                why = reason(e)
        left.append(NotImported(src, why))
    progress(len(paths), len(paths), "")
    step = _file_copies(ws, staging, staged, cls, inside) if staged or inside else None
    copies = set(staged)
    return ImportResult(tuple(m.dst for m in step.moves if m.src in copies and m.dst) if step else (),
                        tuple(left), cancelled, len(paths), step)


def _real_paths(paths: Sequence[str]) -> set[str]:
    """Where the files among `paths` that are not links are, every link on the way resolved (as link_refusal
    resolves a link's target); made when the import meets its first link."""
    return {os.path.realpath(p) for p in paths if not is_link(p)}


def _file_copies(ws: Workspace, staging: str, staged: list[str], cls: str | None,
                 inside: Sequence[str]) -> Operation:
    """One journaled step: the copies out of the trash into place, and `inside` into the class. When it cannot
    be planned or made (a link on the way, a file gone), the copies (the app's own) are removed and nothing else
    has changed."""
    try:
        taken: set[str] = set()
        moves = ws.plan_assign({cls: inside}, taken) if cls is not None and inside else []
        dest = ws.shape.folder(cls) if cls is not None else ""
        if dest and not contained.is_dir(ws.root, dest) and Move(None, dest) not in moves:
            moves.insert(0, Move(None, dest))
        moves += [Move(rel, free_name(ws.root, dest, rel.rpartition("/")[2], taken)) for rel in staged]
        n = len(staged) + len(inside)
        return ws.step(KIND, moves, StepFacts(n, (cls,) if cls is not None else ()))
    finally:
        _remove_staging(ws.root, staging)


def _remove_staging(root: Path, staging: str) -> None:
    """What is left in the staging folder after the step (all of it when the step failed) is the app's own
    copies: removed, and the folder with them; an undo makes it again."""
    with contextlib.suppress(OSError, ValueError):
        if contained.is_dir(root, staging):
            contained.remove_files(root, staging, lambda _name: True)
            contained.rmdir(root, staging)
