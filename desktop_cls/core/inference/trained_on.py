"""What a run learned: the content digests of the pictures it trained on, so a model evaluated or checked on
another folder is never scored on a copy of a picture it learned (the same bytes under any name).

Training records them in the run folder (RECORD, written atomically): a header, then each picture's 20-byte
content digest (data/same_content's content_hash), sorted, each once. The file holds digests only, never a name,
so nothing read from it can point at a file. It may come from someone else (a shared run folder): it is read
bounded (the app's file limit), without following a link, and refused unless it has exactly that shape. A run
without it (trained by an earlier version) is answered from the folder it learned from, when that folder is still
exactly as it was trained (its recorded fingerprint); otherwise what it learned cannot be told, and the callers
(evaluation, other_folder_check) say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.core import run_dir as rd
from desktop_cls.core.app_files import AppFileError, read_app_bytes
from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.data.same_content import content_hash, same_content
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.storage import write_atomic

RECORD = rd.TRAINED_ON
MAGIC = b"desktop_cls trained-on v1\n"
DIGEST_BYTES = 20  # content_hash's 40 hex characters
_DTYPE = f"S{DIGEST_BYTES}"


class RecordRefused(UserError):
    """The record of the pictures a run learned is there but was not read: a link, a pipe, too large, damaged."""


def save_trained_on(run: Path, digests: Iterable[str], also: np.ndarray | None = None) -> None:
    """Record the content digests (content_hash's hex) of the pictures the run trains on, and those of `also` (a
    record read before, on a resume), replacing the record."""
    raw = {bytes.fromhex(d)[:DIGEST_BYTES] for d in digests if d}
    if also is not None:
        kept = np.ascontiguousarray(also, dtype=_DTYPE).tobytes()  # whole items: a digest may end in zero bytes
        raw.update(kept[i:i + DIGEST_BYTES] for i in range(0, len(kept), DIGEST_BYTES))
    write_atomic(Path(run) / RECORD, MAGIC + b"".join(sorted(raw)), root=Path(run))


def content_digests(paths: Sequence[str], progress: ProgressFn = no_progress,
                    cancel: CancelToken | None = None) -> list[str]:
    """The content digest of each readable file of `paths` (an unreadable one is left out: it teaches nothing)."""
    found: list[str] = []
    said = _("noting which images the model learns")
    for i, p in enumerate(paths):
        if i % 256 == 0:
            progress(i, len(paths), said)
            if cancel is not None:
                cancel.raise_if_set()
        try:
            found.append(content_hash(p))
        except OSError:
            continue
    progress(len(paths), len(paths), said)
    return found


def read_trained_on(run: Path) -> np.ndarray | None:
    """The run's recorded digests, a sorted array of DIGEST_BYTES-byte strings; None when it has no record.
    RecordRefused, saying why, when the file is there but is not a record this version wrote."""
    path = Path(run) / RECORD
    try:
        data = read_app_bytes(path, follow_links=False)  # bounded by the app's file limit, like its other files
    except FileNotFoundError:
        return None
    except AppFileError as e:
        raise RecordRefused(_refused(path, str(e))) from None
    except OSError as e:  # a link in its place (ELOOP), no permission
        raise RecordRefused(_refused(path, e.strerror or str(e))) from None
    body = data[len(MAGIC):]
    if not data.startswith(MAGIC) or len(body) % DIGEST_BYTES:
        raise RecordRefused(_refused(path, _("it is not a record of this app's (damaged, or another kind of file)")))
    digests = np.frombuffer(body, dtype=_DTYPE)
    if len(digests) > 1 and not bool(np.all(digests[1:] > digests[:-1])):
        raise RecordRefused(_refused(path, _("its digests are not in order (it was changed by hand or damaged)")))
    return digests


def _refused(path: Path, why: str) -> str:
    return _("{path} (the record of the images the model learned) was not read: {why}").format(path=path, why=why)


def folder_as_trained(run: Path, info: Mapping[str, Any], cancel: CancelToken | None = None) -> DatasetIndex | None:
    """The run's folder indexed as the run indexed it, when its fingerprint (which holds each picture's split) is
    the one recorded: every picture as it was trained; None when any was added, removed or changed since, or the
    folder is gone."""
    root, before = info.get("dataset_root"), info.get("dataset_fingerprint")
    if not isinstance(root, str) or not isinstance(before, dict) or not Path(root).is_dir():
        return None
    for fraction in _split_fractions(run, info):
        try:
            index = scan(root, val_fraction=fraction, seed=int(info.get("seed", 0)), cancel=cancel)
        except (UserError, ValueError, TypeError):
            return None
        now = index.fingerprint
        if (before.get("version"), before.get("sha256")) == (now.get("version"), now.get("sha256")):
            return index
    return None


def _split_fractions(run: Path, info: Mapping[str, Any]) -> list[float]:
    """The validation fractions the run's split may have had: its record's, and its options' (a quick run that
    cross-validated records 0, every picture learned, but split as its options said when it was fingerprinted)."""
    from desktop_cls.core.app_files import read_app_json

    fractions = [info.get("val_fraction", 0.2)]
    try:
        options = read_app_json(Path(run) / rd.CONFIG, follow_links=False)
    except (OSError, AppFileError):
        options = None
    if isinstance(options, dict):
        fractions.append(options.get("val_fraction"))
    found: list[float] = []
    for f in fractions:
        if isinstance(f, (int, float)) and 0 <= f < 1 and float(f) not in found:
            found.append(float(f))
    return found


@dataclass(frozen=True)
class TrainedOn:
    """What a run learned, as far as it can be told: its record's digests, else the pictures of its folder (as
    trained) it learned; `unknown` says why neither could be had, `refused` why the record was not read."""

    digests: np.ndarray | None = None
    pictures: tuple[str, ...] | None = None
    unknown: str = ""
    refused: str = ""

    @property
    def known(self) -> bool:
        return self.digests is not None or self.pictures is not None

    def learned_among(self, paths: Sequence[str], cancel: CancelToken | None = None) -> set[str]:
        """Those of `paths` whose bytes are those of a picture the run learned (none when that cannot be told).
        From the folder, a file the same size as a picture there that could not be read counts as learned."""
        if self.pictures is not None:
            return set(same_content(paths, self.pictures, cancel))
        if self.digests is None or not len(self.digests) or not paths:
            return set()
        mine: list[tuple[str, bytes]] = []
        for i, p in enumerate(paths):
            if cancel is not None and i % 64 == 0:
                cancel.raise_if_set()
            try:
                mine.append((p, bytes.fromhex(content_hash(p))))
            except OSError:
                continue  # unreadable here: it is scored as nothing, and reported as a problem
        if not mine:
            return set()
        wanted = np.array([d for _p, d in mine], dtype=_DTYPE)
        at = np.minimum(np.searchsorted(self.digests, wanted), len(self.digests) - 1)
        hit = self.digests[at] == wanted
        return {p for (p, _d), h in zip(mine, hit, strict=True) if h}


def trained_on(run: Path, info: Mapping[str, Any] | None, cancel: CancelToken | None = None) -> TrainedOn:
    """What the run in RUN (its run.json: INFO, None when it has none) learned: its record, else its folder when
    that is as it was trained (its training pictures; with cross-validation, its validation ones too), else
    unknown."""
    if info is None:
        return TrainedOn(unknown=_("the model has no training record beside it"))
    refused = ""
    try:
        digests = read_trained_on(run)
    except RecordRefused as e:
        digests, refused = None, str(e)
    if digests is not None:
        return TrainedOn(digests=digests)
    index = folder_as_trained(run, info, cancel)
    if index is None:
        return TrainedOn(refused=refused, unknown=_(
            "it keeps no usable record of them, and the folder it learned from, {folder}, has changed since it "
            "was trained (or is gone)").format(folder=info.get("dataset_root")))
    cv = bool(info.get("cv_folds"))  # a quick run that cross-validated learned its validation pictures too
    learned = tuple(s.path for s in index.samples if s.split == "train" or (cv and s.split == "val"))
    return TrainedOn(pictures=learned, refused=refused)
