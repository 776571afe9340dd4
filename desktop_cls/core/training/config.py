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

from desktop_cls.core.app_files import AppFileError, loads_bounded, read_app_bytes
from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import N_, _, join_list, ngettext
from desktop_cls.core.training.options import BASIC, FILE_ONLY, Values, check_all, flatten, nested, option

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "one_cycle", "warmup")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
CACHES = ("auto", "ram", "disk", "off")
QUICK, FINE_TUNE, SCRATCH = "quick", "fine-tune", "scratch"  # the training methods (methods.py adds auto, custom)
TRAINED_METHODS = (QUICK, FINE_TUNE, SCRATCH)


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
    if re.fullmatch(r"cuda:\d+", device):
        return None
    return _("device '{device}' must be one of {choices}").format(device=device, choices=join_list(DEVICES))


@dataclass(frozen=True)
class Augmentation:
    hflip: bool = option(True, N_("Horizontal flip"),
        N_("Randomly mirror training images left to right, so the model does not memorise which way they face "
           "(off for digits, letters and other classes that a mirror changes)"),
        row=N_("Augmentation"), widget="hflipCheck")
    vflip: bool = option(False, N_("Vertical flip"),
        N_("Random vertical flips (for images with no 'up', such as microscopy or satellite images)"),
        widget="vflipCheck")
    random_resized_crop: bool = option(True, N_("Random resized crop"),
        N_("Train on random crops of each image, resized back"),
        widget="cropCheck")
    crop_scale_min: float = option(0.6, N_("Smallest crop"),
        N_("Smallest share of the image a random crop keeps"),
        level=FILE_ONLY, lo=0.05, hi=1.0)
    rotation_degrees: float = option(0.0, N_("Rotation (±°)"),
        N_("Random rotation up to ± degrees"),
        lo=0, hi=180, decimals=0, step=5, widget="rotationSpin")
    color_jitter: float = option(0.0, N_("Colour jitter"),
        N_("Random brightness, contrast and saturation changes (strength; 0 = off)"),
        lo=0, hi=1, step=0.05, widget="colorJitterSpin")


def _earlier_names(data: dict[str, Any]) -> dict[str, Any]:
    """Options as earlier versions saved them (run folders, settings, --config files): "mode" (full or
    quick) is the method now, and fine-tune was also spelled fine_tune."""
    data = dict(data)
    mode = data.pop("mode", None)
    if mode is not None and "method" not in data:
        data["method"] = QUICK if mode == QUICK else SCRATCH  # fine-tune or scratch follows "pretrained"
    if isinstance(data.get("method"), str):
        data["method"] = data["method"].replace("_", "-")
    return data


