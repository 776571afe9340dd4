"""Duplicate detection on planted copies among distinct images: recall and false positives counted."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.demo_data import draw_shape
from desktop_cls.core.data.health import check_health, with_health
from desktop_cls.core.data.problems import Problem

SHAPES = ("circle", "square", "triangle", "cross", "ring", "diamond", "dots")


def distinct_images(n: int, seed: int) -> list[Image.Image]:
    rng = random.Random(seed)
    return [draw_shape(SHAPES[i % len(SHAPES)], 64, rng) for i in range(n)]


def save(im: Image.Image, path: Path, fmt: str = "PNG", **kw: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, format=fmt, **kw)
    return path


def test_planted_duplicates_are_found_and_distinct_images_are_not(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    images = distinct_images(90, seed=3)
    for i, im in enumerate(images):
        save(im, root / ("a" if i % 2 else "b") / f"img{i:03d}.png")
    planted: dict[str, tuple[str, str]] = {}  # planted file -> (kind, original)

    def plant(name: str, cls: str, kind: str, idx: int, transform: str) -> None:
        im = images[idx]
        orig_cls = "a" if idx % 2 else "b"
        dst = root / cls / name
        if transform == "same":
            save(im, dst)
        elif transform == "jpeg":
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=85)
            dst.write_bytes(buf.getvalue())
        elif transform == "bigger":
            save(im.resize((128, 128), Image.Resampling.BICUBIC), dst)
        elif transform == "smaller":
            save(im.resize((48, 48), Image.Resampling.BILINEAR), dst)
        planted[str(dst.resolve())] = (kind, str((root / orig_cls / f"img{idx:03d}.png").resolve()))

    plant("copy_exact.png", "a", "duplicate", 1, "same")
    plant("copy_jpeg.jpg", "a", "near_duplicate", 3, "jpeg")
    plant("copy_big.png", "a", "near_duplicate", 5, "bigger")
    plant("copy_small.png", "a", "near_duplicate", 7, "smaller")
    plant("conflict_exact.png", "b", "label_conflict", 9, "same")
    plant("conflict_jpeg.jpg", "b", "label_conflict", 11, "jpeg")

    idx = scan(root, val_fraction=0.0)
    found = [p for p in check_health(idx) if p.kind in ("duplicate", "near_duplicate", "label_conflict", "leak")]
    by_member: dict[frozenset[str], Problem] = {}
    for p in found:
        assert p.duplicate_of is not None
        by_member[frozenset({p.path, p.duplicate_of})] = p
    hits = 0
    for path, (kind, original) in planted.items():
        found_pair = by_member.get(frozenset({path, original}))
        assert found_pair is not None, f"missed {Path(path).name}"
        got = found_pair.kind
        assert got == kind or (kind == "near_duplicate" and got == "duplicate"), (Path(path).name, got)
        hits += 1
    false_positives = [p for p in found if frozenset({p.path, p.duplicate_of}) not in
                       {frozenset({a, b[1]}) for a, b in planted.items()}]
    assert hits == len(planted)  # recall 100 %
    assert len(false_positives) <= 1, [(Path(p.path).name, Path(str(p.duplicate_of)).name) for p in false_positives]


def test_copies_across_train_and_val_are_leaks(tmp_path: Path) -> None:
    images = distinct_images(12, seed=5)
    for i in range(6):
        save(images[i], tmp_path / "ds" / "train" / ("x" if i % 2 else "y") / f"train{i}.png")
        save(images[i + 6], tmp_path / "ds" / "val" / ("x" if i % 2 else "y") / f"val{i}.png")
    leaked = images[0]
    save(leaked, tmp_path / "ds" / "val" / "y" / "leaked.png")
    found = check_health(scan(tmp_path / "ds"))
    leaks = [p for p in found if p.kind == "leak"]
    assert len(leaks) == 1 and {Path(leaks[0].path).name, Path(str(leaks[0].duplicate_of)).name} == {
        "leaked.png", "train0.png"}


def test_imbalance_and_tiny_images_and_cached_rescan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images = distinct_images(14, seed=9)
    for i, im in enumerate(images[:12]):
        save(im, tmp_path / "ds" / "many" / f"m{i}.png")
    save(images[12], tmp_path / "ds" / "few" / "f0.png")
    save(images[13].resize((8, 8)), tmp_path / "ds" / "few" / "tiny.png")
    idx = with_health(scan(tmp_path / "ds"))
    kinds = {(p.kind, Path(p.path).name) for p in idx.problems}
    from desktop_cls.core.data.health import PROBLEM_KINDS

    assert {k for k, _ in kinds} <= set(PROBLEM_KINDS)
    assert ("imbalance", "few") in kinds and ("too_small", "tiny.png") in kinds

    import desktop_cls.core.data.health as health

    def no_hashing(path: str) -> None:
        raise AssertionError("rehashed an unchanged file")

    monkeypatch.setattr(health, "hash_image", no_hashing)
    monkeypatch.setattr(health.candidates, "candidate_array", no_hashing)
    again = with_health(scan(tmp_path / "ds"))
    assert {(p.kind, Path(p.path).name) for p in again.problems} == kinds


def test_a_leak_names_the_held_out_score_whichever_copy_comes_first(tmp_path: Path) -> None:
    """The copy in validation makes the validation score too good, also when it is listed first."""
    from desktop_cls.core.data.dataset import DatasetIndex, Sample

    images = distinct_images(2, seed=3)
    a = save(images[0], tmp_path / "x" / "a.png")
    b = save(images[0], tmp_path / "x" / "b.png")
    c = save(images[1], tmp_path / "x" / "c.png")
    for first, second in (("val", "train"), ("train", "val")):
        idx = DatasetIndex(str(tmp_path), "class_folders", ("x",),
                           (Sample(str(a), 0, first), Sample(str(b), 0, second), Sample(str(c), 0, "train")))
        leaks = [p for p in check_health(idx) if p.kind == "leak"]
        assert len(leaks) == 1
        assert "the validation score is inflated" in leaks[0].message, leaks[0].message
        assert "train score" not in leaks[0].message
