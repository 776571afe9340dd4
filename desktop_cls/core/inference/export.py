"""Export a trained model (safetensors, TorchScript, ONNX fp32/int8/fp16, OpenVINO IR), verified and measured.

Every file is written into a hidden staging folder beside the destination, loaded back in its own
runtime, compared with the trained fp32 model and measured (agreement, accuracy, size, latency) there;
only then is it moved into place. A failed or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.inference import export_onnx as eo
from desktop_cls.core.inference import int8_sensitivity as sens
from desktop_cls.core.inference.export_openvino import bin_path, write_ir
from desktop_cls.core.inference.export_report import (
    ExportImages,
    Fidelity,
    fidelity,
    gather_images,
    latencies_ms,
    preprocess,
    run_batched,
    torch_runner,
)
from desktop_cls.core.inference.export_result import AGREEMENT_TARGET, ExportResult
from desktop_cls.core.inference.export_snippets import snippet_path, snippet_text
from desktop_cls.core.inference.export_staging import new_staging, replace_as_unit
from desktop_cls.core.inference.int8_text import quantization_text
from desktop_cls.core.inference.int8_words import judged_facts, said_calibrating, said_grown, said_measured
from desktop_cls.core.inference.predictor import Predictor, resolve_model_path
from desktop_cls.core.models.model_io import ModelMeta, load_native, read_meta, save_native, sidecar_path
from desktop_cls.core.models.preprocessing import prepare
from desktop_cls.core.storage import as_write_error, is_write_failure, write_atomic, write_json

FORMATS = {"safetensors": ".safetensors", "torchscript": ".torchscript", "onnx": ".onnx",
           "onnx-int8": ".onnx", "onnx-fp16": ".onnx", "openvino": ".xml"}
ALSO_ACCEPTED = {"torchscript": (".ts",)}
LOSSY = frozenset({"onnx-int8", "onnx-fp16"})
RUNTIMES = {"safetensors": "PyTorch", "torchscript": "PyTorch (TorchScript)", "onnx": "ONNX Runtime",
            "onnx-int8": "ONNX Runtime", "onnx-fp16": "ONNX Runtime", "openvino": "OpenVINO"}


STAGES = 4  # export_model reports its stages as n of STAGES; finer steps (int8's blocks) come between
FINE = 1000  # a verification's moving progress: thousandths of its stage (never STAGES, which names a stage)
VERIFY_BATCH = 16  # images per batch when verifying: small enough that the bar moves every few seconds


def _sample_inputs(meta: ModelMeta, n: int = 4, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    h, w = meta.input_size
    return torch.randint(0, 256, (n, 3, h, w), generator=g, dtype=torch.uint8)


def _compare(reference: np.ndarray, got: np.ndarray) -> tuple[float, float]:
    diff = float(np.abs(reference - got).max()) if reference.size else 0.0
    agree = float((reference.argmax(1) == got.argmax(1)).mean()) if reference.size else 1.0
    return diff, agree


def _destination(src: Path, fmt: str, out: str | Path, overwrite: bool) -> Path:
    if fmt not in FORMATS:
        raise UserError(_("unknown export format '{fmt}'; choose {formats}").format(
                fmt=fmt, formats=', '.join(FORMATS)))
    dest = Path(out).expanduser()
    if dest.suffix == "":
        dest = dest.with_suffix(FORMATS[fmt])
    elif dest.suffix.lower() not in (FORMATS[fmt], *ALSO_ACCEPTED.get(fmt, ())):
        raise UserError(_("{fmt} models are {extension} files; {name} has another extension").format(
                fmt=fmt, extension=FORMATS[fmt], name=dest.name))
    if dest.resolve() == src.resolve():
        raise UserError(_("the export would replace its own source model; choose another file name"))
    if sidecar_path(dest).resolve() == sidecar_path(src).resolve():
        raise UserError(_("{path} is the metadata of the source model; choose another file name").format(
                path=sidecar_path(dest)))
    for p in _final_files(fmt, dest):
        if os.path.lexists(p) and not overwrite:  # (a link whose target is gone too: it would be replaced)
            raise UserError(_("{path} already exists").format(path=p),
                            cli_fix=_("choose another name, or add --overwrite to replace it"),
                            gui_fix=_("choose another name, or tick “Replace existing files with the same name”"))
    return dest


def check_destination(source: str | Path, fmt: str, out: str | Path, overwrite: bool = False) -> Path:
    """Where export_model would write `fmt` for `out`, or the UserError it would raise about that place (files
    already there, the source itself, a wrong extension), found before anything is read or written."""
    return _destination(resolve_model_path(source), fmt, out, overwrite)


def _final_files(fmt: str, dest: Path) -> list[Path]:
    files = [dest] + ([bin_path(dest)] if fmt == "openvino" else [])
    if snippet_text(fmt, dest) is not None:
        files.append(snippet_path(dest))
    return [*files, sidecar_path(dest)]


def measurement_images(source: str | Path, data: str | Path | None = None, progress: ProgressFn = no_progress,
                       cancel: CancelToken | None = None) -> ExportImages:
    """The images every export of this model is calibrated and measured on (decode once, export many)."""
    src = resolve_model_path(source)
    return gather_images(src, read_meta(sidecar_path(src)), data, progress=progress, cancel=cancel)


def export_model(source: str | Path, fmt: str, out: str | Path, overwrite: bool = False,
                 data: str | Path | None = None, images: ExportImages | None = None,
                 progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> ExportResult:
    """source: a run folder or native model file; the sidecar <out>.json is written beside out.

    data: the folder to measure on when the run's own dataset is not where it was (or for a bare model
    file); images: already decoded ones (several formats exported in one go share them).
    """
    src = resolve_model_path(source)
    if src.suffix.lower() in (".onnx", ".torchscript", ".ts", ".xml"):
        raise UserError(_("{path} is already an exported {suffix} model; export from the run folder instead").format(
                path=src, suffix=src.suffix))
    dest = _destination(src, fmt, out, overwrite)
    t0 = time.perf_counter()
    progress(0, STAGES, _("loading the model"))
    model, meta = load_native(src)
    model = model.float().eval()
    if images is None:
        images = gather_images(src, meta, data, cancel=cancel)
    if fmt == "onnx-int8" and images.calibration.shape[0] == 0:
        raise UserError(_("int8 needs real images to calibrate on, and there are none ({images})").format(
                            images=images.description),
                        cli_fix=_("name the dataset folder with --data DIR"),
                        gui_fix=_("open the run's dataset on the Data page, then export again"))
    _check(cancel)
    made = _missing_folders(dest.parent)
    staging = new_staging(dest)
    done = False
    try:
        staged = staging / dest.name
        progress(1, STAGES, _("writing the file"))  # the caller names the format: "Exporting ONNX int8 (2 of 3): …"
        int8 = _write(fmt, model, meta, staged, images, cancel, progress)
        progress(2, STAGES, _("verifying in its own runtime"))
        result = _verify_and_measure(fmt, model, meta, staged, images, int8, cancel, progress)
        text = snippet_text(fmt, dest)
        if text is not None:
            write_atomic(snippet_path(staged), text.encode("utf-8"))
        report = {**result.report(), "images": images.shared(result.images)}  # no path of this computer
        md = meta.to_dict(fmt, report=report, runtime=RUNTIMES[fmt])
        write_json(sidecar_path(staged), md)
        _check(cancel)
        replace_as_unit(_final_files(fmt, staged), dest.parent, staging)
        done = True
    except OSError as e:  # name the file asked for, not the hidden staging copy (or no file at all: onnx)
        if not is_write_failure(e):
            raise
        raise as_write_error(OSError(e.errno, e.strerror or str(e)), dest) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not done:
            _remove_empty(made)
    progress(STAGES, STAGES, _("export done"))
    files = tuple(str(dest.parent / f.name) for f in _final_files(fmt, dest)[:2 if fmt == "openvino" else 1])
    return ExportResult(**{**result.to_dict(), "path": str(dest), "sidecar": str(sidecar_path(dest)),
                           "files": files, "seconds": time.perf_counter() - t0,
                           "snippet": str(snippet_path(dest)) if text is not None else None})


def _missing_folders(folder: Path) -> list[Path]:
    """The folders the export will make for `folder` to exist, innermost first."""
    missing: list[Path] = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """A failed or cancelled export leaves nothing behind, not even the folders it made for its files."""
    for f in folders:
        try:
            f.rmdir()
        except OSError:
            return


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_set()


def _write(fmt: str, model: nn.Module, meta: ModelMeta, staged: Path, images: ExportImages,
           cancel: CancelToken | None, progress: ProgressFn = no_progress) -> dict[str, Any] | None:
    """Writes the model file(s) into the staging folder; returns the facts of how it was quantized (int8)."""
    if fmt == "safetensors":
        save_native(model, meta, staged)
        return None
    if fmt == "torchscript":
        _export_torchscript(model, meta, staged)
        return None
    example = prepare(_sample_inputs(meta, 2), torch.device("cpu"), meta.mean, meta.std)
    if fmt == "onnx":
        eo.write_fp32(model, meta, example, staged)
        return None
    fp32 = staged.with_name(".fp32.onnx")
    progress(1, STAGES, _("exporting the float network to ONNX first (one step, seconds to a minute)"))
    eo.write_fp32(model, meta, example, fp32)
    _check(cancel)
    if fmt == "onnx-fp16":
        eo.write_fp16(fp32, meta, staged)
    elif fmt == "openvino":
        write_ir(fp32, meta, staged)
    else:
        return _write_int8(model, meta, fp32, staged, images, cancel, progress)
    return None


def _write_int8(model: nn.Module, meta: ModelMeta, fp32: Path, staged: Path, images: ExportImages,
                cancel: CancelToken | None, progress: ProgressFn = no_progress) -> dict[str, Any]:
    """Tries the recipes in order and keeps the first whose agreement with fp32 is shown (a growing recipe:
    its lower bound reaches BOUND_TARGET) or observed (one that does not grow) to be enough, else the best.

    Recipes of one calibration method share its ranges (computed once, kept in the staging folder) and
    each block's measured error. A growing recipe is judged on the validation images, never on the
    calibration ones (when they are the same few images, it keeps its first share and does not grow)."""
    prepared = fp32.with_name(".prepared.onnx")
    progress(1, STAGES, _("int8: preparing the network for quantization"))  # one call: no steps to show
    eo.prepare_for_quantization(fp32, prepared)
    _check(cancel)
    calibration = preprocess(images.calibration, meta)
    x_val = preprocess(images.validation, meta)
    reference = _torch_logits(model, x_val).argmax(1)
    _check(cancel)
    best: tuple[sens.Agreement, dict[str, Any], Path, sens.Growth | None] | None = None
    errors: dict[str, dict[str, float]] = {}  # per calibration method: each block's int8 error, measured once

    def agreement(path: Path) -> sens.Agreement:
        same = run_batched(eo.ort_runner(path), x_val).argmax(1) == reference
        return sens.Agreement(int(same.sum()), int(same.size))

    for i, recipe in enumerate(eo.INT8_RECIPES):
        _check(cancel)
        candidate = staged.with_name(f".int8-{i}.onnx")
        search = eo.Int8Search(None if _same_images(images) else agreement,
                               errors=errors.setdefault(recipe.calibration, {}),
                               measured=said_measured(progress, STAGES, FINE),
                               grown=said_grown(progress, STAGES, FINE, images.kind),
                               calibrating=said_calibrating(progress, len(calibration), FINE))
        sensitive = eo.write_int8(prepared, meta, calibration, recipe, candidate, cancel,
                                  ranges=staged.with_name(f".ranges-{recipe.calibration}.json"), search=search)
        growth = search.settled[-1] if search.settled else None
        agreed = growth.agreement if growth is not None else agreement(candidate)
        if best is None or agreed.share > best[0].share:
            best = (agreed, recipe.facts(tuple(sensitive or ())), candidate, growth)
        if growth.met if growth is not None else agreed.share >= AGREEMENT_TARGET:
            break
    assert best is not None
    os.replace(best[2], staged)
    # the facts, not the sentence: it is said in the language of whoever reads the export (int8_text)
    return {**best[1], "calibration": int(images.calibration.shape[0]), "kind": images.kind,
            "judged": judged_facts(best[3])}


def _same_images(images: ExportImages) -> bool:
    """A folder too small to halve calibrates on the images it is measured on."""
    return images.validation.shape == images.calibration.shape and bool(torch.equal(images.validation,
                                                                                    images.calibration))


def _torch_logits(model: nn.Module, x: np.ndarray, batch: int = 64,
                  ran: Callable[[int], None] | None = None) -> np.ndarray:
    with torch.inference_mode():
        return run_batched(lambda b: model(torch.from_numpy(b)).numpy(), x, batch, ran)


def _said_verified(progress: ProgressFn, cancel: CancelToken | None, n: int, second: bool) -> Callable[[int], None]:
    """Progress through the validation images, run first by the trained model and then by the export (each
    half of the verifying stage), as FINE parts of it; a cancel is seen after each batch."""
    text = _("verifying in its own runtime: image {done} of {total}") if second else \
        _("verifying: the trained model on image {done} of {total}")

    def ran(done: int) -> None:
        _check(cancel)
        progress(round(FINE * (done + n * second) / (2 * n)), FINE, text.format(done=done, total=n))
    return ran


def _verify_and_measure(fmt: str, model: nn.Module, meta: ModelMeta, staged: Path, images: ExportImages,
                        int8: dict[str, Any] | None, cancel: CancelToken | None,
                        progress: ProgressFn = no_progress) -> ExportResult:
    if fmt != "safetensors":
        write_json(sidecar_path(staged), meta.to_dict(fmt))  # Predictor.load reads it
    loaded = Predictor.load(staged, device="cpu", allow_code=True)
    samples = _sample_inputs(meta)
    reference = _torch_logits(model, preprocess(samples, meta))
    got = loaded.logits(samples, batch_size=3)  # batches of 3 then 1: checks the dynamic batch axis
    diff, sample_agree = _compare(reference, got)
    tol = 1e-3 * (1.0 + float(np.abs(reference).max()))
    if fmt not in LOSSY and not (diff <= tol and sample_agree == 1.0):
        raise UserError(_("the {fmt} export did not reproduce the model (max difference {diff:.2e}, top-1 agreement "
                          "{sample_agree:.0%}); nothing was written").format(
                fmt=fmt, diff=diff, sample_agree=sample_agree))
    if not np.isfinite(got).all():
        raise UserError(_("the {fmt} export gives non-finite outputs; nothing was written").format(fmt=fmt))
    _check(cancel)
    x_val = preprocess(images.validation, meta)
    n = len(x_val)
    reference_val = _torch_logits(model, x_val, VERIFY_BATCH, _said_verified(progress, cancel, n, False))
    got_val = run_batched(loaded.run_prepared, x_val, VERIFY_BATCH, _said_verified(progress, cancel, n, True))
    fid: Fidelity = fidelity(reference_val, got_val, images.labels)
    progress(3, STAGES, _("measuring latency"))
    x1 = preprocess(samples[:1], meta)
    # side by side with the trained model, run for run: the same threads, warm-up and machine at the same moment
    latency, ref_latency = latencies_ms([loaded.run_prepared, torch_runner(model)], x1)
    size = sum(p.stat().st_size for p in [staged] + ([bin_path(staged)] if fmt == "openvino" else []))
    agreement = fid.top1_agreement if fid.top1_agreement is not None else sample_agree
    return ExportResult(fmt, str(staged), "", size, True, diff, agreement, 0.0, num_images=fid.num_images,
                        images=images.described_for(fmt), accuracy=fid.accuracy,
                        reference_accuracy=fid.reference_accuracy, latency_ms=latency,
                        reference_latency_ms=ref_latency, runtime=RUNTIMES[fmt],
                        quantization=quantization_text(int8) if int8 is not None else None, int8=int8,
                        warning=fid.warning, images_kind=images.kind, images_folder=images.folder)


def _export_torchscript(model: nn.Module, meta: ModelMeta, dest: Path) -> None:
    example = prepare(_sample_inputs(meta, 2), torch.device("cpu"), meta.mean, meta.std)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(model, example)
        extra = {"desktop_cls.json": json.dumps(meta.to_dict("torchscript"))}
        buf = io.BytesIO()  # torch.jit.save to a path aborts the interpreter (c10::Error) on a full disk;
        torch.jit.save(traced, buf, _extra_files=extra)  # in memory, a failed write is a Python error
    write_atomic(dest, buf.getvalue())
