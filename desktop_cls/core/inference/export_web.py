"""`export --format web`: a folder with a page that classifies images and the webcam in any browser, offline.

The folder works from file:// and from any static server: index.html and app.js, the model as ONNX
(model.onnx, verified and measured like the ONNX export) with its classes and preprocessing (model.json),
and ONNX Runtime Web (npm package `onnxruntime-web`, pinned in dev.py, licence in the folder). Browsers
refuse fetch() and module imports of file:// URLs, so the runtime's WebAssembly and the model also travel
base64-encoded inside .js files that <script> tags load; the page's Content-Security-Policy forbids every
network request.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from desktop_cls.core import contained
from desktop_cls.core.data.picture_view import REDUCE_ABOVE_PIXELS, REDUCE_MARGIN
from desktop_cls.core.data.small_copies import SMALL_SIDE
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _, join_list
from desktop_cls.core.inference.export import ExportResult, check_destination, export_model
from desktop_cls.core.inference.export_report import ExportImages
from desktop_cls.core.inference.export_staging import new_staging, replace_as_unit
from desktop_cls.core.inference.predictor import resolve_model_path
from desktop_cls.core.storage import write_atomic, write_problem
from desktop_cls.resources_path import resources_dir, source_checkout

RUNTIME_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm", "VERSION", "LICENSE")
PAGE_FILES = ("index.html", "app.js")


def web_runtime_dir() -> Path:
    """Where ONNX Runtime Web's files are; UserError when this installation lacks them."""
    folder = resources_dir() / "web" / "onnxruntime-web"
    missing = [f for f in RUNTIME_FILES if not (folder / f).is_file()]
    if missing:
        raise UserError(_("the web export needs ONNX Runtime Web, which this installation lacks ({files})").format(
            files=join_list(missing)),
                        cli_fix=_fetch_hint(), gui_fix=_fetch_hint())
    return folder


def _fetch_hint() -> str:
    """What the user can do without the runtime: a released installer has it; the command that fetches it is said
    only in a source checkout, where it can be run."""
    if source_checkout() is not None:
        return _("in this source checkout, run python dev.py web-runtime to fetch it")
    return _("install a released build of desktop_cls, which includes it, or export ONNX instead")


def _web_destination(out: str | Path, overwrite: bool) -> Path:
    """The folder `out` (a link to a folder is followed: the folder is the user's choice, as a path with a
    link in it is); UserError when it is something else, or holds files and `overwrite` is not given."""
    dest = Path(out).expanduser()
    if os.path.lexists(dest) and not dest.is_dir():
        raise UserError(_("{path} is not a folder; the web export is a folder").format(path=dest))
    if dest.is_dir() and any(dest.iterdir()) and not overwrite:
        raise UserError(_("{path} already exists and is not empty").format(path=dest),
                        cli_fix=_("choose another folder, or add --overwrite to replace the files of the same names "
                                  "in it (nothing else there is touched)"),
                        gui_fix=_("choose another folder, or tick “Replace existing files with the same name”"))
    return dest


def check_destinations(source: str | Path, targets: Mapping[str, str | Path], overwrite: bool = False) -> None:
    """Raises the UserError the export of `source` into any of `targets` (format -> file, or folder for "web")
    would raise about where it writes, before anything is read or written: formats exported together are
    refused before the first of them is written, and a window keeps what it shows until the export can go."""
    for fmt, out in targets.items():
        if fmt == "web":
            _web_destination(out, overwrite)
        else:
            check_destination(source, fmt, out, overwrite)


def _pillow_major() -> int:
    """Pillow 13 changed the order of its two resize passes (which rounds differently); the page follows
    the Pillow this app decodes training and prediction images with."""
    import PIL

    return int(PIL.__version__.split(".")[0])


def decoding_rules() -> dict[str, object]:
    """What the page needs to see a picture as the app does: the resize's pass order, the whole-factor reductions."""
    return {"vertical_pass_first_rule": _pillow_major() >= 13,
            "reduce": {"above_pixels": REDUCE_ABOVE_PIXELS, "small_side": SMALL_SIDE, "margin": REDUCE_MARGIN}}


