"""A cache entry must prove it belongs to its key: swapped, copied or damaged entries are computed
again, never trusted (two classes' feature entries swapped trained a model that reported 98 % and
scored 33 %)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from desktop_cls.core.training.embeddings import FeatureCache


def test_swapped_feature_entries_are_misses(tmp_path: Path) -> None:
    cache = FeatureCache("quicknet-abc-32x32-v2", tmp_path)
    a, b = "a" * 40, "b" * 40
    va, vb = np.arange(4, dtype=np.float32), -np.arange(4, dtype=np.float32)
    cache.put(a, va)
    cache.put(b, vb)
    assert np.array_equal(cache.get(a), va) and np.array_equal(cache.get(b), vb)  # type: ignore[arg-type]
    pa, pb = cache._path(a), cache._path(b)
    tmp = pa.with_suffix(".swap")
    shutil.move(pa, tmp)
    shutil.move(pb, pa)
    shutil.move(tmp, pb)
    assert cache.get(a) is None and cache.get(b) is None


def test_an_entry_from_another_backbone_or_a_flipped_byte_is_a_miss(tmp_path: Path) -> None:
    digest = "c" * 40
    small = FeatureCache("quicknet-abc-32x32-v2", tmp_path)
    other = FeatureCache("resnet18-abc-224x224-v2", tmp_path)
    small.put(digest, np.ones(8, dtype=np.float32))
    other._path(digest).parent.mkdir(parents=True)
    shutil.copy(small._path(digest), other._path(digest))
    assert other.get(digest) is None
    raw = bytearray(small._path(digest).read_bytes())
    raw[-1] ^= 0x40
    small._path(digest).write_bytes(bytes(raw))
    assert small.get(digest) is None


def test_a_tampered_decoded_image_cache_is_decoded_again(tmp_path: Path, tiny_folder: Path) -> None:
    import json

    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.data.image_cache import cache_key, decode_samples

    samples = list(scan(tiny_folder, val_fraction=0.25).split("train"))
    cdir = tmp_path / "images"
    first, _ = decode_samples(samples, (8, 8), disk_cache=True, cache_dir=cdir)
    meta = cdir / f"{cache_key(samples, (8, 8))}.json"
    info = json.loads(meta.read_text())
    swapped = [{0: 1, 1: 0}.get(label, label) for label in info["labels"]]  # two classes' labels swapped
    meta.write_text(json.dumps({**info, "labels": swapped}))
    again, _ = decode_samples(samples, (8, 8), disk_cache=True, cache_dir=cdir)
    assert again.labels.tolist() == first.labels.tolist() == [s.label for s in samples]
    npy = meta.with_suffix(".npy")
    arr = np.load(npy)
    arr[0] = 255 - arr[0]  # the pixels of one image replaced, the metadata left as it was
    np.save(npy, arr)
    third, _ = decode_samples(samples, (8, 8), disk_cache=True, cache_dir=cdir)
    assert np.array_equal(third.images.numpy(), first.images.numpy())
