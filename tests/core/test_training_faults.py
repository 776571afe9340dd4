"""Faults around a run's files: kill -9 between one epoch's files, disk full inside torch.save, a run
killed before its first epoch, a refused resume. Each kill point is its own child process."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.models.model_io import load_native
from desktop_cls.core.run_lock import run_in_use
from desktop_cls.core.training.checkpoint import load_checkpoint
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit, resume
from tests.conftest import fill_disk_on_save, make_tiny_folder

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "tests" / "core" / "crash_helper.py"


def killed_child(data: Path, out: Path, epochs: int, mode: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(HELPER), str(data), str(out), str(epochs), mode], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_tiny_folder(tmp_path / "data", classes=("a", "b"), per_class=8)


def assert_one_epoch_committed(run: Path) -> None:
    """best.pt, model.safetensors, model.json and run.json all name the best epoch of last.pt."""
    last = load_checkpoint(run / rd.LAST)
    best = load_checkpoint(run / rd.BEST)
    model, _ = load_native(run / rd.MODEL)
    sidecar = json.loads((run / "model.json").read_text())
    assert best["epoch"] == last["best_epoch"] == sidecar["epoch"] == rd.read_run_info(run)["best_epoch"]
    for k, v in model.state_dict().items():
        assert torch.equal(v, best["model"][k]), k


@pytest.mark.parametrize("target", ["best.pt", "model.safetensors", "model.json"])
def test_kill_between_one_epochs_files_is_repaired_on_resume(data: Path, tmp_path: Path, target: str) -> None:
    run = tmp_path / "run"
    killed_child(data, run, 4, f"die-before:{target}")
    assert load_checkpoint(run / rd.LAST)["epoch"] == 2  # last.pt of epoch 2 is in; its best files are not all
    resume(run, epochs=2)  # nothing left to train: only the repair
    assert_one_epoch_committed(run)
    resume(run, epochs=4)
    assert_one_epoch_committed(run)
    assert [r["epoch"] for r in rd.read_metrics(run)] == [1, 2, 3, 4]


def test_disk_full_inside_torch_save_is_a_clear_message(data: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli import main
    from desktop_cls.core.training import checkpoint

    # epoch 2: torch reports a full disk as a RuntimeError, not an OSError
    fill_disk_on_save(monkeypatch, 3, RuntimeError("[enforce fail at inline_container.cc:603] . unexpected pos 1536 "
                                                   "vs 1424"))
    monkeypatch.setattr(checkpoint, "free_bytes", lambda _p: 10_000)
    run = tmp_path / "run"
    code = main(["train", str(data), "--out", str(run), "--model", "simple_cnn", "--epochs", "3",
                 "--image-size", "16", "--batch-size", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "the disk is full: free" in err and "MB" in err and "resume" in err
    assert rd.read_run_info(run)["status"] == "interrupted"
    assert load_checkpoint(run / rd.LAST)["epoch"] == 1  # the previous checkpoint is intact
    assert not list((run / "checkpoints").glob(".*.tmp"))


def test_enospc_is_the_same_message(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_disk_on_save(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(UserError, match=r"the disk is full: free \d+ MB on .* and resume"):
        fit(TrainConfig(model="simple_cnn", epochs=3, batch_size=2, image_size=16), data, out=tmp_path / "run")
    assert rd.read_run_info(tmp_path / "run")["status"] == "interrupted"


def test_run_killed_before_its_first_epoch_is_not_left_running(data: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    killed_child(data, run, 2, "die-before-first-epoch")
    assert rd.read_run_info(run)["status"] == "running" and not run_in_use(run)  # the lock died with it
    with pytest.raises(UserError, match="no checkpoint yet"):
        resume(run)
    assert rd.read_run_info(run)["status"] == "interrupted"


def test_a_refused_resume_leaves_the_run_as_it_was(data: Path, tmp_path: Path) -> None:
    import pickle

    run = Path(fit(TrainConfig(model="simple_cnn", epochs=1, batch_size=4, image_size=16), data,
                   out=tmp_path / "run").run_dir)
    before = rd.read_run_info(run)
    assert before["status"] == "finished"
    shutil.move(data / "b", tmp_path / "b")  # the classes changed
    with pytest.raises(UserError):
        resume(run, epochs=3)
    assert rd.read_run_info(run) == before
    shutil.move(tmp_path / "b", data / "b")
    with open(run / rd.LAST, "wb") as f:  # a planted pickle
        pickle.dump({"model": print}, f)
    with pytest.raises(UserError, match="refused"):
        resume(run, epochs=3)
    assert rd.read_run_info(run) == before


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see open descriptors")
def test_a_failed_save_holds_no_descriptor_on_its_deleted_temporary_file(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Real torch.save(obj, path) keeps its file open in the error it raises; while that error lived the deleted
    temporary file still took its space, so a full disk stayed full and run.json could not say the run stopped."""
    from desktop_cls.core.training import checkpoint

    def save_until_full(obj: object, f: Any) -> None:
        handle = open(f, "wb") if isinstance(f, str | Path) else f  # noqa: SIM115  # like torch: kept in the error
        handle.write(b"x" * 1000)
        err = RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 576 vs 534")
        err.args += (handle,)
        raise err

    def open_temporary_files() -> list[str]:
        targets = []
        for fd in Path("/proc/self/fd").iterdir():
            try:
                targets.append(os.readlink(fd))
            except OSError:
                continue
        return [t for t in targets if t.endswith(".tmp (deleted)") and str(tmp_path) in t]

    monkeypatch.setattr(torch, "save", save_until_full)
    monkeypatch.setattr(checkpoint, "free_bytes", lambda _p: 10)
    with pytest.raises(UserError, match="the disk is full") as caught:
        checkpoint.save_checkpoint(tmp_path / "last.pt", {"model": torch.zeros(4)})
    assert caught.value is not None and open_temporary_files() == []
    assert list(tmp_path.iterdir()) == []


