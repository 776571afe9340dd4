"""Turning uint8 image batches into model input: shared by training, evaluation and prediction, so the
numbers a run reports are the numbers its model gives in use."""

from __future__ import annotations

import contextlib

import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

def to_float(images_u8: torch.Tensor) -> torch.Tensor:
    return images_u8.float().div_(255.0)


def normalize(x: torch.Tensor, mean: tuple[float, ...], std: tuple[float, ...]) -> torch.Tensor:
    m = torch.tensor(mean, device=x.device, dtype=x.dtype).view(1, -1, 1, 1)
    s = torch.tensor(std, device=x.device, dtype=x.dtype).view(1, -1, 1, 1)
    return (x - m) / s



def prepare(images_u8: torch.Tensor, device: torch.device, mean: tuple[float, ...], std: tuple[float, ...],
            channels_last: bool = False) -> torch.Tensor:
    x = images_u8.to(device, non_blocking=True)
    x = normalize(to_float(x), mean, std)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    return x


def eval_logits(model: torch.nn.Module, images_u8: torch.Tensor, device: torch.device, mean: tuple[float, ...],
                std: tuple[float, ...]) -> torch.Tensor:
    """fp32 logits of a model in eval mode: the one forward behind the validation accuracy training reports
    and the accuracy Evaluate and Classify get from the saved model. Validation under the training's bf16
    autocast rounds logits enough to flip near-tied images, so the two numbers differed on the same images."""
    with torch.inference_mode():
        return model(prepare(images_u8, device, mean, std)).float()


def autocast_ctx(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager[None]:
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)
