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
    from desktop_cls.core.training.options import flatten, options, unflatten

    cfg = TrainConfig.load(args.config) if args.config else TrainConfig()
    given = {o.key: getattr(args, o.name) for o in options(TrainConfig) if getattr(args, o.name, None) is not None}
    if "model" in given and args.image_size is None and not args.config:
        given["image_size"] = MODELS[given["model"]].default_image_size if given["model"] in MODELS else 32
    if not given:
        return cfg.validate()
    return TrainConfig.from_dict(unflatten({**flatten(cfg.to_dict()), **given}))


def add_option_flags(sp: argparse.ArgumentParser) -> None:
    """One flag per declared training option (core.training.options): basic ones first."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import BASIC, FILE_ONLY, options

    groups = {BASIC: sp.add_argument_group(_("training options")),
              "advanced": sp.add_argument_group(_("advanced training options"))}
    for o in options(TrainConfig):
        if o.level == FILE_ONLY:
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


def apply_recipe(cfg: Any, args: argparse.Namespace, idx: Any, pr: Progress, distributed: bool) -> Any:
    """--mode, or (left open) the recipe that serves this data best, printed with its reason."""
    from desktop_cls.core.training.defaults import choose_recipe, recipe_for

    mode = getattr(args, "recipe", None) or "auto"  # not "mode": that is TrainConfig.mode, set from the recipe
    if mode == "auto" and (args.config or args.model or args.pretrained is not None or args.weights_file):
        return cfg  # the user chose the model: respect it as before
    if mode == "auto" and distributed:
        pr.line(_("launched by torchrun: training from scratch (the quick mode runs on one process; "
                  "--mode fine-tune starts from the pretrained backbone)"))
        return cfg
    if mode == "auto":
        from desktop_cls.core.models.efficientnet_lite import bundled_weights_available

        recipe = choose_recipe(idx.counts("train"), idx.typical_size, bundled_weights_available(),
                               requested_size=args.image_size)
    else:
        recipe = recipe_for(mode.replace("-", "_"), args.model)
    pr.line(recipe.reason)
    changes: dict[str, Any] = {"model": recipe.model, "pretrained": recipe.pretrained, "mode": recipe.mode}
    if recipe.recipe == "fine_tune" and args.epochs is None:
        from desktop_cls.core.training.defaults import fine_tune_epochs

        changes["epochs"] = fine_tune_epochs(sum(idx.counts("train").values()))
    if recipe.model != cfg.model and args.image_size is None:
        from desktop_cls.core.models.catalog import MODELS

        changes["image_size"] = MODELS[recipe.model].default_image_size
    return cfg.replace(**changes)


def fit_to_data(cfg: Any, args: argparse.Namespace, idx: Any, pr: Progress) -> Any:
    """Options the user left open follow the data (and say why): image size, and flips, which would
    change the meaning of digits, letters or left/right classes. A --config file is used as written."""
    if args.config:
        return cfg
    from dataclasses import replace

    from desktop_cls.core.training.defaults import choose_flips, choose_image_size

    if args.image_size is None:
        choice = choose_image_size(cfg.model, idx.typical_size, cfg.pretrained)
        pr.line(choice.reason)
        cfg = cfg.replace(image_size=choice.value)
    if getattr(args, "hflip", None) is not None or getattr(args, "vflip", None) is not None:
        return cfg  # --hflip/--no-hflip or --vflip given: the user decided
    flips = choose_flips(idx.classes, idx.root)
    pr.line(flips.reason + _(" (--hflip / --no-hflip to choose)"))
    return cfg.replace(augmentation=replace(cfg.augmentation, hflip=flips.hflip, vflip=flips.vflip))
