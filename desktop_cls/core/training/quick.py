"""The quick mode (Create ML / Teachable Machine's recipe): a frozen pretrained backbone, its features
computed once per image and cached, and a linear head fitted in about a second.

The run it leaves is an ordinary run: model.safetensors holds the whole network (backbone + fitted head),
so prediction, evaluation, Grad-CAM and export need nothing special.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from desktop_cls.core.devices import resolve_device
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, EpochEnd, PauseToken
from desktop_cls.core.i18n import _, join_list
from desktop_cls.core.inference.calibration import calibrate_logits, softmax
from desktop_cls.core.inference.cross_validated import save_cross_validated
from desktop_cls.core.models.architectures import build_model, count_parameters, head_linear, hub_weights_path
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.models.model_io import ModelMeta, save_native
from desktop_cls.core.training.backbone_choice import record_speed
from desktop_cls.core.training.callbacks import CallbackList, MetricsLog
from desktop_cls.core.training.choices import PoolingChoice, choose_pooling, cv_folds_for_counts
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import (
    FOR_RUN,
    FOR_SUGGESTIONS,
    FeatureExtractor,
    backbone_key,
    cross_validated_logits,
    fit_linear_head,
    head_logits,
    weights_digest,
)
from desktop_cls.core.training.fit_result import FitResult, TrainState
from desktop_cls.core.training.lifecycle import RunLifecycle
from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv

SPEED_SAMPLE = 16  # images: fewer time the start-up more than the backbone


def weights_identity(cfg: TrainConfig) -> str:
    """A short digest of the weights the backbone starts from: part of every cached feature's key."""
    if cfg.weights_file:
        return weights_digest(Path(cfg.weights_file).expanduser())
    if MODELS[cfg.model].bundled_weights:
        from desktop_cls.core.models.efficientnet_lite_family import weights_path

        return weights_digest(weights_path(cfg.model))
    hub = hub_weights_path(cfg.model)
    return weights_digest(hub) if hub.is_file() else hub.stem


def backbone_extractor(cfg: TrainConfig, num_classes: int, device: torch.device,
                       cache_root: Path | None = None, pooling: str = "avg", origin: str = FOR_RUN) -> FeatureExtractor:
    """The pretrained network (with a fresh head for num_classes) wrapped as a cached feature extractor; origin: who
    the features it computes are for (a run, or the live suggestions), kept with each in the cache."""
    info = MODELS[cfg.model]
    model = build_model(cfg.model, num_classes, cfg.image_size, pretrained=True, weights_file=cfg.weights_file,
                        download=cfg.download_weights, pooling=pooling).to(device)
    size = (cfg.image_size, cfg.image_size)
    key = backbone_key(cfg.model, weights_identity(cfg), size, pooling)
    return FeatureExtractor(model, key, size, info.mean, info.std, device, cache_root, origin)


def _loss_acc(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(y) == 0:
        return float("nan"), float("nan")
    p = softmax(z)
    loss = float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())
    return loss, float((z.argmax(1) == y).mean())


def class_accuracy(z: np.ndarray, y: np.ndarray, num_classes: int) -> list[float | None]:
    """Each class's share of its validated images predicted right (None: none validated), for the Train page's
    summary of a quick run: which classes need more pictures."""
    right = np.bincount(y[z.argmax(1) == y], minlength=num_classes) if len(y) else np.zeros(num_classes)
    seen = np.bincount(y, minlength=num_classes)
    return [float(right[k] / seen[k]) if seen[k] else None for k in range(num_classes)]


def _split(feats_paths: Sequence[str], vectors: np.ndarray, samples: Sequence[Sample], split: str
           ) -> tuple[np.ndarray, np.ndarray]:
    by_path = {s.path: s for s in samples}
    rows = [i for i, p in enumerate(feats_paths) if by_path[p].split == split]
    return vectors[rows], np.array([by_path[feats_paths[i]].label for i in rows], dtype=np.int64)


