"""The look-alike candidate search: the same pairs as comparing every pair, for a fraction of the comparisons,
in this process (a coarse grid) or in worker processes (a finer one), and remembered for a rescan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.data import candidates


def every_pair(descriptors: np.ndarray, min_cosine: float = candidates.CANDIDATE_COSINE,
               k: int = candidates.CANDIDATES_PER_IMAGE) -> set[tuple[int, int]]:
    """The definition, by comparing every pair: each picture's k most similar (ties: the earlier picture) at or
    above min_cosine among pictures whose contrast is within CANDIDATE_CONTRAST."""
    x, norm = candidates.unit_rows(descriptors)
    log_norm = np.log(np.maximum(norm, 1e-3)).astype(np.float32)
    sims = x @ x.T
    too_far = np.float32(np.log(candidates.CANDIDATE_CONTRAST))
    found = set()
    for i in range(len(x)):
        ok = (sims[i] >= min_cosine) & (np.abs(log_norm - log_norm[i]) <= too_far)
        ok[i] = False
        for j in sorted(np.flatnonzero(ok).tolist(), key=lambda j: (-sims[i, j], j))[:k]:
            found.add((min(i, j), max(i, j)))
    return found


def look_alikes(n: int, seed: int = 0) -> np.ndarray:
    """Descriptors of n pictures: a soft blob anywhere on the 12x12 thumbnail, so each has many look-alikes
    (more than it keeps), at contrasts spread over a factor of 30, and a few flat ones."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:12, 0:12]
    cx, cy = rng.uniform(-2, 14, (2, n, 1, 1))
    blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 8).reshape(n, 144) + rng.normal(0, 0.03, (n, 144))
    contrast = np.exp(rng.uniform(np.log(2), np.log(60), n))[:, None]
    rows = 128 + (blob - blob.mean(axis=1, keepdims=True)) / blob.std(axis=1, keepdims=True) * contrast
    rows[:5] = 77  # flat pictures nominate nothing
    return np.clip(np.rint(rows), 0, 255).astype(np.uint8)


def test_the_grid_finds_the_same_pairs_as_every_pair_for_a_fraction_of_the_comparisons() -> None:
    d = look_alikes(1500)
    compared: list[int] = []
    found = candidates.candidate_pairs(d, compared=compared.append)
    want = every_pair(d)
    assert set(found) == want and len(found) == len(want) > 1500
    assert found == sorted(found) and all(i < j for i, j in found)
    assert not any(i < 5 or j < 5 for i, j in found)
    per_picture = np.bincount(np.array(found).ravel(), minlength=len(d))
    assert per_picture.max() <= 6 * candidates.CANDIDATES_PER_IMAGE  # its own 6, and those that chose it
    # every pair once would be n(n-1)/2 (the search before compared n^2); pictures of far-apart contrast or shape
    # are never compared
    assert sum(compared) < 0.5 * len(d) * (len(d) - 1) / 2


def test_other_thresholds_and_tiny_folders() -> None:
    d = look_alikes(300, seed=1)
    assert set(candidates.candidate_pairs(d, min_cosine=0.97, per_image=2)) == every_pair(d, 0.97, 2)
    assert candidates.candidate_pairs(d[:1]) == []
    assert candidates.candidate_pairs(d[:5]) == []  # flat only
    pair = np.stack([d[10], d[10]])
    assert candidates.candidate_pairs(pair) == [(0, 1)]


def test_worker_processes_find_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    d = look_alikes(800, seed=2)
    here = candidates.candidate_pairs(d)
    monkeypatch.setattr(candidates, "_PROCESS_DESCRIPTORS", 1)
    steps: list[tuple[int, int]] = []
    there = candidates.candidate_pairs(d, progress=lambda done, total, what: steps.append((done, total)))
    assert there == here
    assert steps and steps[-1][0] == steps[-1][1] > 1  # a part of the cells at a time


def test_candidate_search_is_remembered_for_the_same_descriptors_and_search(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    d = rng.integers(0, 255, (40, 144)).astype(np.uint8)
    d[20:30] = d[:10]
    cache = tmp_path / "c.json"
    first = candidates.cached_candidate_pairs(d, cache)
    assert {(i, i + 20) for i in range(10)} <= set(first)

    def no_search(*args: object, **kw: object) -> list[tuple[int, int]]:
        raise AssertionError("searched again")

    monkeypatch.setattr(candidates, "candidate_pairs", no_search)
    assert candidates.cached_candidate_pairs(d, cache) == first
    monkeypatch.setattr(candidates, "SEARCH", "another search")  # its result may differ: not taken from the cache
    with pytest.raises(AssertionError, match="searched again"):
        candidates.cached_candidate_pairs(d, cache)
    monkeypatch.undo()
    d[0] = 255 - d[0]
    monkeypatch.setattr(candidates, "candidate_pairs", no_search)
    with pytest.raises(AssertionError, match="searched again"):
        candidates.cached_candidate_pairs(d, cache)


def test_pairs_are_each_unordered_pair_once_in_order() -> None:
    """pairs() encodes each pair as one integer to sort it: the same list as a unique over (a, b) rows."""
    rng = np.random.default_rng(3)
    nearest = candidates.Nearest(5000, 6)
    a, b = rng.integers(0, 5000, 40_000), rng.integers(0, 5000, 40_000)
    keep = a != b
    nearest.offer(a[keep], b[keep], rng.random(int(keep.sum())).astype(np.float32))
    rows, others, _sims = nearest.filled()
    want = np.unique(np.column_stack([np.minimum(rows, others), np.maximum(rows, others)]), axis=0)
    assert nearest.pairs() == [(int(x), int(y)) for x, y in want]
    assert all(isinstance(x, int) for x in nearest.pairs()[0])
