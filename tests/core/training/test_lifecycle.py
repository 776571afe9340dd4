"""One run lifecycle: the loop and the quick method record their end the same way, a stop says who stopped
it, and a full disk leaves a run interrupted (resumable), not failed."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken, EpochEnd
from desktop_cls.core.run_status import RunStatus
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder

QUICK = TrainConfig(model="efficientnet_lite0", image_size=64, pretrained=True, method="quick", seed=0)


class QuitAfterFirstEpoch:
    def __init__(self, token: CancelToken) -> None:
        self.token = token

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.token.set("quit")  # what the window does when it closes during training


def test_a_run_stopped_by_closing_the_app_says_so(tiny_folder: Path, tmp_path: Path) -> None:
    token = CancelToken()
    res = fit(TrainConfig(epochs=3, batch_size=8, image_size=16, cache_images="ram"), tiny_folder,
              out=tmp_path / "run", callbacks=[QuitAfterFirstEpoch(token)], cancel=token)
    info = rd.read_run_info(Path(res.run_dir))
    assert res.cancelled and res.epochs_done == 1
    assert (info["status"], info["stopped_by"], info["epochs_done"]) == ("stopped", "quit", 1)
    assert rd.run_status(Path(res.run_dir)) is RunStatus.STOPPED


def test_the_quick_method_writes_its_epoch_through_the_loops_metrics_log(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    res = fit(QUICK, data, out=tmp_path / "run")
    run = Path(res.run_dir)
    assert rd.run_status(run) is RunStatus.FINISHED
    assert [r["epoch"] for r in rd.read_metrics(run)] == [1] and res.history == tuple(rd.read_metrics(run))
    assert rd.read_run_info(run)["method"] == "quick"


def test_a_full_disk_leaves_a_quick_run_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.training import callbacks

    def full(*_a: Any, **_k: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(callbacks, "append_jsonl", full)
    data = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    with pytest.raises(UserError, match="disk is full"):
        fit(QUICK, data, out=tmp_path / "run")
    assert rd.read_run_info(tmp_path / "run")["status"] == "interrupted"
