"""The model behind `desktop-cls serve`: opened like `desktop-cls predict` opens it, then moved to the
fastest runtime that gives the same answers.

A run folder's torch model is also exported to ONNX at start-up; ONNX Runtime serves it only when its
logits agree with torch's on a check batch (every top-1 the same, logits within 1e-4 relative) and it is
faster on that batch. Otherwise torch serves, as `predict` does. Calibration (the run's fitted temperature)
and the top-k are applied exactly as `predict` applies them.

The export takes a minute on a busy laptop, so an export that passed the check is kept in the user's cache
folder (serve-onnx/, named by a SHA-256 of the model as loaded: its metadata and every tensor it holds, never
the file, which a shared folder could change between its loading and its hashing; written atomically, never
read through a link) and
the next start of the same model uses it. A cached file is checked like a fresh export at every start: one
that fails to load or to agree is ignored and exported again. The cache is the user's, not the run folder's:
a run folder may come from someone else, and a file there would be theirs.
"""

from __future__ import annotations

import contextlib
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
from desktop_cls.core.storage import Unreadable, open_source, sha256_of, user_cache_dir, write_atomic

Runner = Callable[[np.ndarray], np.ndarray]  # normalised N x 3 x H x W float32 -> N x C logits
CHECK_BATCH = 8
CACHE_DIR = "serve-onnx"  # under the user's cache folder
CACHE_KEPT = 8  # cached exports kept (the newest); each is about the size of its model
MAX_CACHED_BYTES = 1 << 30


@dataclass(frozen=True)
class RuntimeChoice:
    """Which runtime serves, and why (shown by GET /model and printed at start-up)."""

    runtime: str  # torch | onnxruntime | the kind of an exported file
    reason: str
    timings_ms: dict[str, float] = field(default_factory=dict)


def model_id(path: Path, sha256: str | None = None) -> str:
    """The run's (or file's) name and the first 12 hex digits of the model file's SHA-256: two servers of
    the same model give the same id, a retrained model another."""
    name = path.parent.name if path.name == "model.safetensors" else path.stem
    return f"{name}@{(sha256 or sha256_of(path))[:12]}"


def cache_key(predictor: Predictor) -> str:
    """The cached export's name: a SHA-256 of the torch model in memory (its metadata, then each tensor's name,
    type, shape and bytes). The file is not hashed again: it may have changed since it was loaded, and the export
    of one model would then be filed, and later served, as another's."""
    meta = {k: v for k, v in predictor.meta.to_dict().items() if k != "created"}  # (the time of this call)
    h = hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode())
    for name, t in sorted(predictor.backend.state_dict().items()):
        h.update(f"\0{name}\0{t.dtype}\0{tuple(t.shape)}\0".encode())
        h.update(t.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy())
    return h.hexdigest()


def cache_path(sha256: str) -> Path:
    return user_cache_dir() / CACHE_DIR / f"{sha256}.onnx"


def _read_cached(sha256: str) -> bytes | None:
    """The cached export of the model with this SHA-256, or None (none, a link, not a regular file, too big)."""
    try:
        with open_source(str(cache_path(sha256))) as f:
            data = f.read(MAX_CACHED_BYTES + 1)
    except (Unreadable, OSError):
        return None
    return data if len(data) <= MAX_CACHED_BYTES else None


def _write_cached(sha256: str, data: bytes) -> None:
    """Keep a verified export for the next start (best effort: a full disk only costs the next start time);
    only the newest CACHE_KEPT exports stay."""
    path = cache_path(sha256)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, path.parent, sync=False)
        old = sorted((p for p in path.parent.glob("*.onnx") if p.is_file() and not p.is_symlink()),
                     key=lambda p: p.stat().st_mtime, reverse=True)[CACHE_KEPT:]
        for p in old:
            p.unlink()


def _best_ms(runner: Runner, x: np.ndarray, repeats: int = 5, budget_s: float = 1.0) -> float:
    """The best of up to `repeats` timed calls (the runner has already run once: the check warmed it up),
    stopping after budget_s: a model that takes seconds a batch is timed once, not five times."""
    best, spent = float("inf"), 0.0
    for _i in range(repeats):
        t0 = time.perf_counter()
        runner(x)
        took = time.perf_counter() - t0
        best, spent = min(best, took), spent + took
        if spent >= budget_s:
            break
    return best * 1e3


