"""The look-alike candidate search: the same pairs as comparing every pair, for a fraction of the comparisons,
in this process (a coarse grid) or in worker processes (a finer one), and remembered for a rescan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

    monkeypatch.setattr(candidates, "candidate_array", no_search)
    assert candidates.cached_candidate_pairs(d, cache) == first
    monkeypatch.setattr(candidates, "SEARCH", "another search")  # its result may differ: not taken from the cache
    with pytest.raises(AssertionError, match="searched again"):
        candidates.cached_candidate_pairs(d, cache)
    monkeypatch.undo()
    d[0] = 255 - d[0]
    monkeypatch.setattr(candidates, "candidate_array", no_search)
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


class Counted(np.ndarray):
    """An array that records how many values each `tolist` made Python objects (one call of C code each)."""

    sizes: list[int] = []  # noqa: RUF012 - one record for the test that sets it

    def tolist(self) -> Any:
        Counted.sizes.append(self.size)
        return super().tolist()


def test_the_cached_pairs_become_python_objects_a_bounded_slice_a_call(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """In the window's process one call of C code keeps the interpreter lock throughout: the pairs are stored as
    an array (no JSON document of the whole cache) and made tuples _SLICE pairs a call, searched or read."""
    n = 50_000
    a = np.arange(n - 1)
    rows = np.column_stack([np.repeat(a, 3), np.minimum(np.repeat(a, 3) + np.tile([1, 2, 3], n - 1), n - 1)])
    rows = np.unique(rows[rows[:, 1] > rows[:, 0]], axis=0)  # about 150,000 pairs, each once, in order
    monkeypatch.setattr(candidates, "candidate_array", lambda *a, **kw: rows.view(Counted))
    read = candidates.read_pairs
    monkeypatch.setattr(candidates, "read_pairs", lambda *a: None if (r := read(*a)) is None else r.view(Counted))
    d = np.zeros((n, 144), np.uint8)
    cache = tmp_path / "c.json"
    for _ in range(2):  # searched, then read back
        Counted.sizes = []
        found = candidates.cached_candidate_pairs(d, cache)
        assert found[:3] == [(0, 1), (0, 2), (0, 3)] and len(found) == len(rows)
        assert Counted.sizes and max(Counted.sizes) <= candidates._SLICE < len(rows)
        assert sum(Counted.sizes) == rows.size
    assert cache.stat().st_size <= 8 * len(rows) + 256  # two int32 a pair
    assert not cache.read_bytes().lstrip().startswith(b"{")


def test_an_older_or_damaged_candidate_cache_is_searched_again_and_replaced(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache from before (one JSON document), a damaged one, one holding pairs that cannot be, and an array of
    Python objects (never unpickled) are each a cache miss: the search runs again and its result is stored."""
    import io
    import json

    d = look_alikes(60)
    cache = tmp_path / "c.json"
    want = candidates.cached_candidate_pairs(d, cache)
    good = cache.read_bytes()
    head = good[:good.index(b"\n", len(candidates._MAGIC)) + 1]
    objects = io.BytesIO()
    np.save(objects, np.array([[0, 1]], dtype=object), allow_pickle=True)
    bad_pairs = io.BytesIO()
    np.save(bad_pairs, np.array([[3, 2]], dtype=np.int32))
    searches: list[int] = []
    search = candidates.candidate_array

    def counted_search(*args: object, **kw: object) -> np.ndarray:
        searches.append(1)
        return search(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(candidates, "candidate_array", counted_search)
    for stored in (json.dumps({"key": "x", "pairs": [0, 1]}).encode(), good[:len(good) // 2],
                   head + bad_pairs.getvalue(), head + objects.getvalue(), b""):
        cache.write_bytes(stored)
        assert candidates.cached_candidate_pairs(d, cache) == want
        assert cache.read_bytes() == good
    assert len(searches) == 5
    assert candidates.cached_candidate_pairs(d, cache) == want and len(searches) == 5
