"""Predictor: load a run folder or an exported model and classify files, folders or RGB arrays."""

from __future__ import annotations

import itertools
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data import tree_walk
from desktop_cls.core.data.folder_layout import is_hidden as _hidden
from desktop_cls.core.data.frames import resize_frames
from desktop_cls.core.data.imaging import is_image_name, load_resized, load_resized_all, or_load_error
from desktop_cls.core.data.processes import reading_pool
from desktop_cls.core.devices import resolve_device
from desktop_cls.core.errors import ImageLoadError, ModelFileError, UserError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.models.model_io import ModelMeta, load_native, read_meta, sidecar_path
from desktop_cls.core.models.preprocessing import eval_logits, prepare
from desktop_cls.core.models.weight_files import MAX_TORCH_FILE_BYTES, WEIGHT_SUFFIXES, check_torch_file

TORCHSCRIPT_SUFFIXES = (".torchscript", ".ts")
UNKNOWN = "unknown"
_PROCESS_FILES = 5000  # files from which pictures are decoded in worker processes (decoded_chunks)


@dataclass(frozen=True, slots=True)
class Prediction:
    path: str
    label: str | None
    confidence: float
    top_k: tuple[tuple[str, float], ...] = ()
    error: str | None = None

    def with_threshold(self, threshold: float) -> Prediction:
        """The same scores labeled for another 'unknown below' threshold, without running the model again."""
        if self.label is None or not self.top_k:
            return self
        label = self.top_k[0][0] if self.top_k[0][1] >= threshold else UNKNOWN
        return self if label == self.label else replace(self, label=label)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "label": self.label, "confidence": self.confidence,
                             "top_k": [{"label": lab, "probability": p} for lab, p in self.top_k]}
        if self.error:
            d["error"] = self.error
        return d


def resolve_model_path(path: str | Path) -> Path:
    """A run folder resolves to its model.safetensors; a file is used as given. Either must be a regular file
    (ModelFileError otherwise): a FIFO there would keep the library that opens it waiting for ever."""
    p = Path(path).expanduser()
    if not p.exists():
        raise UserError(_("model not found: {path}").format(path=p))
    if p.is_dir():
        if not os.path.lexists(p / rd.MODEL):
            if rd.is_run_dir(p):
                raise UserError(_("{path} has no trained model yet: it finished no epoch").format(path=p))
            found = _model_files(p)
            if found:  # a folder `export --out` wrote
                raise UserError(_("{path} is a folder, not a model; give the model file inside it, such as "
                                  "{file}").format(path=p, file=found[0]))
            runs = _runs_in(p)
            if runs:  # the runs folder itself
                raise UserError(_("{path} holds training runs; give one of them, such as {run} "
                                  "(desktop-cls runs lists them, newest first)").format(path=p, run=runs[-1]))
            raise UserError(_("{path} is a folder but not a training run (no {file} inside)").format(
                    path=p, file=rd.MODEL))
        p = p / rd.MODEL
        if not p.exists():
            raise UserError(_("model not found: {path}").format(path=p))
    if not p.is_file():
        raise ModelFileError(_("{path} is not a regular file (a device, pipe or folder); it was not read").format(
                path=p))
    if p.suffix.lower() == ".json":
        raise _metadata_given(p)
    return p


MODEL_SUFFIXES = (".safetensors", ".pt", ".onnx", ".torchscript", ".xml")


def _model_files(folder: Path, stem: str | None = None) -> list[Path]:
    """The model files among a folder's first thousand entries (of that stem), sorted: what a user who gives the
    folder, or the .json beside them, means."""
    try:
        entries = list(itertools.islice(folder.iterdir(), 1000))
    except OSError:
        return []
    return sorted(f for f in entries if f.suffix.lower() in MODEL_SUFFIXES and (stem is None or f.stem == stem)
                  and f.is_file())


def _runs_in(folder: Path) -> list[Path]:
    """The finished runs among a folder's first thousand entries, by name (a date first, so the newest last)."""
    try:
        entries = list(itertools.islice(folder.iterdir(), 1000))
    except OSError:
        return []
    return sorted(f for f in entries if f.is_dir() and (f / rd.MODEL).is_file() and rd.is_run_dir(f))


