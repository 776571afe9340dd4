"""The folder walk decides the plain case for a whole folder at once: it must give the answers the careful
one-entry-at-a-time path gives, and the fingerprint must stay the digest runs already recorded."""

from __future__ import annotations

import hashlib
import os
import random
import struct
from array import array
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.data import dataset, folder_walk
from desktop_cls.core.data.dataset import fingerprint, scan, stratified_split
from desktop_cls.core.data.folder_layout import IGNORED_NAMES, is_hidden
from desktop_cls.core.data.imaging import IMG_EXTENSIONS, is_image_name, utf8_name
from tests.conftest import make_tiny_folder, write_image

PIX = np.full((6, 6, 3), 90, dtype=np.uint8)


def _plain_digest(root: str, classes: tuple[str, ...], rows: list[tuple[str, int, int, int, str]]) -> str:
    """The fingerprint's definition (version 2) written out file by file: classes, count, each relative path
    after a NUL, sizes, mtimes and labels as little-endian int64, each split before a NUL."""
    h = hashlib.sha256(b"dataset fingerprint 2\0")
    h.update(struct.pack("<q", len(classes)) + "".join(c + "\0" for c in classes).encode())
    h.update(struct.pack("<q", len(rows)))
    h.update("".join("\0" + rel for rel, *_rest in rows).encode())
    for column in (1, 2, 3):
        h.update(b"".join(struct.pack("<q", row[column]) for row in rows))
    h.update("".join(row[4] + "\0" for row in rows).encode())
    return h.hexdigest()


@pytest.mark.parametrize("block", [3, 16384])  # paths hashed in several blocks, or in one
def test_fingerprint_is_its_definition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(folder_walk, "_BLOCK", block)
    root = make_tiny_folder(tmp_path / "d", per_class=5)
    write_image(root / "cat" / "deeper" / "z.png", PIX)
    write_image(root / "dog" / "caf\u00e9.png", PIX)
    (root / "dog" / "empty.png").write_bytes(b"")
    idx = scan(root, val_fraction=0.4, seed=3, verify="none")
    rows = []
    for s in idx.samples:
        st = os.stat(s.path)
        rows.append((os.path.relpath(s.path, idx.root), st.st_size, st.st_mtime_ns, s.label, s.split))
    assert {s.split for s in idx.samples} == {"train", "val"}
    assert idx.fingerprint["sha256"] == _plain_digest(idx.root, idx.classes, rows)
    assert idx.fingerprint["version"] == folder_walk.FINGERPRINT_VERSION == 2
    assert idx.fingerprint["num_files"] == len(idx.samples)
    assert idx.fingerprint["total_bytes"] == sum(r[1] for r in rows)
    assert fingerprint(idx.root, idx.classes, idx.samples) == idx.fingerprint  # stat()ing each file agrees
    outside = write_image(tmp_path / "elsewhere" / "o.png", PIX)  # a path not under root: relpath's answer
    extra = (*idx.samples[:2], type(idx.samples[0])(str(outside), 1, "test"))
    st = os.stat(outside)
    rows = [*rows[:2], (os.path.relpath(outside, idx.root), st.st_size, st.st_mtime_ns, 1, "test")]
    assert fingerprint(idx.root, idx.classes, extra)["sha256"] == _plain_digest(idx.root, idx.classes, rows)


def test_fingerprint_definition_is_pinned() -> None:
    # the digest a run records must not drift with the code: a change needs a new FINGERPRINT_VERSION
    files = folder_walk.Files(["/data/a/1.png", "/data/b/x/2.jpg", "/data/b/caf\u00e9.png"], array("q", [10, 0, -1]),
                              array("q", [1_700_000_000_123_456_789, 5, -1]))
    got = folder_walk.digest("/data", ("a", "b"), files, [0, 1, 1], ["train", "val", "test"])
    rows = [("a/1.png", 10, 1_700_000_000_123_456_789, 0, "train"), ("b/x/2.jpg", 0, 5, 1, "val"),
            ("b/caf\u00e9.png", -1, -1, 1, "test")]
    assert got["sha256"] == _plain_digest("/data", ("a", "b"), rows) == PINNED
    assert (got["num_files"], got["total_bytes"], got["classes"]) == (3, 10, ["a", "b"])


PINNED = "cf7ff0f0177ef627694435f28800be68e3d9b7bea81cd1a7959df0cabbb6c5d0"


@pytest.mark.parametrize("names", [
    ["a.png", "b.PNG", "c.jpeg", "d.JPG", "e.tiff", "f.webp"],  # all plain: decided in bulk
    ["a.png", ".b.png", "c.gif", "d.txt", "thumbs.db", "e.png.txt", "png", ".png", "f.tif", "g.tiffx"],
    ["caf\u00e9.png", "\u00fcber.JPEG", "\u212a.png", "x.bmp"],  # not ASCII, valid UTF-8
    ["ok.png", "bad\udcff.png"],  # a name the file system gave with a byte that is not UTF-8
    [],
])
def test_bulk_name_check_agrees_with_the_per_name_check(names: list[str]) -> None:
    want = [is_image_name(n) and not is_hidden(n) and utf8_name(n) for n in names]
    got = folder_walk._plain_names(names)
    assert (got if got is not None else [True] * len(names)) == want


