"""The choices made from the data and the machine for options the user left open, each with the one-line
reason the user sees (image size, batch size, flips, quick-mode pooling): `choose_*` returns the value;
planner.plan_training puts them together with the method (methods.py) for the CLI and the window
alike. (A "suggestion" is something else: a class proposed for an unlabelled image on the Label page, see
live_suggestions.suggest_labels; a "recommended" value is one the user applies themselves, such as the learning-rate
finder's.)

Torch-free: the app chooses an image size as soon as a folder is scanned, before torch has loaded.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core.i18n import _, join_list, quoted
from desktop_cls.core.models.catalog import MODELS

REFERENCE_BATCH = 32  # the batch the default learning rates were tuned for
SMALL_NET_SIZES = (32, 48, 64, 96, 128)
MAX_AUTO_BATCH = 512
MIN_STEPS_PER_EPOCH = 32  # larger batches would leave too few updates per epoch to learn from
# Fixed-size nets whose cost grows with the square of the image side; QuickNet has a strided stem.
SIZE_CAPS = {"quicknet": 128, "simple_cnn": 64, "vgg_net": 64}


@dataclass(frozen=True)
class Choice:
    value: int
    reason: str


def describe_size(typical: tuple[int, int]) -> str:
    w, h = typical
    return _("typically {w}×{h}").format(w=w, h=h)


def choose_image_size(model: str, typical: tuple[int, int] | None, pretrained: bool = False) -> Choice:
    """Big enough to keep the images' detail, no bigger: pixels the images do not have only cost time."""
    info = MODELS[model]
    if info.bundled_weights and (pretrained or typical is None or min(typical) >= 64):
        size = info.default_image_size  # Lite0 224, Lite1 240, Lite2 260
        return Choice(size, _("{size} px: the bundled pretrained weights were learned on {size} px images").format(
                size=size))
    if info.has_pretrained:
        if pretrained:
            return Choice(224, _("224 px: the pretrained weights were learned on 224 px images"))
        if typical is None:
            return Choice(224, _("224 px: the usual size for this backbone"))
        side = min(typical)
        if side >= 160:
            return Choice(224, _("224 px: your images are large ({images}); the backbone's usual size").format(
                    images=describe_size(typical)))
        size = max(64, math.ceil(side / 32) * 32)
        return Choice(size, _("{size} px: your images are {images}; enlarging them further would add compute but "
                              "no detail").format(size=size, images=describe_size(typical)))
    cap = SIZE_CAPS.get(model, 64)
    if typical is None:
        return Choice(info.default_image_size, _("{size} px: this model's usual size").format(
                size=info.default_image_size))
    side = min(typical)
    size = next((s for s in SMALL_NET_SIZES if s >= side and s <= cap), cap)
    if side <= size:
        return Choice(size, _("{size} px: your images are small ({images}), so this keeps all their detail").format(
                size=size, images=describe_size(typical)))
    return Choice(size, _("{size} px: your images are {images}; {size} px keeps this small network fast (raise it "
                          "for fine detail, at the cost of time)").format(size=size, images=describe_size(typical)))


def _pow2_floor(n: float) -> int:
    return 1 << max(0, math.floor(math.log2(max(n, 1))))


