"""The loop's own callbacks, each on a stand-in loop (no training), and their order inside a real fit."""

from __future__ import annotations

import errno
import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import BaseCallback, EpochEnd
from desktop_cls.core.models.model_io import ModelMeta, load_native
from desktop_cls.core.training import checkpoint
from desktop_cls.core.training.callbacks import (
    CallbackList,
    EarlyStopping,
    LoopCallback,
    MetricsLog,
    SaveCheckpoints,
    metrics_row,
)
from desktop_cls.core.training.checkpoint import load_checkpoint
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.fit_result import TrainState
from desktop_cls.core.training.run import fit
from desktop_cls.core.training.tensorboard_log import TensorBoardCallback, tensorboard_available


class FakeLoop:
    """What callbacks.Loop promises, without a trainer behind it."""

    def __init__(self, run: Path, is_main: bool = True) -> None:
        from desktop_cls.core.models.architectures import build_model

        self.run = run
        (run / "checkpoints").mkdir(parents=True, exist_ok=True)
        self.state = TrainState(batch_size=4)
        self.resumed = False
        self.stopped_early = False
        self._is_main = is_main
        self.model: nn.Module = build_model("simple_cnn", 2)
        self.notices: list[tuple[str, str]] = []

    @property
    def is_main(self) -> bool:
        return self._is_main

    def notice(self, message: str, level: str = "info") -> None:
        self.notices.append((message, level))

    def checkpoint_state(self) -> dict[str, Any]:
        return {"model": self.model.state_dict(), "optimizer": {}, "epoch": self.state.epoch,
                "config": TrainConfig().to_json(), "classes": ["a", "b"]}

    def model_meta(self) -> ModelMeta:
        return ModelMeta("simple_cnn", ("a", "b"), 32, (32, 32))


def epoch_end(epoch: int, val_accuracy: float = 0.5, is_best: bool = False) -> EpochEnd:
    return EpochEnd(epoch=epoch, epochs=5, train_loss=1.0, train_accuracy=0.4, val_loss=0.9,
                    val_accuracy=val_accuracy, lr=0.01, seconds=2.0, images_per_s=10.0, is_best=is_best)


def started(cb: LoopCallback, loop: FakeLoop) -> LoopCallback:
    cb.on_fit_start(loop)  # type: ignore[arg-type]
    return cb


def test_metrics_log_keeps_history_and_file(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path)
    log = started(MetricsLog(), loop)
    log.on_epoch_end(epoch_end(1))
    log.on_epoch_end(epoch_end(2, val_accuracy=math.nan))
    rows = rd.read_metrics(tmp_path)
    assert rows == loop.state.history
    assert [r["epoch"] for r in rows] == [1, 2]
    assert rows[0]["val_accuracy"] == 0.5 and rows[0]["batch_size"] == 4
    assert rows[1]["val_accuracy"] is None  # NaN is written as null (valid JSON)
    json.loads((tmp_path / rd.METRICS).read_text().splitlines()[1])


def test_metrics_log_writes_nothing_on_other_processes(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path, is_main=False)
    started(MetricsLog(), loop).on_epoch_end(epoch_end(1))
    assert len(loop.state.history) == 1
    assert not (tmp_path / rd.METRICS).exists()


def test_metrics_row_has_the_documented_keys() -> None:
    assert list(metrics_row(epoch_end(3), 8)) == ["epoch", "train_loss", "train_accuracy", "val_loss",
                                                  "val_accuracy", "lr", "seconds", "images_per_s", "batch_size"]


def test_checkpoints_save_last_every_epoch_and_best_only_when_best(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path)
    cb = started(SaveCheckpoints(), loop)
    loop.state.epoch = 1
    cb.on_epoch_end(epoch_end(1, is_best=True))
    assert load_checkpoint(tmp_path / rd.BEST)["epoch"] == 1
    assert (tmp_path / rd.MODEL).is_file()
    loop.state.epoch = 2
    cb.on_epoch_end(epoch_end(2, is_best=False))
    assert load_checkpoint(tmp_path / rd.LAST)["epoch"] == 2
    assert load_checkpoint(tmp_path / rd.BEST)["epoch"] == 1
    _, meta = load_native(tmp_path / rd.MODEL)
    assert meta.classes == ("a", "b")


def test_checkpoints_write_nothing_on_other_processes(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path, is_main=False)
    started(SaveCheckpoints(), loop).on_epoch_end(epoch_end(1, is_best=True))
    assert not list((tmp_path / "checkpoints").iterdir())
    assert not (tmp_path / rd.MODEL).exists()


