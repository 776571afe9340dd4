"""The health check's hash cache is keyed by the decoder as well as by path, size and mtime: a file hashed before
the decoding changed (a colour-keyed PNG, now transparent at any size) is hashed again, not kept with the hashes
of pixels the app no longer sees."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import health, health_cache
from desktop_cls.core.data.dataset import Sample
from desktop_cls.core.data.imaging import DECODER_VERSION


def _colour_keyed(path: Path) -> str:
    """An RGB PNG whose white is transparent (tRNS): a drawing in part of its canvas."""
    arr = np.full((40, 60, 3), 255, np.uint8)
    arr[10:30, 5:25] = (200, 30, 30)
    Image.fromarray(arr).save(path, transparency=(255, 255, 255))
    return str(path)


def _stale_row(path: str) -> tuple[int, int, str, str, int, int]:
    """The row an older decoder left for the unchanged file: its size and mtime, other pixels' hashes."""
    st = Path(path).stat()
    return (st.st_size, st.st_mtime_ns, "0" * 40, "ab" * 144, 60, 40)


@pytest.mark.parametrize("head", [None, {"decoder": DECODER_VERSION - 1}])
def test_hashes_from_another_decoder_are_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    head: dict[str, int] | None) -> None:
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "c").mkdir()
    path = _colour_keyed(tmp_path / "c" / "keyed.png")
    cache_path = health_cache.HashCache(str(tmp_path)).path
    cache_path.parent.mkdir(parents=True)
    lines = health_cache.json_lines({path: _stale_row(path)})
    cache_path.write_text(("" if head is None else json.dumps(head) + "\n") + lines, encoding="utf-8")
    hashes, problems = health.compute_hashes([Sample(path, 0, "train")], str(tmp_path))
    assert not problems
    assert hashes[path] == health.hash_image(path) != _stale_row(path)[2:]  # read again, not the old hash
    again = health_cache.HashCache(str(tmp_path))  # and the file now says which decoder made its hashes
    assert again.get(path) == health.hash_image(path)
    assert cache_path.read_text(encoding="utf-8").splitlines()[0] == json.dumps({"decoder": DECODER_VERSION})


def test_hashes_from_this_decoder_are_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "c").mkdir()
    path = _colour_keyed(tmp_path / "c" / "keyed.png")
    health.compute_hashes([Sample(path, 0, "train")], str(tmp_path))
    cache = health_cache.HashCache(str(tmp_path))
    cache.data[path] = _stale_row(path)  # a row only the cache holds: read from it, the file not decoded
    cache.dirty = True
    cache.save()
    hashes, _problems = health.compute_hashes([Sample(path, 0, "train")], str(tmp_path))
    assert hashes[path] == _stale_row(path)[2:]
