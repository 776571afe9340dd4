"""Why did the model predict that? Grad-CAM heatmaps for conv nets, occlusion for anything else.

Grad-CAM (Selvaraju et al., 2017): weight the last convolutional feature maps by the mean gradient
of the class score, keep the positive part, upsample to the image. Occlusion covers models we cannot
differentiate (ONNX, TorchScript): grey out patches and measure how much the class probability drops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from desktop_cls.core.i18n import _
from desktop_cls.core.models.preprocessing import prepare


@dataclass(frozen=True)
class Explanation:
    heatmap: np.ndarray  # H x W float32 in [0, 1], at the model's input size
    class_index: int
    method: str  # grad-cam | occlusion


def last_conv(model: nn.Module) -> nn.Module | None:
    """The last block of feature maps before global pooling: Grad-CAM's usual target layer."""
    named = getattr(model, "cam_layer", None)  # a model that says which (EfficientNet-Lite: after its head conv)
    if isinstance(named, nn.Module):
        return named
    for name in ("layer4", "layer3", "features"):  # ResNets, our QuickNet, MobileNet/EfficientNet
        block = getattr(model, name, None)
        if isinstance(block, nn.Module):
            return block
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    return convs[-1] if convs else None


def _normalise(cam: np.ndarray) -> np.ndarray:
    cam = np.nan_to_num(cam.astype(np.float32))
    lo, hi = float(cam.min()), float(cam.max())
    return (cam - lo) / (hi - lo) if hi > lo else np.zeros_like(cam)


def grad_cam(model: nn.Module, x: torch.Tensor, class_index: int | None = None) -> Explanation:
    """x: 1 x 3 x H x W, already normalised, on the model's device."""
    layer = last_conv(model)
    if layer is None:
        raise ValueError(_("this model has no convolution layer for Grad-CAM"))
    store: dict[str, torch.Tensor] = {}

    def keep(_m: nn.Module, _i: object, out: torch.Tensor) -> None:
        store["act"] = out
        out.register_hook(lambda g: store.__setitem__("grad", g))

    handle = layer.register_forward_hook(keep)
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            logits = model(x)
            idx = int(logits.argmax(1).item()) if class_index is None else class_index
            model.zero_grad(set_to_none=True)
            logits[0, idx].backward()
    finally:
        handle.remove()
        model.train(was_training)
    act, grad = store["act"][0], store["grad"][0]
    weights = grad.mean(dim=(1, 2), keepdim=True)
    cam = F.relu((weights * act).sum(0, keepdim=True))[None]
    cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[0, 0]
    return Explanation(_normalise(cam.detach().cpu().numpy()), idx, "grad-cam")


def occlusion(probabilities: object, image_u8: torch.Tensor, class_index: int, patch: int | None = None
              ) -> Explanation:
    """probabilities: callable N x 3 x H x W uint8 -> N x C numpy. Works with any backend."""
    _, _, h, w = image_u8.shape
    patch = patch or max(2, min(h, w) // 6)
    stride = max(1, patch // 2)
    base = float(probabilities(image_u8)[0, class_index])  # type: ignore[operator]
    ys = list(range(0, max(h - patch, 0) + 1, stride))
    xs = list(range(0, max(w - patch, 0) + 1, stride))
    batch = image_u8.repeat(len(ys) * len(xs), 1, 1, 1)
    k = 0
    for y0 in ys:
        for x0 in xs:
            batch[k, :, y0:y0 + patch, x0:x0 + patch] = 128
            k += 1
    drops = base - probabilities(batch)[:, class_index]  # type: ignore[operator]
    heat = np.zeros((h, w), dtype=np.float32)
    count = np.zeros((h, w), dtype=np.float32)
    k = 0
    for y0 in ys:
        for x0 in xs:
            heat[y0:y0 + patch, x0:x0 + patch] += max(float(drops[k]), 0.0)
            count[y0:y0 + patch, x0:x0 + patch] += 1
            k += 1
    return Explanation(_normalise(heat / np.maximum(count, 1)), class_index, "occlusion")


def explain_image(predictor: object, image_u8: np.ndarray, class_index: int | None = None) -> Explanation:
    """image_u8: H x W x 3 at the model's input size. Grad-CAM for torch conv nets, else occlusion."""
    p = predictor
    x_u8 = torch.from_numpy(np.array(image_u8, dtype=np.uint8)).permute(2, 0, 1)[None].contiguous()
    probs = p.probabilities(x_u8)  # type: ignore[attr-defined]
    idx = int(np.argmax(probs[0])) if class_index is None else class_index
    backend = p.backend  # type: ignore[attr-defined]
    if p.kind == "torch" and last_conv(backend) is not None:  # type: ignore[attr-defined]
        x = prepare(x_u8, p.device, p.meta.mean, p.meta.std)  # type: ignore[attr-defined]
        return grad_cam(backend, x, idx)
    return occlusion(p.probabilities, x_u8, idx)  # type: ignore[attr-defined]


def _colormap(v: np.ndarray) -> np.ndarray:
    """A perceptually ordered blue -> cyan -> yellow -> red map, v in [0, 1] -> uint8 RGB."""
    stops = np.array([[0.0, 0, 0, 130], [0.35, 0, 170, 255], [0.65, 255, 230, 0], [1.0, 220, 0, 0]])
    out = np.empty((*v.shape, 3), dtype=np.float32)
    for c in range(3):
        out[..., c] = np.interp(v, stops[:, 0], stops[:, c + 1])
    return out.astype(np.uint8)


def overlay(rgb: np.ndarray, heatmap: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """Blend a heatmap (any size, [0, 1]) over an H x W x 3 uint8 image at the image's own size."""
    h, w = rgb.shape[:2]
    if heatmap.shape != (h, w):
        t = torch.from_numpy(heatmap.astype(np.float32))[None, None]
        heatmap = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False)[0, 0].numpy()
    colour = _colormap(np.clip(heatmap, 0, 1)).astype(np.float32)
    a = alpha * np.clip(heatmap, 0, 1)[..., None] ** 0.5
    return (rgb.astype(np.float32) * (1 - a) + colour * a).clip(0, 255).astype(np.uint8)


def explain_file(predictor: object, path: str) -> tuple[Explanation, str, float, np.ndarray]:
    """(explanation, label, confidence, overlay at the file's own size) for one image file."""
    from desktop_cls.core.data.imaging import load_resized, load_rgb

    original = np.asarray(load_rgb(path))
    small = load_resized(path, predictor.meta.input_size)  # type: ignore[attr-defined]  # as predict reads it
    ex = explain_image(predictor, small)
    x_u8 = torch.from_numpy(np.array(small)).permute(2, 0, 1)[None].contiguous()
    probs = predictor.probabilities(x_u8)[0]  # type: ignore[attr-defined]
    label = predictor.classes[ex.class_index]  # type: ignore[attr-defined]
    return ex, label, float(probs[ex.class_index]), overlay(original, ex.heatmap)
