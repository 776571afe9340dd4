"""Batched augmentation and normalisation as tensor ops on the training device.

Random parameters come from a seeded CPU generator (so runs repeat exactly) and are applied to the
whole batch at once: one affine grid for crop + rotation + flips, then colour jitter.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from desktop_cls.core.training.config import Augmentation


def is_geometric(aug: Augmentation) -> bool:
    return aug.hflip or aug.vflip or aug.rotation_degrees > 0 or aug.random_resized_crop


def affine_params(n: int, aug: Augmentation, gen: torch.Generator) -> torch.Tensor:
    """n x 2 x 3 matrices mapping output to input coordinates (affine_grid's convention)."""
    ones = torch.ones(n)
    sx, sy = ones.clone(), ones.clone()
    tx, ty = torch.zeros(n), torch.zeros(n)
    if aug.random_resized_crop:
        area = aug.crop_scale_min + (1 - aug.crop_scale_min) * torch.rand(n, generator=gen)
        log_r = (torch.rand(n, generator=gen) * 2 - 1) * math.log(4 / 3)
        ratio = torch.exp(log_r)
        sx = torch.sqrt(area * ratio).clamp(max=1.0)
        sy = torch.sqrt(area / ratio).clamp(max=1.0)
        tx = (torch.rand(n, generator=gen) * 2 - 1) * (1 - sx)
        ty = (torch.rand(n, generator=gen) * 2 - 1) * (1 - sy)
    if aug.hflip:
        sx = torch.where(torch.rand(n, generator=gen) < 0.5, -sx, sx)
    if aug.vflip:
        sy = torch.where(torch.rand(n, generator=gen) < 0.5, -sy, sy)
    angle = torch.zeros(n)
    if aug.rotation_degrees > 0:
        angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(aug.rotation_degrees)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([
        torch.stack([cos * sx, -sin * sy, tx], dim=1),
        torch.stack([sin * sx, cos * sy, ty], dim=1),
    ], dim=1)
    return theta


def color_params(n: int, strength: float, gen: torch.Generator) -> torch.Tensor:
    """n x 3 factors (brightness, contrast, saturation), each uniform in [1 - s, 1 + s]."""
    return 1 + (torch.rand(n, 3, generator=gen) * 2 - 1) * strength


def augment(x: torch.Tensor, aug: Augmentation, gen: torch.Generator) -> torch.Tensor:
    """x: B x 3 x H x W floats in [0, 1] on any device; returns the augmented batch, same shape."""
    n = x.shape[0]
    if is_geometric(aug):
        theta = affine_params(n, aug, gen).to(device=x.device, dtype=x.dtype, non_blocking=True)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    if aug.color_jitter > 0:
        f = color_params(n, aug.color_jitter, gen).to(device=x.device, dtype=x.dtype, non_blocking=True)
        b, c, s = (f[:, i].view(n, 1, 1, 1) for i in range(3))
        x = x * b
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        x = (x - gray.mean(dim=(2, 3), keepdim=True)) * c + gray.mean(dim=(2, 3), keepdim=True)
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
        x = gray + (x - gray) * s
        x = x.clamp_(0, 1)
    return x
