"""fit(): one readable training loop that runs on any thread and reports only plain-data events.

Each image is decoded once (image_cache), whole batches are augmented on the device, and losses
are read back to the host only a few times a second."""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from desktop_cls import __version__
from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample, scan
from desktop_cls.core.devices import autocast_dtype, memory_in_use_mb, resolve_device
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import BatchEnd, CancelledError, CancelToken, EpochEnd, PauseToken
from desktop_cls.core.models.architectures import build_model, count_parameters
from desktop_cls.core.models.model_io import ModelMeta, save_native
from desktop_cls.core.models.preprocessing import IMAGENET_MEAN, IMAGENET_STD, autocast_ctx, normalize, to_float
from desktop_cls.core.storage import append_jsonl, write_json
from desktop_cls.core.training.augment import augment
from desktop_cls.core.training.auto_batch import auto_batch_size
from desktop_cls.core.training.batches import StreamBatches, TensorBatches, build_source
from desktop_cls.core.training.callbacks import CallbackList
from desktop_cls.core.training.checkpoint import save_checkpoint
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.defaults import REFERENCE_BATCH, batch_lr_factor
from desktop_cls.core.training.distributed import lr_scale
from desktop_cls.core.training.fit_result import FitResult, TrainState
from desktop_cls.core.training.optim import class_weights, epoch_seed, make_optimizer
from desktop_cls.core.training.resume_state import checkpoint_state, restore_checkpoint
from desktop_cls.core.training.schedule import lr_multiplier
from desktop_cls.core.training.tensorboard_log import TensorBoardCallback, tensorboard_available

REPORT_INTERVAL_S = 0.1