def choose_batch_size(device_type: str, train_images: int, bytes_per_image: int = 0,
                      free_bytes: int = 0) -> Choice:
    """CPU: 32, where small batches learn the most per second. GPU: as large as half the free memory
    allows, up to 512 and leaving at least 32 steps per epoch, since a GPU idles on small batches."""
    if device_type == "cuda" and (bytes_per_image <= 0 or free_bytes <= 0):
        return Choice(REFERENCE_BATCH, _("batch {batch}: the GPU's free memory could not be measured").format(
                batch=REFERENCE_BATCH))
    if device_type != "cuda":
        where = _("the CPU") if device_type == "cpu" else device_type.upper()
        return Choice(REFERENCE_BATCH, _("batch {batch}: on {where}, small batches learn the most per "
                                         "second").format(
                batch=REFERENCE_BATCH, where=where))
    by_memory = _pow2_floor(0.5 * free_bytes / bytes_per_image)
    by_data = _pow2_floor(train_images / MIN_STEPS_PER_EPOCH)
    if by_memory < REFERENCE_BATCH:
        return Choice(by_memory, _("batch {batch}: the largest that fits in half of the GPU's free memory "
                                   "({gib:.1f} GiB)").format(
                batch=by_memory, gib=free_bytes / 2**30))
    size = max(REFERENCE_BATCH, min(MAX_AUTO_BATCH, by_memory, by_data))
    if size == REFERENCE_BATCH and by_data < REFERENCE_BATCH:
        why = _("{train_images:,} training images are few, so small batches give more updates").format(
                train_images=train_images)
    elif size == by_memory and by_memory < MAX_AUTO_BATCH:
        why = _("the largest that fits in half of the GPU's free memory ({gib:.1f} GiB)").format(
                gib=free_bytes / 2**30)
    elif size == by_data and by_data < MAX_AUTO_BATCH:
        why = _("keeps at least {steps} steps per epoch on {train_images:,} training images").format(
                steps=MIN_STEPS_PER_EPOCH, train_images=train_images)
    else:
        why = _("large batches keep a GPU busy")
    return Choice(size, _("batch {size}: {why}").format(size=size, why=why))


def batch_lr_factor(optimizer: str, ratio: float) -> float:
    """How much to scale the learning rate when the batch grows by `ratio`.

    SGD: linearly (Goyal et al. 2017); Adam/AdamW: by the square root, since their step size is
    already normalised per parameter.
    """
    if ratio <= 1.0:
        return 1.0
    return float(ratio) if optimizer == "sgd" else math.sqrt(ratio)


def lr_scaling(optimizer: str, auto_batch: int, batch_size: int, world_size: int = 1) -> tuple[float, list[str]]:
    """The factor on the configured learning rate for an automatic batch (auto_batch, 0 when the batch
    was chosen by hand) and for a multi-process run, with the notices that tell the user why."""
    factor = batch_lr_factor(optimizer, auto_batch / REFERENCE_BATCH)
    notes = [_("learning rate scaled x{factor:.2f} for batch {batch} ({optimizer})").format(
            factor=factor, batch=auto_batch, optimizer=optimizer)] if factor != 1.0 else []
    if world_size > 1:  # the global batch is batch x world size
        factor *= batch_lr_factor(optimizer, world_size)
        notes.append(_("{world_size} processes: global batch {batch_size}, learning rate scaled x{factor:.2f} in all "
                       "for {optimizer}").format(
                world_size=world_size, batch_size=batch_size * world_size, factor=factor, optimizer=optimizer))
    return factor, notes