def test_a_full_disk_keeps_the_previous_checkpoint_and_says_so(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    loop = FakeLoop(tmp_path)
    cb = started(SaveCheckpoints(), loop)
    loop.state.epoch = 1
    cb.on_epoch_end(epoch_end(1))

    def full(path: Path, state: dict[str, Any], root: Path | None = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("desktop_cls.core.training.callbacks.save_checkpoint", full)
    loop.state.epoch = 2
    with pytest.raises(UserError, match="previous checkpoint is intact"):
        cb.on_epoch_end(epoch_end(2))
    assert any("disk space" in m and level == "warning" for m, level in loop.notices)
    assert checkpoint.load_checkpoint(tmp_path / rd.LAST)["epoch"] == 1


def test_early_stopping_waits_for_patience(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path)
    cb = started(EarlyStopping(patience=2), loop)
    loop.state.since_best = 1
    cb.on_epoch_end(epoch_end(2))
    assert not loop.stopped_early and not loop.notices
    loop.state.since_best = 2
    cb.on_epoch_end(epoch_end(3))
    assert loop.stopped_early
    assert "no validation improvement for 2 epochs" in loop.notices[0][0]


def test_early_stopping_with_zero_patience_never_stops(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path)
    cb = started(EarlyStopping(patience=0), loop)
    loop.state.since_best = 50
    cb.on_epoch_end(epoch_end(51))
    assert not loop.stopped_early


@pytest.mark.skipif(not tensorboard_available(), reason="tensorboard is not installed")
def test_tensorboard_writes_event_files_and_stops_its_thread(tmp_path: Path) -> None:
    loop = FakeLoop(tmp_path)
    tb = TensorBoardCallback()
    tb.on_fit_start(loop)  # type: ignore[arg-type]
    tb.on_epoch_end(epoch_end(1))
    tb.on_fit_end(loop)  # type: ignore[arg-type]
    assert list((tmp_path / "tensorboard").glob("events.out.tfevents.*"))
    tb.on_fit_end(loop)  # type: ignore[arg-type]  # a second close is harmless


def test_callback_list_calls_only_the_hooks_a_callback_has() -> None:
    calls: list[str] = []

    class OnlyNotices:
        def on_notice(self, e: object) -> None:
            calls.append("notice")

    class Everything(BaseCallback):
        def on_stage(self, e: object) -> None:
            calls.append("stage")

    cbs = CallbackList([OnlyNotices(), Everything()])
    cbs.stage("loading")
    cbs.notice("hello")
    cbs.epoch(epoch_end(1))
    assert calls == ["stage", "notice"]


def test_a_callback_sees_the_epoch_already_logged_and_checkpointed(tiny_folder: Path, tmp_path: Path) -> None:
    """The order the trainer promises: metrics log and checkpoints before the caller's callbacks."""
    seen: list[tuple[int, int, int]] = []

    class Check(BaseCallback):
        def on_epoch_end(self, event: EpochEnd) -> None:
            rows = rd.read_metrics(tmp_path / "run")
            seen.append((event.epoch, rows[-1]["epoch"], load_checkpoint(tmp_path / "run" / rd.LAST)["epoch"]))

    fit(TrainConfig(model="simple_cnn", epochs=2, batch_size=8, image_size=16), tiny_folder, out=tmp_path / "run",
        callbacks=[Check()])
    assert seen == [(1, 1, 1), (2, 2, 2)]


def test_lr_finder_trains_with_the_chosen_precision(tiny_folder: Path) -> None:
    """The finder shares the trainer's step, so bf16 autocast changes its losses (it used to ignore it)."""
    from desktop_cls.core.training.lr_finder import find_lr

    cfg = TrainConfig(model="simple_cnn", batch_size=4, image_size=16, optimizer="sgd")
    fp32 = find_lr(cfg.replace(precision="fp32"), tiny_folder, steps=12)
    bf16 = find_lr(cfg.replace(precision="bf16"), tiny_folder, steps=12)
    assert fp32.lrs == bf16.lrs
    assert fp32.losses != pytest.approx(bf16.losses, rel=1e-6)
    assert all(abs(a - b) < 0.1 for a, b in zip(fp32.losses, bf16.losses, strict=True))


def test_lr_finder_and_trainer_run_the_same_step(tiny_folder: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.training import step as step_module
    from desktop_cls.core.training.lr_finder import find_lr

    used: list[str] = []
    real = step_module.TrainStep.__call__

    def spy(self: step_module.TrainStep, x: torch.Tensor, *a: Any) -> Any:
        used.append("channels_last" if self.inputs(x).is_contiguous(memory_format=torch.channels_last) else "nchw")
        return real(self, x, *a)

    monkeypatch.setattr(step_module.TrainStep, "__call__", spy)
    cfg = TrainConfig(model="simple_cnn", batch_size=4, image_size=16, epochs=1)
    find_lr(cfg, tiny_folder, steps=3)
    n_finder = len(used)
    fit(cfg, tiny_folder, out=tmp_path / "run")
    assert n_finder == 3 and len(used) > n_finder
    assert set(used) == {"channels_last"}


def test_epoch_line_reads_the_same_in_the_cli_and_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli.progress import Progress
    from desktop_cls.core.events import describe_epoch

    e = epoch_end(2, val_accuracy=math.nan, is_best=True)
    line = describe_epoch(e)
    assert line.startswith("epoch 2/5: train loss 1.000, accuracy 40.0%")
    assert "validation loss 0.900, accuracy n/a" in line and line.endswith("best so far")
    Progress().on_epoch_end(e)
    assert line in capsys.readouterr().err