@dataclass(frozen=True)
class TrainConfig:
    # ---- basic: the Train form shows these first ----------------------------------------------------------
    model: str = option("quicknet", N_("Model"),
        N_("The network to train (desktop-cls models lists them)"),
        level=BASIC, choices=_model_names, widget="modelCombo")
    epochs: int = option(10, N_("Epochs"),
        N_("How many times training goes through all training images. More epochs: better fit, longer training (e.g. "
           "15 for the demo data)"),
        level=BASIC, lo=1, hi=10_000, widget="epochsSpin")
    batch_size: int = option(0, N_("Batch size"),
        N_("Images processed together in one step. Larger is faster on a GPU but uses more memory. 0 = auto: 32 on a "
           "CPU; on a GPU the largest that fits (up to 512), with the learning rate scaled to match"),
        level=BASIC, lo=0, hi=8192, special=N_("auto"), widget="batchSizeSpin")
    lr: float = option(0.003, N_("Learning rate"),
        N_("How big each learning step is. Too high and training jumps around; too low and it crawls (e.g. 0.003 for "
           "Adam, 0.05 for SGD). With an automatic batch size it is the rate for 32 images"),
        level=BASIC, lo=0.0, lo_open=True, hi=10.0, decimals=6, step=0.0005, widget="learningRateSpin")
    device: str = option("auto", N_("Device"),
        N_("Where training runs: auto takes a GPU when there is one"),
        level=BASIC, choices=DEVICES, check=_cuda_index, widget="deviceCombo")
    image_size: int = option(32, N_("Image size (px)"),
        N_("Images are resized to this square size. Larger keeps more detail and costs more time; by default it "
           "follows your images"),
        level=BASIC, lo=8, hi=1024, widget="imageSizeSpin")
    pretrained: bool = option(False, N_("Start from ImageNet weights"),
        N_("Begin from weights trained on ImageNet: better accuracy from few images (bundled for efficientnet_lite0; "
           "torchvision models need them in torch's cache or a download)"),
        level=BASIC, enabled_when=_has_imagenet_weights, value_when_disabled=False, widget="pretrainedCheck",
        disabled_help=N_("Only efficientnet_lite0 and the torchvision models have ImageNet weights; this model "
                         "starts from random weights"))
    # ---- advanced -----------------------------------------------------------------------------------------
    optimizer: str = option("adamw", N_("Optimizer"),
        N_("How the weights follow the gradient"),
        choices=OPTIMIZERS, widget="optimizerCombo")
    momentum: float = option(0.9, N_("Momentum"),
        N_("SGD momentum: how much of the previous step carries over (0.9 is usual)"),
        lo=0, hi=0.999, decimals=3, step=0.05, widget="momentumSpin", enabled_when=_sgd,
        disabled_help=N_("Only used by the SGD optimizer (Adam and AdamW adapt their steps themselves)"))
    nesterov: bool = option(True, N_("Nesterov momentum (SGD)"),
        N_("Look-ahead momentum for SGD"),
        widget="nesterovCheck", enabled_when=_sgd, disabled_help=N_("Only used by the SGD optimizer"))
    schedule: str = option("one_cycle", N_("Schedule"),
        N_("How the learning rate changes over the run"),
        choices=SCHEDULES, widget="scheduleCombo")
    warmup_epochs: float = option(0.0, N_("Warm-up epochs"),
        N_("Epochs of slowly rising learning rate at the start (cosine, step and warmup schedules)"),
        lo=0, hi=100, decimals=1, step=0.5, widget="warmupSpin", enabled_when=_own_warmup,
        disabled_help=N_("one_cycle has its own warm-up (the first quarter of training)"))
    step_size: int = option(10, N_("Step every (epochs)"),
        N_("Step schedule: epochs between drops"),
        lo=1, hi=10_000, widget="stepSizeSpin", enabled_when=_step_schedule,
        disabled_help=N_("Only used by the step schedule"))
    step_gamma: float = option(0.1, N_("Step factor"),
        N_("Step schedule: the learning rate is multiplied by this at each drop"),
        lo=0.001, hi=1, decimals=3, step=0.05, widget="stepGammaSpin", enabled_when=_step_schedule,
        disabled_help=N_("Only used by the step schedule"))
    weight_decay: float = option(0.01, N_("Weight decay"),
        N_("Pulls weights towards zero to reduce overfitting"),
        lo=0, hi=1, decimals=5, step=0.001, widget="weightDecaySpin")
    label_smoothing: float = option(0.1, N_("Label smoothing"),
        N_("Softens the training targets a little; usually improves accuracy and confidence calibration"),
        lo=0, hi=0.5, step=0.05, widget="labelSmoothingSpin")
    grad_clip: float = option(0.0, N_("Gradient clipping"),
        N_("Largest allowed gradient norm (0 = off)"),
        lo=0, hi=100, step=0.5, widget="gradClipSpin")
    val_fraction: float = option(0.2, N_("Validation share"),
        N_("Share of each class's images held back to measure accuracy honestly"),
        lo=0, hi=0.9, step=0.05, flag="--val-split", widget="valSplitSpin")
    seed: int = option(0, N_("Seed"),
        N_("Same seed, same data and options: same result"),
        lo=0, hi=2**31 - 1, widget="seedSpin")
    early_stopping_patience: int = option(0, N_("Early stopping (epochs)"),
        N_("Stop when validation accuracy has not improved for this many epochs (0 = never)"),
        lo=0, hi=1000, widget="earlyStoppingSpin")
    class_weighting: bool = option(False, N_("Weight classes by rarity"),
        N_("Gives rare classes more weight so the model does not ignore them"),
        widget="classWeightingCheck")
    calibrate: bool = option(True, N_("Calibrate confidences on the validation images"),
        N_("Temperature scaling after training: a model that says it is 80 percent sure is then right about 80 "
           "percent of the time (needs at least 100 validation images)"),
        widget="calibrateCheck", enabled_when=_has_validation,
        disabled_help=N_("Calibration uses the validation images: set a validation share above 0"))
    augmentation: Augmentation = nested(Augmentation)
    precision: str = option("auto", N_("Precision"),
        N_("Number format for training. auto: bf16 on GPUs that have it (else fp16) and on processors with native "
           "bf16, which trains about 1.6x faster with accuracy close to fp32; fp32 everywhere else"),
        choices=PRECISIONS, widget="precisionCombo")
    cache_images: str = option("auto", N_("Image cache"),
        N_("Keep decoded images in memory (and on disk, so the next run starts warm)"),
        choices=CACHES, flag="--cache", widget="cacheCombo")
    num_workers: int = option(0, N_("Loader workers"),
        N_("Loader processes when images do not fit in memory (0 = automatic)"),
        lo=0, hi=64, widget="workersSpin")
    channels_last: bool = option(True, N_("channels-last memory layout (GPU)"),
        N_("A faster memory layout for convolutions"),
        widget="channelsLastCheck")
    compile: bool = option(False, N_("torch.compile (long GPU runs only)"),
        N_("Compile the model: pays off for runs of 2,000+ steps on a GPU. Not in the bundled app: install with pip "
           "to use it"),
        enabled_when=_compiler_available, value_when_disabled=False, widget="compileCheck")
    weights_file: str | None = option(None, N_("Weights file"),
        N_("Optional pretrained weights file (.safetensors or .pth)"),
        flag="--weights", widget="weightsFileEdit")
    download_weights: bool = option(False, N_("Allow downloading pretrained weights"),
        N_("Fetch ImageNet weights from the internet when they are not on this machine"),
        widget="downloadWeightsCheck", enabled_when=_uses_imagenet_weights,
        disabled_help=N_("Only used when starting from ImageNet weights"))
    method: str = option(SCRATCH, N_("Method"),
        N_("quick: keep a pretrained backbone frozen and fit only a new last layer on cached features; fine-tune "
           "or scratch: train the whole network, which follows whether it starts from ImageNet weights"),
        level=FILE_ONLY, choices=TRAINED_METHODS)
    freeze_epochs: int = option(1, N_("Head-only epochs (fine-tune)"),
        N_("When starting from pretrained weights: epochs that train only the new last layer before the whole "
           "network learns"),
        lo=0, hi=1000, enabled_when=lambda v: bool(v.get("pretrained")), widget="freezeEpochsSpin")
    backbone_lr_factor: float = option(0.1, N_("Backbone learning-rate share (fine-tune)"),
        N_("When fine-tuning: the pretrained layers learn at this share of the learning rate, so what they know is "
           "not overwritten (e.g. 0.1)"),
        lo=0.001, hi=1.0, decimals=3, step=0.05, enabled_when=lambda v: bool(v.get("pretrained")),
        widget="backboneLrSpin")
    freeze_bn: bool = option(True, N_("Keep BatchNorm statistics (fine-tune)"),
        N_("When fine-tuning: BatchNorm layers keep the pretrained network's statistics instead of re-estimating "
           "them from a few batches, so training and the saved model see the same features"),
        level=FILE_ONLY, enabled_when=lambda v: bool(v.get("pretrained")))
    head_c: float = option(1.0, N_("Quick-mode head strength"),
        N_("Inverse L2 strength of the quick mode's linear head (scikit-learn's C)"),
        level=FILE_ONLY, lo=1e-4, hi=1e4)
    cache_memory_mb: int = option(0, N_("Image cache memory (MB)"),
        N_("Memory for decoded images (0 = a quarter of the machine's RAM)"),
        level=FILE_ONLY, lo=0, hi=1 << 24)

    def __post_init__(self) -> None:
        """A network trained whole is fine-tuned exactly when it starts pretrained: the method says so."""
        if self.method in (FINE_TUNE, SCRATCH):
            object.__setattr__(self, "method", FINE_TUNE if self.pretrained or self.weights_file else SCRATCH)

    def validate(self) -> TrainConfig:
        """self, or UserError naming the option that is out of range, of the wrong type or unknown."""
        check_all(TrainConfig, flatten(self.to_dict()))
        if self.method == QUICK and not (self.pretrained or self.weights_file):
            raise UserError(_("invalid training option: the quick mode trains a last layer on a pretrained backbone; "
                              "{model} is not set to start pretrained (choose efficientnet_lite0, whose weights come "
                              "with the app, with pretrained on)").format(
                    model=self.model))
        if self.weights_file and not _has_imagenet_weights({"model": self.model}):
            raise UserError(_("invalid training option: {model} starts from random weights and loads no weights file; "
                              "leave the weights file out, or choose a model that starts pretrained (such as "
                              "efficientnet_lite0 or resnet18)").format(model=self.model))
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Unknown keys are refused by name, so a typo in a run file is not silently ignored."""
        data = _earlier_names(data)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"schema_version"})
        if unknown:
            raise UserError(ngettext("unknown training option: {unknown}", "unknown training options: {unknown}",
                                     len(unknown)).format(unknown=', '.join(unknown)))
        kw = {k: v for k, v in data.items() if k in known}
        if isinstance(kw.get("augmentation"), dict):
            aug_known = {f.name for f in fields(Augmentation)}
            aug_unknown = sorted(set(kw["augmentation"]) - aug_known)
            if aug_unknown:
                raise UserError(ngettext("unknown augmentation option: {names}",
                                         "unknown augmentation options: {names}", len(aug_unknown)).format(
                        names=', '.join(aug_unknown)))
            kw["augmentation"] = Augmentation(**kw["augmentation"])
        try:
            return cls(**kw).validate()
        except TypeError as e:
            raise UserError(_("invalid training options: {error}").format(error=e)) from None

    @classmethod
    def from_json(cls, text: str | bytes, source: str | Path | None = None) -> TrainConfig:
        """source: the file the text came from, named in an error instead of "the training configuration"."""
        try:
            data = loads_bounded(text, source if source is not None else _("the training configuration"))
        except AppFileError as e:  # invalid JSON or nested too deep, said with its reason
            raise UserError(str(e)) from None
        if not isinstance(data, dict):
            raise UserError(_("the training configuration must be a JSON object"))
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> TrainConfig:
        p = Path(path)
        try:
            return cls.from_json(read_app_bytes(p), source=p)
        except FileNotFoundError:
            raise UserError(_("{path} does not exist; check the file's name and folder").format(path=p)) from None
        except OSError as e:
            raise UserError(_("cannot read {path}: {error}").format(path=p, error=e.strerror or e)) from None
        except UserError as e:
            if str(p) in str(e):  # the JSON's own error already names the file
                raise
            raise UserError(_("{path}: {error}").format(path=p, error=e)) from None

    def replace(self, **changes: Any) -> TrainConfig:
        d = self.to_dict()
        d.update(changes)
        return TrainConfig.from_dict(d)