def _metadata_given(p: Path) -> UserError:
    """model.json is the metadata that travels beside a model: name the run folder or the model file instead."""
    if rd.is_run_dir(p.parent):
        return UserError(_("{path} is the model's metadata; give the run folder: {run}").format(path=p, run=p.parent))
    beside = _model_files(p.parent, p.stem)
    if beside:
        return UserError(_("{path} is the model's metadata; give the model file beside it: {file}").format(
            path=p, file=beside[0]))
    return ModelFileError(_("{path}: unknown model file type '{suffix}' (expected a run folder, .safetensors, "
                            ".pt, .onnx, .torchscript or an OpenVINO .xml)").format(path=p, suffix=p.suffix))


def check_onnx_external_data(path: Path) -> None:
    """ONNX tensors stored in external files must stay inside the model's folder, in regular files; the model
    file and the data its tensors claim are held to the weight files' size limit (ONNX Runtime allocates what a
    tensor claims, and a sparse file claims gigabytes in a few bytes of a tar)."""
    import onnx

    _check_model_size(path, os.stat(path).st_size)
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as e:
        raise ModelFileError(_("cannot read ONNX model {path}: {error}").format(path=path, error=e)) from None
    base, claimed = path.resolve().parent, 0
    for t in model.graph.initializer:
        if t.data_location == onnx.TensorProto.EXTERNAL:
            data = {e.key: e.value for e in t.external_data}
            loc = data.get("location", "")
            target = (base / loc).resolve()
            if os.path.isabs(loc) or base not in target.parents:
                raise ModelFileError(_("refused {path}: tensor '{name}' points to data outside the model's folder "
                                       "({loc})").format(
                        path=path, name=t.name, loc=loc))
            if not target.is_file():
                raise ModelFileError(_("{path} is not a regular file (a device, pipe or folder); it was not read")
                                     .format(path=target))
            length = data.get("length", "")
            claimed += int(length) if length.isdigit() else target.stat().st_size
            _check_model_size(target, claimed)


def _check_model_size(path: Path, size: int) -> None:
    if size > MAX_TORCH_FILE_BYTES:
        raise ModelFileError(_("refused to open {path}: it is {size:,} bytes, over the {limit:,}-byte limit for "
                               "weight files (no model this app trains needs a file that large)").format(
                path=path, size=size, limit=MAX_TORCH_FILE_BYTES))


def _onnx_session(p: Path, dev: torch.device) -> Any:
    check_onnx_external_data(p)
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    if dev.type == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    opts = ort.SessionOptions()
    # idle ORT threads would otherwise spin and take the cores that decode the next images
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(p), sess_options=opts, providers=providers)
    except Exception as e:
        raise ModelFileError(_("cannot load ONNX model {path}: {error}").format(
                path=p, error=str(e).splitlines()[0])) from None


