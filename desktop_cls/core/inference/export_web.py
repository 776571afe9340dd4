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
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.inference.export import ExportResult, check_destination, export_model
from desktop_cls.core.inference.export_report import ExportImages
from desktop_cls.core.inference.predictor import resolve_model_path
from desktop_cls.core.storage import write_atomic
from desktop_cls.resources_path import resources_dir

RUNTIME_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm", "VERSION", "LICENSE")
PAGE_FILES = ("index.html", "app.js")


def web_runtime_dir() -> Path:
    """Where ONNX Runtime Web's files are; UserError when this installation lacks them."""
    folder = resources_dir() / "web" / "onnxruntime-web"
    missing = [f for f in RUNTIME_FILES if not (folder / f).is_file()]
    if missing:
        raise UserError(_("the web export needs ONNX Runtime Web, which this installation lacks ({files})").format(
            files=", ".join(missing)),
                        cli_fix=_("in a source checkout run: python dev.py web-runtime"),
                        gui_fix=_("in a source checkout run: python dev.py web-runtime; released builds include it"))
    return folder


def _web_destination(out: str | Path, overwrite: bool) -> Path:
    dest = Path(out).expanduser()
    if dest.exists() and not dest.is_dir():
        raise UserError(_("{path} is a file; the web export is a folder").format(path=dest))
    if dest.is_dir() and any(dest.iterdir()) and not overwrite:
        raise UserError(_("{path} already exists and is not empty").format(path=dest),
                        cli_fix=_("choose another name, or add --overwrite to replace it"),
                        gui_fix=_("choose another name, or tick “Replace existing files with the same name”"))
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


def _write_page(staging: Path, runtime: Path, title: str) -> None:
    """Page, model.js and runtime.js into the staging folder next to the verified model.onnx/model.json."""
    page = resources_dir() / "web"
    for name in PAGE_FILES:
        shutil.copyfile(page / name, staging / name)
    meta = json.loads((staging / "model.json").read_text(encoding="utf-8"))
    model = {"title": title, "classes": meta["classes"], "input_size": meta["input_size"], "mean": meta["mean"],
             "std": meta["std"], "temperature": meta.get("temperature", 1.0),
             "vertical_pass_first_rule": _pillow_major() >= 13,
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
    """The folder `out` with the page, the verified ONNX model and the runtime; nothing left behind on failure."""
    runtime = web_runtime_dir()
    dest = _web_destination(out, overwrite)
    src = resolve_model_path(source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.export-", dir=dest.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would hide the page from a web server running as another user
    old = dest.parent / f".{dest.name}.replaced"
    try:
        result = export_model(src, "onnx", staging / "model.onnx", data=data, images=images, progress=progress,
                              cancel=cancel)
        title = src.parent.name if src.name == "model.safetensors" else src.stem
        _write_page(staging, runtime, title)
        if cancel is not None:
            cancel.raise_if_set()
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    files = tuple(str(dest / n) for n in (*PAGE_FILES, "model.onnx", "model.js", "model.json",
                                         "onnxruntime-web/runtime.js"))
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    snippet = str(dest / Path(result.snippet).name) if result.snippet else None
    return replace(result, format="web", path=str(dest / "index.html"), sidecar=str(dest / "model.json"),
                   files=files, size_bytes=size, snippet=snippet)
