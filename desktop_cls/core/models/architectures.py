"""Model registry: the seeds' CNNs, our default, and torchvision backbones with a new head."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.models.catalog import DEFAULT_MODEL, MODELS, ModelInfo

__all__ = ["DEFAULT_MODEL", "MODELS", "ModelInfo", "build_model", "count_parameters"]


class SimpleCNN(nn.Module):
    """The seeds' LeNet-style net (conv 6/16 5x5, FC 120/84); an adaptive pool makes any size work."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fit = nn.AdaptiveAvgPool2d((5, 5))  # identity at 32 px, like the seed
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(self.fit(x), 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class VGGNet(nn.Module):
    """The seeds' VGG-style Net (conv 64/128/256, FC 1024/512), with its flatten sized for any input."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, padding=1)
        self.conv2 = nn.Conv2d(64, 128, 3, padding=1)
        self.conv3 = nn.Conv2d(128, 256, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fit = nn.AdaptiveAvgPool2d((8, 8))  # identity at 32 px, where the seed's 256*8*8 was right
        self.fc1 = nn.Linear(256 * 8 * 8, 1024)
        self.fc2 = nn.Linear(1024, 512)
        self.fc3 = nn.Linear(512, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = F.relu(self.conv3(x))
        x = torch.flatten(self.fit(x), 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def _conv_bn(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class _Residual(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.body = nn.Sequential(_conv_bn(c, c), _conv_bn(c, c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class QuickNet(nn.Module):
    """Our default: a narrow ResNet-9-style net (BatchNorm, residuals, global pooling).

    It trains to good accuracy in a few epochs with a large batch and one-cycle schedule, which is
    what a 2-core laptop needs; images above 64 px get a strided stem so cost stays low.
    """

    def __init__(self, num_classes: int, image_size: int = 32, width: int = 16) -> None:
        super().__init__()
        c = width
        stem: list[nn.Module] = [_conv_bn(3, c)]
        if image_size > 64:
            stem = [_conv_bn(3, c, stride=2), nn.MaxPool2d(2)]
        if image_size > 160:
            stem.append(nn.MaxPool2d(2))
        self.stem = nn.Sequential(*stem)
        self.layer1 = nn.Sequential(_conv_bn(c, 2 * c), nn.MaxPool2d(2), _Residual(2 * c))
        self.layer2 = nn.Sequential(_conv_bn(2 * c, 4 * c), nn.MaxPool2d(2))
        self.layer3 = nn.Sequential(_conv_bn(4 * c, 8 * c), nn.MaxPool2d(2), _Residual(8 * c))
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.head = nn.Linear(8 * c, num_classes)
        for m in self.modules():
            if isinstance(m, _Residual):
                block = m.body[-1]
                assert isinstance(block, nn.Sequential)
                last_bn = block[1]
                assert isinstance(last_bn, nn.BatchNorm2d)
                nn.init.zeros_(last_bn.weight)  # each block starts as the identity
        nn.init.normal_(self.head.weight, std=0.01)  # start near uniform predictions (loss ~ ln N)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.head(torch.flatten(self.pool(x), 1))




def _replace_head(model: nn.Module, name: str, num_classes: int) -> None:
    if name.startswith("resnet"):
        fc = model.fc
        assert isinstance(fc, nn.Linear)
        model.fc = nn.Linear(fc.in_features, num_classes)
    else:
        cls = model.classifier
        assert isinstance(cls, nn.Sequential) and isinstance(cls[-1], nn.Linear)
        cls[-1] = nn.Linear(cls[-1].in_features, num_classes)


def hub_weights_path(name: str) -> Path:
    """Where torch's hub cache keeps this backbone's default ImageNet weights."""
    from desktop_cls.core.models.weight_download import official_weights

    return official_weights(name).path


def _pretrained_state(name: str, weights_file: str | None, download: bool) -> dict[str, torch.Tensor]:
    if weights_file:
        p = Path(weights_file).expanduser()
        if not p.is_file():
            raise UserError(_("weights file not found: {path}").format(path=p))
        from desktop_cls.core.models.weight_files import load_state_dict_file

        return load_state_dict_file(p)
    cached = hub_weights_path(name)
    if not cached.is_file():
        from desktop_cls.core.models.weight_download import download_weights, missing_weights_message

        if not download:
            raise UserError(missing_weights_message(name))
        cached = download_weights(name)  # the user allowed it: checked against its SHA-256, moved in atomically
    from desktop_cls.core.models.weight_files import load_state_dict_file

    return load_state_dict_file(cached)


def build_model(name: str, num_classes: int, image_size: int = 32, pretrained: bool = False,
                weights_file: str | None = None, download: bool = False, pooling: str = "avg") -> nn.Module:
    """A fresh model for num_classes; pretrained backbones load ImageNet weights before the new head.
    pooling other than "avg" exists for EfficientNet-Lite0 only (the quick mode's choice for small scans)."""
    if name not in MODELS:
        raise UserError(_("unknown model '{name}'; choose one of: {models}").format(
                name=name, models=', '.join(MODELS)))
    if num_classes < 1:
        raise UserError(_("a model needs at least one class"))
    if pooling != "avg" and not name.startswith("efficientnet_lite"):
        raise UserError(_("{name} pools its features by average only (asked for {pooling!r})").format(
            name=name, pooling=pooling))
    if name == "quicknet":
        return QuickNet(num_classes, image_size=image_size)
    if name == "simple_cnn":
        return SimpleCNN(num_classes)
    if name == "vgg_net":
        return VGGNet(num_classes)
    if name == "efficientnet_lite0":
        from desktop_cls.core.models.efficientnet_lite import efficientnet_lite0

        return efficientnet_lite0(num_classes, pretrained=pretrained, weights_file=weights_file, pooling=pooling)
    if name.startswith("efficientnet_lite"):
        from desktop_cls.core.models.efficientnet_lite_family import efficientnet_lite

        return efficientnet_lite(name, num_classes, pretrained=pretrained, weights_file=weights_file, pooling=pooling)
    import torchvision

    builder: Callable[..., nn.Module] = getattr(torchvision.models, name)
    model = builder(weights=None)
    if pretrained or weights_file:
        state = _pretrained_state(name, weights_file, download)
        try:
            model.load_state_dict(state)
        except RuntimeError as e:
            raise UserError(_("the weights do not fit {name}: {error}").format(
                    name=name, error=str(e).splitlines()[0])) from None
    _replace_head(model, name, num_classes)
    return model


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def classifier_head(model: nn.Module) -> tuple[nn.Module, str]:
    """(parent, attribute) of the final nn.Linear: the part a quick run trains and a fine-tune trains first."""
    for attr in ("_fc", "fc", "head"):  # EfficientNet-Lite, ResNet, QuickNet
        if isinstance(getattr(model, attr, None), nn.Linear):
            return model, attr
    cls = getattr(model, "classifier", None)
    if isinstance(cls, nn.Sequential) and isinstance(cls[-1], nn.Linear):
        return cls, str(len(cls) - 1)
    raise UserError(_("{name} has no linear classifier head to train on its own").format(name=type(model).__name__))


def head_linear(model: nn.Module) -> nn.Linear:
    parent, attr = classifier_head(model)
    head = parent[int(attr)] if isinstance(parent, nn.Sequential) else getattr(parent, attr)
    assert isinstance(head, nn.Linear)
    return head


def set_head(model: nn.Module, head: nn.Module) -> None:
    parent, attr = classifier_head(model)
    if isinstance(parent, nn.Sequential):
        parent[int(attr)] = head
    else:
        setattr(parent, attr, head)


def pooled_features(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """What the classifier head sees: N x D features (the head swapped for the identity for one call)."""
    features = getattr(model, "features", None)
    if callable(features) and not isinstance(features, nn.Module):
        out: torch.Tensor = features(x)
        return out
    head = head_linear(model)
    set_head(model, nn.Identity())
    try:
        out = model(x)
    finally:
        set_head(model, head)
    return torch.flatten(out, 1)
