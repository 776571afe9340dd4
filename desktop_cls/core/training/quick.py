"""The quick mode (Create ML / Teachable Machine's recipe): a frozen pretrained backbone, its features
computed once per image and cached, and a linear head fitted in about a second.

The run it leaves is an ordinary run: model.safetensors holds the whole network (backbone + fitted head),
so prediction, evaluation, Grad-CAM and export need nothing special.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from desktop_cls.core.devices import resolve_device
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken, EpochEnd
from desktop_cls.core.inference.calibration import fit_temperature, softmax
from desktop_cls.core.inference.metrics import expected_calibration_error
from desktop_cls.core.models.architectures import build_model, count_parameters, head_linear, hub_weights_path
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.models.model_io import ModelMeta, save_native
from desktop_cls.core.storage import append_jsonl, write_json
from desktop_cls.core.training.callbacks import CallbackList
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import (
    FeatureExtractor,
    backbone_key,
    fit_linear_head,
    head_logits,
    weights_digest,
)
from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.core.training.run_record import record_stop


def weights_identity(cfg: TrainConfig) -> str:
    """A short digest of the weights the backbone starts from: part of every cached feature's key."""
    if cfg.weights_file:
        return weights_digest(Path(cfg.weights_file).expanduser())
    if MODELS[cfg.model].bundled_weights:
        from desktop_cls.core.models.efficientnet_lite import bundled_weights_path

        return weights_digest(bundled_weights_path())
    hub = hub_weights_path(cfg.model)
    return weights_digest(hub) if hub.is_file() else hub.stem


def backbone_extractor(cfg: TrainConfig, num_classes: int, device: torch.device,
                       cache_root: Path | None = None) -> FeatureExtractor:
    """The pretrained network (with a fresh head for num_classes) wrapped as a cached feature extractor."""
    info = MODELS[cfg.model]
    model = build_model(cfg.model, num_classes, cfg.image_size, pretrained=True, weights_file=cfg.weights_file,
                        download=cfg.download_weights).to(device)
    size = (cfg.image_size, cfg.image_size)
    key = backbone_key(cfg.model, weights_identity(cfg), size)
    return FeatureExtractor(model, key, size, info.mean, info.std, device, cache_root)


def _loss_acc(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(y) == 0:
        return float("nan"), float("nan")
    p = softmax(z)
    loss = float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())
    return loss, float((z.argmax(1) == y).mean())


def _split(feats_paths: Sequence[str], vectors: np.ndarray, samples: Sequence[Sample], split: str
           ) -> tuple[np.ndarray, np.ndarray]:
    by_path = {s.path: s for s in samples}
    rows = [i for i, p in enumerate(feats_paths) if by_path[p].split == split]
    return vectors[rows], np.array([by_path[feats_paths[i]].label for i in rows], dtype=np.int64)


def fit_quick(cfg: TrainConfig, index: DatasetIndex, run: Path, callbacks: Sequence[Any],
              cancel: CancelToken) -> FitResult:
    """Features (cached) -> linear head -> calibration -> the whole network saved as the run's model."""
    cb = CallbackList(callbacks)
    t0 = time.monotonic()
    try:
        return _fit_quick(cfg, index, run, cb, cancel, t0)
    except CancelledError:
        record_stop(run, "cancelled_before_first_epoch", epochs_done=0)
        return FitResult(run_dir=str(run), classes=index.classes, epochs=1, epochs_done=0, best_val_accuracy=None,
                         best_epoch=0, train_seconds=time.monotonic() - t0, cancelled=True)
    except BaseException as e:
        record_stop(run, "failed", error=str(e) or type(e).__name__)
        raise


