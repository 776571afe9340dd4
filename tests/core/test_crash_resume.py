"""kill -9 at any moment loses at most the current epoch; a resumed run matches an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.training.checkpoint import load_checkpoint
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit, resume
from tests.conftest import fill_disk_on_save, make_tiny_folder

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "tests" / "core" / "crash_helper.py"
EPOCHS = 4


def child(data: Path, out: Path, mode: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, str(HELPER), str(data), str(out), str(EPOCHS), mode], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def reference(data: Path, tmp: Path) -> dict[str, torch.Tensor]:
    cfg = TrainConfig(model="simple_cnn", epochs=EPOCHS, batch_size=2, image_size=16, seed=3)
    res = fit(cfg, data, out=tmp / "reference")
    return load_checkpoint(Path(res.run_dir) / rd.LAST)["model"]


def assert_same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-6), k


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_tiny_folder(tmp_path / "data", per_class=12)


def test_kill_mid_epoch_then_resume(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = child(data, out, "run")
    deadline = time.monotonic() + 120
    while not (out / rd.LAST).exists():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.15)  # somewhere inside a later epoch (or between epochs)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    done = load_checkpoint(out / rd.LAST)["epoch"]
    assert 1 <= done <= EPOCHS
    res = resume(out)
    assert res.epochs_done == EPOCHS
    assert [r["epoch"] for r in rd.read_metrics(out)] == list(range(1, EPOCHS + 1))
    assert_same(load_checkpoint(out / rd.LAST)["model"], reference(data, tmp_path))


def test_kill_while_writing_a_checkpoint_then_resume(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = child(data, out, "die-mid-checkpoint")
    assert proc.wait(120) == -signal.SIGKILL
    assert list((out / "checkpoints").glob(".*.tmp")), "the half-written temp file should be left behind"
    assert load_checkpoint(out / rd.LAST)["epoch"] == 1  # the previous checkpoint is intact
    res = resume(out)
    assert res.epochs_done == EPOCHS
    assert not list((out / "checkpoints").glob(".*.tmp"))
    assert [r["epoch"] for r in rd.read_metrics(out)] == list(range(1, EPOCHS + 1))
    assert_same(load_checkpoint(out / rd.LAST)["model"], reference(data, tmp_path))


def test_disk_full_keeps_the_previous_checkpoint(data: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    fill_disk_on_save(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"))
    notices: list[str] = []

    class Rec:
        def on_notice(self, e: object) -> None:
            notices.append(e.message)  # type: ignore[attr-defined]

    cfg = TrainConfig(model="simple_cnn", epochs=3, batch_size=2, image_size=16)
    with pytest.raises(UserError, match="previous checkpoint is intact"):
        fit(cfg, data, out=tmp_path / "run", callbacks=[Rec()])
    assert any("disk space" in n for n in notices)
    assert load_checkpoint(tmp_path / "run" / rd.LAST)["epoch"] == 1
    assert not list((tmp_path / "run" / "checkpoints").glob(".*.tmp"))


def test_files_deleted_during_streaming_training_are_skipped_and_reported(data: Path, tmp_path: Path) -> None:
    from desktop_cls.core.data.dataset import scan

    idx = scan(data, val_fraction=0.25)
    victims = [s.path for s in idx.split("train")[:3]]
    notices: list[str] = []

    class DeleteAfterFirstEpoch:
        def on_epoch_end(self, e: object) -> None:
            if e.epoch == 1:  # type: ignore[attr-defined]
                for v in victims:
                    Path(v).unlink()

        def on_notice(self, e: object) -> None:
            notices.append(e.message)  # type: ignore[attr-defined]

    cfg = TrainConfig(model="simple_cnn", epochs=3, batch_size=4, image_size=16, cache_images="off", num_workers=0)
    res = fit(cfg, idx, out=tmp_path / "run", callbacks=[DeleteAfterFirstEpoch()])
    assert res.epochs_done == 3
    assert any("could not be read" in n and "skipped" in n for n in notices)


def test_a_fingerprint_of_an_earlier_version_is_compared_by_its_counts(tmp_path: Path) -> None:
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.training.resume_state import dataset_changed

    now = scan(make_tiny_folder(tmp_path / "d", per_class=3), verify="none").fingerprint
    v1 = {"sha256": "recorded by version 1", "num_files": now["num_files"], "total_bytes": now["total_bytes"],
          "classes": now["classes"]}  # version 1 wrote no "version"
    assert not dataset_changed(now, dict(now))
    assert dataset_changed(now, {**now, "sha256": "other"})
    assert not dataset_changed(v1, now)  # the same files: a run started before an update resumes quietly
    assert dataset_changed({**v1, "num_files": now["num_files"] + 1}, now)
    assert dataset_changed({**v1, "total_bytes": 1}, now)
    assert dataset_changed({}, now)  # a checkpoint without a fingerprint
