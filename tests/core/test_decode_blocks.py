"""Decoding a dataset once into memory: the pictures land in the trainer's layout in order, unreadable
files are left out with their labels (the bound on tasks waiting unread is processes.bounded_map's, tested
with the health check's)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from desktop_cls.core.data import image_cache
from desktop_cls.core.data.dataset import Sample
from desktop_cls.core.data.imaging import load_resized
from tests.conftest import write_image


def test_decoded_pictures_keep_order_and_labels_around_an_unreadable_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    samples = []
    for i in range(150):  # several blocks
        p = tmp_path / f"{i:03d}.png"
        if i == 70:
            p.write_bytes(b"not a picture")
        else:
            write_image(p, rng.integers(0, 255, (12, 10, 3), dtype=np.uint8))
        samples.append(Sample(str(p), i % 3, "train"))
    decoded, problems = image_cache.decode_samples(samples, (8, 8), workers=3)
    kept = [s for s in samples if not s.path.endswith("070.png")]
    assert [p.path for p in problems] == [samples[70].path]
    assert decoded.paths == [s.path for s in kept]
    assert decoded.labels.tolist() == [s.label for s in kept]
    assert decoded.images.shape == (149, 3, 8, 8) and decoded.images.is_contiguous()
    for j in (0, 69, 70, 148):
        want = load_resized(kept[j].path, (8, 8)).transpose(2, 0, 1)
        assert np.array_equal(decoded.images[j].numpy(), want)
