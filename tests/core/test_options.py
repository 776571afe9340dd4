"""One declaration per training option: validation, CLI flags and defaults all come from it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest

from desktop_cls.cli import build_parser
from desktop_cls.cli.train_options import train_config
from desktop_cls.core.errors import UserError
from desktop_cls.core.training.config import Augmentation, TrainConfig
from desktop_cls.core.training.options import (
    ADVANCED,
    BASIC,
    FILE_ONLY,
    check_all,
    flatten,
    option,
    options,
    unflatten,
)

OPTS = {o.key: o for o in options(TrainConfig)}


def test_every_config_field_is_a_declared_option() -> None:
    declared = {k.split(".")[0] for k in OPTS}
    assert declared == {f.name for f in dataclasses.fields(TrainConfig)}
    assert {k.split(".")[1] for k in OPTS if k.startswith("augmentation.")} == {
        f.name for f in dataclasses.fields(Augmentation)}


def test_declarations_carry_type_default_and_level() -> None:
    assert OPTS["epochs"].kind is int and OPTS["epochs"].default == TrainConfig().epochs
    assert OPTS["lr"].kind is float and OPTS["augmentation.hflip"].kind is bool
    assert OPTS["weights_file"].optional and OPTS["weights_file"].kind is str
    assert all(o.level in (BASIC, ADVANCED, FILE_ONLY) for o in OPTS.values())
    assert all(o.label and o.help for o in OPTS.values())
    assert all(o.widget for o in OPTS.values() if o.level != FILE_ONLY)  # stable objectNames in the form
    for o in OPTS.values():  # every default passes its own rule
        assert o.problem(o.default) is None, o.key


@pytest.mark.parametrize("key,bad,words", [
    ("image_size", 7, "between 8 and 1024"), ("image_size", 1025, "between 8 and 1024"),
    ("epochs", 2.5, "whole number"), ("pretrained", "yes", "true or false"), ("device", "tpu", "choose one of"),
    ("augmentation.rotation_degrees", 181, "between 0 and 180"), ("cache_images", "ssd", "choose one of"),
    ("batch_size", -1, "between 0 and 8192"), ("label_smoothing", 0.6, "label smoothing"),
])
def test_out_of_range_values_are_refused_by_name(key: str, bad: Any, words: str) -> None:
    values = flatten(TrainConfig().to_dict())
    values[key] = bad
    with pytest.raises(UserError, match=words):
        TrainConfig.from_dict(unflatten(values))


def test_range_ends_are_allowed() -> None:
    for key in ("image_size", "epochs", "val_fraction", "augmentation.crop_scale_min"):
        o = OPTS[key]
        assert o.lo is not None and o.hi is not None
        for v in (o.lo, o.hi):
            check_all(TrainConfig, {key: o.kind(v)})


def test_a_learning_rate_must_be_above_zero_however_small() -> None:
    check_all(TrainConfig, {"lr": 1e-9})
    check_all(TrainConfig, {"lr": 10.0})
    for bad in (0.0, -1.0, 10.5):
        with pytest.raises(UserError, match=r"learning rate .* must be above 0 and at most 10"):
            check_all(TrainConfig, {"lr": bad})


def test_a_gpu_index_is_a_valid_device() -> None:
    assert TrainConfig(device="cuda:1").validate().device == "cuda:1"
    with pytest.raises(UserError):
        TrainConfig(device="cuda:x").validate()


def test_flatten_and_unflatten_are_inverse() -> None:
    d = TrainConfig(augmentation=Augmentation(vflip=True)).to_dict()
    assert unflatten(flatten(d)) == d
    assert flatten(d)["augmentation.vflip"] is True


def test_a_new_option_is_one_declaration() -> None:
    @dataclass(frozen=True)
    class Extra:
        warmth: float = option(0.5, "Warmth", "How warm", lo=0, hi=1, enabled_when=lambda v: v["on"])
        on: bool = option(True, "On", "Switch")

    warmth, on = options(Extra)
    assert on.kind is bool and on.default is True
    assert (warmth.key, warmth.kind, warmth.default, warmth.cli_flag) == ("warmth", float, 0.5, "--warmth")
    assert warmth.enabled({"on": True}) and not warmth.enabled({"on": False})
    with pytest.raises(UserError, match="warmth must be between 0 and 1"):
        check_all(Extra, {"warmth": 2.0})


def test_every_option_but_file_only_ones_has_a_cli_flag() -> None:
    help_text = build_parser()._subparsers._group_actions[0].choices["train"].format_help()  # type: ignore[union-attr,index]
    for o in OPTS.values():
        if o.key == "method":
            continue  # file-only: the CLI's --method (auto / quick / fine-tune / scratch) sets it through the planner
        assert (o.cli_flag in help_text) == (o.level != FILE_ONLY), o.key
    assert "[between 8 and 1024]" in help_text and "[above 0 and at most 10]" in help_text  # from the declarations


def test_cli_flags_map_onto_the_config() -> None:
    args = build_parser().parse_args([
        "train", "data", "--no-calibrate", "--val-split", "0.3", "--cache", "ram", "--weights", "w.pth",
        "--no-hflip", "--rotation-degrees", "10", "--model", "resnet18", "--pretrained", "--momentum", "0.5"])
    cfg = train_config(args)
    assert (cfg.calibrate, cfg.val_fraction, cfg.cache_images, cfg.weights_file) == (False, 0.3, "ram", "w.pth")
    assert cfg.augmentation == Augmentation(hflip=False, rotation_degrees=10.0)
    assert (cfg.model, cfg.pretrained, cfg.momentum) == ("resnet18", True, 0.5)
    assert cfg.image_size == 224  # a model chosen on the command line brings its own size
    assert train_config(build_parser().parse_args(["train", "data"])) == TrainConfig()


def test_cli_refuses_out_of_range_values_with_the_shared_message() -> None:
    args = build_parser().parse_args(["train", "data", "--image-size", "4000"])
    with pytest.raises(UserError, match="between 8 and 1024"):
        train_config(args)


def test_lr_find_takes_every_training_option() -> None:
    args = build_parser().parse_args(["lr-find", "data", "--precision", "bf16", "--no-channels-last", "--steps", "5"])
    cfg = train_config(args)
    assert (cfg.precision, cfg.channels_last, args.steps) == ("bf16", False, 5)
