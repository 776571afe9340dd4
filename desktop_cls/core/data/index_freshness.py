"""Whether a dataset index read earlier still shows the folder's labels after the latest labeling step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_cls.core.data.dataset import DatasetIndex
from desktop_cls.core.data.labeling import STATE_DIR


def index_behind(index: DatasetIndex, workspace: Any) -> bool:
    """True when the workspace's latest step (a label, a trash, an undo…) is not in the index: the folder
    was read before that step, as when an image is labeled just before Retrain while the folder is read
    again in the background. Training then reads the folder itself instead of counting one image short."""
    if workspace is None or not workspace.ops or str(workspace.root) != str(index.root):
        return False
    latest = workspace.ops[max(workspace.ops)]
    root = Path(index.root)
    samples = {s.path for s in index.samples}
    for move in latest.moves:
        if move.src is not None and str(root / move.src) in samples:
            return True  # a file the step moved away is still listed
        dst = move.dst
        if (dst is not None and move.src is not None and "/" in dst and not dst.startswith(STATE_DIR)
                and (root / dst).is_file() and str(root / dst) not in samples):
            return True  # an image the step put into a class is missing
    return False


def training_data(val_fraction: float, seed: int, index: DatasetIndex, workspace: Any) -> DatasetIndex | str:
    """What a run trains on: the index read earlier when its split is the run's (val_fraction, seed) and no
    labeling step came after it; else the folder, read again by the training."""
    if (index.val_fraction, index.seed) == (val_fraction, seed) and not index_behind(index, workspace):
        return index
    return index.root
