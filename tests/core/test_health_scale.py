"""The health check stays linear on a folder of near-identical pictures: each image nominates a bounded
number of candidate pairs, so the number of pixel proofs grows with the folder, not with its square."""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from concurrent.futures import Executor, Future
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import candidates, health
from desktop_cls.core.data.dataset import DatasetIndex, Sample


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
    assert not problems and len({h[0] for h in hashes.values()}) == n  # all distinct pixels
    proved: list[tuple[str, str]] = []

    def counting_prove(pair: tuple[str, str]) -> float | None:
        proved.append(pair)
        return 0.01

    found = health.proven_near_pairs(paths, hashes, str(tmp_path), prove=counting_prove)
    # every pair looks alike (n * (n - 1) / 2 = 1770 of them); only each image's nearest few are proven
    assert 0 < len(proved) <= candidates.CANDIDATES_PER_IMAGE * n < n * (n - 1) // 2
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


class _CountingPool(Executor):
    """Runs each chunk at once and counts chunks handed out and not yet read back (the most at any time)."""

    def __init__(self) -> None:
        self.handed = self.read = self.most = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        pool = self

        class Counted(Future[Any]):
            def result(self, timeout: float | None = None) -> Any:
                pool.read += 1
                return super().result(timeout)

        future = Counted()
        future.set_result(fn(*args, **kwargs))
        self.handed += 1
        self.most = max(self.most, self.handed - self.read)
        return future


def test_reading_hands_out_a_bounded_number_of_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check's result loop hands its workers a few chunks at a time (CHUNKS_PER_WORKER each), not all of them
    up front: Executor.map submitted 6,000 chunks for 100,000 images in one loop holding the interpreter lock
    the window's UI thread needed, with the same hashes in the same order."""
    from desktop_cls.core.data.processes import CHUNKS_PER_WORKER, bounded_chunks, bounded_map

    paths = _near_identical(tmp_path / "a", 80)
    samples = [Sample(p, 0, "train") for p in paths]
    pool = _CountingPool()
    monkeypatch.setattr(health, "_hash_pool", lambda images: pool)
    monkeypatch.setattr(health, "_WORKERS", 1)
    hashes, problems = health.compute_hashes(samples, str(tmp_path / "cache"))
    assert len(hashes) == 80 and not problems
    assert pool.handed == -(-80 // health._CHUNK) > CHUNKS_PER_WORKER >= pool.most  # a few chunks out at a time
    assert list(bounded_map(_CountingPool(), str, range(10), 3, 2)) == [str(i) for i in range(10)]
    assert list(bounded_chunks(_CountingPool(), str, range(5), 2, 2)) == [["0", "1"], ["2", "3"], ["4"]]


def test_the_check_keeps_no_per_image_object_the_cycle_collector_walks(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each full collection walks every object the collector tracks in one step that keeps the interpreter lock,
    the window's UI thread waiting: a list per cache row, a hash object and a list per picture made it 65-165 ms
    at 100,000 images. The rows and hashes are tuples of strings and ints (untracked once a collection has seen
    them) and the pictures' groups are lists only for pictures found twice, so a check of n images adds a bounded
    number of tracked objects, not a few per image, whether the hashes were read from the images or the cache."""
    import gc

    from desktop_cls.core.data.health_cache import HashCache

    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "cache"))
    n = 300
    paths = _near_identical(tmp_path / "a", n)
    shutil.copy(paths[0], tmp_path / "a" / "c" / "copy.png")  # one picture found twice
    samples = [Sample(p, 0, "train") for p in [*paths, str(tmp_path / "a" / "c" / "copy.png")]]
    health.compute_hashes(samples, str(tmp_path))  # read from the images; the next pass from the cache
    tracked: list[int] = []

    def counting(firsts: list[str], *_args: Any, **_kwargs: Any) -> dict[tuple[int, int], float]:
        gc.collect()
        tracked.append(len(gc.get_objects()))  # inside copy_findings: the hashes, the cache's rows, the groups
        return {}

    monkeypatch.setattr(health, "proven_near_pairs", counting)
    gc.collect()
    before = len(gc.get_objects())
    cache = HashCache(str(tmp_path))
    hashes, problems = health.compute_hashes(samples, str(tmp_path))
    index = DatasetIndex(str(tmp_path / "a"), "class_folders", ("c",), tuple(samples))
    found = health.copy_findings(index, hashes, [s.path for s in samples])
    assert len(hashes) == len(cache.data) == n + 1 and not problems
    assert [f.kind for f in found] == ["duplicate"]
    assert tracked[0] - before < 100  # was 3 per image
    gc.collect()
    assert not any(gc.is_tracked(x) for x in [*hashes.values(), *cache.data.values()])


def test_reading_the_hash_cache_keeps_one_part_of_lists_alive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON gives each row as a list: made all at once, the whole file's (100,000) lived long enough to trigger
    full collections of their own while the cache was read. Each part becomes tuples before the next is parsed."""
    import gc

    from desktop_cls.core.data import health_cache
    from desktop_cls.core.data.health_cache import HashCache

    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "cache"))
    rows = {f"/big/{i:05d}.png": (i, i, f"{i:040x}", "ab", 32, 32) for i in range(200)}
    path = HashCache(str(tmp_path)).path
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(health_cache.DECODED) + "\n" + health_cache.json_lines(rows, per=20), encoding="utf-8")
    lists: list[int] = []
    real = json.loads

    def loads(text: str) -> Any:
        lists.append(sum(type(o) is list for o in gc.get_objects()))  # before this part is parsed
        return real(text)

    monkeypatch.setattr(health_cache.json, "loads", loads)
    gc.collect()
    again = HashCache(str(tmp_path))
    assert again.data == rows and len(lists) == 1 + 10  # the decoder's line, then the rows
    assert max(lists) - lists[0] <= 20 + 5  # one part's rows at most, not all 200


