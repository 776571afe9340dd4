"""Batched forward passes over uint8 images: shared by validation, evaluation and prediction,
so the numbers a run reports are the numbers its model gives in use."""

from __future__ import annotations

import contextlib

import torch
from torch import nn

from .augment import normalize, to_float


def prepare(images_u8: torch.Tensor, device: torch.device, mean: tuple[float, ...], std: tuple[float, ...],
            channels_last: bool = False) -> torch.Tensor:
    x = images_u8.to(device, non_blocking=True)
    x = normalize(to_float(x), mean, std)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    return x


def autocast_ctx(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager[None]:
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def infer_logits(model: nn.Module, images_u8: torch.Tensor, device: torch.device, mean: tuple[float, ...],
                 std: tuple[float, ...], batch_size: int = 256, amp_dtype: torch.dtype | None = None,
                 channels_last: bool = False) -> torch.Tensor:
    """Logits (float32, on the CPU) for N x 3 x H x W uint8 images; one host copy at the end."""
    was_training = model.training
    model.eval()
    outs: list[torch.Tensor] = []
    with torch.inference_mode():
        for i in range(0, images_u8.shape[0], batch_size):
            x = prepare(images_u8[i:i + batch_size], device, mean, std, channels_last)
            with autocast_ctx(device, amp_dtype):
                outs.append(model(x).float())
    model.train(was_training)
    if not outs:
        return torch.empty(0, 0)
    return torch.cat(outs).cpu()
