"""An epoch's running sums, kept on the device; read back to the host only when a report is due."""

from __future__ import annotations

import time
from collections.abc import Callable

import torch

from desktop_cls.core.devices import memory_in_use_mb
from desktop_cls.core.events import BatchEnd

REPORT_INTERVAL_S = 0.1


class EpochMeter:
    """Sums loss and hits of one epoch; makes a BatchEnd at most every REPORT_INTERVAL_S and at its last step."""

    def __init__(self, device: torch.device, epoch: int, epochs: int, steps: int,
                 past_epoch_seconds: list[float], clock: Callable[[], float] = time.monotonic) -> None:
        self.device = device
        self.clock = clock  # injected by tests: seconds from any fixed origin
        self.epoch, self.epochs, self.steps = epoch, epochs, steps
        self.past = past_epoch_seconds
        self.t0 = self._last_report = clock()
        self.loss_sum = torch.zeros((), device=device)
        self.correct = torch.zeros((), device=device, dtype=torch.long)
        self.seen = 0
        self._report_loss = torch.zeros((), device=device)
        self._report_n = 0

    def add(self, loss_sum: torch.Tensor, correct: torch.Tensor, n: int) -> None:
        self.loss_sum += loss_sum
        self.correct += correct
        self._report_loss += loss_sum
        self.seen += n
        self._report_n += n

    def leave_out(self, seconds: float) -> None:
        """Time paused is no training time: epoch seconds, images/s and ETA do not count it."""
        self.t0 += seconds
        self._last_report += seconds

    def report(self, step: int, global_step: int, lr: float) -> BatchEnd | None:
        """The progress event for step (1-based), or None when the last one went out moments ago."""
        now = self.clock()
        if now - self._last_report < REPORT_INTERVAL_S and step != self.steps:
            return None
        elapsed = now - self.t0
        per_epoch = (sum(self.past) / len(self.past)) if self.past else elapsed / step * self.steps
        eta = (self.steps - step) * elapsed / step + per_epoch * (self.epochs - self.epoch)
        event = BatchEnd(epoch=self.epoch, step=step, steps_per_epoch=self.steps, global_step=global_step,
                         loss=float(self._report_loss) / max(self._report_n, 1), lr=lr,
                         images_per_s=self.seen / max(elapsed, 1e-9), eta_s=eta,
                         gpu_memory_mb=memory_in_use_mb(self.device))
        self._report_loss = torch.zeros((), device=self.device)
        self._report_n = 0
        self._last_report = now
        return event
