"""A run that ended, read back from its folder as the result its training returned (the window shows a reopened
run as it showed it when it ended)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_cls.core.run_outcome import saved_result
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder


def test_a_finished_run_reads_back_as_its_result(trained_run: tuple[Path, Path]) -> None:
    run, _data = trained_run
    info = json.loads((run / "run.json").read_text())
    back = saved_result(run)
    assert back is not None
    assert (back.epochs, back.epochs_done, back.cancelled) == (4, 4, False)
    assert back.best_val_accuracy == info["best_val_accuracy"] and back.best_epoch == info["best_epoch"]
    assert back.classes == ("cat", "dog", "fish") and back.run_dir == str(run)
    assert back.extra == {}  # not a quick run: the page shows its curves, not the quick summary


def test_a_quick_run_keeps_what_its_summary_shows(tmp_path: Path) -> None:
    folder = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    cfg = TrainConfig(model="efficientnet_lite0", image_size=64, pretrained=True, method="quick", seed=0)
    res = fit(cfg, folder, out=tmp_path / "run")
    back = saved_result(Path(res.run_dir))
    assert back is not None and back.extra["method"] == "quick"
    for key in ("class_accuracy", "cv_folds", "head_c", "val_images", "features_computed", "features_cached"):
        assert back.extra[key] == res.extra[key], key
    assert back.best_val_accuracy == res.best_val_accuracy
    assert back.train_seconds == pytest.approx(res.train_seconds, abs=1e-3)


@pytest.mark.parametrize("status", ["running", "failed"])
def test_a_run_that_did_not_end_well_has_no_result(tmp_path: Path, status: str) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"status": status, "epochs_done": 2, "pid": -1}))
    assert saved_result(run) is None
    assert saved_result(tmp_path / "missing") is None
