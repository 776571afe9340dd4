"""A run's last exports, kept in its folder (exports.json) and read back when the run is opened again.

Each export is kept as the Export page was handed it: ExportResult.to_dict() with the sidecar's and the script's
text, and beside it the size and time of each file it wrote, and of the model it was made from. Read back, each
export is rebuilt as an ExportResult from checked fields (its files inside the folder it was exported into) and
compared with the files as they are now: an exported file gone or changed, or a model trained again since, comes
back as a reason, so the page marks the results stale and offers to export again.

The folder they were exported into is offered as the next destination only when it is safe to write into on the
word of a file that may come from someone else (offered_folder): a real folder (no link on its way), not a system
folder, the home itself or a hidden folder in it (~/.config/autostart), and one the user had the app write into:
inside the run folder or one of the user's own export folders, or holding the export's files as they were kept
(which only the app's own export made). Otherwise the page keeps its own default; the exports are listed all the
same. Torch-free."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.data_folder import place_problem
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.inference import kept_results as kr
from desktop_cls.core.inference.export_result import EXPORT_FORMATS, ExportResult
from desktop_cls.core.inference.int8_text import checked_facts

EXPORTS = "exports.json"
KIND = "desktop_cls exports"
MAX_BYTES = 16 * 1024 * 1024  # a sidecar of 100,000 long class names is a few MB
MAX_EXPORTS = len(EXPORT_FORMATS)
MAX_FILES = 16  # files of one export (the web page has 8)
MAX_METADATA = 8 * 1024 * 1024  # characters of one sidecar's text
TEXTS = ("metadata", "snippet_text")  # what the page's export dicts hold beside ExportResult's fields


@dataclass(frozen=True)
class SavedExports:
    """The kept exports as the page shows them (ExportResult.to_dict() and TEXTS), the folder they were written
    into, why they no longer match (empty: they do), why a kept file was not read, and the folder to offer as the
    next destination ("": the page's own default; see offered_folder)."""

    exports: tuple[dict[str, Any], ...] = ()
    dest: str = ""
    stale: tuple[str, ...] = ()
    note: str = ""
    offer: str = ""


def files_of(export: dict[str, Any]) -> list[str]:
    """Every file an export wrote: its model files, the sidecar and the script."""
    found = [*(export.get("files") or [export["path"]]), export["sidecar"], export.get("snippet")]
    return list(dict.fromkeys(f for f in found if f))


def shown_export(result: ExportResult) -> dict[str, Any]:
    """An export as the Export page shows it and keep_exports keeps it, for the window and the CLI alike:
    ExportResult.to_dict() with its sidecar's and its script's text (TEXTS)."""
    d = result.to_dict()
    d["metadata"] = Path(result.sidecar).read_text(encoding="utf-8")
    d["snippet_text"] = Path(result.snippet).read_text(encoding="utf-8") if result.snippet else ""
    return d


def keep_exports(model: str, dest: str | Path, exports: Sequence[dict[str, Any]]) -> str:
    """Keep `exports` (the export task's dicts, all written into DEST) in the run folder MODEL for the next start;
    "" when kept or when MODEL is not a run folder, else why they could not be kept."""
    run = Path(model)
    if not rd.is_run_dir(run) or not exports:
        return ""
    names = [f.name for f in dataclasses.fields(ExportResult)]
    kept = [{"result": {k: d[k] for k in names}, **{k: d.get(k, "") for k in TEXTS},
             "identities": {f: kr.identity(f) for f in files_of(d)}} for d in exports]
    try:
        kr.write_kept(run, EXPORTS, KIND, {"dest": str(Path(dest).expanduser().resolve()),
                                           "model": kr.identity(run / rd.MODEL), "exports": kept})
    except (OSError, UserError) as e:
        return str(e)
    return ""


def load_exports(run: str, own: Sequence[str] = ()) -> SavedExports:
    """The exports kept in RUN with the reasons they no longer match; a kept file that is too large, malformed or
    hostile comes back as a note, never as an exception. OWN: the user's own export folders (the offer may be in
    one)."""
    again = _("Press Export to export the model again.")
    kept = kr.read_kept(Path(run), EXPORTS, KIND, MAX_BYTES, again)
    if kept.data is None:
        return SavedExports(note=kept.note)
    try:
        dest = kr.text(kept.data.get("dest"), "dest", 4096)
        rows = [_checked(e, dest) for e in kr.items(kept.data.get("exports"), "exports", MAX_EXPORTS)]
        model = kr.optional(kept.data.get("model"), _identity, "model")
    except kr.Refused as e:
        return SavedExports(note=kr.refused_note(Path(run) / EXPORTS, str(e), again))
    changed = [why for export, identities in rows for why in _changed(export, identities)]
    offer = offered_folder(dest, [run, *own], there=bool(rows) and not changed)
    if model != kr.identity(Path(run) / rd.MODEL):
        changed.insert(0, _("the model was trained again or replaced since"))
    return SavedExports(tuple(e for e, _i in rows), dest, tuple(changed), offer=offer)


def offered_folder(dest: str, own: Sequence[str], there: bool) -> str:
    """DEST when the page may offer it as the next destination, else "": a plain local path (kr.local_folder) with
    no link on its way, not a place to write into on a file's word (data_folder.place_problem: a system folder,
    the home, a hidden folder of it), and either inside one of OWN (the run folder, the user's export folders) or
    holding the kept export's files unchanged (THERE: the app's own export made them there)."""
    path = kr.local_folder(dest)
    if path is None or os.path.realpath(path) != path or place_problem(Path(path)) is not None:
        return ""
    if there or any(_within(path, folder) for folder in own if folder):
        return path
    return ""


def _within(path: str, folder: str) -> bool:
    base = os.path.realpath(os.path.expanduser(folder))
    return os.path.isabs(base) and os.path.splitdrive(path)[0] == os.path.splitdrive(base)[0] \
        and os.path.commonpath([base, path]) == base


def _changed(export: dict[str, Any], identities: dict[str, list[int] | None]) -> list[str]:
    why = []
    for path, was in identities.items():
        now = kr.identity(path)
        if now is None:
            why.append(_("{file} is gone").format(file=path))
        elif now != was:
            why.append(_("{file} changed since it was verified").format(file=path))
    return why


def _checked(value: object, dest: str) -> tuple[dict[str, Any], dict[str, list[int] | None]]:
    """One kept export: ExportResult rebuilt from its fields, each checked by its declared type; every file inside
    DEST."""
    row = kr.record(value, "exports")
    raw = kr.record(row.get("result"), "result")
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(ExportResult):
        check = _CHECKS[str(f.type)]
        fields[f.name] = check(raw.get(f.name), f.name) if f.name in raw else f.default
    if fields["format"] not in EXPORT_FORMATS:
        raise kr.Refused(_("“{field}” is not a format the app writes").format(field="format"))
    for key in ("path", "sidecar"):
        kr.inside(dest, fields[key], key)
    fields["files"] = tuple(kr.inside(dest, f, "files") for f in fields["files"])
    kr.optional(fields["snippet"], lambda v, w: kr.inside(dest, v, w), "snippet")
    for key in ("top1_agreement", "accuracy", "reference_accuracy"):
        kr.number(fields[key], key, 0.0, 1.0, none=True)
    export = ExportResult(**fields).to_dict()
    export.update({k: kr.text(row.get(k, ""), k, MAX_METADATA) for k in TEXTS})
    identities = kr.record(row.get("identities"), "identities")
    if sorted(identities) != sorted(files_of(export)):
        raise kr.Refused(_("“{field}” must name each file of its export").format(field="identities"))
    return export, {k: kr.optional(v, _identity, "identities") for k, v in identities.items()}


def _identity(value: object, what: str) -> list[int]:
    pair = kr.items(value, what, 2)
    if len(pair) != 2:
        raise kr.Refused(_("“{field}” must be two whole numbers").format(field=what))
    return [kr.whole(v, what) for v in pair]


def _files(value: object, what: str) -> tuple[str, ...]:
    return tuple(kr.text(v, what, 4096) for v in kr.items(value, what, MAX_FILES))


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise kr.Refused(_("“{field}” must be true or false").format(field=what))
    return value


def _float(value: object, what: str) -> float:
    return float(kr.number(value, what, 0.0, 1e12) or 0.0)


# ExportResult's fields by their declared type (a field of a new type fails the test that reads each one back)
_CHECKS: dict[str, Any] = {
    "str": kr.text, "int": kr.whole, "bool": _flag, "float": _float, "tuple[str, ...]": _files,
    "float | None": lambda v, w: kr.number(v, w, 0.0, 1e12, none=True),
    "str | None": lambda v, w: kr.optional(v, kr.text, w),
    "dict[str, Any] | None": lambda v, w: kr.optional(v, _int8, w)}


def _int8(value: object, what: str) -> dict[str, Any]:
    facts = checked_facts(value)
    if facts is None:
        raise kr.Refused(_("“{field}” is not how the app describes an int8 file").format(field=what))
    return facts
