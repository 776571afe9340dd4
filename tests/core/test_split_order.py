"""Which images validate a run (the held-out split, a quick run's cross-validation folds) follows the images and
the seed only: not how closely a front end checked the files before splitting (the app reads each header, `train`
on the command line none), not the order a folder lists them in, and not the held-out split that a quick run's
cross-validation does not use. On one folder the app and the CLI both scored 80.0 % with other folds, other
confusion matrices and other mistakes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_cls.core.data.dataset import DatasetIndex, scan
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder


def with_broken_file(root: Path) -> Path:
    """A tiny dataset with a file named as an image that is none, early in its class."""
    make_tiny_folder(root, per_class=8, size=16)
    (root / "cat" / "cat_00a.png").write_bytes(b"not an image at all")
    return root


def validated(index: DatasetIndex) -> set[str]:
    return {s.path for s in index.samples if s.split == "val"}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_held_out_split_is_the_same_whether_the_files_were_checked_or_not(tmp_path: Path, seed: int) -> None:
    root = with_broken_file(tmp_path / "data")
    unchecked = scan(root, val_fraction=0.25, seed=seed, verify="none")  # the CLI's scan before training
    checked = scan(root, val_fraction=0.25, seed=seed, verify="header")  # the Data page's
    broken = str(root / "cat" / "cat_00a.png")
    assert broken in {s.path for s in unchecked.samples} and broken not in {s.path for s in checked.samples}
    assert validated(unchecked) - {broken} == validated(checked)


def test_the_split_does_not_follow_the_order_the_folder_lists_its_files_in(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tiny_folder(tmp_path / "data", per_class=8, size=16)
    first = scan(root, val_fraction=0.25, seed=3)
    listdir, scandir = os.listdir, os.scandir

    class Reversed:
        def __init__(self, d: str) -> None:
            self.entries = list(reversed(list(scandir(d))))

        def __enter__(self) -> list[os.DirEntry[str]]:
            return self.entries

        def __exit__(self, *_exc: object) -> None:
            pass

        def __iter__(self) -> Iterator[os.DirEntry[str]]:
            return iter(self.entries)

    monkeypatch.setattr(os, "listdir", lambda d=".": list(reversed(listdir(d))))
    monkeypatch.setattr(os, "scandir", Reversed)
    again = scan(root, val_fraction=0.25, seed=3)
    assert again.samples == first.samples


def quick_cfg(**kw: object) -> TrainConfig:
    return TrainConfig(**{"model": "efficientnet_lite0", "image_size": 64, "pretrained": True,  # type: ignore[arg-type]
                          "method": "quick", "seed": 0, **kw})


def cross_validation(run: str) -> dict[str, Any]:
    return json.loads((Path(run) / "cross_validation.json").read_text(encoding="utf-8"))


def test_a_quick_run_deals_the_same_folds_whatever_the_split_and_the_order_of_the_index(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    index = scan(root, val_fraction=0.2, seed=0)
    # the same images, listed backwards and split otherwise: as an index built another way would hold them
    other = scan(root, val_fraction=0.2, seed=5)
    other = replace(other, samples=tuple(reversed(other.samples)), seed=0)
    assert validated(other) != validated(index)
    a = cross_validation(fit(quick_cfg(), index, out=tmp_path / "a").run_dir)
    b = cross_validation(fit(quick_cfg(), other, out=tmp_path / "b").run_dir)
    assert a["folds"] == b["folds"] == 5
    assert a["paths"] == b["paths"] == sorted(a["paths"])
    assert a["labels"] == b["labels"]
    np.testing.assert_allclose(np.asarray(a["logits"]), np.asarray(b["logits"]), atol=1e-4)