def _rows_order(feats_paths: Sequence[str], samples: Sequence[Sample]) -> list[str]:
    """The images in the order of the rows of x_tr then x_va: training ones, then validation ones."""
    split_of = {s.path: s.split for s in samples}
    return [p for p in feats_paths if split_of[p] == "train"] + [p for p in feats_paths if split_of[p] == "val"]


def _cv_rows(f: _Features) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every labeled image (paths, features, labels) in the order of its path, as cross-validation deals them into
    folds: the folds follow the images and the seed, not which of them the held-out split took (the rows came
    training ones first) nor the order an index listed them in, so the app and the CLI cross-validate alike."""
    rank = sorted(range(len(f.row_paths)), key=f.row_paths.__getitem__)
    x, y = np.concatenate([f.x_tr, f.x_va]), np.concatenate([f.y_tr, f.y_va])
    return [f.row_paths[i] for i in rank], x[rank], y[rank]


def _learned_digests(f: _Features, samples: Sequence[Sample], cv_folds: int) -> list[str]:
    """The content digests of the pictures the head learned: the training ones; with cross-validation, all."""
    split_of = {s.path: s.split for s in samples}
    return [d for p, d in zip(f.paths, f.digests, strict=True) if cv_folds or split_of[p] == "train"]


def _cv_folds(y_tr: np.ndarray, y_va: np.ndarray, val_fraction: float) -> int:
    """Cross-validate (returns the folds) when the validation split would be too small to trust."""
    return cv_folds_for_counts(np.bincount(np.concatenate([y_tr, y_va])).tolist(), val_fraction)


def as_run(cfg: TrainConfig) -> TrainConfig:
    """The options as a quick run uses them, for its config.json: no augmentation (each image's features are
    computed once, as the image is). The planner keeps the flips in the options for a switch of method."""
    return replace(cfg, augmentation=replace(cfg.augmentation, hflip=False, vflip=False, random_resized_crop=False,
                                             rotation_degrees=0.0, color_jitter=0.0))


class QuickFit:
    """One quick run: features (cached) -> linear head -> calibration -> the whole network saved as the run's
    model. It goes through the run's lifecycle and the loop's MetricsLog callback as a full training does,
    so run.json, metrics.jsonl and the full-disk rule are the same; run.fit() runs it."""

    def __init__(self, cfg: TrainConfig, index: DatasetIndex, run: Path, callbacks: Sequence[Any],
                 cancel: CancelToken, pause: PauseToken | None = None) -> None:
        self.cfg, self.index, self.run, self.cancel = as_run(cfg), index, run, cancel
        self.pause = pause or PauseToken()  # held between feature batches: the one long step of a quick run
        self.state = TrainState()
        self.problems: list[Problem] = list(index.problems)
        self.life = RunLifecycle(run, index.classes)
        self.is_main, self.resumed, self.stopped_early = True, False, False  # what MetricsLog reads (a Loop)
        metrics = MetricsLog()
        metrics.on_fit_start(self)  # type: ignore[arg-type]  # the quick run has no model to show until saved
        self.cb = CallbackList([metrics, *callbacks])

    def fit(self, resume: bool = False) -> FitResult:
        if resume:
            raise UserError(_("a quick run has no epochs to continue; train it again instead"))
        t0 = time.monotonic()
        device = resolve_device(self.cfg.device)
        f = _features(self.cfg, self.index, self.cb, self.cancel, device, self.pause)
        self.problems = f.problems
        self.cancel.raise_if_set()
        self.life.set_up(parameters=count_parameters(f.ext.model), device=str(device), precision="fp32",
                         train_images=len(f.y_tr), val_images=len(f.y_va))
        h = _fit_head(self.cfg, f, len(self.index.classes), self.cb, self.cancel)
        self.cb.notice(_("time split: features {features:.1f} s (decoding {decode:.1f} s, network {network:.1f} s), "
                         "classifier head {head:.1f} s").format(features=f.seconds, decode=f.decode_seconds,
                                                                 network=f.network_seconds, head=h.seconds)
                       if f.computed else _("time split: features {features:.1f} s (all from the cache), classifier "
                                            "head {head:.1f} s").format(features=f.seconds, head=h.seconds))
        extra = _save(self.cfg, self.index, self.run, f, h, self.cb, self.cancel)
        if h.cv_paths:  # Evaluate shows these: no image is left that the final head has not learned
            save_cross_validated(self.run, self.index.root, h.cv_paths, h.y_va, h.z_va, h.cv_folds)
        self.life.trains_on(_learned_digests(f, self.index.samples, h.cv_folds))  # hashed for the feature cache
        seconds = time.monotonic() - t0 - f.paused_seconds
        self._epoch_end(h, seconds, len(f.paths) / max(f.seconds, 1e-9))
        if h.c is not None:  # config.json says the strength the run chose, not the unused option
            rd.update_config(self.run, head_c=h.c)
        self.life.ended(self.state, seconds, self.problems, facts={
            "method": "quick", "pooling": f.pooling.pooling, "pooling_reason": f.pooling.reason,
            "train_images": len(h.y_tr), "val_images": len(h.y_va), "features_computed": f.computed,
            "features_cached": f.cached, **f.cached_from(), "head_seconds": round(h.seconds, 3),
            "feature_seconds": round(f.seconds, 3), "decode_seconds": round(f.decode_seconds, 3),
            "network_seconds": round(f.network_seconds, 3), "feature_engine": f.engine,
            "cv_folds": h.cv_folds, "head_c": h.c,  # the Train page's summary of the run, read back after a restart
            "class_accuracy": class_accuracy(h.z_va, h.y_va, len(self.index.classes)),
            "validation": _("{cv_folds}-fold cross-validation").format(cv_folds=h.cv_folds) if h.cv_folds
            else _("held-out split"),
            **({"val_fraction": 0.0, "split": {"train": len(h.y_tr), "val": 0, "test": len(self.index.split("test"))}}
               if h.cv_folds else {})})  # Evaluate: no split the model has not seen; every image trained the head
        return self.life.result(self.state, 1, seconds, self.problems, extra={
            "method": "quick", "model": self.cfg.model, "features_computed": f.computed, "features_cached": f.cached,
            **f.cached_from(),
            "feature_seconds": f.seconds, "decode_seconds": f.decode_seconds, "network_seconds": f.network_seconds,
            "head_seconds": h.seconds, "head_c": h.c, "val_images": len(h.y_va), "cv_folds": h.cv_folds,
            "class_accuracy": class_accuracy(h.z_va, h.y_va, len(self.index.classes)), **extra})

    def _epoch_end(self, h: _Head, seconds: float, images_per_s: float) -> None:
        """The head's fit as the run's one epoch, through the callbacks (MetricsLog writes metrics.jsonl)."""
        train_loss, train_acc = _loss_acc(h.z_tr, h.y_tr)
        val_loss, val_acc = _loss_acc(h.z_va, h.y_va)
        self.state.epoch, self.state.best_epoch = 1, 1
        self.state.best_val_accuracy = None if np.isnan(val_acc) else val_acc
        self.cb.epoch(EpochEnd(epoch=1, epochs=1, train_loss=train_loss, train_accuracy=train_acc,
                               val_loss=val_loss, val_accuracy=val_acc, lr=0.0, seconds=seconds,
                               images_per_s=images_per_s, is_best=True))


@dataclass
class _Features:
    ext: FeatureExtractor
    pooling: PoolingChoice
    paths: list[str]
    computed: int
    cached: int
    seconds: float
    decode_seconds: float
    network_seconds: float
    engine: str
    x_tr: np.ndarray
    y_tr: np.ndarray
    x_va: np.ndarray
    y_va: np.ndarray
    problems: list[Problem]
    digests: list[str]  # content digests, as paths
    row_paths: list[str]  # the images of the rows of x_tr, then x_va
    paused_seconds: float = 0.0  # the feature pass held by Pause: not part of any time reported
    cached_by: tuple[tuple[str, int], ...] = ()  # (who computed them, how many) of the cached features

    def cached_from(self) -> dict[str, int]:
        """Of the features read from the cache, how many a run computed and how many the live suggestions did (the
        rest came from entries that do not say): the Train page's summary says where they came from."""
        by = dict(self.cached_by)
        return {"features_cached_from_runs": by.get(FOR_RUN, 0),
                "features_cached_for_suggestions": by.get(FOR_SUGGESTIONS, 0)}