class Predictor:
    """Batches decoded images through a torch, TorchScript, ONNX Runtime or OpenVINO model."""

    def __init__(self, meta: ModelMeta, backend: Any, kind: str, device: torch.device, source: str) -> None:
        self.meta = meta
        self.backend = backend
        self.kind = kind  # torch | torchscript | onnx | openvino
        self.device = device
        self.source = source
        self.temperature = meta.temperature

    @property
    def classes(self) -> tuple[str, ...]:
        return self.meta.classes

    @classmethod
    def load(cls, path: str | Path, device: str = "auto", allow_code: bool = False) -> Predictor:
        """Open a run folder (its model.safetensors), a native .safetensors/.pt model or an exported
        .onnx/.torchscript file with its JSON sidecar, on device ('auto', 'cpu', 'cuda', 'cuda:N', 'mps';
        ONNX runs on ONNX Runtime). allow_code: TorchScript files are programs; open them only when the
        user agreed to.

        Raises ModelFileError (a UserError) for a missing, unknown, damaged or refused file or sidecar."""
        p = resolve_model_path(path)
        suffix = p.suffix.lower()
        dev = resolve_device(device)
        if suffix in WEIGHT_SUFFIXES:
            model, meta = load_native(p)
            return cls(meta, model.to(dev).eval(), "torch", dev, str(p))
        meta = read_meta(sidecar_path(p))
        if suffix in TORCHSCRIPT_SUFFIXES:
            if not allow_code:
                raise ModelFileError(
                    _("{path} is a TorchScript file, which contains code. Open it only if you trust its source").format(
                            path=p),
                    cli_fix=_("then add --trust-torchscript"),
                    gui_fix=_("then open it on the Classify page, which asks first; or use the run folder or its "
                              ".safetensors model here"))
            try:
                check_torch_file(p)  # bounded like a .pt: no entry may unpack to more than the file holds
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FutureWarning)
                    ts = torch.jit.load(str(p), map_location=dev)
            except (RuntimeError, OSError, ValueError) as e:
                raise ModelFileError(_("cannot read TorchScript model {path}: {error}").format(
                        path=p, error=str(e).splitlines()[0])) from None
            return cls(meta, ts.eval(), "torchscript", dev, str(p))
        if suffix == ".onnx":
            return cls(meta, _onnx_session(p, dev), "onnx", torch.device("cpu"), str(p))
        if suffix == ".xml":
            from desktop_cls.core.inference.export_openvino import compile_ir

            return cls(meta, compile_ir(p), "openvino", torch.device("cpu"), str(p))
        raise ModelFileError(_("{path}: unknown model file type '{suffix}' (expected a run folder, .safetensors, "
                               ".pt, .onnx, .torchscript or an OpenVINO .xml)").format(
                path=p, suffix=suffix))

    # ---- core forward ----------------------------------------------------------------------------
    def logits(self, images_u8: torch.Tensor, batch_size: int = 128) -> np.ndarray:
        """N x 3 x H x W uint8 -> N x C float32 logits."""
        outs: list[np.ndarray] = []
        for i in range(0, images_u8.shape[0], batch_size):
            chunk = images_u8[i:i + batch_size]
            if self.kind in ("onnx", "openvino"):
                x_np = prepare(chunk, torch.device("cpu"), self.meta.mean, self.meta.std).numpy()
                outs.append(self.run_prepared(x_np))
            else:
                outs.append(eval_logits(self.backend, chunk, self.device, self.meta.mean, self.meta.std).cpu().numpy())
        if not outs:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        return np.concatenate(outs)

    def run_prepared(self, x: np.ndarray) -> np.ndarray:
        """Normalised N x 3 x H x W float32 -> logits, straight through the runtime (latency measurements)."""
        if self.kind == "onnx":
            name = self.backend.get_inputs()[0].name
            return np.asarray(self.backend.run(None, {name: x})[0], dtype=np.float32)
        if self.kind == "openvino":
            return np.asarray(self.backend(x)[0], dtype=np.float32)
        with torch.inference_mode():
            return self.backend(torch.from_numpy(x).to(self.device)).float().cpu().numpy()

    def probabilities(self, images_u8: torch.Tensor, batch_size: int = 128) -> np.ndarray:
        z = self.logits(images_u8, batch_size) / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def _to_predictions(self, probs: np.ndarray, names: Sequence[str], top_k: int,
                        threshold: float = 0.0) -> list[Prediction]:
        """Below `threshold` confidence the label is 'unknown' (the top-k list is still given)."""
        k = max(1, min(top_k, len(self.classes)))
        out = []
        for name, p in zip(names, probs, strict=True):
            order = np.argsort(-p)[:k]
            top = tuple((self.classes[j], float(p[j])) for j in order)
            label = top[0][0] if top[0][1] >= threshold else UNKNOWN
            out.append(Prediction(name, label, top[0][1], top))
        return out

    # ---- public inputs ---------------------------------------------------------------------------
    def predict_arrays(self, frames: Sequence[np.ndarray], top_k: int = 5, threshold: float = 0.0) -> list[Prediction]:
        """In-memory H x W x 3 uint8 RGB frames (e.g. webcam), resized like files without a PIL round-trip."""
        if not frames:
            return []
        batch = resize_frames(frames, self.meta.input_size)
        names = [f"<frame {i}>" for i in range(len(frames))]
        return self._to_predictions(self.probabilities(batch), names, top_k, threshold)

    def predict_paths(self, inputs: Iterable[str | Path], top_k: int = 5, batch_size: int = 64,
                      progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                      threshold: float = 0.0,
                      on_batch: Callable[[list[Prediction]], None] | None = None) -> list[Prediction]:
        """Classify files and folders (searched recursively), in the order given.

        top_k: classes listed per image; threshold: below this confidence the label is None ('unknown').
        An unreadable file gets a Prediction with its error instead of stopping the batch. progress is
        called from this thread; cancel raises CancelledError between chunks of batch_size files; on_batch,
        from this thread too, receives each chunk's predictions as soon as they are made (a window shows
        them before the folder is done)."""
        files = expand_inputs(inputs)
        size = self.meta.input_size
        results: list[Prediction] = []
        chunks = [files[i:i + batch_size] for i in range(0, len(files), batch_size)]
        if len(files) == 1:  # one picture: starting a thread pool would cost more than decoding it
            chunks_done: Iterable[Decoded] = [[or_load_error(load_resized, files[0], size)]]
        else:
            chunks_done = decoded_chunks(chunks, size, cancel)
        for ci, (chunk, decoded) in enumerate(zip(chunks, chunks_done, strict=True)):
            made = self._predict_decoded(chunk, decoded, top_k, threshold)
            results.extend(made)
            if on_batch is not None:
                on_batch(made)
            progress(min((ci + 1) * batch_size, len(files)), len(files), _("classifying"))
        return results


    def _predict_decoded(self, files: Sequence[str], decoded: Sequence[np.ndarray | ImageLoadError], top_k: int,
                         threshold: float) -> list[Prediction]:
        """One batch through the model; files that could not be read keep their place with the error."""
        good = [(f, a) for f, a in zip(files, decoded, strict=True) if isinstance(a, np.ndarray)]
        preds: dict[str, Prediction] = {}
        if good:
            batch = torch.from_numpy(np.stack([a for _, a in good])).permute(0, 3, 1, 2).contiguous()
            for pr in self._to_predictions(self.probabilities(batch), [f for f, _ in good], top_k, threshold):
                preds[pr.path] = pr
        return [Prediction(a.path, None, 0.0, (), a.message) if isinstance(a, ImageLoadError) else preds[f]
                for f, a in zip(files, decoded, strict=True)]

