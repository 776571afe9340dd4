"""The model behind `desktop-cls serve`: opened like `desktop-cls predict` opens it, then moved to the
fastest runtime that gives the same answers.

A run folder's torch model is also exported to ONNX in memory at start-up; ONNX Runtime serves it only
when its logits agree with torch's on a check batch (every top-1 the same, logits within 1e-4 relative)
and it is faster on that batch. Otherwise torch serves, as `predict` does. Calibration (the run's fitted
temperature) and the top-k are applied exactly as `predict` applies them.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.core.data.imaging import decode_rgb, resize_rgb
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.i18n import _
from desktop_cls.core.inference.predictor import Prediction, Predictor, resolve_model_path
from desktop_cls.core.models.model_io import TRANSPARENCY, sidecar_path
from desktop_cls.core.models.preprocessing import prepare

Runner = Callable[[np.ndarray], np.ndarray]  # normalised N x 3 x H x W float32 -> N x C logits
CHECK_BATCH = 8


@dataclass(frozen=True)
class RuntimeChoice:
    """Which runtime serves, and why (shown by GET /model and printed at start-up)."""

    runtime: str  # torch | onnxruntime | the kind of an exported file
    reason: str
    timings_ms: dict[str, float] = field(default_factory=dict)


def model_id(path: Path) -> str:
    """The run's (or file's) name and the first 12 hex digits of the model file's SHA-256: two servers of
    the same model give the same id, a retrained model another."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    name = path.parent.name if path.name == "model.safetensors" else path.stem
    return f"{name}@{digest.hexdigest()[:12]}"


def _best_ms(runner: Runner, x: np.ndarray, repeats: int = 5) -> float:
    runner(x)
    best = float("inf")
    for _i in range(repeats):
        t0 = time.perf_counter()
        runner(x)
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def _onnx_runner(predictor: Predictor) -> Runner:
    """The torch model exported to ONNX (in a temporary folder removed at once) on ONNX Runtime."""
    from desktop_cls.core.inference import export_onnx as eo

    model = predictor.backend.float().eval()
    meta = predictor.meta
    example = prepare(torch.zeros((2, 3, *meta.input_size), dtype=torch.uint8), torch.device("cpu"),
                      meta.mean, meta.std)
    with tempfile.TemporaryDirectory(prefix="desktop-cls-serve-") as tmp:
        path = Path(tmp) / "model.onnx"
        eo.write_fp32(model.cpu(), meta, example, path)
        sess = eo.ort_session(path)
    name = sess.get_inputs()[0].name
    return lambda x: np.asarray(sess.run(None, {name: x})[0], dtype=np.float32)


def choose_runtime(predictor: Predictor, prefer: str = "auto") -> tuple[Runner, RuntimeChoice]:
    """prefer: 'auto' (ONNX Runtime when verified and faster), 'torch' or 'onnxruntime' (when verified)."""
    torch_runner: Runner = predictor.run_prepared
    if predictor.kind != "torch":
        return torch_runner, RuntimeChoice(predictor.kind, _("the model file is already a {kind} model").format(
            kind=predictor.kind))
    if prefer == "torch" or predictor.device.type != "cpu":
        return torch_runner, RuntimeChoice("torch", _("PyTorch, as asked") if prefer == "torch"
                                           else _("PyTorch on {device}").format(device=predictor.device))
    g = torch.Generator().manual_seed(0)
    meta = predictor.meta
    sample = torch.randint(0, 256, (CHECK_BATCH, 3, *meta.input_size), generator=g, dtype=torch.uint8)
    x = prepare(sample, torch.device("cpu"), meta.mean, meta.std).numpy()
    try:
        onnx_runner = _onnx_runner(predictor)
        ref, got = torch_runner(x), onnx_runner(x)
    except Exception as e:  # an architecture the exporter cannot handle: torch serves
        return torch_runner, RuntimeChoice("torch", _("ONNX export failed ({error}); PyTorch serves").format(
            error=str(e).splitlines()[0] if str(e) else type(e).__name__))
    diff = float(np.abs(ref - got).max())
    if not ((ref.argmax(1) == got.argmax(1)).all() and diff <= 1e-4 * (1.0 + float(np.abs(ref).max()))):
        return torch_runner, RuntimeChoice("torch", _("ONNX Runtime differs from PyTorch by {diff:.1e} on the "
                                                      "check batch; PyTorch serves").format(diff=diff))
    timings = {"torch": _best_ms(torch_runner, x), "onnxruntime": _best_ms(onnx_runner, x)}
    if prefer == "onnxruntime" or timings["onnxruntime"] < timings["torch"]:
        return onnx_runner, RuntimeChoice("onnxruntime", _("ONNX Runtime agrees with PyTorch (max logit difference "
                                                           "{diff:.1e}) and is faster").format(diff=diff), timings)
    return torch_runner, RuntimeChoice("torch", _("PyTorch is faster than ONNX Runtime here"), timings)


