"""How much GPU memory training takes per image, estimated without touching the GPU."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from desktop_cls.core.models.architectures import build_model
from desktop_cls.core.training.choices import Choice, choose_batch_size


def activation_bytes_per_image(model_name: str, num_classes: int, image_size: int, bytes_per_value: int) -> int:
    """Sum of every leaf module's output for one image, times two (kept for backward + its gradient).

    Runs the model on the meta device: shapes only, no memory, no GPU, a few milliseconds.
    """
    with torch.device("meta"):
        model = build_model(model_name, num_classes, image_size)
    total = 0

    def count(_m: nn.Module, _inp: Any, out: Any) -> None:
        nonlocal total
        if isinstance(out, torch.Tensor):
            total += out.numel()

    hooks = [m.register_forward_hook(count) for m in model.modules() if not list(m.children())]
    try:
        model(torch.empty(1, 3, image_size, image_size, device="meta"))
    finally:
        for h in hooks:
            h.remove()
    return 2 * total * bytes_per_value


def model_state_bytes(model: nn.Module) -> int:
    """Weights, gradients and two Adam moments: what the optimiser holds whatever the batch."""
    return 4 * sum(p.numel() * p.element_size() for p in model.parameters())


def auto_batch_size(model: nn.Module, model_name: str, num_classes: int, image_size: int, device: torch.device,
                    train_images: int, amp: torch.dtype | None) -> Choice:
    """The batch size for a run whose batch is 'auto' (0), with the reason to show."""
    if device.type != "cuda":
        return choose_batch_size(device.type, train_images)
    from desktop_cls.core.devices import free_memory_bytes

    per_image = activation_bytes_per_image(model_name, num_classes, image_size, 4 if amp is None else 2)
    free = free_memory_bytes(device) - model_state_bytes(model)
    return choose_batch_size("cuda", train_images, per_image, max(free, 0))