def python_calls(fn: Any) -> int:
    """Python calls fn() makes on this thread."""
    calls = 0

    def profile(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return calls


def test_the_check_stores_each_hash_in_about_one_python_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check's thread stores what its worker processes send back, in the window's process beside the UI thread
    (the two take the interpreter lock in turns): no call per image (a hash is a slice of its row, a plain tuple),
    rows stored a chunk at a time as they came, the cache file written by the C encoder. It was 58 a hash: the
    dataclass's unpickling, a stat and a put each, the pretty-printing encoder's 30; then 1 (the hash object)."""
    from desktop_cls.core.data.health_cache import HashCache

    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "cache"))
    n = 4000
    paths = [f"/big/c/{i:05d}.png" for i in range(n)]
    rows = [(100 + i, 10**18 + i, f"{i:040x}", "ab" * 144, 32, 32) for i in range(n)]
    sent = pickle.dumps(rows[:100])
    assert python_calls(lambda: pickle.loads(sent)) <= 10  # the rows made in C (a hash object: 7 calls, then 1)
    cache, hashes, errors = HashCache(str(tmp_path)), {}, []  # type: ignore[var-annotated]

    def store() -> None:
        for start in range(0, n, health._CHUNK):
            cache.add(paths[start:start + health._CHUNK], rows[start:start + health._CHUNK], hashes, errors)
        cache.save()

    assert python_calls(store) <= 400
    assert hashes[paths[7]] == (f"{7:040x}", "ab" * 144, 32, 32) and not errors
    assert HashCache(str(tmp_path)).data == dict(zip(paths, rows, strict=True))


def test_the_check_caches_are_read_and_written_a_slice_at_a_time(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each call into the JSON library's C code keeps the interpreter lock for its whole length, the UI thread
    waiting: a 30,000-image hash cache in one call took 90 ms to write and 53 ms to read (CPU time). The files are
    objects of JSON_SLICE entries, one a line, each read and written in one call; an older verdicts file (one
    pretty-printed object) is still read, an older hash file is not (its hashes may be of another decoder's
    pixels)."""
    from desktop_cls.core.data import health_cache
    from desktop_cls.core.data.health_cache import JSON_SLICE, HashCache, VerdictCache
    from desktop_cls.core.storage import write_json

    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "cache"))
    rows = {f"/big/{i:05d}.png": (i, i, f"{i:040x}", "ab", 32, 32) for i in range(2 * JSON_SLICE + 7)}
    cache = HashCache(str(tmp_path))
    cache.data, cache.dirty = dict(rows), True
    verdicts = VerdictCache(str(tmp_path), {"rules": 1})
    verdicts.data, verdicts.dirty = {f"{i:040x}|{i + 1:040x}": (0.01 if i % 2 else None) for i in range(1200)}, True
    sizes: list[int] = []
    real_dumps, real_loads = json.dumps, json.loads

    def dumps(obj: Any, **kwargs: Any) -> str:
        sizes.append(len(obj))
        return real_dumps(obj, **kwargs)

    def loads(text: str) -> Any:
        sizes.append(text.count("|") + text.count(".png"))  # the entries in it
        return real_loads(text)

    monkeypatch.setattr(health_cache.json, "dumps", dumps)
    monkeypatch.setattr(health_cache.json, "loads", loads)
    cache.save()
    verdicts.save()
    assert HashCache(str(tmp_path)).data == rows
    assert VerdictCache(str(tmp_path), {"rules": 1}).data == verdicts.data
    assert VerdictCache(str(tmp_path), {"rules": 2}).data == {}  # other rules: thrown away
    assert len(sizes) > 8 and max(sizes) <= JSON_SLICE
    monkeypatch.setattr(health_cache.json, "dumps", real_dumps)
    monkeypatch.setattr(health_cache.json, "loads", real_loads)
    write_json(cache.path, rows)  # as the cache was written before (pretty-printed, one object)
    write_json(verdicts.path, {"rules": {"rules": 1}, "pairs": verdicts.data})
    assert HashCache(str(tmp_path)).data == {}
    assert VerdictCache(str(tmp_path), {"rules": 1}).data == verdicts.data


def test_descriptors_are_decoded_a_bounded_number_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """One array made of 100,000 small ones is one call of C code that keeps the interpreter lock (20-30 ms, the
    window's UI thread waiting): descriptors are decoded _ROWS at a time, the same rows as one at a time."""
    from desktop_cls.core.data.health_cache import DESCRIPTOR

    rng = np.random.default_rng(1)
    paths = [f"/d/{i}.png" for i in range(10)]
    hashes = {p: (f"{i:040x}", rng.integers(0, 256, 144, np.uint8).tobytes().hex(), 8, 8)
              for i, p in enumerate(paths)}
    want = np.array([np.frombuffer(bytes.fromhex(hashes[p][DESCRIPTOR]), np.uint8) for p in paths])
    calls: list[int] = []
    real = np.frombuffer

    def frombuffer(data: bytes, *args: Any, **kwargs: Any) -> np.ndarray:
        calls.append(len(data) // 144)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(health, "_ROWS", 3)
    monkeypatch.setattr(health.np, "frombuffer", frombuffer)
    got = health.descriptor_rows(paths, hashes)
    monkeypatch.undo()
    assert calls == [3, 3, 3, 1]
    assert got.dtype == np.uint8 and np.array_equal(got, want)
    assert health.descriptor_rows([], hashes).shape[0] == 0
