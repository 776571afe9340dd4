"""Retrain right after labelling: the index read before the label is known to be behind."""

from __future__ import annotations

from pathlib import Path

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.index_freshness import index_behind
from desktop_cls.core.data.labeling import Workspace
from tests.conftest import make_tiny_folder, write_image


def test_an_index_read_before_the_latest_label_is_behind(tmp_path: Path) -> None:
    import numpy as np

    root = make_tiny_folder(tmp_path / "d", per_class=3)
    write_image(root / "new.png", np.zeros((16, 16, 3), dtype=np.uint8))
    ws = Workspace(root)
    before = scan(root)
    assert not index_behind(before, ws)  # nothing labelled since it was read
    ws.assign([root / "new.png"], "cat")  # labelled just before Retrain: 10 images on disk, 9 in the index
    assert index_behind(before, ws)
    after = scan(root)
    assert len(after.samples) == len(before.samples) + 1 and not index_behind(after, ws)
    ws.undo()  # an undo is a step too: the image left the class again
    assert index_behind(after, ws) and not index_behind(scan(root), ws)
    ws.trash([next(iter((root / "dog").iterdir()))])
    assert index_behind(before, ws)


def test_no_workspace_or_another_folder_is_never_behind(tmp_path: Path) -> None:
    a = make_tiny_folder(tmp_path / "a", per_class=2)
    b = make_tiny_folder(tmp_path / "b", per_class=2)
    ws = Workspace(b)
    ws.create_class("bird")
    assert not index_behind(scan(a), None) and not index_behind(scan(a), ws)


def test_training_reads_the_folder_again_when_the_index_is_behind_or_split_differently(tmp_path: Path) -> None:
    from desktop_cls.core.data.index_freshness import training_data

    root = make_tiny_folder(tmp_path / "d", per_class=3)
    ws = Workspace(root)
    index = scan(root, val_fraction=0.2, seed=0)
    assert training_data(0.2, 0, index, ws) is index
    assert training_data(0.3, 0, index, ws) == index.root and training_data(0.2, 1, index, ws) == index.root
    ws.create_class("bird")
    ws.assign([next(iter((root / "cat").iterdir()))], "bird")
    assert training_data(0.2, 0, index, ws) == index.root