def test_no_ignored_name_looks_like_an_image() -> None:
    # the bulk check relies on it: a folder whose names all end in an image extension holds no ignored name
    assert not any(n.endswith(IMG_EXTENSIONS) for n in IGNORED_NAMES)


def test_odd_entries_beside_plain_images_are_handled_as_before(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=3)
    cat = root / "cat"
    (cat / "folder.png").mkdir()  # a folder with an image's name is walked, not stat()ed as an image
    write_image(cat / "folder.png" / "inner.png", PIX)
    (cat / "broken.png").symlink_to(tmp_path / "missing.png")
    (cat / "anim.gif").write_bytes(b"GIF89a")
    (cat / ".DS_Store").write_bytes(b"\0")
    os.mkfifo(cat / "pipe.png")
    idx = scan(root, val_fraction=0.0, verify="none")
    cat_paths = [Path(s.path).relative_to(idx.root).as_posix() for s in idx.samples if s.label == 0]
    assert cat_paths == [*sorted(p for p in cat_paths if "/folder.png/" not in p), "cat/folder.png/inner.png"]
    assert len(cat_paths) == 4
    kinds = {(Path(p.path).name, p.kind) for p in idx.problems}
    assert {("broken.png", "not_a_file"), ("pipe.png", "not_a_file"), ("anim.gif", "unsupported_format")} <= kinds


def test_windows_branch_reads_the_listing_s_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tiny_folder(tmp_path / "d", per_class=3)
    (root / "cat" / "broken.png").symlink_to(tmp_path / "missing.png")
    expected = scan(root, val_fraction=0.0, verify="none")
    monkeypatch.setattr(folder_walk, "_WINDOWS", True)
    assert scan(root, val_fraction=0.0, verify="none") == expected


def test_each_folder_is_sorted_like_imagefolder(tmp_path: Path) -> None:
    root = tmp_path / "d"
    names = [f"{random.Random(i).random():.6f}.png" for i in range(40)] + ["B.png", "a.png", "_.png"]
    for n in names:
        write_image(root / "c" / n, PIX)
    write_image(root / "c" / "sub" / "0.png", PIX)
    idx = scan(root, val_fraction=0.0, verify="none")
    top = [Path(s.path).name for s in idx.samples if Path(s.path).parent.name == "c"]
    assert top == sorted(names)
    assert Path(idx.samples[-1].path).parent.name == "sub"  # c/ before c/sub/, as ImageFolder walks


def test_split_is_the_seeded_shuffle_it_always_was() -> None:
    labels = [i % 3 for i in range(50)]
    splits = stratified_split(labels, 0.2, seed=7)
    rng = random.Random(7)
    expected = ["train"] * 50
    for lab in range(3):
        idx = [i for i, x in enumerate(labels) if x == lab]
        rng.shuffle(idx)
        for i in idx[:round(len(idx) * 0.2)]:
            expected[i] = "val"
    assert splits == expected


@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 9, 255, 256, 257, 3000])
def test_inlined_shuffle_draws_as_random_shuffle(n: int) -> None:
    for seed in (0, 1, 12345):
        ours, theirs = list(range(n)), list(range(n))
        mine, ref = random.Random(seed), random.Random(seed)
        dataset._shuffle(ours, mine)
        ref.shuffle(theirs)
        assert ours == theirs
        assert mine.random() == ref.random()  # and it left the generator where shuffle leaves it


def test_collector_pause_nests_and_restores_what_it_found() -> None:
    import gc

    was = gc.isenabled()
    try:
        gc.enable()
        with dataset.gc_paused():
            assert not gc.isenabled()
            with dataset.gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer pause still holds
        assert gc.isenabled()
        gc.disable()  # someone else turned it off: a pause must not turn it on
        with dataset.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_the_walk_sets_off_no_cycle_collection(tmp_path: Path) -> None:
    # each folder's stat results count as new objects: 1,500 of them set off young collections (a fifth of
    # walking 100,000 files, with the middle and full ones they lead to) unless the collector is paused
    import gc

    for i in range(1500):
        (tmp_path / "c" / f"{i:04d}.png").parent.mkdir(exist_ok=True)
        (tmp_path / "c" / f"{i:04d}.png").write_bytes(b"x")
    started: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    was, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(700, 10, 10)
    gc.collect()
    gc.callbacks.append(watch)
    try:
        files = folder_walk.walk_images(tmp_path / "c", [], tmp_path)
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*threshold)
        (gc.enable if was else gc.disable)()
    assert len(files) == 1500 and started == []


def test_counts_made_from_the_columns_are_the_samples_counts(tmp_path: Path) -> None:
    from collections import Counter

    flat = make_tiny_folder(tmp_path / "flat", per_class=7)
    split = tmp_path / "split"
    make_tiny_folder(split / "train", per_class=6)
    make_tiny_folder(split / "test", classes=("cat", "fish"), per_class=2)
    (flat / "dog" / "empty.png").write_bytes(b"")  # left out: counted neither way
    for root in (flat, split):
        idx = scan(root, val_fraction=0.3, seed=5, verify="none")
        for part in (None, "train", "val", "test"):
            c = Counter(s.label for s in idx.samples if part is None or s.split == part)
            assert idx.counts(part) == {name: c[i] for i, name in enumerate(idx.classes)}
        assert idx.split_size("val") > 0
