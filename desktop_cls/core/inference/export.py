"""Export a trained model (safetensors + metadata, TorchScript, ONNX), each verified before it is done."""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from desktop_cls.core.errors import UserError
from desktop_cls.core.inference.predictor import Predictor, resolve_model_path
from desktop_cls.core.models.model_io import ModelMeta, load_native, save_native, sidecar_path
from desktop_cls.core.models.preprocessing import prepare
from desktop_cls.core.storage import write_atomic_with, write_json

FORMATS = {"safetensors": ".safetensors", "torchscript": ".torchscript", "onnx": ".onnx"}


@dataclass(frozen=True)
class ExportResult:
    format: str
    path: str
    sidecar: str
    size_bytes: int
    verified: bool
    max_abs_diff: float
    top1_agreement: float
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sample_inputs(meta: ModelMeta, n: int = 4, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    h, w = meta.input_size
    return torch.randint(0, 256, (n, 3, h, w), generator=g, dtype=torch.uint8)


def _compare(reference: np.ndarray, got: np.ndarray) -> tuple[float, float]:
    diff = float(np.abs(reference - got).max()) if reference.size else 0.0
    agree = float((reference.argmax(1) == got.argmax(1)).mean()) if reference.size else 1.0
    return diff, agree


def export_model(source: str | Path, fmt: str, out: str | Path, overwrite: bool = False) -> ExportResult:
    """source: a run folder or native model file. The sidecar <out>.json is written beside out."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format '{fmt}'; choose {', '.join(FORMATS)}")
    src = resolve_model_path(source)
    if src.suffix.lower() in (".onnx", ".torchscript", ".ts"):
        raise UserError(f"{src} is already an exported {src.suffix} model; export from the run folder instead")
    model, meta = load_native(src)
    model = model.float().eval()
    dest = Path(out).expanduser()
    if dest.suffix == "":
        dest = dest.with_suffix(FORMATS[fmt])
    if dest.resolve() == src.resolve():
        raise UserError("the export would replace its own source model; choose another file name")
    for p in (dest, sidecar_path(dest)):
        if p.exists() and not overwrite:
            raise UserError(f"{p} already exists", cli_fix="choose another name, or add --overwrite to replace it",
                            gui_fix="choose another name, or tick “Replace existing files with the same name”")
    t0 = time.perf_counter()
    inputs = _sample_inputs(meta)
    with torch.inference_mode():
        reference = model(prepare(inputs, torch.device("cpu"), meta.mean, meta.std)).numpy()
    if fmt == "safetensors":
        save_native(model, meta, dest)
        loaded = Predictor.load(dest, device="cpu")
    elif fmt == "torchscript":
        _export_torchscript(model, meta, dest)
        write_json(sidecar_path(dest), meta.to_dict("torchscript"))
        loaded = Predictor.load(dest, device="cpu", allow_code=True)
    else:
        _export_onnx(model, meta, dest)
        write_json(sidecar_path(dest), meta.to_dict("onnx"))
        loaded = Predictor.load(dest, device="cpu")
    got = loaded.logits(inputs, batch_size=3)  # batches of 3 then 1: checks the dynamic batch axis
    diff, agree = _compare(reference, got)
    tol = 1e-3 * (1.0 + float(np.abs(reference).max()))
    verified = diff <= tol and agree == 1.0
    if not verified:
        raise UserError(f"export to {dest} did not reproduce the model (max difference {diff:.2e}, "
                        f"top-1 agreement {agree:.0%}); the file was left for inspection")
    return ExportResult(fmt, str(dest), str(sidecar_path(dest)), dest.stat().st_size, verified, diff, agree,
                        time.perf_counter() - t0)


def _export_torchscript(model: nn.Module, meta: ModelMeta, dest: Path) -> None:
    example = prepare(_sample_inputs(meta, 2), torch.device("cpu"), meta.mean, meta.std)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(model, example)
        extra = {"desktop_cls.json": json.dumps(meta.to_dict("torchscript"))}
        write_atomic_with(dest, lambda p: torch.jit.save(traced, str(p), _extra_files=extra))


def _export_onnx(model: nn.Module, meta: ModelMeta, dest: Path) -> None:
    import onnx

    example = prepare(_sample_inputs(meta, 2), torch.device("cpu"), meta.mean, meta.std)
    batch = torch.export.Dim("batch", min=1, max=4096)

    def write(tmp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                prog = torch.onnx.export(model, (example,), input_names=["input"], output_names=["logits"],
                                         dynamic_shapes=({0: batch},), dynamo=True, verbose=False,
                                         external_data=False)
                if prog is None:
                    raise RuntimeError("exporter returned nothing")
                prog.save(str(tmp))
            except Exception:
                torch.onnx.export(model, (example,), str(tmp), input_names=["input"], output_names=["logits"],
                                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
        proto = onnx.load(str(tmp))
        md = meta.to_dict("onnx")
        for key, value in {"desktop_cls": json.dumps(md), "classes": json.dumps(md["classes"]),
                           "input_size": json.dumps(md["input_size"]), "mean": json.dumps(md["mean"]),
                           "std": json.dumps(md["std"]), "resize": md["resize"], "model": md["model"]}.items():
            entry = proto.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.save(proto, str(tmp))

    write_atomic_with(dest, write)
