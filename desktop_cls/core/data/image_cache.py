"""Decode each image once: a uint8 tensor of every sample, built in parallel, kept in RAM (or on the
GPU), and optionally saved to disk so the next run on the same files starts warm.

When the images do not fit the memory budget, `StreamingImages` decodes batches on the fly in
DataLoader workers instead; both hand the trainer uint8 N x 3 x H x W batches.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import torch

from desktop_cls.core.app_files import AppFileError, read_app_json
from desktop_cls.core.data.dataset import Problem, Sample
from desktop_cls.core.data.imaging import DECODER_VERSION, load_resized, load_resized_all
from desktop_cls.core.data.processes import CHUNKS_PER_WORKER, bounded_map, reading_pool, reading_workers
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.storage import user_cache_dir, write_atomic_with, write_json


@dataclass
class DecodedImages:
    images: torch.Tensor  # N x 3 x H x W uint8
    labels: torch.Tensor  # N int64
    paths: list[str]


_PROCESS_FILES = 5000  # files from which they are decoded in worker processes (as the predictor's)
_CHUNK = 32  # files per request


def cache_key(samples: Sequence[Sample], size: tuple[int, int]) -> str:
    h = hashlib.sha256(f"v{DECODER_VERSION}:{size[0]}x{size[1]}".encode())
    for s in samples:
        try:
            st = os.stat(s.path)
            h.update(f"\0{s.path}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            h.update(f"\0{s.path}\0missing".encode())
    return h.hexdigest()[:32]


def estimate_bytes(n: int, size: tuple[int, int]) -> int:
    return n * 3 * size[0] * size[1]


def available_memory_bytes() -> int:
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES")
        page = os.sysconf("SC_PAGE_SIZE")
        return int(pages * page)
    except (ValueError, OSError, AttributeError):
        return 4 << 30


def decode_samples(
    samples: Sequence[Sample],
    size: tuple[int, int],
    workers: int | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    disk_cache: bool = False,
    cache_dir: Path | None = None,
) -> tuple[DecodedImages, list[Problem]]:
    """Decode every sample once; unreadable files are dropped and returned as problems."""
    key = cache_key(samples, size)
    cdir = (cache_dir or user_cache_dir() / "images") if disk_cache else None
    if cdir is not None:
        hit = _read_disk_cache(cdir, key, samples)
        if hit is not None:
            progress(len(samples), len(samples), _("loaded decoded images from cache"))
            return hit
    n = len(samples)
    h, w = size
    # the trainer's layout: each picture lands where it stays (a permuted and a compacted copy of them all
    # were the peak of a large folder's memory)
    out = np.empty((n, 3, h, w), dtype=np.uint8)
    ok = np.zeros(n, dtype=bool)
    problems: list[Problem] = []
    nworkers = workers or min(32, (os.cpu_count() or 2) + 2)
    done = 0
    paths = [s.path for s in samples]
    chunks = [paths[i:i + _CHUNK] for i in range(0, n, _CHUNK)]
    ahead = CHUNKS_PER_WORKER * reading_workers(n, _PROCESS_FILES, nworkers)
    # from _PROCESS_FILES in worker processes: decoding small pictures is mostly Python, and threads doing it
    # held the interpreter lock the window's UI thread waits for while a large folder trained; a few chunks
    # handed out at a time (Executor.map made a Future per file, 30,000 in one loop holding that lock)
    with reading_pool(n, _PROCESS_FILES, nworkers) as pool:
        per_chunk = bounded_map(pool, partial(load_resized_all, size=size), chunks, 1, ahead)
        results = (r for chunk in per_chunk for r in chunk)
        for i, r in enumerate(results):
            if isinstance(r, ImageLoadError):
                problems.append(Problem(r.path, r.kind, r.message))
            else:
                out[i] = r.transpose(2, 0, 1)
                ok[i] = True
            done += 1
            if done % 64 == 0 or done == n:
                progress(done, n, _("decoding images"))
                if cancel is not None and cancel.is_set():
                    pool.shutdown(wait=False, cancel_futures=True)
                    cancel.raise_if_set()
    keep = np.flatnonzero(ok)
    images = torch.from_numpy(out if len(keep) == n else out[keep])  # a copy only when a file was left out
    kept = [samples[int(i)] for i in keep]
    labels = torch.tensor([s.label for s in kept], dtype=torch.int64)
    decoded = DecodedImages(images, labels, [s.path for s in kept])
    if cdir is not None:
        _write_disk_cache(cdir, key, decoded, problems)
    return decoded, problems


def _write_disk_cache(cdir: Path, key: str, d: DecodedImages, problems: list[Problem]) -> None:
    try:
        arr = d.images.numpy()

        def save(p: Path) -> None:
            with open(p, "wb") as f:
                np.save(f, arr, allow_pickle=False)

        write_atomic_with(cdir / f"{key}.npy", save)
        write_json(cdir / f"{key}.json", {"key": key, "digest": _array_digest(arr), "paths": d.paths,
                                          "labels": d.labels.tolist(), "problems": [p.to_dict() for p in problems]})
    except OSError:
        pass  # a cache is an optimisation; a full disk must not fail the run


def _read_disk_cache(cdir: Path, key: str, samples: Sequence[Sample]) -> tuple[DecodedImages, list[Problem]] | None:
    npy, meta = cdir / f"{key}.npy", cdir / f"{key}.json"
    if not (npy.is_file() and meta.is_file()):
        return None
    try:
        info = read_app_json(meta)
        arr = np.load(npy, allow_pickle=False)
        if arr.ndim != 4 or arr.dtype != np.uint8 or arr.shape[0] != len(info["paths"]):
            return None
        label_of = {s.path: s.label for s in samples}
        if not set(info["paths"]) <= set(label_of):
            return None
        # The entry proves it is this key's: its own key, its pixels' digest, and the labels today's scan
        # gives its files (a cache with two classes' entries swapped trained a 98 % model scoring 33 %).
        if (info.get("key") != key or info.get("digest") != _array_digest(arr)
                or list(info["labels"]) != [label_of[p] for p in info["paths"]]):
            return None
        problems = [Problem(p["path"], p["kind"], p["message"]) for p in info["problems"]]
        images = torch.from_numpy(np.ascontiguousarray(arr))
        return DecodedImages(images, torch.tensor(info["labels"], dtype=torch.int64), list(info["paths"])), problems
    except (OSError, ValueError, KeyError, TypeError, AppFileError):
        return None


def _array_digest(arr: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(arr).data, digest_size=20).hexdigest()


class StreamingImages(torch.utils.data.Dataset[tuple[torch.Tensor, int, bool]]):
    """Decode on demand, for datasets larger than the memory budget; unreadable files yield ok=False."""

    def __init__(self, samples: Sequence[Sample], size: tuple[int, int]) -> None:
        self.samples = list(samples)
        self.size = size

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int, bool]:
        s = self.samples[i]
        try:
            arr = load_resized(s.path, self.size)
            return torch.from_numpy(arr).permute(2, 0, 1).contiguous(), s.label, True
        except ImageLoadError:
            return torch.zeros(3, *self.size, dtype=torch.uint8), s.label, False
