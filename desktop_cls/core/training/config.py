"""TrainConfig: every training option, declared once (options.py), JSON round-trippable, validated with
messages a user can act on. The CLI's flags and the Train form's controls are built from the same
declarations, so a limit such as the image-size range lives here only."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.training.options import BASIC, FILE_ONLY, Values, check_all, flatten, nested, option

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "one_cycle", "warmup")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
CACHES = ("auto", "ram", "disk", "off")
MODES = ("full", "quick")  # full: train the network (a fine-tune when pretrained); quick: frozen backbone + head


def _model_names() -> tuple[str, ...]:
    from desktop_cls.core.models.catalog import MODELS

    return tuple(MODELS)


def _has_imagenet_weights(values: Values) -> bool:
    from desktop_cls.core.models.catalog import MODELS

    info = MODELS.get(values.get("model", ""))
    return info is not None and info.has_pretrained


def _sgd(values: Values) -> bool:
    return values.get("optimizer") == "sgd"


def _step_schedule(values: Values) -> bool:
    return values.get("schedule") == "step"


def _own_warmup(values: Values) -> bool:
    return values.get("schedule") != "one_cycle"  # one_cycle rises over its first quarter by itself


def _has_validation(values: Values) -> bool:
    return float(values.get("val_fraction", 0.0)) > 0


def _uses_imagenet_weights(values: Values) -> bool:
    return bool(values.get("pretrained")) and _has_imagenet_weights(values)


def _compiler_available(values: Values) -> bool:
    return not getattr(sys, "frozen", False)  # the bundle ships no triton/compiler (packaging/README.md)


def _cuda_index(device: str) -> str | None:
    return None if re.fullmatch(r"cuda:\d+", device) else f"device '{device}' must be one of {', '.join(DEVICES)}"


@dataclass(frozen=True)
class Augmentation:
    hflip: bool = option(True, "Horizontal flip", "Random flips, crops and colour changes of training images so "
                         "the model does not memorise them", row="Augmentation", widget="hflipCheck")
    vflip: bool = option(False, "Vertical flip", "Random vertical flips (for images with no 'up', such as "
                         "microscopy or satellite images)", widget="vflipCheck")
    random_resized_crop: bool = option(True, "Random resized crop", "Train on random crops of each image, "
                                       "resized back", widget="cropCheck")
    crop_scale_min: float = option(0.6, "Smallest crop", "Smallest share of the image a random crop keeps",
                                   level=FILE_ONLY, lo=0.05, hi=1.0)
    rotation_degrees: float = option(0.0, "Rotation (±°)", "Random rotation up to ± degrees", lo=0, hi=180,
                                     decimals=0, step=5, widget="rotationSpin")
    color_jitter: float = option(0.0, "Colour jitter", "Random brightness, contrast and saturation changes "
                                 "(strength; 0 = off)", lo=0, hi=1, step=0.05, widget="colorJitterSpin")


@dataclass(frozen=True)
class TrainConfig:
    # ---- basic: the Train form shows these first ----------------------------------------------------------
    model: str = option("quicknet", "Model", "The network to train (desktop-cls models lists them)", level=BASIC,
                        choices=_model_names, widget="modelCombo")
    epochs: int = option(10, "Epochs", "How many times training goes through all training images. More epochs: "
                         "better fit, longer training (e.g. 15 for the demo data)", level=BASIC, lo=1, hi=10_000,
                         widget="epochsSpin")
    batch_size: int = option(0, "Batch size", "Images processed together in one step. Larger is faster on a GPU "
                             "but uses more memory. 0 = auto: 32 on a CPU; on a GPU the largest that fits (up to "
                             "512), with the learning rate scaled to match", level=BASIC, lo=0, hi=8192,
                             special="auto", widget="batchSizeSpin")
    lr: float = option(0.003, "Learning rate", "How big each learning step is. Too high and training jumps around; "
                       "too low and it crawls (e.g. 0.003 for Adam, 0.05 for SGD). With an automatic batch size it "
                       "is the rate for 32 images", level=BASIC, lo=0.0, lo_open=True, hi=10.0, decimals=6, step=0.0005,
                       widget="learningRateSpin")
    device: str = option("auto", "Device", "Where training runs: auto takes a GPU when there is one",
                         level=BASIC, choices=DEVICES, check=_cuda_index, widget="deviceCombo")
    image_size: int = option(32, "Image size (px)", "Images are resized to this square size. Larger keeps more "
                             "detail and costs more time; by default it follows your images", level=BASIC, lo=8,
                             hi=1024, widget="imageSizeSpin")
    pretrained: bool = option(False, "Start from ImageNet weights", "Begin from weights trained on ImageNet: "
                              "better accuracy from few images (bundled for efficientnet_lite0; torchvision "
                              "models need them in torch's cache or a download)", level=BASIC,
                              enabled_when=_has_imagenet_weights, value_when_disabled=False, widget="pretrainedCheck",
                              disabled_help="Only efficientnet_lite0 and the torchvision models have ImageNet "
                              "weights; this model starts from random weights")
    # ---- advanced -----------------------------------------------------------------------------------------
    optimizer: str = option("adamw", "Optimizer", "How the weights follow the gradient", choices=OPTIMIZERS,
                            widget="optimizerCombo")
    momentum: float = option(0.9, "Momentum", "SGD momentum: how much of the previous step carries over (0.9 is "
                             "usual)", lo=0, hi=0.999, decimals=3, step=0.05, widget="momentumSpin",
                             enabled_when=_sgd, disabled_help="Only used by the SGD optimizer (Adam and AdamW "
                             "adapt their steps themselves)")
    nesterov: bool = option(True, "Nesterov momentum (SGD)", "Look-ahead momentum for SGD", widget="nesterovCheck",
                            enabled_when=_sgd, disabled_help="Only used by the SGD optimizer")
    schedule: str = option("one_cycle", "Schedule", "How the learning rate changes over the run",
                           choices=SCHEDULES, widget="scheduleCombo")
    warmup_epochs: float = option(0.0, "Warm-up epochs", "Epochs of slowly rising learning rate at the start "
                                  "(cosine, step and warmup schedules)", lo=0, hi=100, decimals=1, step=0.5,
                                  widget="warmupSpin", enabled_when=_own_warmup,
                                  disabled_help="one_cycle has its own warm-up (the first quarter of training)")
    step_size: int = option(10, "Step every (epochs)", "Step schedule: epochs between drops", lo=1, hi=10_000,
                            widget="stepSizeSpin", enabled_when=_step_schedule,
                            disabled_help="Only used by the step schedule")
    step_gamma: float = option(0.1, "Step factor", "Step schedule: the learning rate is multiplied by this at each "
                               "drop", lo=0.001, hi=1, decimals=3, step=0.05, widget="stepGammaSpin",
                               enabled_when=_step_schedule, disabled_help="Only used by the step schedule")
    weight_decay: float = option(0.01, "Weight decay", "Pulls weights towards zero to reduce overfitting", lo=0,
                                 hi=1, decimals=5, step=0.001, widget="weightDecaySpin")
    label_smoothing: float = option(0.1, "Label smoothing", "Softens the training targets a little; usually "
                                    "improves accuracy and confidence calibration", lo=0, hi=0.5, step=0.05,
                                    widget="labelSmoothingSpin")
    grad_clip: float = option(0.0, "Gradient clipping", "Largest allowed gradient norm (0 = off)", lo=0, hi=100,
                              step=0.5, widget="gradClipSpin")
    val_fraction: float = option(0.2, "Validation share", "Share of each class's images held back to measure "
                                 "accuracy honestly", lo=0, hi=0.9, step=0.05, flag="--val-split",
                                 widget="valSplitSpin")
    seed: int = option(0, "Seed", "Same seed, same data and options: same result", lo=0, hi=2**31 - 1,
                       widget="seedSpin")
    early_stopping_patience: int = option(0, "Early stopping (epochs)", "Stop when validation accuracy has not "
                                          "improved for this many epochs (0 = never)", lo=0, hi=1000,
                                          widget="earlyStoppingSpin")
    class_weighting: bool = option(False, "Weight classes by rarity", "Gives rare classes more weight so the model "
                                   "does not ignore them", widget="classWeightingCheck")
    calibrate: bool = option(True, "Calibrate confidences on the validation images", "Temperature scaling after "
                             "training: makes '80 % sure' right about 80 % of the time (needs at least 100 "
                             "validation images)", widget="calibrateCheck", enabled_when=_has_validation,
                             disabled_help="Calibration uses the validation images: set a validation share above 0")
    augmentation: Augmentation = nested(Augmentation)
    precision: str = option("auto", "Precision", "Number format for training. auto: bf16 on GPUs that have it "
                            "(else fp16) and on processors with native bf16, which trains about 1.6x faster with "
                            "accuracy close to fp32; fp32 everywhere else", choices=PRECISIONS,
                            widget="precisionCombo")
    cache_images: str = option("auto", "Image cache", "Keep decoded images in memory (and on disk, so the next run "
                               "starts warm)", choices=CACHES, flag="--cache", widget="cacheCombo")
    num_workers: int = option(0, "Loader workers", "Loader processes when images do not fit in memory "
                              "(0 = automatic)", lo=0, hi=64, widget="workersSpin")
    channels_last: bool = option(True, "channels-last memory layout (GPU)", "A faster memory layout for "
                                 "convolutions", widget="channelsLastCheck")
    compile: bool = option(False, "torch.compile (long GPU runs only)", "Compile the model: pays off for runs of "
                           "2,000+ steps on a GPU. Not in the bundled app: install with pip to use it",
                           enabled_when=_compiler_available, value_when_disabled=False, widget="compileCheck")
    weights_file: str | None = option(None, "Weights file", "Optional pretrained weights file (.safetensors or "
                                      ".pth)", flag="--weights", widget="weightsFileEdit")
    download_weights: bool = option(False, "Allow downloading pretrained weights", "Fetch ImageNet weights from "
                                    "the internet when they are not on this machine",
                                    widget="downloadWeightsCheck", enabled_when=_uses_imagenet_weights,
                                    disabled_help="Only used when starting from ImageNet weights")
    mode: str = option("full", "Mode", "full: train the network (a fine-tune when it starts pretrained); quick: "
                       "keep a pretrained backbone frozen and fit only a new last layer on cached features",
                       level=FILE_ONLY, choices=MODES)
    freeze_epochs: int = option(1, "Head-only epochs (fine-tune)", "When starting from pretrained weights: epochs "
                                "that train only the new last layer before the whole network learns", lo=0,
                                hi=1000, enabled_when=lambda v: bool(v.get("pretrained")), widget="freezeEpochsSpin")
    backbone_lr_factor: float = option(0.1, "Backbone learning-rate share (fine-tune)", "When fine-tuning: the "
                                       "pretrained layers learn at this share of the learning rate, so what "
                                       "they know is not overwritten (e.g. 0.1)", lo=0.001, hi=1.0, decimals=3,
                                       step=0.05, enabled_when=lambda v: bool(v.get("pretrained")),
                                       widget="backboneLrSpin")
    head_c: float = option(1.0, "Quick-mode head strength", "Inverse L2 strength of the quick mode's linear head "
                           "(scikit-learn's C)", level=FILE_ONLY, lo=1e-4, hi=1e4)
    cache_memory_mb: int = option(0, "Image cache memory (MB)", "Memory for decoded images (0 = a quarter of the "
                                  "machine's RAM)", level=FILE_ONLY, lo=0, hi=1 << 24)

    def validate(self) -> TrainConfig:
        """self, or UserError naming the option that is out of range, of the wrong type or unknown."""
        check_all(TrainConfig, flatten(self.to_dict()))
        if self.mode == "quick" and not (self.pretrained or self.weights_file):
            raise UserError(f"invalid training option: the quick mode trains a last layer on a pretrained "
                            f"backbone; {self.model} is not set to start pretrained (choose efficientnet_lite0, "
                            "whose weights come with the app, with pretrained on)")
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
