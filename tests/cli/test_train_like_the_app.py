"""`train` on the command line and the Train page validate a folder alike: the same images in the same folds.
With a file named as an image that is none, the CLI (which checks no header before splitting) and the app (whose
Data page does) split the rest otherwise, and their quick runs on one folder cross-validated other folds: the same
80.0 % with other confusion matrices and other mistakes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.cli import main
from desktop_cls.core.data.health import with_health
from desktop_cls.core.events import no_progress
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit
from desktop_cls.gui.pages.data.folder_field import read_folder
from tests.conftest import make_tiny_folder


def cross_validation(run: Path) -> dict[str, Any]:
    return json.loads((run / "cross_validation.json").read_text(encoding="utf-8"))


def test_the_app_and_the_cli_cross_validate_the_same_folds(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    (data / "cat" / "cat_00a.png").write_bytes(b"not an image at all")
    cli_run = tmp_path / "cli"
    assert main(["train", str(data), "--out", str(cli_run), "--method", "quick", "--model", "efficientnet_lite0",
                 "--image-size", "64", "--seed", "0"]) == 0
    # the app: the Data page's walk, its health check, then the Train page's fit on the index it shows
    index = with_health(read_folder(str(data), None, (0.2, 0), no_progress, None))
    cfg = TrainConfig(model="efficientnet_lite0", image_size=64, pretrained=True, method="quick", seed=0)
    app_run = Path(fit(cfg, index, out=tmp_path / "app").run_dir)
    cli, app = cross_validation(cli_run), cross_validation(app_run)
    assert "cat/cat_00a.png" not in app["paths"]
    assert cli["paths"] == app["paths"] and cli["labels"] == app["labels"] and cli["folds"] == app["folds"]
    np.testing.assert_allclose(np.asarray(cli["logits"]), np.asarray(app["logits"]), atol=1e-4)
