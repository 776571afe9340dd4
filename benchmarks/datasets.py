"""Benchmark data written as ordinary image folders, so every loop reads the same files from disk."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def write_digits(out: Path, size: int = 32, test_fraction: float = 0.3, seed: int = 0) -> tuple[Path, Path]:
    """scikit-learn's handwritten digits (1,797 real 8x8 scans, 10 classes) as size x size RGB JPEGs.

    Returns (train_dir, test_dir), each one sub-folder per class.
    """
    from sklearn.datasets import load_digits

    d = load_digits()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(d.images))
    n_test = int(len(order) * test_fraction)
    for split, idx in (("test", order[:n_test]), ("train", order[n_test:])):
        for i in idx:
            arr = (d.images[i] / 16.0 * 255).astype(np.uint8)
            im = Image.fromarray(arr, "L").resize((size, size), Image.Resampling.BILINEAR).convert("RGB")
            p = out / split / str(d.target[i]) / f"{i:05d}.jpg"
            p.parent.mkdir(parents=True, exist_ok=True)
            buf = io.BytesIO()
            im.save(buf, format="JPEG", quality=92)
            p.write_bytes(buf.getvalue())
    return out / "train", out / "test"


def write_synthetic(out: Path, classes: int, per_class: int, size: int, seed: int = 0) -> Path:
    """Random-texture JPEGs whose class sets the mean colour: cheap, learnable, any size."""
    rng = np.random.default_rng(seed)
    for c in range(classes):
        base = rng.integers(0, 255, 3)
        for i in range(per_class):
            noise = rng.normal(0, 40, (size, size, 3))
            arr = np.clip(base + noise, 0, 255).astype(np.uint8)
            p = out / f"class_{c:02d}" / f"{i:05d}.jpg"
            p.parent.mkdir(parents=True, exist_ok=True)
            buf = io.BytesIO()
            Image.fromarray(arr, "RGB").save(buf, format="JPEG", quality=90)
            p.write_bytes(buf.getvalue())
    return out
