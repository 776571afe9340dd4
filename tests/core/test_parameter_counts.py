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


def test_an_unknown_model_is_refused_by_name() -> None:
    with pytest.raises(UserError, match="unknown model 'resnet9'"):
        parameter_count("resnet9")
