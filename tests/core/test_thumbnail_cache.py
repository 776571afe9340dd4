"""Thumbnails kept on disk by content: decoded once, found again after a move, proven on every read, bounded."""

from __future__ import annotations

import collections
import shutil
import sys
from pathlib import Path
from types import FrameType

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import thumbnail_cache as tc
from desktop_cls.core.data.thumbnail_cache import ThumbnailCache
from desktop_cls.core.errors import ImageLoadError


def picture(path: Path, size: tuple[int, int], seed: int) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path)
    return path


def test_a_thumbnail_is_decoded_once_and_found_again_by_content(tmp_path: Path, thumbnail_decodes: list[str]) -> None:
    photo = picture(tmp_path / "photo.png", (300, 200), 0)
    scan = picture(tmp_path / "scan.png", (16, 16), 1)
    cache = ThumbnailCache(tmp_path / "cache")
    big = cache.thumbnail(str(photo), 96)
    small = cache.thumbnail(str(scan), 96)
    assert (big.width, big.height) == (96, 64) and len(big.rgb) == 96 * 64 * 3
    assert (small.width, small.height) == (96, 96)  # a small picture is enlarged pixel for pixel
    assert small.rgb[:3] == Image.open(scan).convert("RGB").tobytes()[:3]
    moved = tmp_path / "cat"
    moved.mkdir()
    shutil.move(scan, moved / "scan.png")  # labeled: another path, the same content
    again = ThumbnailCache(tmp_path / "cache")  # as after a restart
    assert again.thumbnail(str(moved / "scan.png"), 96) == small  # exact pixels for small pictures
    assert again.thumbnail(str(photo), 96).width == 96
    assert thumbnail_decodes == ["photo.png", "scan.png"]
    picture(photo, (300, 200), 2)  # changed content: decoded again
    again.thumbnail(str(photo), 96)
    assert thumbnail_decodes[-1] == "photo.png" and len(thumbnail_decodes) == 3


def test_an_entry_proves_it_is_the_one_asked_for(tmp_path: Path, thumbnail_decodes: list[str]) -> None:
    a, b = picture(tmp_path / "a.png", (20, 20), 3), picture(tmp_path / "b.png", (20, 20), 4)
    cache = ThumbnailCache(tmp_path / "cache")
    first_a, first_b = cache.thumbnail(str(a), 64), cache.thumbnail(str(b), 64)
    entry_a = cache._path(tc.file_digest(str(a)), 64)
    entry_b = cache._path(tc.file_digest(str(b)), 64)
    entry_a.write_bytes(entry_b.read_bytes())  # swapped in from another image
    assert cache.thumbnail(str(a), 64) == first_a and thumbnail_decodes.count("a.png") == 2
    data = bytearray(entry_b.read_bytes())
    data[-1] ^= 0xFF  # damaged
    entry_b.write_bytes(bytes(data))
    assert cache.thumbnail(str(b), 64) == first_b and thumbnail_decodes.count("b.png") == 2
    entry_b.write_bytes(entry_b.read_bytes()[:30])  # cut short
    assert cache.get(tc.file_digest(str(b)), 64) is None


def test_the_cache_stays_under_its_bound_keeping_what_was_read_lately(tmp_path: Path) -> None:
    import os

    files = [picture(tmp_path / f"p{i}.png", (40, 40), 10 + i) for i in range(12)]
    cache = ThumbnailCache(tmp_path / "cache", max_bytes=1 << 62)
    cache.thumbnail(str(files[0]), 32)
    one_entry = cache._count()
    cache.max_bytes = one_entry * 6
    for i, f in enumerate(files[1:], start=1):
        cache.thumbnail(str(f), 32)
        entry = cache._path(tc.file_digest(str(f)), 32)
        os.utime(entry, (1000 + i, 1000 + i))  # an injected clock: later files were read later
    first = cache._path(tc.file_digest(str(files[0])), 32)
    os.utime(first, (5000, 5000))  # the first was read last of all: it stays
    cache.thumbnail(str(picture(tmp_path / "new.png", (40, 40), 99)), 32)
    assert cache._count() <= cache.max_bytes
    assert first.exists() and not cache._path(tc.file_digest(str(files[1])), 32).exists()


