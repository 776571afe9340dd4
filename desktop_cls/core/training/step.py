"""One optimisation step, shared by the trainer and the learning-rate finder so the two cannot disagree.

Both build the model the same way (device, channels-last, optimizer) and train it the same way
(augment on the device, normalise, autocast, scaled backward, optional gradient clipping)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import torch
from torch import nn

from desktop_cls.core.devices import autocast_dtype
from desktop_cls.core.i18n import _
from desktop_cls.core.models.architectures import build_model
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.models.preprocessing import (
    autocast_ctx,
    eval_logits,
    normalize,
    to_float,
)
from desktop_cls.core.training.augment import augment
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.fine_tune import set_train_mode
from desktop_cls.core.training.optim import make_optimizer


class TrainStep:
    """The model, its optimizer and grad scaler, and how one batch of uint8 images trains them."""

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, cfg: TrainConfig,
                 device: torch.device, channels_last: bool) -> None:
        self.model = model
        self.net: nn.Module = model  # what runs the forward pass: the model, or its DDP / compiled wrapper
        self.optimizer = optimizer
        self.cfg = cfg
        self.device = device
        self.amp = autocast_dtype(device, cfg.precision)
        self.channels_last = channels_last
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp == torch.float16)
        self.mean, self.std = MODELS[cfg.model].mean, MODELS[cfg.model].std  # what its weights expect

    @classmethod
    def build(cls, cfg: TrainConfig, num_classes: int, device: torch.device,
              wrap: Callable[[nn.Module], nn.Module] | None = None) -> TrainStep:
        """A fresh model for cfg on device (seeded by cfg.seed); wrap is DDP's wrapper under torchrun."""
        torch.manual_seed(cfg.seed)
        if device.type == "cuda":
            torch.backends.cudnn.benchmark = True  # fixed input sizes: let cuDNN pick the fastest kernels
        model = build_model(cfg.model, num_classes, cfg.image_size, pretrained=cfg.pretrained,
                            weights_file=cfg.weights_file, download=cfg.download_weights)
        model.to(device)
        channels_last = cfg.channels_last and device.type in ("cuda", "cpu")  # +15 % on CPU convs too
        if channels_last:
            model.to(memory_format=torch.channels_last)  # type: ignore[call-overload,unused-ignore]  # old stubs
        step = cls(model, make_optimizer(model, cfg), cfg, device, channels_last)
        step.train_mode()
        if wrap is not None:
            step.net = wrap(model)
        return step

    def compile(self, total_steps: int) -> str | None:
        """torch.compile the forward pass where it pays off; otherwise say why it was skipped."""
        if getattr(sys, "frozen", False):  # the bundle leaves out triton and has no compiler for inductor
            return (_("torch.compile skipped: the bundled app cannot compile kernels; install desktop_cls with pip "
                      "to use it"))
        if self.device.type != "cuda" or total_steps < 2000:
            return _("torch.compile skipped: it pays off only for runs of 2,000+ steps on a GPU")
        self.net = torch.compile(self.net)  # type: ignore[assignment]
        return None

    def train_mode(self) -> None:
        """The model in training mode; a fine-tune's BatchNorm layers keep their statistics (cfg.freeze_bn)."""
        set_train_mode(self.model, self.cfg.freeze_bn and bool(self.cfg.pretrained or self.cfg.weights_file))

    def set_lr(self, lr: float) -> None:
        for g in self.optimizer.param_groups:
            g["lr"] = lr * g.get("lr_scale", 1.0)  # a fine-tune's backbone learns at a share of the rate

    def inputs(self, x_u8: torch.Tensor, gen: torch.Generator | None = None) -> torch.Tensor:
        """uint8 NCHW -> normalised float in the model's memory format; augmented when gen is given."""
        x = to_float(x_u8)
        if gen is not None:
            x = augment(x, self.cfg.augmentation, gen)
        x = normalize(x, self.mean, self.std)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    def __call__(self, x_u8: torch.Tensor, y: torch.Tensor, gen: torch.Generator,
                 loss_fn: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        """Train on one batch; returns (loss x batch size, correct predictions) as device tensors (no sync)."""
        x = self.inputs(x_u8, gen)
        with autocast_ctx(self.device, self.amp):
            out = self.net(x)
            loss = loss_fn(out.float(), y)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        if self.cfg.grad_clip > 0:
            self.scaler.unscale_(self.optimizer)
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        correct = (out.detach().argmax(1) == y).sum()
        return loss.detach() * y.shape[0], correct

    def evaluate(self, x_u8: torch.Tensor, y: torch.Tensor,
                 loss_fn: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        """(loss x batch size, correct) on an un-augmented batch; call with model.eval().

        In fp32 even when training runs in mixed precision: the accuracy reported is then exactly what the
        saved model scores in Evaluate, Classify and exports (all fp32), image for image."""
        out = eval_logits(self.model, x_u8, self.device, self.mean, self.std)
        return loss_fn(out, y) * y.shape[0], (out.argmax(1) == y).sum()
