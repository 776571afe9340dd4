"""Where training batches come from: decoded tensors in memory (fast path) or a streaming loader."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence

import torch

from desktop_cls.core.data.dataset import Problem, Sample
from desktop_cls.core.data.image_cache import StreamingImages, available_memory_bytes, decode_samples, estimate_bytes
from desktop_cls.core.devices import free_memory_bytes
from desktop_cls.core.events import CancelToken, ProgressFn
from desktop_cls.core.i18n import N_, _, ngettext
from desktop_cls.core.training.config import TrainConfig


class TensorBatches:
    """Batches indexed out of one uint8 tensor, on the training device when it fits there."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, device: torch.device) -> None:
        self.device = device
        self.images = images
        self.labels = labels
        self.on_device = images.device.type == device.type
        if device.type == "cuda" and not self.on_device:
            self.images = images.pin_memory()
        self.labels_dev = labels.to(device)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def truncate(self, n: int) -> None:
        self.images = self.images[:n]
        self.labels = self.labels[:n]
        self.labels_dev = self.labels_dev[:n]

    def batches(self, batch_size: int, gen: torch.Generator | None,
                drop_lone: bool = True) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self)
        order = torch.randperm(n, generator=gen) if gen is not None else torch.arange(n)
        for i in range(0, n, batch_size):
            idx = order[i:i + batch_size]
            if drop_lone and idx.numel() == 1 and batch_size > 1:
                continue  # a lone last sample breaks BatchNorm in training mode
            if self.on_device:
                idx_d = idx.to(self.device, non_blocking=True)
                yield self.images[idx_d], self.labels_dev[idx_d]
            else:
                x = self.images[idx]
                yield x.to(self.device, non_blocking=True), self.labels[idx].to(self.device, non_blocking=True)

    def num_batches(self, batch_size: int) -> int:
        return (len(self) + batch_size - 1) // batch_size


class _OrderSampler(torch.utils.data.Sampler[int]):
    """Yields whatever order was set last, so one DataLoader (and its workers) serves every epoch."""

    def __init__(self, n: int) -> None:
        self.order: list[int] = list(range(n))

    def __iter__(self) -> Iterator[int]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


class StreamBatches:
    """Decode on the fly in DataLoader workers; unreadable files are dropped from their batch."""

    def __init__(self, dataset: StreamingImages, device: torch.device, workers: int) -> None:
        self.dataset = dataset
        self.device = device
        self.workers = workers
        self.skipped = 0
        self._sampler = _OrderSampler(len(dataset))
        self._loader: torch.utils.data.DataLoader[tuple[torch.Tensor, int, bool]] | None = None
        self._loader_batch = 0

    def _loader_for(self, batch_size: int) -> torch.utils.data.DataLoader[tuple[torch.Tensor, int, bool]]:
        if self._loader is None or self._loader_batch != batch_size:
            self._loader = torch.utils.data.DataLoader(
                self.dataset, batch_size=batch_size, sampler=self._sampler, num_workers=self.workers,
                pin_memory=self.device.type == "cuda", persistent_workers=self.workers > 0,
                multiprocessing_context="spawn" if self.workers > 0 else None,
            )
            self._loader_batch = batch_size
        return self._loader

    def __len__(self) -> int:
        return len(self.dataset)

    def num_batches(self, batch_size: int) -> int:
        return (len(self) + batch_size - 1) // batch_size

    def batches(self, batch_size: int, gen: torch.Generator | None,
                drop_lone: bool = True) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.dataset)
        self._sampler.order = (torch.randperm(n, generator=gen) if gen is not None else torch.arange(n)).tolist()
        for x, y, ok in self._loader_for(batch_size):
            if not bool(ok.all()):
                self.skipped += int((~ok).sum())
                x, y = x[ok], y[ok]
            if x.shape[0] == 0 or (drop_lone and x.shape[0] == 1 and batch_size > 1):
                continue
            yield x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)


# The images' set as the notices name it (trainer passes "training" or "validation").
_SET_NAMES = {"training": N_("training"), "validation": N_("validation")}


def build_source(samples: Sequence[Sample], size: tuple[int, int], device: torch.device, cfg: TrainConfig,
                 name: str, notice: Callable[..., None], progress: ProgressFn, cancel: CancelToken | None
                 ) -> tuple[TensorBatches | StreamBatches, list[Problem]]:
    """Decoded tensors when they fit the memory budget (on the GPU when it has room), else streaming."""
    name = _(_SET_NAMES[name]) if name in _SET_NAMES else name
    need = estimate_bytes(len(samples), size)
    budget = (cfg.cache_memory_mb << 20) if cfg.cache_memory_mb else available_memory_bytes() // 4
    if cfg.cache_images == "off" or (cfg.cache_images == "auto" and need > budget):
        workers = cfg.num_workers or min(8, max(1, (os.cpu_count() or 2) - 1))
        if getattr(sys, "frozen", False):
            workers = 0  # a frozen app cannot re-launch itself as a spawn worker reliably: decode in-process
        if cfg.cache_images == "auto":
            notice(_("{name}: {need} MB of decoded images exceed the {budget} MB memory budget; decoding on the fly "
                     "with {workers} workers").format(
                    name=name, need=need >> 20, budget=budget >> 20, workers=workers))
        return StreamBatches(StreamingImages(samples, size), device, workers), []
    decoded, probs = decode_samples(samples, size, progress=progress, cancel=cancel,
                                    disk_cache=cfg.cache_images == "disk")
    if probs:
        notice(ngettext("{count} {name} image could not be read and is left out: {path}: {message}",
                        "{count} {name} images could not be read and are left out, e.g. {path}: {message}",
                        len(probs)).format(
                count=len(probs), name=name, path=probs[0].path, message=probs[0].message), "warning")
    images = decoded.images
    if device.type == "cuda" and images.numel() < free_memory_bytes(device) // 3:
        images = images.to(device)
    return TensorBatches(images, decoded.labels, device), probs