def test_an_unreadable_file_is_an_image_error_and_a_full_disk_only_a_miss(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    cache = ThumbnailCache(tmp_path / "cache")
    with pytest.raises(ImageLoadError):
        cache.thumbnail(str(bad), 32)
    with pytest.raises(ImageLoadError):
        cache.thumbnail(str(tmp_path / "gone.png"), 32)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    from desktop_cls.core import contained

    monkeypatch.setattr(contained.os, "write", full)
    good = picture(tmp_path / "good.png", (20, 20), 5)
    assert cache.thumbnail(str(good), 32).width == 32  # shown all the same
    assert [p.name for p in cache.dir.rglob("*") if p.is_file()] == []  # no entry, no temporary file left


def test_a_cache_entry_is_not_synced_but_an_empty_one_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  thumbnail_decodes: list[str]) -> None:
    """The sync took most of the thumbnail lane's time; an entry torn by a power cut (empty: its data never
    reached the disk) checks itself and is decoded again. Files that matter are still synced."""
    from desktop_cls.core import contained
    from desktop_cls.core.storage import write_atomic

    synced: list[int] = []
    real_fsync = contained.os.fsync

    def recording(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(contained.os, "fsync", recording)
    a = picture(tmp_path / "a.png", (20, 20), 5)
    cache = ThumbnailCache(tmp_path / "cache")
    first = cache.thumbnail(str(a), 64)
    assert synced == []
    cache._path(tc.file_digest(str(a)), 64).write_bytes(b"")  # what a power cut can leave
    assert cache.thumbnail(str(a), 64) == first and thumbnail_decodes == ["a.png", "a.png"]
    write_atomic(tmp_path / "settings.json", b"{}")
    assert len(synced) == 1


def test_a_small_picture_is_enlarged_as_pillows_nearest_resize_does(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    for width, height, side in ((32, 32, 96), (24, 17, 96), (1, 5, 96), (50, 33, 96), (95, 3, 96), (40, 41, 192),
                                (7, 13, 144), (33, 32, 100)):
        pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        scale = side / max(width, height)
        expected = Image.fromarray(pixels).resize((max(1, round(width * scale)), max(1, round(height * scale))),
                                                  Image.Resampling.NEAREST)
        got = tc.enlarged(tc.Thumbnail(width, height, pixels.tobytes()), side)
        assert (got.width, got.height) == expected.size and got.rgb == expected.tobytes(), (width, height, side)


def outside_the_decoder(fn: object) -> collections.Counter[str]:
    """The Python calls fn() makes on this thread outside image decoding (load_rgb and Pillow under it), by
    function: what a thumbnail costs besides its pixels."""
    from desktop_cls.core.data import imaging

    decoder, inside, calls = imaging.load_rgb.__code__, 0, collections.Counter[str]()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        nonlocal inside
        if event not in ("call", "return"):
            return
        if frame.f_code is decoder:
            inside += 1 if event == "call" else -1
        elif event == "call" and not inside:
            calls[f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"] += 1

    sys.setprofile(profile)
    try:
        fn()  # type: ignore[operator]
    finally:
        sys.setprofile(None)
    return calls


def test_a_thumbnail_costs_few_python_calls_besides_its_decoding(tmp_path: Path) -> None:
    """While a large folder is checked, the images lane's threads take the interpreter lock in turns with the UI
    thread, so what a thumbnail costs them besides its pixels is counted: the digest, the entry looked up, the
    enlargement and the entry written were 290 Python calls a thumbnail (pathlib's path objects, Pillow's resize, a
    write through path objects) and 130 for one read from the cache; now about 50 and 10, path objects once per
    request of 16, never per thumbnail."""
    pictures = [str(picture(tmp_path / f"p{i}.png", (32, 32), 20 + i)) for i in range(65)]
    cache = ThumbnailCache(tmp_path / "cache")
    cache.thumbnails(pictures[:1], 96)  # the first entry counts the cache's size: once per session

    def requests() -> None:
        tc.forget_digests()  # each file read for its digest, as in a new session
        for start in range(1, 65, 16):
            assert all(isinstance(t, tc.Thumbnail) for _p, t in cache.thumbnails(pictures[start:start + 16], 96))

    decoded, found = outside_the_decoder(requests), outside_the_decoder(requests)
    assert sum(decoded.values()) <= 64 * 60, decoded.most_common(20)
    assert sum(found.values()) <= 64 * 12, found.most_common(20)
    for calls in (decoded, found):
        assert sum(n for where, n in calls.items() if where.startswith("pathlib.py")) <= 4 * 30, calls.most_common(20)


def test_a_link_in_a_shards_place_is_not_written_through(tmp_path: Path) -> None:
    scan = str(picture(tmp_path / "scan.png", (16, 16), 8))
    cache = ThumbnailCache(tmp_path / "cache")
    outside = tmp_path / "outside"
    outside.mkdir()
    cache.dir.mkdir(parents=True)
    (cache.dir / tc.file_digest(scan)[:2]).symlink_to(outside, target_is_directory=True)
    assert cache.thumbnail(scan, 32).width == 32  # shown all the same: the entry is only not kept
    assert list(outside.iterdir()) == []