def _run_info(model_file: Path) -> dict[str, Any]:
    """The figures the run reported (validation accuracy, epoch, calibration error), from the model's
    sidecar; numbers and short strings only."""
    try:
        extra = json.loads(sidecar_path(model_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = ("val_accuracy", "epoch", "ece_uncalibrated", "ece_calibrated", "report")
    return {k: extra[k] for k in keys if k in extra and isinstance(extra[k], (int, float, str, dict))}


class ServedModel:
    """A model ready for requests: bytes -> calibrated top-k, the way `predict` gives them."""

    def __init__(self, predictor: Predictor, runner: Runner, choice: RuntimeChoice, model_file: Path) -> None:
        self.predictor = predictor
        self.runner = runner
        self.choice = choice
        self.id = model_id(model_file)
        self.metrics = _run_info(model_file)

    @classmethod
    def open(cls, source: str | Path, device: str = "cpu", runtime: str = "auto",
             allow_code: bool = False) -> ServedModel:
        model_file = resolve_model_path(source)
        predictor = Predictor.load(source, device=device, allow_code=allow_code)
        runner, choice = choose_runtime(predictor, runtime)
        return cls(predictor, runner, choice, model_file)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.predictor.classes

    def decode(self, data: bytes, name: str) -> np.ndarray:
        """Upload bytes -> H x W x 3 uint8 at the model's input size, exactly as `predict` reads a file.
        Raises ImageLoadError, whose advice for content that is no picture fits an upload: a file's advice
        (remove it or fix its extension) means nothing to a client that sent bytes."""
        size = self.predictor.meta.input_size
        try:
            rgb = decode_rgb(data, name, draft_size=size)
        except ImageLoadError as e:
            if e.kind != "not_image":
                raise
            raise ImageLoadError(e.path, e.kind, _("not an image (unknown content); send the bytes of an image "
                                                   "file, such as a JPEG or PNG")) from None
        return resize_rgb(rgb, size)

    def probabilities(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """Calibrated class probabilities of decoded images (one model call for the whole batch)."""
        meta = self.predictor.meta
        batch = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()
        logits = self.runner(prepare(batch, torch.device("cpu"), meta.mean, meta.std).numpy()) \
            if self.runner is not self.predictor.run_prepared else self.predictor.logits(batch)
        z = logits / self.predictor.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def predictions(self, probs: np.ndarray, names: Sequence[str], top_k: int, threshold: float) -> list[Prediction]:
        return self.predictor._to_predictions(probs, names, top_k, threshold)

    def describe(self) -> dict[str, Any]:
        """GET /model: what a client needs to know about the model."""
        meta = self.predictor.meta
        return {"id": self.id, "architecture": meta.model, "classes": list(meta.classes),
                "input_size": list(meta.input_size), "mean": list(meta.mean), "std": list(meta.std),
                "resize": meta.resize, "transparency": TRANSPARENCY,
                "temperature": meta.temperature, "calibrated": meta.temperature != 1.0,
                "runtime": self.choice.runtime, "runtime_reason": self.choice.reason,
                "runtime_timings_ms": self.choice.timings_ms, "metrics": self.metrics}
