"""The parameter counts the Train form and `desktop-cls models` show come from the catalogue's table: each must be
what the model really built has, for any class count and image size the form allows."""

from __future__ import annotations

import pytest

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.architectures import build_model, count_parameters
from desktop_cls.core.models.catalog import MODELS, TRUNK_AND_HEAD_INPUTS, parameter_count
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.options import options


def test_every_model_offered_has_its_count() -> None:
    assert set(TRUNK_AND_HEAD_INPUTS) == set(MODELS)


@pytest.mark.parametrize("name", list(MODELS))
def test_the_count_is_the_built_models_for_any_class_count_and_size(name: str) -> None:
    size = next(o for o in options(TrainConfig) if o.key == "image_size")
    smallest, largest = int(size.lo or 0), int(size.hi or 0)  # 8 and 1024 px
    for classes, image_size in ((1, smallest), (3, MODELS[name].default_image_size), (5, largest)):
        model = build_model(name, classes, image_size)
        assert parameter_count(name, classes) == count_parameters(model) == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", [m for m in MODELS if m.startswith("efficientnet_lite")])
def test_the_count_follows_the_pooling_that_sizes_the_head(name: str) -> None:
    """A quick run's Lite1 or Lite2 puts average and max pooled features side by side: its head is twice as wide,
    and the count said so for average pooling only."""
    counts = {}
    for pooling in ("avg", "max", "avgmax"):
        model = build_model(name, 3, MODELS[name].default_image_size, pooling=pooling)
        counts[pooling] = sum(p.numel() for p in model.parameters())
        assert parameter_count(name, 3, pooling) == counts[pooling], pooling
    assert counts["avgmax"] == counts["avg"] + 3 * TRUNK_AND_HEAD_INPUTS[name][1]


def test_an_unknown_pooling_is_refused_by_name() -> None:
    with pytest.raises(UserError, match="unknown pooling 'mean'"):
        parameter_count("efficientnet_lite0", 3, "mean")


def test_an_unknown_model_is_refused_by_name() -> None:
    with pytest.raises(UserError, match="unknown model 'resnet9'"):
        parameter_count("resnet9")