def _write_page(staging: Path, runtime: Path, title: str) -> None:
    """Page, model.js and runtime.js into the staging folder next to the verified model.onnx/model.json."""
    page = resources_dir() / "web"
    for name in PAGE_FILES:
        shutil.copyfile(page / name, staging / name)
    meta = json.loads((staging / "model.json").read_text(encoding="utf-8"))
    model = {"title": title, "classes": meta["classes"], "input_size": meta["input_size"], "mean": meta["mean"],
             "std": meta["std"], "temperature": meta.get("temperature", 1.0), **decoding_rules(),
             "onnx": base64.b64encode((staging / "model.onnx").read_bytes()).decode("ascii")}
    write_atomic(staging / "model.js", ("window.DESKTOP_CLS_MODEL = " + json.dumps(model) + ";\n").encode("utf-8"))
    ort = staging / "onnxruntime-web"
    ort.mkdir()
    shutil.copyfile(runtime / "LICENSE", ort / "LICENSE")
    version = (runtime / "VERSION").read_text(encoding="utf-8").strip()
    source = (runtime / "ort.wasm.bundle.min.mjs").read_text(encoding="utf-8")
    wasm = base64.b64encode((runtime / "ort-wasm-simd-threaded.wasm").read_bytes()).decode("ascii")
    text = ("// onnxruntime-web " + version + " (MIT, see LICENSE): its ES module and WebAssembly, embedded\n"
            "window.DESKTOP_CLS_ORT = " + json.dumps({"version": version, "source": source, "wasm": wasm}) + ";\n")
    write_atomic(ort / "runtime.js", text.encode("utf-8"))


def export_web(source: str | Path, out: str | Path, overwrite: bool = False, data: str | Path | None = None,
               images: ExportImages | None = None, progress: ProgressFn = no_progress,
               cancel: CancelToken | None = None) -> ExportResult:
    """The folder `out` with the page, the verified ONNX model and the runtime. Everything is built in a hidden
    staging folder inside `out`, then each file replaces the one of its name (atomically, one by one); no other
    file in `out` is touched. Nothing is left behind on failure (a folder this call made is removed again)."""
    runtime = web_runtime_dir()
    dest = _web_destination(out, overwrite)
    src = resolve_model_path(source)
    made = not dest.is_dir()
    staging = new_staging(dest / PAGE_FILES[0])  # inside dest: every move is a rename on one file system
    try:
        result = export_model(src, "onnx", staging / "model.onnx", data=data, images=images, progress=progress,
                              cancel=cancel)
        title = src.parent.name if src.name == "model.safetensors" else src.stem
        _write_page(staging, runtime, title)
        if cancel is not None:
            cancel.raise_if_set()
        written = _move_in(staging, dest, Path(result.snippet).name if result.snippet else None)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):
                dest.rmdir()  # only when empty: whatever appeared there meanwhile stays
        raise
    shutil.rmtree(staging, ignore_errors=True)
    files = tuple(str(dest / n) for n in (*PAGE_FILES, "model.onnx", "model.js", "model.json",
                                         "onnxruntime-web/runtime.js"))
    size = sum(st.st_size for rel in written if (st := contained.lstat(dest, rel)) is not None)
    snippet = str(dest / Path(result.snippet).name) if result.snippet else None
    return replace(result, format="web", path=str(dest / "index.html"), sidecar=str(dest / "model.json"),
                   files=files, size_bytes=size, snippet=snippet)


def _move_in(staging: Path, dest: Path, snippet: str | None) -> list[str]:
    """Each file in staging over the file of its name in dest (a link there is replaced, never followed; a link
    on the way, such as onnxruntime-web/, is refused): the runtime first, then the model with its metadata last
    (export_staging.replace_as_unit), then model.js, and the page last. Returns the names moved in. Every place is
    checked before the first move, so a folder in a file's place changes nothing."""
    rels = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    unit = ["model.onnx", *([snippet] if snippet else []), "model.json"]
    last = ["model.js", PAGE_FILES[0]]
    first = [r for r in rels if r not in unit and r not in last]
    for rel in rels:
        st = contained.lstat(dest, rel)
        if st is not None and contained.found(st, want_dir=False) == contained.NOT_FILE:
            raise UserError(_("{path} is in the way: the web export writes a file of that name, and a folder or "
                              "special file is there. Nothing was changed").format(path=dest / rel),
                            cli_fix=_("choose another folder for --out, or move it away"),
                            gui_fix=_("choose another folder, or move it away"))
    at = dest
    try:
        for rel in first:
            at = dest / rel
            contained.rename(dest, f"{staging.name}/{rel}", rel, parents=True, replace=True)
        at = dest / "model.onnx"
        replace_as_unit([staging / n for n in unit], dest, staging)
        for rel in last:
            at = dest / rel
            contained.rename(dest, f"{staging.name}/{rel}", rel, replace=True)
    except UserError:  # a link on the way (contained.Refused), a full disk (storage.WriteError)
        raise
    except OSError as e:
        raise UserError(write_problem(e, at)) from None
    return rels
