"""The training options of `train` and `lr-find`: one flag per declared option, --config, and the
choices the data makes for the options the user left open (recipe, image size, flips), each said aloud."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_cls.cli.progress import Progress
from desktop_cls.core.i18n import _


def train_config(args: argparse.Namespace) -> Any:
    """--config (or the defaults), then every option flag given on the command line."""
    from desktop_cls.core.models.catalog import MODELS
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import FILE_ONLY, flatten, options, unflatten

    cfg = TrainConfig.load(args.config) if args.config else TrainConfig()
    given = {o.key: getattr(args, o.name) for o in options(TrainConfig)
             if o.level != FILE_ONLY and getattr(args, o.name, None) is not None}  # --method is the planner's
    if "model" in given and args.image_size is None and not args.config:
        given["image_size"] = MODELS[given["model"]].default_image_size if given["model"] in MODELS else 32
    if not given:
        return cfg.validate()
    return TrainConfig.from_dict(unflatten({**flatten(cfg.to_dict()), **given}))


# The options lr-find's range test reads (core.training.lr_finder: the model, its optimizer, one training step,
# the split): the schedule, the epochs, early stopping, calibration and the rest belong to a whole run only.
LR_FIND_OPTIONS = frozenset({
    "model", "batch_size", "device", "image_size", "pretrained", "optimizer", "momentum", "nesterov", "weight_decay",
    "label_smoothing", "grad_clip", "val_fraction", "seed", "augmentation.hflip", "augmentation.vflip",
    "augmentation.random_resized_crop", "augmentation.rotation_degrees", "augmentation.color_jitter", "precision",
    "channels_last", "weights_file", "download_weights", "backbone_lr_factor"})


def add_option_flags(sp: argparse.ArgumentParser, only: frozenset[str] | None = None) -> None:
    """One flag per declared training option (core.training.options): basic ones first; with `only`, the
    options of those keys alone."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import BASIC, FILE_ONLY, options

    groups = {BASIC: sp.add_argument_group(_("training options")),
              "advanced": sp.add_argument_group(_("advanced training options"))}
    for o in options(TrainConfig):
        if o.level == FILE_ONLY or (only is not None and o.key not in only):
            continue
        limits = f" [{o.range_text()}]" if o.lo is not None and o.hi is not None else ""
        kw: dict[str, Any] = {"dest": o.name, "default": None, "help": (_(o.help) + limits).replace("%", "%%")}
        if o.kind is bool:
            kw["action"] = argparse.BooleanOptionalAction
        else:
            kw["type"] = o.kind
            if isinstance(o.choices, tuple) and o.choices:
                kw["choices"] = o.choices
            else:
                kw["metavar"] = "FILE" if o.optional else o.cli_flag[2:].upper().replace("-", "_")
        groups[BASIC if o.level == BASIC else "advanced"].add_argument(o.cli_flag, **kw)


def wishes(args: argparse.Namespace, distributed: bool = False, method: str | None = None) -> Any:
    """What the flags set, for the planner: --method (auto: a --model, --pretrained or --weights given
    means the user chose the model, as the window's Custom), and the options the data would otherwise choose."""
    from desktop_cls.core.training.methods import AUTO, CUSTOM, method_name
    from desktop_cls.core.training.planner import Wishes

    chosen = method_name(method or getattr(args, "method", None) or AUTO) or AUTO
    if chosen == AUTO and (args.config or args.model or args.pretrained is not None or args.weights_file):
        chosen = CUSTOM  # the user chose the model: respect it
    return Wishes(method=chosen, model=args.model, image_size=args.image_size, epochs=getattr(args, "epochs", None),
                  hflip=getattr(args, "hflip", None), vflip=getattr(args, "vflip", None), distributed=distributed,
                  as_written=bool(args.config))


def plan_from_args(cfg: Any, args: argparse.Namespace, idx: Any, distributed: bool = False,
                   method: str | None = None) -> Any:
    """The planner's plan (core.training.planner) for these flags and this scanned folder."""
    from desktop_cls.core.training.planner import DataFacts, plan_training

    return plan_training(cfg, wishes(args, distributed, method), DataFacts.of(idx))


def say_plan(plan: Any, pr: Progress, left_out: tuple[str, ...] = ()) -> None:
    """Each choice the planner made, with its reason (the flips with the flags that override them); the
    decisions in `left_out` are not said (lr-find trains no epochs)."""
    from desktop_cls.core.training.config import QUICK

    quick = plan.config.method == QUICK
    pr.quick = quick  # its one fit is no epoch: said in its own words
    for d in plan.decisions:
        # the run itself says how it pools; the line after the plan says how it validates
        if d.chosen and d.key not in ("batch_size", "pooling", "validation", *left_out):
            pr.line(d.reason + (_(" (--hflip / --no-hflip to choose)") if d.key == "flips" and not quick else ""))


def given_flags(args: argparse.Namespace, keys: frozenset[str]) -> list[str]:
    """The flags typed on the command line for these option keys, as typed (`--epochs 30`, `--no-hflip`)."""
    from desktop_cls.core.names import for_shell
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import options

    flags = []
    for o in options(TrainConfig):
        value = getattr(args, o.name, None)
        if o.key in keys and value is not None:
            flags.append((o.cli_flag if value else "--no-" + o.cli_flag[2:]) if o.kind is bool
                         else f"{o.cli_flag} {for_shell(str(value))}")
    return flags


def say_unused_by_quick(plan: Any, args: argparse.Namespace, pr: Progress) -> None:
    """A flag the quick method never reads (--epochs, --warmup-epochs, --lr, ...) is said to be unused, with the
    methods that use it. The flag does not overrule the automatic choice of the quick method (the window greys those
    options out in the quick mode, and both front ends plan alike); unsaid, `--epochs 30` looked as if it trained."""
    from desktop_cls.core.i18n import join_list, ngettext
    from desktop_cls.core.training.config import QUICK
    from desktop_cls.core.training.methods import AUTO, QUICK_UNUSED, method_name

    flags = given_flags(args, QUICK_UNUSED) if plan.config.method == QUICK else []
    if not flags:
        return
    auto = plan.method == QUICK and method_name(getattr(args, "method", None) or AUTO) == AUTO  # not asked for
    text = (ngettext("{flags} is not used: the automatic choice is the quick method, which fits only a new last "
                     "layer, in one step (no epochs, batches or learning rate). To train in epochs, add --method "
                     "fine-tune (the pretrained network learns as a whole) or --method scratch",
                     "{flags} are not used: the automatic choice is the quick method, which fits only a new last "
                     "layer, in one step (no epochs, batches or learning rate). To train in epochs, add --method "
                     "fine-tune (the pretrained network learns as a whole) or --method scratch", len(flags))
            if auto else
            ngettext("{flags} is not used by the quick method: it fits only a new last layer, in one step (no "
                     "epochs, batches or learning rate). To train in epochs, use --method fine-tune (the pretrained "
                     "network learns as a whole) or --method scratch instead",
                     "{flags} are not used by the quick method: it fits only a new last layer, in one step (no "
                     "epochs, batches or learning rate). To train in epochs, use --method fine-tune (the pretrained "
                     "network learns as a whole) or --method scratch instead", len(flags)))
    pr.line(_("warning: {message}").format(message=text.format(flags=join_list(flags))))