def test_a_dataset_folder_gone_since_its_scan_is_named_and_leaves_no_failed_run(data: Path, tmp_path: Path) -> None:
    """The window trains on the folder it scanned; deleted or unmounted since, that is said as such (not "none of
    the training images could be read"), and no failed run is left behind."""
    from desktop_cls.core.data.dataset import scan

    index = scan(data)
    shutil.rmtree(data)
    with pytest.raises(UserError, match=r"folder .* is no longer there .*nothing more was trained") as caught:
        fit(TrainConfig(model="simple_cnn", epochs=1, batch_size=2, image_size=16), index, out=tmp_path / "run")
    assert str(data) in str(caught.value) and not (tmp_path / "run").exists()


def test_a_dataset_folder_removed_while_training_reads_it_is_named(data: Path, tmp_path: Path) -> None:
    """Deleted (or unmounted) between two epochs: the run ends saying the folder is gone, not that no batch could
    be formed, and the epoch it finished is kept."""

    class RemoveAfterFirstEpoch:
        def on_epoch_end(self, event: object) -> None:
            if data.exists():
                shutil.rmtree(data)

    run = tmp_path / "run"
    with pytest.raises(UserError, match=r"the dataset folder .* is no longer there"):
        fit(TrainConfig(model="simple_cnn", epochs=3, batch_size=2, image_size=16, cache_images="off"), data, out=run,
            callbacks=[RemoveAfterFirstEpoch()])
    assert "no longer there" in rd.read_run_info(run)["error"]
    assert load_checkpoint(run / rd.LAST)["epoch"] == 1


def test_a_file_size_limit_inside_torch_save_is_named_not_torchs_unexpected_pos(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ulimit -f: the write fails with EFBIG, which torch turns into "unexpected pos 2011008 vs 2010900"."""
    from desktop_cls.core.storage import WriteError
    from desktop_cls.core.training import checkpoint

    def save_past_the_limit(obj: object, f: Any) -> None:
        try:
            raise OSError(errno.EFBIG, "File too large")
        except OSError:
            raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 2011 vs 2010") from None

    monkeypatch.setattr(torch, "save", save_past_the_limit)
    monkeypatch.setattr(checkpoint, "free_bytes", lambda _p: 10**12)
    with pytest.raises(WriteError, match=r"last\.pt: the file would be larger than this system allows") as caught:
        checkpoint.save_checkpoint(tmp_path / "last.pt", {"model": torch.zeros(4)})
    assert caught.value.errno == errno.EFBIG and list(tmp_path.iterdir()) == []


def test_a_full_disk_at_the_first_save_does_not_offer_a_resume(data: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing was saved yet, so "resume the run (the previous checkpoint is intact)" pointed at nothing."""
    fill_disk_on_save(monkeypatch, 1, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(UserError, match=r"the disk is full: free \d+ MB on .* and train again \(no epoch"):
        fit(TrainConfig(model="simple_cnn", epochs=2, batch_size=2, image_size=16), data, out=tmp_path / "run")
    assert not (tmp_path / "run" / rd.LAST).exists()


@pytest.mark.parametrize(("after", "said"), [(1, "nothing to resume"), (2, "previous checkpoint is intact")])
def test_a_failed_save_only_says_the_previous_checkpoint_is_intact_when_there_is_one(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int, said: str) -> None:
    """Not a full disk (torch.save failing for its own reason): at the first epoch no checkpoint was there to keep."""
    from desktop_cls.core.training import checkpoint

    monkeypatch.setattr(checkpoint, "free_bytes", lambda _p: 10**12)
    fill_disk_on_save(monkeypatch, after, RuntimeError("serialization failed"))
    with pytest.raises(UserError, match="serialization failed") as caught:
        fit(TrainConfig(model="simple_cnn", epochs=2, batch_size=2, image_size=16), data,
            out=tmp_path / "run")
    assert said in str(caught.value)
    assert ("intact" in str(caught.value)) == (after > 1)
