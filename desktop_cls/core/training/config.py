"""TrainConfig: every training option, JSON round-trippable, validated with messages a user can act on."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "one_cycle", "warmup")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")


@dataclass(frozen=True)
class Augmentation:
    hflip: bool = True
    vflip: bool = False
    rotation_degrees: float = 0.0
    random_resized_crop: bool = True
    crop_scale_min: float = 0.6
    color_jitter: float = 0.0  # strength for brightness, contrast and saturation (0 = off)


@dataclass(frozen=True)
class TrainConfig:
    model: str = "quicknet"
    image_size: int = 32
    epochs: int = 10
    batch_size: int = 0  # 0 = automatic: 32 on a CPU, as large as memory allows on a GPU (lr scaled to match)
    optimizer: str = "adamw"
    lr: float = 0.003
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 0.01
    schedule: str = "one_cycle"
    warmup_epochs: float = 0.0
    step_size: int = 10  # epochs between lr drops for the step schedule
    step_gamma: float = 0.1
    label_smoothing: float = 0.1
    grad_clip: float = 0.0  # max gradient norm; 0 = off
    augmentation: Augmentation = field(default_factory=Augmentation)
    class_weighting: bool = False
    early_stopping_patience: int = 0  # epochs without val improvement before stopping; 0 = off
    calibrate: bool = True  # fit temperature scaling on the validation images after training
    device: str = "auto"
    precision: str = "auto"  # auto = bf16 (or fp16) on CUDA, bf16 on CPUs with native bf16, else fp32
    channels_last: bool = True
    compile: bool = False
    seed: int = 0
    val_fraction: float = 0.2
    pretrained: bool = False
    weights_file: str | None = None
    download_weights: bool = False
    num_workers: int = 0  # DataLoader workers when images do not fit in memory; 0 = automatic
    cache_images: str = "auto"  # auto | ram | disk | off
    cache_memory_mb: int = 0  # 0 = a quarter of the machine's RAM

    def validate(self) -> TrainConfig:
        from desktop_cls.core.models.catalog import MODELS

        def bad(msg: str) -> UserError:
            return UserError(f"invalid training option: {msg}")

        if self.model not in MODELS:
            raise bad(f"model '{self.model}' is unknown; choose one of {', '.join(MODELS)}")
        if not 8 <= self.image_size <= 1024:
            raise bad(f"image size {self.image_size} must be between 8 and 1024 pixels")
        if self.epochs < 1:
            raise bad("epochs must be at least 1")
        if self.batch_size < 0:
            raise bad("batch size must be at least 1, or 0 to choose it automatically")
        if self.optimizer not in OPTIMIZERS:
            raise bad(f"optimizer '{self.optimizer}' must be one of {', '.join(OPTIMIZERS)}")
        if not self.lr > 0:
            raise bad("learning rate must be positive")
        if self.schedule not in SCHEDULES:
            raise bad(f"schedule '{self.schedule}' must be one of {', '.join(SCHEDULES)}")
        if self.device not in DEVICES and not re.fullmatch(r"cuda:\d+", self.device):
            raise bad(f"device '{self.device}' must be one of {', '.join(DEVICES)}")
        if self.precision not in PRECISIONS:
            raise bad(f"precision '{self.precision}' must be one of {', '.join(PRECISIONS)}")
        if not 0.0 <= self.val_fraction < 1.0:
            raise bad("validation fraction must be at least 0 and below 1")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise bad("label smoothing must be in [0, 1)")
        if self.cache_images not in ("auto", "ram", "disk", "off"):
            raise bad("cache_images must be auto, ram, disk or off")
        a = self.augmentation
        if not 0.05 <= a.crop_scale_min <= 1.0:
            raise bad("crop_scale_min must be in [0.05, 1]")
        if not 0 <= a.rotation_degrees <= 180:
            raise bad("rotation must be between 0 and 180 degrees")
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Unknown keys are refused by name, so a typo in a run file is not silently ignored."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"schema_version"})
        if unknown:
            raise UserError(f"unknown training option(s): {', '.join(unknown)}")
        kw = {k: v for k, v in data.items() if k in known}
        if isinstance(kw.get("augmentation"), dict):
            aug_known = {f.name for f in fields(Augmentation)}
            aug_unknown = sorted(set(kw["augmentation"]) - aug_known)
            if aug_unknown:
                raise UserError(f"unknown augmentation option(s): {', '.join(aug_unknown)}")
            kw["augmentation"] = Augmentation(**kw["augmentation"])
        try:
            return cls(**kw).validate()
        except TypeError as e:
            raise UserError(f"invalid training options: {e}") from None

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise UserError(f"the training configuration is not valid JSON: {e}") from None
        if not isinstance(data, dict):
            raise UserError("the training configuration must be a JSON object")
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> TrainConfig:
        p = Path(path)
        try:
            return cls.from_json(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise UserError(f"cannot read {p}: {e}") from None
        except UserError as e:
            raise UserError(f"{p}: {e}") from None

    def replace(self, **changes: Any) -> TrainConfig:
        d = self.to_dict()
        d.update(changes)
        return TrainConfig.from_dict(d)
