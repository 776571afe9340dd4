"""Model files: the native safetensors + JSON format, safe weight loading, metadata validation.

Nothing here unpickles arbitrary objects: .pt/.pth go through torch.load(weights_only=True).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from desktop_cls import __version__
from desktop_cls.core.errors import ModelFileError
from desktop_cls.core.models.preprocessing import IMAGENET_MEAN, IMAGENET_STD
from desktop_cls.core.models.weight_files import load_state_dict_file
from desktop_cls.core.storage import write_atomic, write_json

SCHEMA_VERSION = 1
INPUT_LAYOUT = "NCHW float32 RGB, scaled to [0,1], then (x - mean) / std per channel"


@dataclass(frozen=True)
class ModelMeta:
    """What a consumer needs to use the model without our code (also the sidecar JSON)."""

    model: str
    classes: tuple[str, ...]
    image_size: int
    input_size: tuple[int, int]
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    resize: str = "stretch"
    temperature: float = 1.0
    dataset_fingerprint: dict[str, Any] | None = None

    def to_dict(self, fmt: str = "safetensors", **extra: Any) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "format": fmt,
            "model": self.model,
            "num_classes": len(self.classes),
            "classes": list(self.classes),
            "image_size": self.image_size,
            "input_size": list(self.input_size),
            "mean": list(self.mean),
            "std": list(self.std),
            "resize": self.resize,
            "input_layout": INPUT_LAYOUT,
            "input_name": "input",
            "output": "logits (apply softmax(logits / temperature) for probabilities)",
            "temperature": self.temperature,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "desktop_cls_version": __version__,
        }
        if self.dataset_fingerprint:
            d["dataset_fingerprint"] = self.dataset_fingerprint
        d.update(extra)
        return d

    @classmethod
    def from_dict(cls, d: Any, source: str = "metadata") -> ModelMeta:
        def bad(msg: str) -> ModelFileError:
            return ModelFileError(f"{source}: {msg}")

        if not isinstance(d, dict):
            raise bad("metadata must be a JSON object")
        version = d.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION or version < 1:
            raise bad(f"unsupported metadata schema_version {version!r} (this version reads {SCHEMA_VERSION})")
        classes = d.get("classes")
        if not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes):
            raise bad("'classes' must be a non-empty list of names")
        if "num_classes" in d and d["num_classes"] != len(classes):
            raise bad(f"num_classes {d['num_classes']} does not match {len(classes)} class names")
        size = d.get("input_size")
        if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and 0 < v <= 4096 for v in size)):
            raise bad("'input_size' must be [height, width] in pixels")
        for key in ("mean", "std"):
            v = d.get(key, [0.0, 0.0, 1.0])
            if not (isinstance(v, list) and len(v) == 3 and all(isinstance(x, int | float) for x in v)):
                raise bad(f"'{key}' must be three numbers")
        if any(float(s) <= 0 for s in d.get("std", [1, 1, 1])):
            raise bad("'std' values must be positive")
        if d.get("resize", "stretch") not in ("stretch", "center_crop"):
            raise bad("'resize' must be 'stretch' or 'center_crop'")
        temp = d.get("temperature", 1.0)
        if not isinstance(temp, int | float) or temp <= 0:
            raise bad("'temperature' must be a positive number")
        model = d.get("model")
        if not isinstance(model, str):
            raise bad("'model' must name the architecture")
        return cls(
            model=model, classes=tuple(classes), image_size=int(d.get("image_size") or size[0]),
            input_size=(int(size[0]), int(size[1])),
            mean=tuple(float(x) for x in d.get("mean", IMAGENET_MEAN)),  # type: ignore[arg-type]
            std=tuple(float(x) for x in d.get("std", IMAGENET_STD)),  # type: ignore[arg-type]
            resize=d.get("resize", "stretch"), temperature=float(temp),
            dataset_fingerprint=d.get("dataset_fingerprint"),
        )


def sidecar_path(model_file: Path) -> Path:
    return Path(model_file).with_suffix(".json")


def read_meta(path: Path) -> ModelMeta:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"metadata file missing: {path} (it must sit beside the model file)") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelFileError(f"cannot read metadata {path}: {e}") from None
    return ModelMeta.from_dict(data, source=str(path))




def save_native(model: nn.Module, meta: ModelMeta, path: Path, **extra: Any) -> Path:
    """model.safetensors + model.json; both written atomically, the JSON last."""
    from safetensors.torch import save

    state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    path = Path(path)
    write_atomic(path, save(state, metadata={"desktop_cls_schema": str(SCHEMA_VERSION)}))
    write_json(sidecar_path(path), meta.to_dict("safetensors", **extra))
    return path


def build_from_meta(meta: ModelMeta, state: dict[str, torch.Tensor], source: str) -> nn.Module:
    """Rebuild the architecture and load weights, turning a shape mismatch into a clear error."""
    from desktop_cls.core.models.architectures import MODELS, build_model

    if meta.model not in MODELS:
        raise ModelFileError(f"{source}: unknown architecture '{meta.model}'")
    model = build_model(meta.model, len(meta.classes), image_size=meta.image_size)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        raise ModelFileError(
            f"{source}: the weights do not match a {meta.model} with {len(meta.classes)} classes "
            f"(missing {len(missing)} tensors, e.g. {missing[:2]}; unexpected {len(unexpected)}, e.g. {unexpected[:2]})"
        )
    for k, v in expected.items():
        if tuple(state[k].shape) != tuple(v.shape):
            raise ModelFileError(
                f"{source}: tensor '{k}' has shape {tuple(state[k].shape)} but a {meta.model} with "
                f"{len(meta.classes)} classes needs {tuple(v.shape)}; is the metadata from another model?"
            )
    model.load_state_dict(state)
    return model.eval()


def load_native(path: Path) -> tuple[nn.Module, ModelMeta]:
    """A .safetensors/.pt weights file with its sidecar JSON, as an eval-mode model."""
    path = Path(path)
    meta = read_meta(sidecar_path(path))
    return build_from_meta(meta, load_state_dict_file(path), str(path)), meta
