"""The training loop: `Trainer` runs one run's epochs on any thread and reports only plain-data events.

Each image is decoded once (image_cache), whole batches are augmented on the device, and losses
are read back to the host only a few times a second. run.fit() and run.resume() make or
claim the run folder around it, and lifecycle.RunLifecycle records how it goes."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from desktop_cls.core.devices import resolve_device
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, EpochEnd, PauseToken
from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.inference.trained_on import content_digests
from desktop_cls.core.models.architectures import count_parameters
from desktop_cls.core.models.model_io import ModelMeta
from desktop_cls.core.training.auto_batch import auto_batch_size
from desktop_cls.core.training.batches import StreamBatches, TensorBatches, build_source
from desktop_cls.core.training.callbacks import CallbackList, EarlyStopping, MetricsLog, SaveCheckpoints
from desktop_cls.core.training.choices import lr_scaling
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.distributed import DistContext
from desktop_cls.core.training.epoch_meter import EpochMeter
from desktop_cls.core.training.fine_tune import FineTune
from desktop_cls.core.training.fit_result import FitResult, TrainState
from desktop_cls.core.training.lifecycle import RunLifecycle
from desktop_cls.core.training.optim import class_weights, epoch_seed
from desktop_cls.core.training.resume_state import checkpoint_state, restore_checkpoint
from desktop_cls.core.training.schedule import lr_multiplier
from desktop_cls.core.training.step import TrainStep
from desktop_cls.core.training.tensorboard_log import TensorBoardCallback, tensorboard_available

__all__ = ["Batches", "Trainer"]

Batches = TensorBatches | StreamBatches


class Trainer:
    """One run's pieces and its loop; fit() and resume() below are the public entry points.

    The loop itself is fit -> _epoch -> (_train_batch, _validate) -> _end_epoch; what happens around
    the epochs (metrics log, checkpoints and best model, TensorBoard, early stopping) are callbacks."""

    step: TrainStep  # model, optimizer, scaler: built at the start of fit
    loss_fn: nn.Module
    val_loss_fn: nn.Module

    def __init__(self, cfg: TrainConfig, data: DatasetIndex, run: Path, callbacks: Sequence[object],
                 cancel: CancelToken, pause: PauseToken, distributed: DistContext | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cfg = cfg
        self.clock = clock  # every time the run reports is measured with it (tests inject a fake one)
        self.data = data
        self.run = run
        self.cancel = cancel
        self.pause = pause
        self.dist = distributed
        self.device = resolve_device(cfg.device) if distributed is None else distributed.device
        self.size = (cfg.image_size, cfg.image_size)
        self.classes = data.classes
        self.state = TrainState(batch_size=cfg.batch_size)
        self.problems: list[Problem] = list(data.problems)
        self.resumed = self.cancelled = self.stopped_early = False
        self.life = RunLifecycle(run, data.classes, self.is_main)
        self.lr_factor = 1.0  # batch-size and multi-process scaling of cfg.lr, fixed by _announce
        self.epoch_seconds: list[float] = []
        self.paused_seconds = 0.0  # left out of every time the run reports
        self.global_step = 0
        own_first: list[object] = [MetricsLog(), SaveCheckpoints()]
        own_last: list[object] = [TensorBoardCallback()] if self.is_main and tensorboard_available() else []
        if cfg.early_stopping_patience:
            own_last.append(EarlyStopping(cfg.early_stopping_patience))
        if (cfg.pretrained or cfg.weights_file) and cfg.freeze_epochs:
            own_first.append(FineTune(cfg.freeze_epochs, cfg.backbone_lr_factor, distributed is not None))
        self.cb = CallbackList([*own_first, *callbacks, *own_last])

    # ---- what callbacks see (callbacks.Loop) ---------------------------------------------------
    @property
    def is_main(self) -> bool:
        return self.dist is None or self.dist.rank == 0

    @property
    def model(self) -> nn.Module:
        return self.step.model

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        return self.step.optimizer

    def notice(self, message: str, level: str = "info") -> None:
        self.cb.notice(message, level)

    def checkpoint_state(self) -> dict[str, Any]:
        return checkpoint_state(self.step, self.state, self.classes, self.data.fingerprint)

    def model_meta(self) -> ModelMeta:
        return ModelMeta(self.cfg.model, self.classes, self.cfg.image_size, self.size, self.step.mean,
                         self.step.std, dataset_fingerprint=self.data.fingerprint)

    # ---- the loop ------------------------------------------------------------------------------
    def fit(self, resume: bool) -> FitResult:
        t_start = self.clock()
        self.cb.stage(_("building model"), key="building")
        self.step = TrainStep.build(self.cfg, len(self.classes), self.device,
                                    None if self.dist is None else self.dist.wrap)
        if resume:
            self._restore()
        self.cb.fit_start(self)
        try:
            train_src, val_src = self._prepare()
            self.cb.stage(_("training"), key="training")
            while self.state.epoch < self.cfg.epochs and not (self.cancelled or self.stopped_early):
                self._epoch(train_src, val_src)
            self._calibrate(val_src)
            return self._finish(self.clock() - t_start - self.paused_seconds)
        finally:
            self.cb.fit_end(self)

    def _epoch(self, train_src: Batches, val_src: Batches | None) -> None:
        cfg, epoch = self.cfg, self.state.epoch + 1
        torch.manual_seed(epoch_seed(cfg.seed, epoch, 0))
        shuffle = torch.Generator().manual_seed(epoch_seed(cfg.seed, epoch, 1))
        aug_gen = torch.Generator().manual_seed(epoch_seed(cfg.seed, epoch, 2))
        batch_size = self.state.batch_size
        meter = EpochMeter(self.device, epoch, cfg.epochs, train_src.num_batches(batch_size), self.epoch_seconds,
                           self.clock)
        lr = cfg.lr * self.lr_factor
        for step, (x, y) in enumerate(train_src.batches(batch_size, shuffle), 1):
            if self.pause.is_paused():
                meter.leave_out(self._wait_while_paused())
            if self.cancel.is_set():
                self.cancelled = True
                return
            lr = cfg.lr * self.lr_factor * lr_multiplier(cfg, self.state.epoch + (step - 1) / meter.steps)
            self.step.set_lr(lr)
            meter.add(*self._train_batch(x, y, aug_gen), y.shape[0])
            self.global_step += 1
            event = meter.report(step, self.global_step, lr)
            if event is not None:
                self.cb.batch(event)
        self._end_epoch(meter, train_src, val_src, lr)

    def _wait_while_paused(self) -> float:
        """Block until resumed or cancelled; the seconds spent paused."""
        t0 = self.clock()
        self.pause.wait_while_paused(self.cancel)
        paused = self.clock() - t0
        self.paused_seconds += paused
        return paused

    def _train_batch(self, x: torch.Tensor, y: torch.Tensor,
                     gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Train on x in chunks of the current batch size; on out-of-memory, halve it and go on."""
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        i = 0
        while i < x.shape[0]:
            bs = self.state.batch_size
            try:
                ls, c = self.step(x[i:i + bs], y[i:i + bs], gen, self.loss_fn)
            except torch.OutOfMemoryError:
                self._halve_batch_after_oom(bs)
                continue
            loss_sum += ls
            correct += c
            i += bs
        return loss_sum, correct

    def _halve_batch_after_oom(self, bs: int) -> None:
        if self.dist is not None:  # ranks must take equal steps: no per-rank halving
            raise UserError(_("out of GPU memory at batch size {batch} on rank {rank}").format(
                batch=bs, rank=self.dist.rank), cli_fix=_("lower --batch-size"),
                gui_fix=_("lower the batch size")) from None
        self.step.optimizer.zero_grad(set_to_none=True)
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
        if bs // 2 < 1:
            raise UserError(_("out of memory even with a batch of 1 image: choose a smaller model or "
                              "image size, or train on the CPU")) from None
        self.state.batch_size = bs // 2
        self.cb.notice(_("out of GPU memory at batch size {batch}; continuing with {half}").format(
            batch=bs, half=bs // 2), "warning")

    def _validate(self, source: Batches | None, loss_fn: nn.Module) -> tuple[float, float, int]:
        """(mean loss, accuracy, images) on source, summed over every process; NaNs without images."""
        if (source is None or len(source) == 0) and self.dist is None:
            return math.nan, math.nan, 0
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        n = 0
        batches = source.batches(max(self.state.batch_size, 256), None, drop_lone=False) if source else iter(())
        self.step.model.eval()
        with torch.inference_mode():
            for x_u8, y in batches:
                ls, c = self.step.evaluate(x_u8, y, loss_fn)
                loss_sum += ls
                correct += c
                n += y.shape[0]
        self.step.train_mode()
        if self.dist is not None:
            loss_sum, correct, n = self.dist.all_reduce_sums(loss_sum, correct, n)
        if n == 0:
            return math.nan, math.nan, 0
        return float(loss_sum) / n, float(correct) / n, n

    def _end_epoch(self, meter: EpochMeter, train_src: Batches, val_src: Batches | None, lr: float) -> None:
        if meter.seen == 0:
            raise UserError(_("no training batch could be formed: add images or lower the batch size"))
        if isinstance(train_src, StreamBatches) and train_src.skipped:
            self.cb.notice(ngettext("{n} image could not be read this epoch and was skipped (files changed while "
                                    "training?)", "{n} images could not be read this epoch and were skipped (files "
                                    "changed while training?)", train_src.skipped).format(n=train_src.skipped),
                           "warning")
            train_src.skipped = 0
        loss_sum, correct, seen = meter.loss_sum, meter.correct, meter.seen
        if self.dist is not None:
            loss_sum, correct, seen = self.dist.all_reduce_sums(loss_sum, correct, seen)
        train_loss, train_acc = float(loss_sum) / max(seen, 1), float(correct) / max(seen, 1)
        val_loss, val_acc, _images = self._validate(val_src, self.val_loss_fn)
        seconds = self.clock() - meter.t0
        self.epoch_seconds.append(seconds)
        self.state.epoch = meter.epoch
        is_best = self._track_best(val_acc, val_loss, train_loss)
        self.cb.epoch(EpochEnd(epoch=meter.epoch, epochs=self.cfg.epochs, train_loss=train_loss,
                               train_accuracy=train_acc, val_loss=val_loss, val_accuracy=val_acc, lr=lr,
                               seconds=seconds, images_per_s=seen / max(seconds, 1e-9), is_best=is_best))

    def _track_best(self, val_acc: float, val_loss: float, train_loss: float) -> bool:
        """Validation accuracy decides the best epoch, its loss breaks ties (on a few validation images
        many epochs score the same, and the earliest is the least trained); without validation images,
        the training loss."""
        s = self.state
        metric = val_acc if not math.isnan(val_acc) else -train_loss
        tie_won = metric == s.best_metric and val_loss < s.best_val_loss * (1 - 1e-3)  # NaN compares False
        if metric < s.best_metric or (metric == s.best_metric and not tie_won):
            s.since_best += 1
            return False
        s.best_metric, s.best_epoch, s.since_best = metric, s.epoch, 0
        s.best_val_loss = val_loss if not math.isnan(val_loss) else math.inf
        s.best_val_accuracy = None if math.isnan(val_acc) else val_acc
        return True

    # ---- before and after the epochs -----------------------------------------------------------
    def _restore(self) -> None:
        self.state, dataset_changed = restore_checkpoint(self.run, self.step, self.classes, self.data.fingerprint,
                                                         is_main=self.is_main)
        self.resumed = True
        if self.is_main:
            rd.update_config(self.run, epochs=self.cfg.epochs)  # the run's files say what it did
        if dataset_changed:
            self.cb.notice(_("the dataset changed since this run started (files added, removed or edited); "
                             "training continues on the files as they are now"), "warning")

    def _prepare(self) -> tuple[Batches, Batches | None]:
        """Load the images, set up the losses and the batch size, and tell the user how the run will go."""
        train_samples, val_samples = self.data.split("train"), self.data.split("val")
        if self.dist is not None:
            train_samples, val_samples = self.dist.shard(train_samples), self.dist.shard_exact(val_samples)
        if not train_samples:
            raise UserError(_("no training images: every class needs at least one readable image"))
        self._note_pictures(self.data.split("train"))
        self.cb.stage(_("loading images"), 0, len(train_samples) + len(val_samples), "loading")
        train_src = self._source(train_samples, _("training"))
        val_src = self._source(val_samples, _("validation")) if val_samples else None
        if self.dist is not None and isinstance(train_src, TensorBatches):
            train_src.truncate(self.dist.min_int(len(train_src)))  # equal step counts on every rank
        if len(train_src) == 0:
            raise UserError(_("none of the training images could be read; see the problems list"))
        if val_src is None and self.is_main:
            self.cb.notice(_("no validation images: accuracy is reported on training images only"), "warning")
        labels = train_src.labels if isinstance(train_src, TensorBatches) else torch.tensor(
            [s.label for s in train_samples])
        weight = class_weights(labels, len(self.classes)).to(self.device) if self.cfg.class_weighting else None
        self.loss_fn = nn.CrossEntropyLoss(weight=weight, label_smoothing=self.cfg.label_smoothing)
        self.val_loss_fn = nn.CrossEntropyLoss()
        if self.state.batch_size == 0:  # batch size 'auto' on a fresh run
            self._choose_batch_size(len(train_src))
        steps_per_epoch = train_src.num_batches(self.state.batch_size)
        self.global_step = self.state.epoch * steps_per_epoch
        if self.cfg.compile and (skipped := self.step.compile(steps_per_epoch * self.cfg.epochs)):
            self.cb.notice(skipped)
        self._announce(len(train_src), len(val_src) if val_src else 0)
        return train_src, val_src

    def _note_pictures(self, samples: list[Sample]) -> None:
        """Record the pictures the run learns (every process's, by the main one; a resume adds to the record)."""
        if self.is_main:
            digests = content_digests([s.path for s in samples], lambda d, t, w: self.cb.stage(w, d, t, "hashing"),
                                      self.cancel)
            self.life.trains_on(digests, self.data.fingerprint if self.resumed else None)

    def _source(self, samples: list[Sample], name: str) -> Batches:
        """The batches of one split; name ('training', 'validation', translated) is shown with its progress."""
        def progress(done: int, total: int, what: str) -> None:
            self.cb.stage(_("{what} ({split})").format(what=what, split=name), done, total, "loading")

        source, probs = build_source(samples, self.size, self.device, self.cfg, name, self.cb.notice, progress,
                                     self.cancel)
        self.problems.extend(probs)
        return source

    def _choose_batch_size(self, n_train: int) -> None:
        cfg = self.cfg
        choice = auto_batch_size(self.step.model, cfg.model, len(self.classes), cfg.image_size, self.device,
                                 n_train, self.step.amp)
        self.state.batch_size = self.state.auto_batch = (
            choice.value if self.dist is None else self.dist.min_int(choice.value))
        if self.is_main:
            self.cb.notice(choice.reason)

    def _announce(self, n_train: int, n_val: int) -> None:
        """Record the run's setup in run.json, say how it trains, and fix the learning-rate factor."""
        cfg, amp = self.cfg, self.step.amp
        self.life.set_up(parameters=count_parameters(self.step.model), device=str(self.device),
                         precision=str(amp).replace("torch.", "") if amp else "fp32", train_images=n_train,
                         val_images=n_val)
        if self.is_main and amp is not None:
            kind = "bf16" if amp == torch.bfloat16 else "fp16"
            where = _("the CPU") if self.device.type == "cpu" else str(self.device)
            # said in the window's words and the command line's: the same notice reaches both
            self.cb.notice(_("{precision} mixed precision on {device} (faster; choose fp32 under Precision, or "
                             "--precision fp32, to turn it off)").format(precision=kind, device=where))
        world_size = 1 if self.dist is None else self.dist.world_size
        self.lr_factor, notes = lr_scaling(cfg.optimizer, self.state.auto_batch, self.state.batch_size, world_size)
        for note in notes if self.is_main else ():
            self.cb.notice(note)

    def _calibrate(self, val_src: Batches | None) -> None:
        """Fit temperature scaling on the validation images (single process, after at least one epoch)."""
        if not (self.is_main and self.dist is None and self.cfg.calibrate and self.state.epoch > 0
                and val_src is not None):
            return
        self.cb.stage(_("calibrating confidences"), key="calibrating")
        from desktop_cls.core.inference.calibration import calibrate_run

        cal = calibrate_run(self.run, val_src.batches(256, None, drop_lone=False), self.device,
                            self.step.mean, self.step.std)
        if cal.images:
            self.cb.notice(cal.message(), "info" if cal.applied or cal.already_calibrated else "warning")

    def _finish(self, total: float) -> FitResult:
        """Write problems.json and the final run.json; the FitResult the caller gets."""
        if self.is_main:
            self.cb.stage(_("saving"), key="saving")
        self.life.ended(self.state, total, self.problems, self.cancel if self.cancelled else None,
                        self.stopped_early)
        return self.life.result(self.state, self.cfg.epochs, total, self.problems, self.cancelled,
                                self.stopped_early, 1 if self.dist is None else self.dist.world_size)