def _export(predictor: Predictor) -> bytes:
    """The torch model exported to ONNX (in a temporary folder removed at once), as bytes."""
    from desktop_cls.core.inference import export_onnx as eo

    model = predictor.backend.float().eval()
    meta = predictor.meta
    example = prepare(torch.zeros((2, 3, *meta.input_size), dtype=torch.uint8), torch.device("cpu"),
                      meta.mean, meta.std)
    with tempfile.TemporaryDirectory(prefix="desktop-cls-serve-") as tmp:
        path = Path(tmp) / "model.onnx"
        eo.write_fp32(model.cpu(), meta, example, path, legacy_first=True)  # checked against torch before use
        return path.read_bytes()


def _onnx_runner(data: bytes) -> Runner:
    """An ONNX model's bytes on ONNX Runtime."""
    from desktop_cls.core.inference import export_onnx as eo

    sess = eo.ort_session(data)
    name = sess.get_inputs()[0].name
    return lambda x: np.asarray(sess.run(None, {name: x})[0], dtype=np.float32)


def _agreement(ref: np.ndarray, got: np.ndarray) -> tuple[bool, float]:
    """Whether ONNX Runtime's logits agree with torch's on the check batch, and the largest difference."""
    diff = float(np.abs(ref - got).max()) if ref.shape == got.shape else float("inf")
    ok = ref.shape == got.shape and bool((ref.argmax(1) == got.argmax(1)).all()) \
        and diff <= 1e-4 * (1.0 + float(np.abs(ref).max()))
    return ok, diff


def _cached_runner(sha256: str, x: np.ndarray, ref: np.ndarray) -> tuple[Runner, np.ndarray] | None:
    """The cached export on ONNX Runtime and its check-batch logits, when there is one that loads and agrees."""
    data = _read_cached(sha256) if sha256 else None
    if data is None:
        return None
    try:
        runner = _onnx_runner(data)
        got = runner(x)
    except Exception:  # a damaged file: exported again
        return None
    return (runner, got) if _agreement(ref, got)[0] else None


def choose_runtime(predictor: Predictor, prefer: str = "auto", sha256: str = "") -> tuple[Runner, RuntimeChoice]:
    """prefer: 'auto' (ONNX Runtime when verified and faster), 'torch' or 'onnxruntime' (when verified).
    sha256: the model's cache_key, naming its cached export (none when empty)."""
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
        ref = torch_runner(x)
        cached = _cached_runner(sha256, x, ref)
        if cached is None:
            data = _export(predictor)
            onnx_runner = _onnx_runner(data)
            got = onnx_runner(x)
        else:
            onnx_runner, got = cached
    except Exception as e:  # an architecture the exporter cannot handle: torch serves
        return torch_runner, RuntimeChoice("torch", _("ONNX export failed ({error}); PyTorch serves").format(
            error=str(e).splitlines()[0] if str(e) else type(e).__name__))
    ok, diff = _agreement(ref, got)
    if not ok:
        return torch_runner, RuntimeChoice("torch", _("ONNX Runtime differs from PyTorch by {diff:.1e} on the "
                                                      "check batch; PyTorch serves").format(diff=diff))
    if cached is None and sha256:
        _write_cached(sha256, data)
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

    def __init__(self, predictor: Predictor, runner: Runner, choice: RuntimeChoice, model_file: Path,
                 sha256: str | None = None) -> None:
        self.predictor = predictor
        self.runner = runner
        self.choice = choice
        self.id = model_id(model_file, sha256)
        self.metrics = _run_info(model_file)

    @classmethod
    def open(cls, source: str | Path, device: str = "cpu", runtime: str = "auto",
             allow_code: bool = False) -> ServedModel:
        model_file = resolve_model_path(source)
        predictor = Predictor.load(source, device=device, allow_code=allow_code)
        sha256 = sha256_of(model_file)
        key = cache_key(predictor) if predictor.kind == "torch" else ""
        runner, choice = choose_runtime(predictor, runtime, key)
        return cls(predictor, runner, choice, model_file, sha256)

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
