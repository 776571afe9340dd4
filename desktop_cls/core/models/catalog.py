"""The model catalogue, importable without torch (the app lists models before torch has loaded)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    name: str
    description: str
    default_image_size: int
    torchvision: bool = False


MODELS: dict[str, ModelInfo] = {m.name: m for m in (
    ModelInfo("quicknet", "Our default: small, fast residual CNN; best accuracy per second on small images", 32),
    ModelInfo("simple_cnn", "The tutorials' LeNet-style CNN (2 conv + 3 FC); tiny and fast, modest accuracy", 32),
    ModelInfo("vgg_net", "The tutorials' VGG-style CNN (3 conv + 3 FC); large fully connected layers", 32),
    ModelInfo("resnet18", "torchvision ResNet-18; a strong general backbone, best with pretrained weights", 224, True),
    ModelInfo("resnet34", "torchvision ResNet-34; deeper ResNet, slower, a bit more accurate", 224, True),
    ModelInfo("resnet50", "torchvision ResNet-50; large and accurate, wants a GPU", 224, True),
    ModelInfo("mobilenet_v3_small", "torchvision MobileNetV3-Small; very light, for CPUs and phones", 224, True),
    ModelInfo("mobilenet_v3_large", "torchvision MobileNetV3-Large; light and accurate", 224, True),
    ModelInfo("efficientnet_b0", "torchvision EfficientNet-B0; accurate for its size", 224, True),
)}
DEFAULT_MODEL = "quicknet"