@dataclass
class _Head:
    weight: np.ndarray
    bias: np.ndarray
    z_tr: np.ndarray
    y_tr: np.ndarray
    z_va: np.ndarray
    y_va: np.ndarray
    cv_folds: int
    seconds: float
    c: float | None = None  # the strength chosen by cross-validation, where it was chosen
    cv_paths: list[str] | None = None  # with cross-validation, the image of each row of z_va


def _features(cfg: TrainConfig, index: DatasetIndex, cb: CallbackList, cancel: CancelToken,
              device: torch.device, pause: PauseToken | None = None) -> _Features:
    """The backbone's features of every train and validation image (from the cache where they are)."""
    cb.stage(_("loading the pretrained backbone"), key="backbone")
    pool = choose_pooling(index.typical_size, cfg.model)
    cb.notice(pool.reason)
    ext = backbone_extractor(cfg, len(index.classes), device, pooling=pool.pooling)
    samples = [s for s in index.samples if s.split in ("train", "val")]
    if not any(s.split == "train" for s in samples):
        raise UserError(_("no training images: every class needs at least one readable image"))
    t_feat = time.monotonic()
    feats = ext.features([s.path for s in samples], progress=lambda d, t, w: cb.stage(w, d, t, "features"),
                         cancel=cancel, pause=pause)
    feat_s = time.monotonic() - t_feat - feats.paused_seconds
    x_tr, y_tr = _split(feats.paths, feats.vectors, samples, "train")
    x_va, y_va = _split(feats.paths, feats.vectors, samples, "val")
    if len(y_tr) == 0:
        raise UserError(_("none of the training images could be read; see the problems list"))
    cached = len(samples) - feats.computed
    if feats.computed >= SPEED_SAMPLE:  # this computer's speed, for the next automatic choice of backbone
        record_speed(cfg.model, feats.computed / max(feat_s, 1e-9))
    if not feats.computed:  # a re-fit: "computed once (all already in the cache)" contradicted itself
        cb.notice(_("quick mode: the features of all {count} images came from the cache ({seconds:.1f} s)").format(
            count=len(feats.paths), seconds=feat_s))
    else:
        cb.notice(_("quick mode: features of {computed} images computed in {seconds:.1f} s ({cached} more came "
                    "from the cache)").format(computed=feats.computed, cached=cached, seconds=feat_s))
        cb.notice(_("of which decoding the images {decode:.1f} s (on a background thread, the network waiting "
                    "{waited:.1f} s of it) and the network {network:.1f} s ({engine})").format(
                decode=feats.decode_seconds, waited=feats.waited_seconds, network=feats.network_seconds,
                engine=_(feats.engine)))
    problems = [*index.problems, *(Problem(e.path, e.kind, e.message) for e in feats.missing)]
    return _Features(ext, pool, list(feats.paths), feats.computed, cached, feat_s, feats.decode_seconds,
                     feats.network_seconds, feats.engine, x_tr, y_tr, x_va, y_va, problems, list(feats.digests),
                     _rows_order(feats.paths, samples), feats.paused_seconds, feats.cached_by)


