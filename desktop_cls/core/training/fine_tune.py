"""The fine-tune recipe (fastai's fine_tune): a pretrained network's new head learns alone for the first
cfg.freeze_epochs epochs, then the whole network learns, its pretrained layers at cfg.backbone_lr_factor
of the learning rate so what they know is refined rather than overwritten.

Written as a loop callback so the loop itself does not know about it. The BatchNorm layers keep the
pretrained statistics throughout (cfg.freeze_bn, set_train_mode): re-estimated from a few batches of
unfamiliar images, the statistics used in training differ from the slowly updated running ones the saved
model uses, so the head learns on features the saved model never computes (23 % instead of 80+ % on 80
digits, docs/benchmarks.md).
"""

from __future__ import annotations

from torch import nn

from desktop_cls.core.events import EpochEnd
from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.models.architectures import head_linear
from desktop_cls.core.training.callbacks import Loop, LoopCallback


def set_train_mode(model: nn.Module, freeze_bn: bool) -> None:
    """model.train(), except that with freeze_bn every BatchNorm layer stays in eval mode: it normalises
    with its running statistics and leaves them as they are (its scale and shift still learn)."""
    model.train()
    if freeze_bn:
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()


def split_head(model: nn.Module) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
    """(the classifier head's parameters, every other parameter)."""
    head = list(head_linear(model).parameters())
    ids = {id(p) for p in head}
    return head, [p for p in model.parameters() if id(p) not in ids]


class FineTune(LoopCallback):
    """Freezes the backbone while the head learns alone."""

    def __init__(self, freeze_epochs: int, backbone_lr_factor: float, distributed: bool) -> None:
        self.freeze_epochs = freeze_epochs
        self.backbone_lr_factor = backbone_lr_factor
        self.distributed = distributed  # DDP fixes which parameters need gradients when it wraps the model
        self.frozen = False

    def on_fit_start(self, loop: Loop) -> None:
        super().on_fit_start(loop)
        self._set_frozen(loop.state.epoch < self.freeze_epochs)  # explicit: a resumed optimizer keeps lr_scale
        if self.frozen:
            loop.notice(ngettext(
                "fine-tune: the new last layer learns alone for {freeze_epochs} epoch, then the whole network at "
                "{backbone_lr_factor:g}x the learning rate for its pretrained layers",
                "fine-tune: the new last layer learns alone for {freeze_epochs} epochs, then the whole network at "
                "{backbone_lr_factor:g}x the learning rate for its pretrained layers", self.freeze_epochs).format(
                    freeze_epochs=self.freeze_epochs, backbone_lr_factor=self.backbone_lr_factor))

    def on_epoch_end(self, event: EpochEnd) -> None:
        if self.frozen and event.epoch >= self.freeze_epochs:
            self._set_frozen(False)
            if event.epoch < event.epochs:
                self.loop.notice(_("fine-tune: from epoch {epoch} the whole network learns").format(
                        epoch=event.epoch + 1))

    def _set_frozen(self, frozen: bool) -> None:
        self.frozen = frozen
        model = self.loop.model
        _, backbone = split_head(model)
        for group in self.loop.optimizer.param_groups:
            if group.get("part") == "backbone":
                group["lr_scale"] = 0.0 if frozen else self.backbone_lr_factor
        if not self.distributed:  # skipping the backbone's gradients makes a frozen epoch ~3x faster
            for p in backbone:
                p.requires_grad_(not frozen)