def _fit_quick(cfg: TrainConfig, index: DatasetIndex, run: Path, cb: CallbackList, cancel: CancelToken,
               t0: float) -> FitResult:
    device = resolve_device(cfg.device)
    classes = index.classes
    cb.stage("loading the pretrained backbone")
    ext = backbone_extractor(cfg, len(classes), device)
    samples = [s for s in index.samples if s.split in ("train", "val")]
    if not any(s.split == "train" for s in samples):
        raise UserError("no training images: every class needs at least one readable image")
    t_feat = time.monotonic()
    feats = ext.features([s.path for s in samples], progress=lambda d, t, w: cb.stage(w, d, t), cancel=cancel)
    feat_s = time.monotonic() - t_feat
    problems = [*index.problems, *(Problem(e.path, e.kind, e.message) for e in feats.missing)]
    x_tr, y_tr = _split(feats.paths, feats.vectors, samples, "train")
    x_va, y_va = _split(feats.paths, feats.vectors, samples, "val")
    if len(y_tr) == 0:
        raise UserError("none of the training images could be read; see the problems list")
    cached = len(samples) - feats.computed
    cb.notice(f"quick mode: features of {len(feats.paths)} images computed once "
              f"({cached} already in the cache) in {feat_s:.1f} s")
    cancel.raise_if_set()
    cb.stage("fitting the classifier head")
    t_head = time.monotonic()
    weight, bias = fit_linear_head(x_tr, y_tr, len(classes), c=cfg.head_c)
    head_s = time.monotonic() - t_head
    z_tr, z_va = head_logits(x_tr, weight, bias), head_logits(x_va, weight, bias)
    train_loss, train_acc = _loss_acc(z_tr, y_tr)
    val_loss, val_acc = _loss_acc(z_va, y_va)
    head = head_linear(ext.model)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(weight))
        head.bias.copy_(torch.from_numpy(bias))
    info = MODELS[cfg.model]
    temperature, extra = 1.0, {}
    if cfg.calibrate and len(y_va):
        temperature = fit_temperature(z_va, y_va)
        extra = {"ece_uncalibrated": expected_calibration_error(y_va, softmax(z_va)),
                 "ece_calibrated": expected_calibration_error(y_va, softmax(z_va, temperature))}
        cb.notice(f"confidences calibrated on {len(y_va)} validation images: temperature {temperature:.2f}")
    best = None if np.isnan(val_acc) else val_acc
    cb.stage("saving")
    meta = ModelMeta(cfg.model, classes, cfg.image_size, ext.size, info.mean, info.std, temperature=temperature,
                     dataset_fingerprint=index.fingerprint)
    save_native(ext.model, meta, run / rd.MODEL, epoch=1, val_accuracy=best, mode="quick", **extra)
    seconds = time.monotonic() - t0
    images_per_s = len(feats.paths) / max(feat_s, 1e-9)
    row: dict[str, Any] = {"epoch": 1, "train_loss": train_loss, "train_accuracy": train_acc,
           "val_loss": None if best is None else val_loss, "val_accuracy": best, "lr": 0.0,
           "seconds": seconds, "images_per_s": images_per_s, "batch_size": 0}
    append_jsonl(run / rd.METRICS, row)
    write_json(run / rd.PROBLEMS, [p.to_dict() for p in problems])
    rd.update_run_info(run, status="completed", mode="quick", epochs_done=1, best_epoch=1, best_val_accuracy=best,
                       parameters=count_parameters(ext.model), device=str(device), precision="fp32",
                       train_images=len(y_tr), val_images=len(y_va), features_computed=feats.computed,
                       features_cached=cached, head_seconds=round(head_s, 3), train_seconds=round(seconds, 3),
                       finished=_dt.datetime.now().isoformat(timespec="seconds"))
    cb.epoch(EpochEnd(epoch=1, epochs=1, train_loss=train_loss, train_accuracy=train_acc, val_loss=val_loss,
                      val_accuracy=val_acc, lr=0.0, seconds=seconds, images_per_s=images_per_s, is_best=True))
    return FitResult(run_dir=str(run), classes=classes, epochs=1, epochs_done=1, best_val_accuracy=best,
                     best_epoch=1, train_seconds=seconds, history=(row,), problems=tuple(problems),
                     extra={"mode": "quick", "features_computed": feats.computed, "features_cached": cached,
                            "head_seconds": head_s})