# Mirror images change what these show: a mirrored 2, b or "left" is another class or none.
DIGIT_WORDS = frozenset({"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
GLYPH_FOLDER_WORDS = frozenset({"digit", "digits", "mnist", "emnist", "svhn", "letter", "letters", "character",
                                "characters", "chars", "alphabet", "ocr", "handwriting", "handwritten", "glyph",
                                "glyphs", "font", "fonts", "kana", "hiragana", "katakana", "kanji", "text"})
DIRECTION_WORDS = frozenset({"left", "right", "east", "west", "cw", "ccw", "clockwise", "anticlockwise",
                             "counterclockwise"})


@dataclass(frozen=True)
class FlipChoice:
    hflip: bool
    vflip: bool
    reason: str


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _examples(classes: Sequence[str]) -> str:
    shown = join_list(quoted(c) for c in list(classes)[:3])
    return shown + (" …" if len(classes) > 3 else "")


def choose_flips(classes: Sequence[str], folder: str = "") -> FlipChoice:
    """Flips only where a mirrored image still shows its class: photos yes, digits, letters and
    left/right classes no (a flipped 2 is no 2; a flipped 'b' reads 'd')."""
    names = [c.strip() for c in classes]
    single = len(names) >= 2 and all(len(n) == 1 and n.isalnum() for n in names)
    digit_words = len(names) >= 2 and {n.lower() for n in names} <= DIGIT_WORDS
    folder_words = set(_words(Path(folder).name)) if folder else set()
    if single or digit_words:
        return FlipChoice(False, False, _("flips off: the classes look like digits or letters ({examples}), and a "
                                          "mirrored character is another one or none").format(
                examples=_examples(names)))
    if folder_words & GLYPH_FOLDER_WORDS:
        return FlipChoice(False, False, _("flips off: the folder name ('{name}') says digits, letters or text, which "
                                          "a mirror turns into other characters").format(
                name=Path(folder).name))
    directional = [n for n in names if set(_words(n)) & DIRECTION_WORDS]
    if directional:
        return FlipChoice(False, False, _("flips off: a mirror swaps left and right, and classes such as {examples} "
                                          "depend on it").format(
                examples=_examples(directional)))
    return FlipChoice(True, False, _("horizontal flip on: a mirrored photo shows the same thing (turn it off if left "
                                     "and right matter, as for text or arrows)"))


PHOTO_SIDE = 96  # images at least this large (shorter side) are photos: ImageNet features fit them


@dataclass(frozen=True)
class PoolingChoice:
    pooling: str  # "avg" | "max": how the quick mode pools the backbone's last feature maps
    reason: str


def choose_pooling(typical: tuple[int, int] | None, model: str) -> PoolingChoice:
    """Small scans (digits, glyphs, icons: shorter side under PHOTO_SIDE): max pooling, which keeps a thin
    stroke's response where the average over a mostly empty background dilutes it (measured +3 points at
    5-50 digits per class, docs/benchmarks.md). Photos: the average the ImageNet head was trained with."""
    from desktop_cls.core.i18n import _

    if model in ("efficientnet_lite1", "efficientnet_lite2"):  # the real-pictures backbones (backbone_choice)
        return PoolingChoice("avgmax", _("features averaged and max-pooled side by side: together they learn "
                                         "photos best"))
    if model != "efficientnet_lite0":
        return PoolingChoice("avg", _("features averaged over the image, as this backbone was trained"))
    if typical is not None and min(typical) < PHOTO_SIDE:
        return PoolingChoice("max", _("features max-pooled: your images are small ({size}), and the strongest "
                                      "response keeps thin strokes that an average over the background dilutes"
                                      ).format(size=describe_size(typical)))
    return PoolingChoice("avg", _("features averaged over the image, as the ImageNet weights were trained "
                                  "for photos"))


CV_PER_CLASS = 50  # at or below this many labelled images per class, a quick run validates by cross-validation
CV_FOLDS = 5


def cv_folds_for_counts(labelled_per_class: Iterable[int], val_fraction: float) -> int:
    """The folds a quick run cross-validates with, from the labeled images per class (train and validation
    together); 0: it keeps the held-out split. The plan (and so the window and the command line) says so before the
    run, and the quick run itself decides by it."""
    counts = [int(n) for n in labelled_per_class if n > 0]
    if val_fraction <= 0 or len(counts) < 2 or int(statistics.median(counts)) > CV_PER_CLASS:
        return 0
    return min(CV_FOLDS, min(counts)) if min(counts) >= 2 else 0


def choose_validation(train: int, val: int, folds: int) -> Choice:
    """How the run measures its accuracy, for `train` training and `val` validation images (per the split) when
    a quick run cross-validates with `folds` (0: it does not)."""
    if folds:
        return Choice(folds, _("accuracy by {folds}-fold cross-validation on all {images} labeled images: with "
                               "{limit} or fewer per class a held-out validation split is too small to trust, and "
                               "the model learns from all of them").format(folds=folds, images=train + val,
                                                                           limit=CV_PER_CLASS))
    if not val:
        return Choice(0, _("no validation images: accuracy is reported on training images only"))
    return Choice(0, _("accuracy on {val} held-out validation images; the model learns from the other {train}")
                  .format(val=val, train=train))
