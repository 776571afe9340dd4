"""The health check stays linear on a folder of near-identical pictures: each image nominates a bounded
number of candidate pairs, so the number of pixel proofs grows with the folder, not with its square."""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import health, similarity
from desktop_cls.core.data.dataset import Sample


def _near_identical(root: Path, n: int) -> list[str]:
    """n files of the same gradient picture, each with its own faint noise: distinct pixels, one look."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:24, 0:24].astype(np.float32)
    base = np.stack([xx * 8, yy * 8, (xx + yy) * 4], axis=-1) + 20
    paths = []
    for i in range(n):
        img = np.clip(base + rng.normal(0, 2, base.shape), 0, 255).astype(np.uint8)
        path = root / "c" / f"{i:03d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(path)
        paths.append(str(path))
    return paths


def test_a_folder_of_near_identical_pictures_needs_a_bounded_number_of_proofs(tmp_path: Path) -> None:
    n = 60
    paths = _near_identical(tmp_path, n)
    hashes, problems = health.compute_hashes([Sample(p, 0, "train") for p in paths], str(tmp_path))
    assert not problems and len({h.pixels for h in hashes.values()}) == n  # all distinct pixels
    proved: list[tuple[str, str]] = []

    def counting_prove(pair: tuple[str, str]) -> float | None:
        proved.append(pair)
        return 0.01

    found = health.proven_near_pairs(paths, hashes, str(tmp_path), prove=counting_prove)
    # every pair looks alike (n * (n - 1) / 2 = 1770 of them); only each image's nearest few are proven
    assert 0 < len(proved) <= similarity.CANDIDATES_PER_IMAGE * n < n * (n - 1) // 2
    assert len(set(proved)) == len(proved) == len(found)
    nominated = {i for pair in found for i in pair}
    assert len(nominated) == n  # each picture still has its copies looked for


def test_proofs_reuse_decoded_pictures_and_notice_a_changed_file(tmp_path: Path) -> None:
    a, b = _near_identical(tmp_path, 2)
    cache = health._Decoded()
    first = cache.get(a)[0]
    assert cache.get(a)[0] is first  # decoded once for all of its pairs
    Image.new("RGB", (30, 30), (5, 5, 5)).save(a)
    assert cache.get(a)[0].size == (30, 30)  # a changed file is read again, not served stale
    small = health._Decoded(budget=4 * 24 * 24 * 3)
    small.get(a), small.get(b)
    assert small.used <= small.budget


def test_many_images_are_read_in_worker_processes_with_the_same_hashes(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading small pictures is mostly Python: in threads it held the interpreter lock the window's UI thread
    needs, so from _PROCESS_IMAGES on the reading happens in worker processes, with the same results."""
    paths = _near_identical(tmp_path / "a", 6)
    broken = tmp_path / "a" / "c" / "broken.png"
    broken.write_bytes(b"not a picture")
    samples = [Sample(p, 0, "train") for p in [*paths, str(broken)]]
    in_threads, thread_problems = health.compute_hashes(samples, str(tmp_path / "threads"))
    pools: list[str] = []
    real = health._hash_pool

    def recording(images: int) -> Executor:
        pool = real(images)
        pools.append(type(pool).__name__)
        return pool

    monkeypatch.setattr(health, "_hash_pool", recording)
    monkeypatch.setattr(health, "_PROCESS_IMAGES", 1)
    in_processes, process_problems = health.compute_hashes(samples, str(tmp_path / "processes"))
    assert pools == ["ProcessPoolExecutor"]
    assert in_processes == in_threads and len(in_processes) == 6
    assert [p.path for p in process_problems] == [p.path for p in thread_problems] == [str(broken)]
