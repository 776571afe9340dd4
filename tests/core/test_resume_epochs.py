"""Resuming with a new total of epochs records it in config.json; a finished run with nothing left is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken
from desktop_cls.core.training.checkpoint import checkpoint_epoch
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit, resume
from tests.conftest import make_tiny_folder


class _StopAfter:
    def __init__(self, cancel: CancelToken, epoch: int) -> None:
        self.cancel, self.epoch = cancel, epoch

    def on_epoch_end(self, event: object) -> None:
        if getattr(event, "epoch", 0) >= self.epoch:
            self.cancel.set()


def _stopped_run(tmp_path: Path) -> Path:
    data = make_tiny_folder(tmp_path / "data", per_class=4)
    cancel = CancelToken()
    cfg = TrainConfig(model="simple_cnn", epochs=6, batch_size=4, image_size=16, seed=1)
    res = fit(cfg, data, out=tmp_path / "run", callbacks=[_StopAfter(cancel, 1)], cancel=cancel)
    assert res.cancelled and res.epochs_done == 1
    return Path(res.run_dir)


def _config(run: Path) -> dict[str, object]:
    return json.loads((run / rd.CONFIG).read_text())


def test_a_new_total_is_recorded_and_a_finished_run_is_not_trained_again(tmp_path: Path) -> None:
    run = _stopped_run(tmp_path)
    assert resume(run, epochs=2).epochs_done == 2
    assert _config(run)["epochs"] == 2  # the run's files say what it did
    model = (run / rd.MODEL).read_bytes()
    with pytest.raises(UserError) as e:
        resume(run)  # it once said epoch 3/6 ... 6/6 and saved the model again
    assert "finished all 2 epochs" in str(e.value) and "--epochs N above 2" in e.value.for_cli()
    with pytest.raises(UserError):
        resume(run, epochs=2)
    assert (run / rd.MODEL).read_bytes() == model and _config(run)["epochs"] == 2
    assert rd.read_run_info(run)["status"] == "finished"


def test_a_finished_run_continues_to_a_larger_total_keeping_its_best_model(tmp_path: Path) -> None:
    run = _stopped_run(tmp_path)
    resume(run, epochs=2)
    best = rd.read_run_info(run)["best_epoch"]
    res = resume(run, epochs=3)
    assert res.epochs_done == 3 and _config(run)["epochs"] == 3
    assert [r["epoch"] for r in rd.read_metrics(run)] == [1, 2, 3]
    assert res.best_epoch >= best  # the best so far competes with the new epochs, it is not reset
    assert checkpoint_epoch(run / rd.BEST) == res.best_epoch


def test_a_total_below_the_epochs_done_is_refused(tmp_path: Path) -> None:
    run = _stopped_run(tmp_path)
    resume(run, epochs=2)  # finished at 2
    run.joinpath(rd.RUN_INFO).write_text(json.dumps({**rd.read_run_info(run), "status": "stopped"}))
    with pytest.raises(UserError) as e:
        resume(run, epochs=1)
    assert "already trained 2 epochs, more than 1" in str(e.value)
    assert _config(run)["epochs"] == 2 and rd.read_run_info(run)["status"] == "stopped"
    assert resume(run, epochs=2).epochs_done == 2  # a stopped run ended where it is: it only finishes
    assert rd.read_run_info(run)["status"] == "finished"