def _fit_head(cfg: TrainConfig, f: _Features, num_classes: int, cb: CallbackList, cancel: CancelToken) -> _Head:
    """A linear head on the features; with few images, validated by cross-validation and fitted on all. A cancel
    is heard at every step of every head's fit (CancelledError: the run ends stopped, no model written)."""
    cb.stage(_("fitting the classifier head"), key="fitting")
    t_head = time.monotonic()
    x_tr, y_tr, y_va = f.x_tr, f.y_tr, f.y_va
    cv_folds = _cv_folds(f.y_tr, f.y_va, cfg.val_fraction)
    cv_logits, chosen_c, cv_paths = None, None, None
    if cv_folds:  # few images: every one of them trains the final head, each is validated by one that did not
        cv_paths, x_tr, y_tr = _cv_rows(f)
        y_va = y_tr
        cb.notice(_("few images: accuracy measured by {cv_folds}-fold cross-validation on all {count} labeled "
                    "images, and the final model learns from all of them").format(
                cv_folds=cv_folds, count=len(y_tr)))
    if cv_folds and f.pooling.pooling != "max":  # pictures, not scans: standardised features, C chosen by CV
        fit = fit_head_cv(x_tr, y_tr, num_classes, STANDARDISED_C_GRID, folds=cv_folds, seed=cfg.seed,
                          standardise=True, cancel=cancel)
        weight, bias, cv_logits, chosen_c = fit.weight, fit.bias, fit.cv_logits, float(fit.c)
        cb.notice(_("head strength C = {c:g}: the lowest cross-validated loss of {tried}").format(
                c=fit.c, tried=join_list(f"{c:g}" for c in STANDARDISED_C_GRID)))
    else:
        if cv_folds:
            cv_logits = cross_validated_logits(x_tr, y_tr, num_classes, cv_folds, c=cfg.head_c, seed=cfg.seed,
                                               cancel=cancel)
        weight, bias = fit_linear_head(x_tr, y_tr, num_classes, c=cfg.head_c, cancel=cancel)
    z_va = cv_logits if cv_logits is not None else head_logits(f.x_va, weight, bias)
    return _Head(weight, bias, head_logits(x_tr, weight, bias), y_tr, z_va, y_va, cv_folds,
                 time.monotonic() - t_head, chosen_c, cv_paths)


