"""One training planner for the command line and the window: what the user set, plus the dataset, gives
the plan (method, model, image size, epochs, batch, flips, pooling, validation), each decision with its reason.

Both front ends describe "what the user set" as `Wishes` (None: left open) and show the plan's reasons;
neither decides anything itself, so the two cannot drift apart. Torch-free: the window plans as soon as a
folder is scanned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.models.catalog import bundled_weights_available
from desktop_cls.core.training.choices import (
    choose_flips,
    choose_image_size,
    choose_pooling,
    choose_validation,
    cv_folds_for_counts,
)
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.methods import (
    AUTO,
    CUSTOM,
    FEW_PER_CLASS,
    FINE_TUNE,
    PRETRAINED_MIN_SIDE,
    QUICK,
    SCRATCH,
    Method,
    choose_method,
    fine_tune_epochs,
    method_for,
)

PLANNED_EPOCHS = 15  # epochs left open (and not a fine-tune): enough for the demo data to reach its best


@dataclass(frozen=True)
class DataFacts:
    """What the planner reads of a dataset: plain values, the same from a DatasetIndex in either front end."""

    train_counts: Mapping[str, int]
    typical_size: tuple[int, int] | None
    classes: tuple[str, ...]
    root: str
    val_counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, index: Any) -> DataFacts:
        """From a scanned DatasetIndex (core.data.dataset)."""
        return cls(dict(index.counts("train")), index.typical_size, tuple(index.classes), str(index.root),
                   dict(index.counts("val")))

    def labelled_counts(self) -> dict[str, int]:
        """Training and validation images per class (the test images stay out of every run)."""
        return {c: self.train_counts.get(c, 0) + self.val_counts.get(c, 0)
                for c in dict.fromkeys([*self.classes, *self.train_counts, *self.val_counts])}

    def cv_folds(self, val_fraction: float) -> int:
        """The folds a quick run on this data cross-validates with (0: it keeps the held-out split)."""
        return cv_folds_for_counts(self.labelled_counts().values(), val_fraction)


@dataclass(frozen=True)
class Wishes:
    """What the user set; None (or "auto") leaves the choice to the planner."""

    method: str = AUTO  # auto | quick | fine-tune | scratch | custom (custom: the base config's model as set)
    model: str | None = None  # with quick / fine-tune / scratch: another model for that method
    image_size: int | None = None
    epochs: int | None = None
    hflip: bool | None = None  # either flip set: both are the user's
    vflip: bool | None = None
    distributed: bool = False  # launched by torchrun: the quick method runs on one process only
    as_written: bool = False  # a saved configuration file: image size and flips are used as written


@dataclass(frozen=True)
class Decision:
    key: str  # method | image_size | epochs | batch_size | flips | pooling | validation
    value: Any
    reason: str
    chosen: bool = True  # False: the user set it; the reason then only says so


@dataclass(frozen=True)
class Plan:
    config: TrainConfig
    method: str  # quick | fine-tune | scratch | custom (config.method says which of the first three it trains)
    decisions: tuple[Decision, ...]

    def reason(self, key: str) -> str:
        return next((d.reason for d in self.decisions if d.key == key), "")

    @property
    def cv_folds(self) -> int:
        """The folds the run cross-validates with: every labeled image trains the model and is validated by a
        model that did not learn it (0: the run validates on its held-out split)."""
        return next((int(d.value) for d in self.decisions if d.key == "validation"), 0)

    @property
    def pooling(self) -> str:
        """How the run pools the backbone's last feature maps (it sizes the head): the quick mode's choice, else
        the average every network is built with."""
        return next((str(d.value) for d in self.decisions if d.key == "pooling"), "avg")

    def chosen_reasons(self) -> list[str]:
        """The reasons of what the planner chose (not what the user set), in order."""
        return [d.reason for d in self.decisions if d.chosen]

    def summary(self) -> dict[str, Any]:
        """Plain values: what two front ends must agree on."""
        return {"method": self.method, "config": self.config.to_dict(),
                "decisions": [(d.key, d.value, d.reason, d.chosen) for d in self.decisions]}


def _method(base: TrainConfig, wishes: Wishes, data: DataFacts | None, weights: bool) -> Method:
    if wishes.method == CUSTOM:
        return Method(CUSTOM, base.model, base.pretrained, _("Custom: the model and options as set"))
    if wishes.method != AUTO:
        return method_for(wishes.method, wishes.model)
    if wishes.distributed:
        return Method(CUSTOM, base.model, base.pretrained, _(
            "launched by torchrun: training from scratch (the quick method runs on one process; "
            "--method fine-tune starts from the pretrained backbone)"))
    if data is None:
        return method_for(QUICK, reason=_("pretrained backbone, quick mode: the best start with few images; open a "
                                          "dataset to have the choice made from it"))
    if data.cv_folds(base.val_fraction):  # so few that a quick run would learn from every labelled image
        return choose_method(data.labelled_counts(), data.typical_size, weights, requested_size=wishes.image_size,
                             all_labelled=True)
    return choose_method(dict(data.train_counts), data.typical_size, weights, requested_size=wishes.image_size)


def _epochs(method: Method, wishes: Wishes, base: TrainConfig, data: DataFacts | None) -> Decision:
    if method.name == QUICK or (method.name == CUSTOM and base.method == QUICK):  # the value stays for a switch
        n = wishes.epochs if wishes.epochs is not None else base.epochs if wishes.as_written else PLANNED_EPOCHS
        return Decision("epochs", n, _("no epochs: the quick method computes each image's features once and fits "
                                       "only the last layer, in one step"))
    if wishes.epochs is not None:
        return Decision("epochs", wishes.epochs, _as_set(wishes.epochs), chosen=False)
    if wishes.as_written:
        return Decision("epochs", base.epochs, _as_set(base.epochs), chosen=False)
    if method.name == FINE_TUNE:
        n = fine_tune_epochs(sum(data.train_counts.values()) if data is not None else 10**6)
        return Decision("epochs", n, _("{n} epochs: a pretrained network needs few, and more when the images "
                                       "are few").format(n=n))
    return Decision("epochs", PLANNED_EPOCHS, _("{n} epochs: the usual start (set Epochs to train longer or "
                                                "shorter)").format(n=PLANNED_EPOCHS))


def _as_set(n: int) -> str:
    return ngettext("{n} epoch, as set", "{n} epochs, as set", n).format(n=n)


def _image_size(cfg: TrainConfig, wishes: Wishes, data: DataFacts | None, model_changed: bool) -> Decision:
    if wishes.image_size is not None or (wishes.as_written and not model_changed):
        size = wishes.image_size or cfg.image_size
        return Decision("image_size", size, _("{size} px, as set").format(size=size), chosen=False)
    choice = choose_image_size(cfg.model, data.typical_size if data is not None else None, cfg.pretrained)
    return Decision("image_size", choice.value, choice.reason)


def _flips(cfg: TrainConfig, wishes: Wishes, data: DataFacts | None) -> tuple[Decision, tuple[bool, bool]]:
    """The flips and why; in the quick method they are kept (for a switch of method) but said to be unused."""
    if wishes.hflip is not None or wishes.vflip is not None or wishes.as_written:
        aug = cfg.augmentation
        flips = (aug.hflip if wishes.hflip is None else wishes.hflip, aug.vflip if wishes.vflip is None
                 else wishes.vflip)
        decision = Decision("flips", flips, _("flips as set"), chosen=False)
    else:
        choice = choose_flips(data.classes if data is not None else (), data.root if data is not None else "")
        flips = (choice.hflip, choice.vflip)
        decision = Decision("flips", flips, choice.reason)
    if cfg.method == QUICK:
        decision = Decision("flips", flips, _("no flips: the quick method computes each image's features once, "
                                              "as the image is (flips help when the whole network trains)"))
    return decision, flips


def _batch(cfg: TrainConfig) -> Decision:
    if cfg.method == QUICK:
        return Decision("batch_size", 0, _("no batches: the quick method fits its last layer in one step"))
    if cfg.batch_size:
        return Decision("batch_size", cfg.batch_size, _("batch {batch}, as set").format(batch=cfg.batch_size),
                        chosen=False)
    return Decision("batch_size", 0, _("batch chosen when training starts: 32 on a CPU, on a GPU the largest "
                                       "that fits"))


def _validation(cfg: TrainConfig, data: DataFacts) -> Decision:
    """How the run measures accuracy: a quick run on few images cross-validates (quick.QuickFit, by the same
    rule), any other keeps the held-out split."""
    train, val = sum(data.train_counts.values()), sum(data.val_counts.values())
    choice = choose_validation(train, val, data.cv_folds(cfg.val_fraction) if cfg.method == QUICK else 0)
    return Decision("validation", choice.value, choice.reason)


def plan_training(base: TrainConfig, wishes: Wishes, data: DataFacts | None,
                  weights_available: bool | None = None) -> Plan:
    """The options to train with: base (the defaults, a saved file, or the form's other options) with the
    method, image size, epochs and flips the user left open chosen from the data.

    weights_available: whether the bundled pretrained weights are installed (None: ask
    catalog.bundled_weights_available, the one place that knows)."""
    weights = bundled_weights_available() if weights_available is None else weights_available
    method = _method(base, wishes, data, weights)
    trained = base.method if method.name == CUSTOM else method.name  # fine-tune/scratch follow pretrained
    cfg = base.replace(model=method.model, pretrained=method.pretrained, method=trained)
    epochs = _epochs(method, wishes, base, data)
    size = _image_size(cfg, wishes, data, model_changed=cfg.model != base.model)
    flip_decision, (hflip, vflip) = _flips(cfg, wishes, data)
    cfg = cfg.replace(epochs=epochs.value, image_size=size.value)
    cfg = replace(cfg, augmentation=replace(cfg.augmentation, hflip=hflip, vflip=vflip))
    decisions = [Decision("method", method.name, method.reason, wishes.method != CUSTOM), size, epochs,
                 _batch(cfg), flip_decision]
    if cfg.method == QUICK:
        pooling = choose_pooling(data.typical_size if data is not None else None, cfg.model)
        decisions.append(Decision("pooling", pooling.pooling, pooling.reason))
    if data is not None:
        decisions.append(_validation(cfg, data))
    return Plan(cfg.validate(), method.name, tuple(decisions))


def explain_methods() -> str:
    """The command line's --method help: the same rules the planner follows, with its numbers."""
    return _("quick: a pretrained backbone stays frozen and only a new last layer learns (seconds); fine-tune: the "
             "last layer first, then the whole pretrained network (slower, often better with many images); "
             "scratch: train a network from random weights. Default auto: quick when the median class has at most "
             "{few} training images or the images are photo-sized, scratch for many small images or an image size "
             "under {side} px; the reason is printed").format(few=FEW_PER_CLASS, side=PRETRAINED_MIN_SIDE)


__all__ = ["AUTO", "CUSTOM", "FINE_TUNE", "QUICK", "SCRATCH", "DataFacts", "Decision", "Plan", "Wishes",
           "explain_methods", "plan_training"]
