"""The training method (TrainConfig.method): quick (a frozen pretrained backbone and a new last layer),
fine-tune (the same backbone, then all of it learns) or scratch (a small network from random weights);
"auto" picks one from the data, "custom" keeps the model the user set. One word ("method") and one
spelling ("fine-tune") in the configuration, the command line and the window; older spellings are read
through `method_name` (and TrainConfig.from_dict for saved options).

Torch-free: the window plans as soon as a folder is scanned, before torch has loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.models.catalog import DEFAULT_MODEL, PRETRAINED_MODEL
from desktop_cls.core.training.choices import PHOTO_SIDE, describe_size
from desktop_cls.core.training.config import FINE_TUNE, QUICK, SCRATCH, TrainConfig
from desktop_cls.core.training.options import options

AUTO, CUSTOM = "auto", "custom"  # asked for, never stored: the planner turns them into one of the others
METHODS = (AUTO, QUICK, FINE_TUNE, SCRATCH, CUSTOM)  # what the user can ask for
FEW_PER_CLASS = 100  # at or below this many training images per class, a pretrained backbone wins
PRETRAINED_MIN_SIDE = 64  # below this the backbone's last block sees a 2x2 grid: its features say little
# images a fine-tune should see: 80 training digits in 5 epochs stopped at 77 %, 10 reached 85 %; 160 in 5
# epochs 83.7 %, 10 epochs 94.0 % (docs/benchmarks.md); 400 in 5 epochs 97.0 %
FINE_TUNE_IMAGES = 1600
# The options a quick run reads (quick.QuickFit): its backbone (model, weights, image size, device), the split and
# seed, the head's strength and calibration. It computes each image's features once, as the image is, and fits one
# layer in one step, so every other option (epochs, batches, learning rate, schedule, augmentation, ...) has no
# effect on it: the Train form greys them out and `train` says so of a flag given for one.
QUICK_READS = frozenset({"model", "pretrained", "weights_file", "download_weights", "image_size", "device",
                         "val_fraction", "seed", "calibrate", "head_c", "method"})
QUICK_UNUSED = frozenset(o.key for o in options(TrainConfig)) - QUICK_READS


def method_name(text: str) -> str | None:
    """The method a stored or typed name means ("fine_tune", as earlier versions wrote it, is "fine-tune";
    "recipe" names were the same words); None for a name this version does not know."""
    name = text.strip().lower().replace("_", "-")
    return name if name in METHODS else None


@dataclass(frozen=True)
class Method:
    """How to train: the method, which model, whether it starts pretrained; with the reason shown."""

    name: str  # quick | fine-tune | scratch | custom
    model: str
    pretrained: bool
    reason: str


def method_for(name: str, model: str | None = None, reason: str = "") -> Method:
    """The settings of a method the user picked by name (model None: the method's usual model)."""
    if name == SCRATCH:
        return Method(name, model or DEFAULT_MODEL, False, reason or _("trained from scratch, as chosen"))
    if name not in (QUICK, FINE_TUNE):
        raise ValueError(f"unknown method {name!r}")
    return Method(name, model or PRETRAINED_MODEL, True, reason or _("{method}, as chosen").format(
            method=name))


def fine_tune_epochs(n_train: int) -> int:
    """Pretrained networks need few epochs, and each is slow on a CPU: 5, or up to 10 when there are so few
    images that 5 epochs are too few steps for the head and the body to learn."""
    return max(5, min(10, math.ceil(FINE_TUNE_IMAGES / max(n_train, 1))))


def choose_method(train_counts: dict[str, int], typical: tuple[int, int] | None,
                  pretrained_available: bool = True, requested_size: int | None = None,
                  all_labelled: bool = False) -> Method:
    """Few images per class or photo-sized images: the bundled pretrained backbone in the quick method
    (measured in docs/benchmarks.md, "Few images"); many small images: our small net from scratch.
    requested_size: an image size the user asked for; one too small for the backbone keeps it out.
    all_labelled: the counts are every labeled image (so few that a quick run learns from all of them)."""
    counts = [n for n in train_counts.values() if n > 0] or [0]
    per_class = sorted(counts)[len(counts) // 2]  # the median class
    side = min(typical) if typical else 0
    if not pretrained_available:
        return method_for(SCRATCH, reason=_("trained from scratch: the bundled pretrained weights are not "
                                            "installed"))
    if requested_size is not None and requested_size < PRETRAINED_MIN_SIDE:
        return method_for(SCRATCH, reason=_("trained from scratch: you asked for {requested_size} px images, and "
                                            "the pretrained backbone needs at least {minimum} px").format(
                requested_size=requested_size, minimum=PRETRAINED_MIN_SIDE))
    if per_class <= FEW_PER_CLASS or side >= PHOTO_SIDE:
        from desktop_cls.core.training.backbone_choice import choose_backbone

        backbone = choose_backbone(typical, sum(counts))
        few = (ngettext("pretrained backbone, quick mode: {per_class} labeled image per class is few, and "
                        "ImageNet features learn from few examples",
                        "pretrained backbone, quick mode: {per_class} labeled images per class are few, and "
                        "ImageNet features learn from few examples", per_class) if all_labelled else
               ngettext("pretrained backbone, quick mode: {per_class} training image per class is few, and "
                        "ImageNet features learn from few examples",
                        "pretrained backbone, quick mode: {per_class} training images per class are few, and "
                        "ImageNet features learn from few examples", per_class))
        why = few.format(per_class=per_class) if per_class <= FEW_PER_CLASS else \
            _("pretrained backbone, quick mode: your images are photos ({images}), which ImageNet features "
              "suit").format(images=describe_size(typical or (side, side)))
        reason = _("{why}; {backbone}").format(why=why, backbone=backbone.reason)
        return method_for(QUICK, backbone.model, reason=reason)
    return method_for(SCRATCH, reason=_("trained from scratch: {per_class:,} small images per class ({images}) "
                                        "are enough for a small fast network").format(
            per_class=per_class, images=describe_size(typical) if typical else _("small")))