class Trainer:
    """Holds one run's pieces; fit() below is the public entry point."""

    def __init__(self, cfg: TrainConfig, data: DatasetIndex, run: Path, callbacks: Sequence[Any],
                 cancel: CancelToken, pause: PauseToken, distributed: Any = None) -> None:
        self.cfg = cfg
        self.data = data
        self.run = run
        self.cb = CallbackList(callbacks)
        self.cancel = cancel
        self.pause = pause
        self.dist = distributed
        self.device = resolve_device(cfg.device) if distributed is None else distributed.device
        self.amp = autocast_dtype(self.device, cfg.precision)
        self.channels_last = cfg.channels_last and self.device.type in ("cuda", "cpu")  # +15 % on CPU convs too
        self.mean, self.std = IMAGENET_MEAN, IMAGENET_STD
        self.size = (cfg.image_size, cfg.image_size)
        self.classes = data.classes
        self.state = TrainState(batch_size=cfg.batch_size)
        self.problems: list[Problem] = list(data.problems)

    @property
    def is_main(self) -> bool:
        return self.dist is None or self.dist.rank == 0

    # ---- data ----------------------------------------------------------------------------------
    def _source(self, samples: list[Sample], name: str) -> TensorBatches | StreamBatches:
        def progress(done: int, total: int, what: str) -> None:
            self.cb.stage(f"{what} ({name})", done, total)

        source, probs = build_source(samples, self.size, self.device, self.cfg, name, self.cb.notice, progress,
                                     self.cancel)
        self.problems.extend(probs)
        return source

    # ---- model ---------------------------------------------------------------------------------
    def _build(self) -> None:
        cfg = self.cfg
        torch.manual_seed(cfg.seed)
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True  # fixed input sizes: let cuDNN pick the fastest kernels
        model = build_model(cfg.model, len(self.classes), cfg.image_size, pretrained=cfg.pretrained,
                            weights_file=cfg.weights_file, download=cfg.download_weights)
        model.to(self.device)
        if self.channels_last:
            model.to(memory_format=torch.channels_last)
        self.model = model
        self.net: nn.Module = model
        if self.dist is not None:
            self.net = self.dist.wrap(model)
        self.optimizer = make_optimizer(model, cfg)
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp == torch.float16)
        self.n_params = count_parameters(model)

    def _maybe_compile(self, total_steps: int) -> None:
        if not self.cfg.compile:
            return
        if getattr(sys, "frozen", False):  # the bundle leaves out triton and has no compiler for inductor
            self.cb.notice("torch.compile skipped: the bundled app cannot compile kernels; "
                           "install desktop_cls with pip to use it")
            return
        if self.device.type != "cuda" or total_steps < 2000:
            self.cb.notice("torch.compile skipped: it pays off only for runs of 2,000+ steps on a GPU")
            return
        self.net = torch.compile(self.net)  # type: ignore[assignment]

    # ---- checkpoints ---------------------------------------------------------------------------
    def _save(self, name: str) -> None:
        if not self.is_main:
            return
        try:
            save_checkpoint(self.run / name, checkpoint_state(self))
        except OSError as e:
            self.cb.notice(f"could not save the checkpoint {name} ({e}); the previous one is kept. "
                           "Free some disk space.", "warning")
            raise UserError(f"saving {self.run / name} failed: {e}. The previous checkpoint is intact.") from None

    # ---- steps ---------------------------------------------------------------------------------
    def _train_step(self, x_u8: torch.Tensor, y: torch.Tensor, gen: torch.Generator,
                    loss_fn: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        x = to_float(x_u8)
        x = augment(x, self.cfg.augmentation, gen)
        x = normalize(x, self.mean, self.std)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
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

    def _step_with_oom_retry(self, x: torch.Tensor, y: torch.Tensor, gen: torch.Generator,
                             loss_fn: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        """Run x in chunks of the current batch size; on out-of-memory, halve it and go on."""
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        i = 0
        while i < x.shape[0]:
            bs = self.state.batch_size
            xc, yc = x[i:i + bs], y[i:i + bs]
            try:
                ls, c = self._train_step(xc, yc, gen, loss_fn)
            except torch.OutOfMemoryError:
                if self.dist is not None:  # ranks must take equal steps: no per-rank halving
                    raise UserError(f"out of GPU memory at batch size {bs} on rank {self.dist.rank}; "
                                    "lower --batch-size") from None
                self.optimizer.zero_grad(set_to_none=True)
                if self.device.type == "cuda":
                    torch.cuda.empty_cache()
                new = bs // 2
                if new < 1:
                    raise UserError("out of memory even with a batch of 1 image: choose a smaller model or "
                                    "image size, or train on the CPU") from None
                self.state.batch_size = new
                self.cb.notice(f"out of GPU memory at batch size {bs}; continuing with {new}", "warning")
                continue
            loss_sum += ls
            correct += c
            i += xc.shape[0]
        return loss_sum, correct

    def _validate(self, source: TensorBatches | StreamBatches | None, loss_fn: nn.Module) -> tuple[float, float, int]:
        if (source is None or len(source) == 0) and self.dist is None:
            return math.nan, math.nan, 0
        self.model.eval()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        n = 0
        batches = source.batches(max(self.state.batch_size, 256), None, drop_lone=False) if source else iter(())
        with torch.inference_mode():
            for x_u8, y in batches:
                x = normalize(to_float(x_u8), self.mean, self.std)
                if self.channels_last:
                    x = x.contiguous(memory_format=torch.channels_last)
                with autocast_ctx(self.device, self.amp):
                    out = self.model(x).float()
                loss_sum += loss_fn(out, y) * y.shape[0]
                correct += (out.argmax(1) == y).sum()
                n += y.shape[0]
        self.model.train()
        if self.dist is not None:
            loss_sum, correct, n = self.dist.all_reduce_sums(loss_sum, correct, n)
        if n == 0:
            return math.nan, math.nan, 0
        return float(loss_sum) / n, float(correct) / n, n

    # ---- the loop ------------------------------------------------------------------------------
    def fit(self, resume: bool) -> FitResult:
        t_start = time.monotonic()
        self.cb.stage("building model")
        self._build()
        if resume:
            restore_checkpoint(self)
        tb = None
        if self.is_main and tensorboard_available():
            tb = TensorBoardCallback(self.run / "tensorboard", purge_step=self.state.epoch + 1 if resume else None)
            self.cb.cbs.append(tb)
        try:
            return self._fit(resume, t_start)
        finally:
            if tb is not None:
                tb.close()

    def _fit(self, resume: bool, t_start: float) -> FitResult:
        cfg = self.cfg
        train_samples = self.data.split("train")
        val_samples = self.data.split("val")
        if self.dist is not None:
            train_samples = self.dist.shard(train_samples)
            val_samples = self.dist.shard_exact(val_samples)
        if not train_samples:
            raise UserError("no training images: every class needs at least one readable image")
        self.cb.stage("loading images", 0, len(train_samples) + len(val_samples))
        train_src = self._source(train_samples, "training")
        val_src = self._source(val_samples, "validation") if val_samples else None
        if self.dist is not None and isinstance(train_src, TensorBatches):
            train_src.truncate(self.dist.min_int(len(train_src)))  # equal step counts on every rank
        if len(train_src) == 0:
            raise UserError("none of the training images could be read; see the problems list")
        if val_src is None and self.is_main:
            self.cb.notice("no validation images: accuracy is reported on training images only", "warning")
        labels = train_src.labels if isinstance(train_src, TensorBatches) else torch.tensor(
            [s.label for s in train_samples])
        weight = class_weights(labels, len(self.classes)).to(self.device) if cfg.class_weighting else None
        loss_fn = nn.CrossEntropyLoss(weight=weight, label_smoothing=cfg.label_smoothing)
        val_loss_fn = nn.CrossEntropyLoss()
        if self.state.batch_size == 0:  # batch size 'auto' on a fresh run
            choice = auto_batch_size(self.model, cfg.model, len(self.classes), cfg.image_size, self.device,
                                     len(train_src), self.amp)
            self.state.batch_size = self.state.auto_batch = (
                choice.value if self.dist is None else self.dist.min_int(choice.value))
            if self.is_main:
                self.cb.notice(choice.reason)
        steps_per_epoch = train_src.num_batches(self.state.batch_size)
        self._maybe_compile(steps_per_epoch * cfg.epochs)
        if self.is_main:
            rd.update_run_info(self.run, status="running", parameters=self.n_params, device=str(self.device),
                               precision=str(self.amp).replace("torch.", "") if self.amp else "fp32",
                               train_images=len(train_src), val_images=len(val_src) if val_src else 0)
            if self.amp is not None:
                kind = "bf16" if self.amp == torch.bfloat16 else "fp16"
                self.cb.notice(f"{kind} mixed precision on {'the CPU' if self.device.type == 'cpu' else self.device}"
                               f" (faster; choose fp32 under Precision to turn it off)")
        lr_factor = batch_lr_factor(cfg.optimizer, self.state.auto_batch / REFERENCE_BATCH)
        if lr_factor != 1.0 and self.is_main:
            self.cb.notice(f"learning rate scaled x{lr_factor:.2f} for batch {self.state.auto_batch} ({cfg.optimizer})")
        if self.dist is not None:
            lr_factor *= lr_scale(cfg.optimizer, self.dist.world_size)
            if self.is_main and self.dist.world_size > 1:
                global_batch = self.state.batch_size * self.dist.world_size
                self.cb.notice(f"{self.dist.world_size} processes: global batch {global_batch}, "
                               f"learning rate scaled x{lr_factor:.2f} in all for {cfg.optimizer}")
        self.model.train()
        cancelled = stopped_early = False
        global_step = self.state.epoch * steps_per_epoch
        epoch_times: list[float] = []
        self.cb.stage("training")
        while self.state.epoch < cfg.epochs:
            epoch = self.state.epoch + 1
            t_epoch = time.monotonic()
            torch.manual_seed(epoch_seed(cfg.seed, epoch, 0))
            shuffle = torch.Generator().manual_seed(epoch_seed(cfg.seed, epoch, 1))
            aug_gen = torch.Generator().manual_seed(epoch_seed(cfg.seed, epoch, 2))
            loss_sum = torch.zeros((), device=self.device)
            correct = torch.zeros((), device=self.device, dtype=torch.long)
            seen = 0
            report_loss = torch.zeros((), device=self.device)
            report_n = 0
            last_report = time.monotonic()
            batch_size = self.state.batch_size
            steps = train_src.num_batches(batch_size)
            for step, (x, y) in enumerate(train_src.batches(batch_size, shuffle), 1):
                if self.pause.is_paused():
                    self.pause.wait_while_paused(self.cancel)
                if self.cancel.is_set():
                    cancelled = True
                    break
                progress = self.state.epoch + (step - 1) / steps
                lr = cfg.lr * lr_factor * lr_multiplier(cfg, progress)
                for g in self.optimizer.param_groups:
                    g["lr"] = lr
                ls, c = self._step_with_oom_retry(x, y, aug_gen, loss_fn)
                loss_sum += ls
                correct += c
                report_loss += ls
                seen += y.shape[0]
                report_n += y.shape[0]
                global_step += 1
                now = time.monotonic()
                if now - last_report >= REPORT_INTERVAL_S or step == steps:
                    elapsed = now - t_epoch
                    ips = seen / max(elapsed, 1e-9)
                    per_epoch = (sum(epoch_times) / len(epoch_times)) if epoch_times else elapsed / step * steps
                    eta = (steps - step) * elapsed / step + per_epoch * (cfg.epochs - epoch)
                    self.cb.batch(BatchEnd(
                        epoch=epoch, step=step, steps_per_epoch=steps, global_step=global_step,
                        loss=float(report_loss) / max(report_n, 1), lr=lr, images_per_s=ips, eta_s=eta,
                        gpu_memory_mb=memory_in_use_mb(self.device)))
                    report_loss = torch.zeros((), device=self.device)
                    report_n = 0
                    last_report = now
            if cancelled:
                break
            if seen == 0:
                raise UserError("no training batch could be formed: add images or lower the batch size")
            if isinstance(train_src, StreamBatches) and train_src.skipped:
                self.cb.notice(f"{train_src.skipped} image(s) could not be read this epoch and were skipped "
                               "(files changed while training?)", "warning")
                train_src.skipped = 0
            if self.dist is not None:
                loss_sum, correct, seen = self.dist.all_reduce_sums(loss_sum, correct, seen)
            train_loss = float(loss_sum) / max(seen, 1)
            train_acc = float(correct) / max(seen, 1)
            val_loss, val_acc, _ = self._validate(val_src, val_loss_fn)
            seconds = time.monotonic() - t_epoch
            epoch_times.append(seconds)
            self.state.epoch = epoch
            metric = val_acc if not math.isnan(val_acc) else -train_loss
            is_best = metric > self.state.best_metric
            if is_best:
                self.state.best_metric = metric
                self.state.best_epoch = epoch
                self.state.best_val_accuracy = None if math.isnan(val_acc) else val_acc
                self.state.since_best = 0
            else:
                self.state.since_best += 1
            row: dict[str, Any] = {"epoch": epoch, "train_loss": train_loss, "train_accuracy": train_acc,
                   "val_loss": None if math.isnan(val_loss) else val_loss,
                   "val_accuracy": None if math.isnan(val_acc) else val_acc,
                   "lr": lr, "seconds": seconds, "images_per_s": seen / max(seconds, 1e-9),
                   "batch_size": self.state.batch_size}
            self.state.history.append(row)
            if self.is_main:  # metrics first: a resume drops rows past the checkpoint, so none is lost
                append_jsonl(self.run / rd.METRICS, row)
                self._save(rd.LAST)
                if is_best:
                    self._save(rd.BEST)
                    self._write_model()
            self.cb.epoch(EpochEnd(epoch=epoch, epochs=cfg.epochs, train_loss=train_loss, train_accuracy=train_acc,
                                   val_loss=val_loss, val_accuracy=val_acc, lr=lr, seconds=seconds,
                                   images_per_s=row["images_per_s"], is_best=is_best))
            if cfg.early_stopping_patience and self.state.since_best >= cfg.early_stopping_patience:
                stopped_early = True
                self.cb.notice(f"stopped early: no validation improvement for {self.state.since_best} epochs")
                break
        if self.is_main and self.dist is None and cfg.calibrate and self.state.epoch > 0 and val_src is not None:
            self.cb.stage("calibrating confidences")
            from desktop_cls.core.inference.calibration import calibrate_run

            t, before, after, n = calibrate_run(self.run, val_src.batches(256, None, drop_lone=False), self.device,
                                                self.mean, self.std)
            if n:
                self.cb.notice(f"confidences calibrated on {n} validation images: temperature {t:.2f}, "
                               f"calibration error {before:.1%} -> {after:.1%}")
        total = time.monotonic() - t_start
        status = "cancelled" if cancelled else ("stopped_early" if stopped_early else "completed")
        if self.is_main:
            if self.state.epoch == 0:
                status = "cancelled_before_first_epoch" if cancelled else status
            self.cb.stage("saving")
            write_json(self.run / rd.PROBLEMS, [p.to_dict() for p in self.problems])
            rd.update_run_info(self.run, status=status, epochs_done=self.state.epoch,
                               best_epoch=self.state.best_epoch, best_val_accuracy=self.state.best_val_accuracy,
                               train_seconds=round(total, 3),
                               finished=_dt.datetime.now().isoformat(timespec="seconds"))
        return FitResult(
            run_dir=str(self.run), classes=self.classes, epochs=cfg.epochs, epochs_done=self.state.epoch,
            best_val_accuracy=self.state.best_val_accuracy, best_epoch=self.state.best_epoch,
            train_seconds=total, cancelled=cancelled, stopped_early=stopped_early,
            history=tuple(self.state.history), problems=tuple(self.problems),
            world_size=1 if self.dist is None else self.dist.world_size,
        )

    def _write_model(self) -> None:
        meta = ModelMeta(self.cfg.model, self.classes, self.cfg.image_size, self.size, self.mean, self.std,
                         dataset_fingerprint=self.data.fingerprint)
        save_native(self.model, meta, self.run / rd.MODEL, epoch=self.state.epoch,
                    val_accuracy=self.state.best_val_accuracy)


def _dataset_for(cfg: TrainConfig, data: DatasetIndex | str | Path) -> DatasetIndex:
    if isinstance(data, DatasetIndex):
        return data
    return scan(data, val_fraction=cfg.val_fraction, seed=cfg.seed)


def fit(
    config: TrainConfig,
    data: DatasetIndex | str | Path,
    out: str | Path | None = None,
    callbacks: Sequence[Any] = (),
    cancel: CancelToken | None = None,
    pause: PauseToken | None = None,
    distributed: Any = None,
) -> FitResult:
    """Train a new run. Cancel and pause are checked between batches; checkpoints are written each epoch."""
    cfg = config.validate()
    index = _dataset_for(cfg, data)
    is_main = distributed is None or distributed.rank == 0
    if distributed is not None:
        run = distributed.agree_on_run_dir(lambda: rd.new_run_dir(out, cfg.model))
    else:
        run = rd.new_run_dir(out, cfg.model)
    if is_main:
        write_json(run / rd.CONFIG, cfg.to_dict())
        write_json(run / rd.RUN_INFO, {
            "status": "starting", "created": _dt.datetime.now().isoformat(timespec="seconds"),
            "desktop_cls_version": __version__, "model": cfg.model, "dataset_root": index.root,
            "layout": index.layout, "classes": list(index.classes), "val_fraction": index.val_fraction,
            "seed": index.seed, "dataset_fingerprint": index.fingerprint,
            "split": {sp: len(index.split(sp)) for sp in ("train", "val", "test")},
        })
    trainer = Trainer(cfg, index, run, callbacks, cancel or CancelToken(), pause or PauseToken(), distributed)
    return _run(trainer, resume=False)


def resume(
    run: str | Path,
    callbacks: Sequence[Any] = (),
    cancel: CancelToken | None = None,
    pause: PauseToken | None = None,
    epochs: int | None = None,
    distributed: Any = None,
) -> FitResult:
    """Continue a run from its last completed epoch (optionally to a new total of epochs)."""
    run = Path(run).expanduser().resolve()
    if not rd.is_run_dir(run):
        raise UserError(f"{run} is not a training run folder (config.json and run.json are missing)")
    if not (run / rd.LAST).is_file():
        raise UserError(f"{run} has no checkpoint yet (it stopped before finishing an epoch); start a new run")
    cfg = TrainConfig.load(run / rd.CONFIG)
    if epochs is not None:
        cfg = cfg.replace(epochs=epochs)
    info = rd.read_run_info(run)
    root = info.get("dataset_root")
    if not isinstance(root, str) or not Path(root).is_dir():
        raise UserError(f"the dataset of {run} is no longer at {root}; move it back to resume")
    index = scan(root, val_fraction=float(info.get("val_fraction", cfg.val_fraction)),
                 seed=int(info.get("seed", cfg.seed)))
    trainer = Trainer(cfg, index, run, callbacks, cancel or CancelToken(), pause or PauseToken(), distributed)
    return _run(trainer, resume=True)


def _run(trainer: Trainer, resume: bool) -> FitResult:
    try:
        return trainer.fit(resume=resume)
    except CancelledError:
        if trainer.is_main and (trainer.run / rd.RUN_INFO).exists():
            rd.update_run_info(trainer.run, status="cancelled", epochs_done=trainer.state.epoch)
        return FitResult(run_dir=str(trainer.run), classes=trainer.classes, epochs=trainer.cfg.epochs,
                         epochs_done=trainer.state.epoch, best_val_accuracy=trainer.state.best_val_accuracy,
                         best_epoch=trainer.state.best_epoch, train_seconds=0.0, cancelled=True,
                         history=tuple(trainer.state.history), problems=tuple(trainer.problems))
    except BaseException as e:
        if trainer.is_main and (trainer.run / rd.RUN_INFO).exists():
            with contextlib.suppress(OSError):
                rd.update_run_info(trainer.run, status="failed", error=str(e) or type(e).__name__)
        raise