Decoded = list[np.ndarray | ImageLoadError]


def decoded_chunks(chunks: list[list[str]], size: tuple[int, int], cancel: CancelToken | None) -> Iterator[Decoded]:
    """Each chunk's pictures, decoded ahead of the model. From _PROCESS_FILES files in worker processes
    (core.data.processes): decoding small pictures is mostly Python, and threads doing it held the interpreter
    lock the window's UI thread waits for (a 1 s stall while the Label page suggested labels for 20,000)."""
    files = sum(map(len, chunks))
    with reading_pool(files, _PROCESS_FILES, min(16, (os.cpu_count() or 2) + 2)) as pool:
        whole = isinstance(pool, ProcessPoolExecutor)  # one request per chunk: a file each would be an IPC each

        def submit(chunk: list[str]) -> list[Future[Any]]:
            if whole:
                return [pool.submit(load_resized_all, chunk, size)]
            return [pool.submit(or_load_error, load_resized, f, size) for f in chunk]

        depth = (os.cpu_count() or 1) if whole else 1
        ahead = deque(submit(c) for c in chunks[:depth])
        for ci in range(len(chunks)):
            if cancel is not None and cancel.is_set():
                pool.shutdown(wait=False, cancel_futures=True)
                cancel.raise_if_set()
            futures = ahead.popleft()
            if ci + depth < len(chunks):
                ahead.append(submit(chunks[ci + depth]))
            done = [f.result() for f in futures]
            yield done[0] if whole else done


def expand_inputs(inputs: Iterable[str | Path]) -> list[str]:
    files: list[str] = []
    for item in inputs:
        p = Path(item).expanduser()
        if p.is_dir():
            for root, dirs, names in tree_walk.walk(p):  # (bounded: TooDeep past its depth)
                dirs[:] = sorted(d for d in dirs if not _hidden(d))
                files.extend(os.path.join(root, n) for n in sorted(names)
                             if not _hidden(n) and is_image_name(n, extra=True))
        elif p.exists():
            files.append(str(p))
        else:
            raise UserError(_("not found: {path}").format(path=p))
    return files
