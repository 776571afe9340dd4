"""Model files: the native safetensors + JSON format, safe weight loading, metadata validation.

Nothing here unpickles arbitrary objects: .pt/.pth go through torch.load(weights_only=True).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from desktop_cls import __version__
from desktop_cls.core.app_files import AppFileError, read_app_json
from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.models.preprocessing import IMAGENET_MEAN, IMAGENET_STD
from desktop_cls.core.models.weight_files import load_state_dict_file
from desktop_cls.core.names import checked_name
from desktop_cls.core.storage import write_atomic, write_json

SCHEMA_VERSION = 1
INPUT_LAYOUT = ("NCHW float32 RGB, upright (EXIF orientation applied), 8 bits per channel (16-bit samples / 257), "
                "scaled to [0,1], then (x - mean) / std per channel")
# How every desktop_cls consumer (predict, the app, serve, the web page, the example scripts) shows a picture with
# transparent pixels to the network (core.data.picture_view), whatever the model.
TRANSPARENCY = ("a picture with transparent pixels is composited on white, cut to the bounding box of its non-zero "
                "alpha, scaled to fit input_size with its shape kept (bilinear) and centred on a white canvas; "
                "any other picture is resized as 'resize' says")


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
    pooling: str = "avg"  # how the backbone pools its last feature maps (part of the architecture)

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
            "transparency": TRANSPARENCY,
            "input_layout": INPUT_LAYOUT,
            "input_name": "input",
            "output": "logits (apply softmax(logits / temperature) for probabilities)",
            "temperature": self.temperature,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "desktop_cls_version": __version__,
        }
        if self.dataset_fingerprint:
            d["dataset_fingerprint"] = self.dataset_fingerprint
        if self.pooling != "avg":
            d["pooling"] = self.pooling
        d.update(extra)
        return d

    @classmethod
    def from_dict(cls, d: Any, source: str = "metadata") -> ModelMeta:
        """Every field is checked for type and range: a sidecar is a file anyone can edit."""
        try:
            return cls._from_checked(d)
        except ValueError as e:
            raise ModelFileError(_("{source}: {error}").format(source=source, error=e)) from None

    @classmethod
    def _from_checked(cls, d: Any) -> ModelMeta:
        if not isinstance(d, dict):
            raise ValueError(_("metadata must be a JSON object"))
        version = d.get("schema_version")
        if not (isinstance(version, int) and not isinstance(version, bool) and 1 <= version <= SCHEMA_VERSION):
            raise ValueError(_("unsupported metadata schema_version {version!r} (this version reads "
                               "{supported})").format(version=version, supported=SCHEMA_VERSION))
        classes = d.get("classes")
        if not (isinstance(classes, list) and 0 < len(classes) <= MAX_CLASSES
                and all(isinstance(c, str) and c for c in classes)):
            raise ValueError(_("'classes' must be a list of 1 to {limit:,} non-empty names").format(
                limit=MAX_CLASSES))
        classes = [checked_name(c, _("class")) for c in classes]  # each becomes a folder, a CSV cell
        if len(set(classes)) != len(classes):
            raise ValueError(_("'classes' names a class twice (names that look alike count as one)"))
        if "num_classes" in d and d["num_classes"] != len(classes):
            raise ValueError(_("num_classes {given} does not match {count} class names").format(
                given=d["num_classes"], count=len(classes)))
        size = d.get("input_size")
        limit = max_input_side()
        if not (isinstance(size, list) and len(size) == 2 and all(_is_int(v) and 0 < v <= limit for v in size)):
            raise ValueError(_("'input_size' must be [height, width], each 1 to {limit} pixels (set {env} to allow "
                               "larger inputs)").format(limit=limit, env=MAX_SIDE_ENV))
        image_size = d.get("image_size", size[0])
        if not (_is_int(image_size) and image_size == size[0] == size[1]):
            raise ValueError(_("'image_size' {image_size!r} does not match 'input_size' {size}").format(
                    image_size=image_size, size=size))
        mean = _numbers(d, "mean", IMAGENET_MEAN, -10.0, 10.0)
        std = _numbers(d, "std", IMAGENET_STD, 1e-3, 10.0)
        resize = d.get("resize", "stretch")
        if resize == "center_crop":  # never written by desktop_cls: its crop (what share, which sides) is unknown
            raise ValueError(_("'resize' is 'center_crop', which desktop_cls does not apply: it stretches every "
                               "image to the input size, so a model that learnt from cropped images would be "
                               "shown different ones. Retrain the model with desktop_cls, or set \"resize\" to "
                               "\"stretch\" in this file if it learnt from stretched images"))
        if resize != "stretch":
            raise ValueError(_("'resize' must be 'stretch'"))
        temp = d.get("temperature", 1.0)
        if not _in_range(temp, MIN_TEMPERATURE, MAX_TEMPERATURE):
            raise ValueError(_("'temperature' must be a number between {lo:g} and {hi:g}").format(
                lo=MIN_TEMPERATURE, hi=MAX_TEMPERATURE))
        model = d.get("model")
        if not isinstance(model, str) or not model:
            raise ValueError(_("'model' must name the architecture"))
        fingerprint = d.get("dataset_fingerprint")
        if fingerprint is not None and not isinstance(fingerprint, dict):
            raise ValueError(_("'dataset_fingerprint' must be a JSON object"))
        pooling = d.get("pooling", "avg")
        if pooling not in ("avg", "max", "avgmax"):
            raise ValueError(_("'pooling' must be 'avg', 'max' or 'avgmax'"))
        return cls(model=model, classes=tuple(classes), image_size=int(image_size),
                   input_size=(int(size[0]), int(size[1])), mean=mean, std=std,  # type: ignore[arg-type]
                   resize=resize, temperature=float(temp), dataset_fingerprint=fingerprint,
                   pooling=pooling)


MAX_CLASSES = 100_000
MAX_SIDE = 1024  # the largest image size training offers (TrainConfig.image_size); 4,096 cost 6 GB in predict
MAX_SIDE_ENV = "DESKTOP_CLS_MAX_INPUT_SIZE"


def max_input_side() -> int:
    """The largest model input side a model file may ask for: MAX_SIDE, or DESKTOP_CLS_MAX_INPUT_SIZE."""
    raw = os.environ.get(MAX_SIDE_ENV, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else MAX_SIDE
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.01, 100.0  # calibration itself stays within 0.05..20


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _in_range(x: Any, lo: float, hi: float) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and lo <= x <= hi


def _numbers(d: dict[str, Any], key: str, default: tuple[float, ...], lo: float, hi: float) -> tuple[float, ...]:
    """d[key] as three finite numbers within [lo, hi] (one per channel), or ValueError naming the field."""
    v = d.get(key, list(default))
    if not (isinstance(v, list) and len(v) == 3 and all(_in_range(x, lo, hi) for x in v)):
        raise ValueError(_("'{key}' must be three numbers between {lo:g} and {hi:g}").format(key=key, lo=lo, hi=hi))
    return tuple(float(x) for x in v)


def sidecar_path(model_file: Path) -> Path:
    return Path(model_file).with_suffix(".json")


def read_meta(path: Path) -> ModelMeta:
    """The sidecar, read only as a regular file of bounded size and JSON depth (a FIFO or /dev/zero
    named model.json would hang or read forever) and checked field by field."""
    try:
        data = read_app_json(path)
    except FileNotFoundError:
        raise ModelFileError(_("metadata file missing: {path} (it must sit beside the model file)").format(
                path=path)) from None
    except (OSError, AppFileError) as e:
        raise ModelFileError(_("cannot read metadata {path}: {error}").format(path=path, error=e)) from None
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
        raise ModelFileError(_("{source}: unknown architecture '{model}'").format(source=source, model=meta.model))
    try:
        model = build_model(meta.model, len(meta.classes), image_size=meta.image_size, pooling=meta.pooling)
    except UserError as e:
        raise ModelFileError(_("{source}: {error}").format(source=source, error=e)) from None
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        raise ModelFileError(
            _("{source}: the weights do not match a {model} with {classes} classes (missing {missing} tensors, e.g. "
              "{missing_names}; unexpected {unexpected}, e.g. {unexpected_names})").format(
                source=source, model=meta.model, classes=len(meta.classes), missing=len(missing),
                missing_names=missing[:2], unexpected=len(unexpected), unexpected_names=unexpected[:2])
        )
    for k, v in expected.items():
        if tuple(state[k].shape) != tuple(v.shape):
            raise ModelFileError(
                _("{source}: tensor '{tensor}' has shape {shape} but a {model} with {classes} classes needs "
                  "{needed}; is the metadata from another model?").format(
                    source=source, tensor=k, shape=tuple(state[k].shape), model=meta.model, classes=len(meta.classes),
                    needed=tuple(v.shape))
            )
    model.load_state_dict(state)
    return model.eval()


def load_native(path: Path) -> tuple[nn.Module, ModelMeta]:
    """A .safetensors/.pt weights file with its sidecar JSON, as an eval-mode model."""
    path = Path(path)
    meta = read_meta(sidecar_path(path))
    return build_from_meta(meta, load_state_dict_file(path), str(path)), meta
