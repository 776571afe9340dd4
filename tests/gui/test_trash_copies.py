"""Trash duplicate copies keeps one image of each set: the next check lists no copy of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.health import check_health, with_health
from desktop_cls.gui.pages.data.problems_panel import copy_kinds
from tests.core.test_health import distinct_images, save


def test_a_burst_of_frames_is_thinned_to_one_in_a_single_trash(tmp_path: Path) -> None:
    """Twenty webcam frames of one scene in a class folder: copies across the random train/validation split
    are trashed with the rest (the split is drawn again after the trash, which turned one of them into a
    near duplicate that stayed listed)."""
    root = tmp_path / "ds"
    for i, im in enumerate(distinct_images(14, seed=5)):
        save(im, root / "a" / f"other{i:02d}.png")
    scene = np.asarray(distinct_images(1, seed=11)[0].convert("RGB"), dtype=np.float32)
    rng = np.random.default_rng(0)
    for i in range(20):
        frame = np.clip(scene * (1 + 0.004 * i) + rng.normal(0, 2.0, scene.shape), 0, 255).astype(np.uint8)
        save(Image.fromarray(frame), root / "a" / f"frame{i:02d}.png")
    index = with_health(scan(root))
    kinds = copy_kinds(index)
    copies = sorted({p.path for p in index.problems if p.kind in kinds})
    assert len(copies) >= 15
    for path in copies:  # what the button sends to the trash
        Path(path).unlink()
    again = [p for p in check_health(scan(root)) if p.kind in ("duplicate", "near_duplicate", "leak")]
    assert not again, [(Path(p.path).name, p.kind, p.message) for p in again]
    assert len([p for p in root.glob("a/frame*.png")]) == 1 and len(list(root.glob("a/other*.png"))) == 14


def test_split_folders_keep_their_leaks_for_the_user() -> None:
    """Under train/ and test/ folders the user chose the split: a copy across it is theirs to resolve."""

    class Index:
        layout = "split_folders"

    assert "leak" not in copy_kinds(Index())