def _save(cfg: TrainConfig, index: DatasetIndex, run: Path, f: _Features, h: _Head, cb: CallbackList,
          cancel: CancelToken) -> dict[str, Any]:
    """The fitted head into the network, its confidences calibrated, saved as the run's model file. The last
    cancel heard is just before "saving": the save is short and atomic, so a Stop from then on lets it finish
    (the Train page says so) and the run ends finished, never with half of its files."""
    head = head_linear(f.ext.model)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(h.weight))
        head.bias.copy_(torch.from_numpy(h.bias))
    temperature, extra = 1.0, {}
    if cfg.calibrate and len(h.y_va):
        cal = calibrate_logits(h.z_va, h.y_va, cross_validated=bool(h.cv_folds))
        cb.notice(cal.message())
        if cal.applied:
            temperature = cal.temperature
            extra = {"ece_uncalibrated": cal.ece_before, "ece_calibrated": cal.ece_after}
    val_acc = _loss_acc(h.z_va, h.y_va)[1]
    cancel.raise_if_set()
    cb.stage(_("saving"), key="saving")
    info = MODELS[cfg.model]
    meta = ModelMeta(cfg.model, index.classes, cfg.image_size, f.ext.size, info.mean, info.std,
                     temperature=temperature, dataset_fingerprint=index.fingerprint, pooling=f.pooling.pooling)
    save_native(f.ext.model, meta, run / rd.MODEL, epoch=1, val_accuracy=None if np.isnan(val_acc) else val_acc,
                mode="quick", **extra)
    return extra
