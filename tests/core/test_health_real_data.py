"""Findings on real pictures: distinct corpora stay quiet, planted copies are all found with the right kind.

Corpora (benchmarks/health_corpora.py): scikit-learn's handwritten digits as 32 px files, letters A-J
rendered from this machine's typefaces (random size, offset, rotation and shade), crops of the sample
photos scikit-learn ships. The large measurements are in benchmarks/health_findings.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import health_corpora as hc
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.health import COPY_KINDS, check_health

REQUIRED = ("exact", "jpeg60", "bigger", "smaller", "cropped", "brighter")


def copy_findings(root: Path) -> list:
    return [p for p in check_health(scan(root, val_fraction=0.0)) if p.kind in COPY_KINDS]


def assert_quiet(found: list, n_images: int) -> None:
    assert not [p for p in found if p.kind == "label_conflict"], [(p.path, p.duplicate_of) for p in found]
    assert len(found) <= 0.005 * n_images, [(Path(p.path).name, Path(str(p.duplicate_of)).name, p.difference)
                                             for p in found]


def assert_all_found(found: list, planted: dict[Path, tuple[str, Path]], kind_of: dict[str, str]) -> None:
    pairs = {frozenset({p.path, p.duplicate_of}): p for p in found}
    for copy, (how, original) in planted.items():
        p = pairs.get(frozenset({str(copy.resolve()), str(original.resolve())}))
        assert p is not None, f"missed the {how} copy {copy.name} of {original.name}"
        want = kind_of[how]
        assert p.kind == want or (want == "near_duplicate" and p.kind == "duplicate"), (copy.name, p.kind)
        assert p.difference == 0.0 if how == "exact" else 0.0 <= p.difference < 0.1, (copy.name, p.difference)
    assert len(found) == len(planted), [(Path(p.path).name, Path(str(p.duplicate_of)).name) for p in found]


@pytest.fixture(scope="module")
def digits_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("digits")
    hc.digits(root, limit=150)
    return root


def test_distinct_digits_are_not_copies(digits_root: Path) -> None:
    assert_quiet(copy_findings(digits_root), 150)


def test_planted_copies_among_digits_are_found(digits_root: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "d"
    shutil.copytree(digits_root, root)
    originals = sorted(root.rglob("*.png"))
    same_class = hc.plant_copies(originals[::2], lambda o: o.parent, per_kind=2, seed=3, kinds=REQUIRED)
    other_class = hc.plant_copies(originals[1::2], lambda o: o.parent.with_name(str((int(o.parent.name) + 1) % 10)),
                                  per_kind=1, seed=4, kinds=REQUIRED, tag="other")
    found = copy_findings(root)
    kinds = {h: "near_duplicate" for h in REQUIRED} | {"exact": "duplicate"}
    assert_all_found([p for p in found if {Path(p.path), Path(str(p.duplicate_of))} & set(same_class)], same_class,
                     kinds)
    assert_all_found([p for p in found if {Path(p.path), Path(str(p.duplicate_of))} & set(other_class)], other_class,
                     dict.fromkeys(REQUIRED, "label_conflict"))
    assert len(found) == len(same_class) + len(other_class)


def letters_root(tmp_path: Path) -> tuple[Path, list[Path]]:
    fonts = hc.font_files()
    root = tmp_path / "letters"
    return root, hc.letters(root, max(1, min(8, len(fonts))), seed=2, fonts=fonts)


def test_letters_from_many_typefaces_are_not_copies(tmp_path: Path) -> None:
    root, originals = letters_root(tmp_path)
    assert_quiet(copy_findings(root), len(originals))


def test_planted_copies_among_letters_are_found(tmp_path: Path) -> None:
    root, originals = letters_root(tmp_path)
    planted = hc.plant_copies(originals, lambda o: o.parent, per_kind=2, seed=5, kinds=REQUIRED)
    kinds = {h: "near_duplicate" for h in REQUIRED} | {"exact": "duplicate"}
    assert_all_found(copy_findings(root), planted, kinds)


def test_photo_crops_are_not_copies_and_their_copies_leak_across_splits(tmp_path: Path) -> None:
    originals = hc.photo_crops(tmp_path / "p" / "train", per_photo=6, seed=1)
    (tmp_path / "p" / "val" / "photo0").mkdir(parents=True)
    (tmp_path / "p" / "val" / "photo1").mkdir(parents=True)
    assert_quiet(copy_findings(tmp_path / "p"), len(originals))
    planted = hc.plant_copies(originals, lambda o: tmp_path / "p" / "val" / o.parent.name, per_kind=1, seed=2,
                              kinds=REQUIRED)
    found = copy_findings(tmp_path / "p")
    assert_all_found(found, planted, dict.fromkeys(REQUIRED, "leak"))


def test_label_conflict_message_names_both_labels_the_right_way_round(digits_root: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "d"
    shutil.copytree(digits_root, root)
    original = sorted((root / "5").glob("*.png"))[0]
    shutil.copy(original, root / "6" / "copy.png")
    (p,) = [p for p in copy_findings(root) if p.kind == "label_conflict"]
    there, here = (original, root / "6" / "copy.png") if p.duplicate_of == str(original) else (
        root / "6" / "copy.png", original)
    assert p.path == str(here) and f"labeled '{there.parent.name}' there and '{here.parent.name}' here" in p.message
    assert json.loads(json.dumps(p.to_dict()))["difference"] == 0.0
