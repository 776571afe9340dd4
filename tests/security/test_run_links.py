"""A run folder from someone else (a classmate's run, a synced share) never makes training truncate,
append to or write a file outside it: `.lock`, metrics.jsonl, checkpoints/, tensorboard/ and the run's other
files as links are refused up front with one message; the shared writers (storage.write_atomic, append_jsonl)
never write through a link."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from desktop_cls.core import contained
from desktop_cls.core import run_dir as rd
from desktop_cls.core.storage import append_jsonl, write_atomic, write_json
from tests.cli.test_cli import run_cli
from tests.security.conftest import needs_symlinks, tree_snapshot

pytestmark = needs_symlinks


def test_new_run_whose_out_holds_only_a_lock_link_is_refused(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim / "thesis.docx", out / rd.LOCK_NAME)
    before = tree_snapshot(victim)
    with pytest.raises(contained.Refused, match=r"\.lock is a link"):
        rd.new_run_dir(out, "m")
    assert tree_snapshot(victim) == before and not rd.run_in_use(out)


def test_cli_train_out_with_a_lock_link_gives_one_message(capsys: pytest.CaptureFixture[str], tiny_folder: Path,
                                                          tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim / "thesis.docx", out / rd.LOCK_NAME)
    before = tree_snapshot(victim)
    code, _out, err = run_cli(capsys, "train", tiny_folder, "--out", out, "--model", "simple_cnn", "--epochs", "1",
                              "--image-size", "16", "--device", "cpu")
    assert code != 0 and "Traceback" not in err
    assert len([line for line in err.splitlines() if ".lock is a link" in line]) == 1  # one message, once
    assert tree_snapshot(victim) == before


@pytest.mark.parametrize("name", [rd.LOCK_NAME, rd.METRICS, "checkpoints", rd.TENSORBOARD, rd.MODEL_INFO])
def test_resume_of_a_run_with_a_control_file_link_is_refused(capsys: pytest.CaptureFixture[str],
                                                             trained_run: tuple[Path, Path], tmp_path: Path,
                                                             victim: Path, name: str) -> None:
    run = tmp_path / "shared_run"
    shutil.copytree(trained_run[0], run, symlinks=True)
    target = victim / "Documents" if name in ("checkpoints", rd.TENSORBOARD) else victim / ".bashrc"
    if (run / name).is_dir():
        shutil.rmtree(run / name)
    else:
        (run / name).unlink(missing_ok=True)
    os.symlink(target, run / name)
    before = tree_snapshot(victim)
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5")
    assert code != 0 and f"{name} is a link" in err and "Traceback" not in err
    assert tree_snapshot(victim) == before


def test_resume_of_a_run_with_a_file_in_place_of_its_tensorboard_folder_is_refused(
        capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run = tmp_path / "shared_run"
    shutil.copytree(trained_run[0], run, symlinks=True)
    shutil.rmtree(run / rd.TENSORBOARD, ignore_errors=True)
    (run / rd.TENSORBOARD).write_bytes(b"notes")
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5")
    assert code != 0 and "tensorboard is not a folder" in err and "Traceback" not in err
    assert (run / rd.TENSORBOARD).read_bytes() == b"notes"


def test_every_name_training_writes_in_a_run_is_checked_before_a_resume(trained_run: tuple[Path, Path]) -> None:
    run = trained_run[0]
    written = {p.relative_to(run).as_posix() for p in run.rglob("*")}
    events = {n for n in written if n.startswith(rd.TENSORBOARD + "/")}  # new names at every start
    assert written - events <= set(rd.RUN_FILES) | {rd.LOCK_NAME}


def test_the_tensorboard_callback_itself_never_writes_through_a_link(
        tmp_path: Path, victim: Path) -> None:
    from desktop_cls.core.training.callbacks import Loop
    from desktop_cls.core.training.fit_result import TrainState
    from desktop_cls.core.training.tensorboard_log import TensorBoardCallback

    run = tmp_path / "run"
    run.mkdir()
    os.symlink(victim / "Documents", run / rd.TENSORBOARD)
    before = tree_snapshot(victim)
    loop = cast(Loop, SimpleNamespace(run=run, state=TrainState(epoch=2), resumed=True))
    callback = TensorBoardCallback()
    with pytest.raises(contained.Refused, match="tensorboard is a link"):
        callback.on_fit_start(loop)
    callback.close()
    assert tree_snapshot(victim) == before


def test_append_and_atomic_writes_never_go_through_a_link(tmp_path: Path, victim: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    os.symlink(victim / ".bashrc", run / rd.METRICS)
    os.symlink(victim / "Documents", run / "checkpoints")
    before = tree_snapshot(victim)
    with pytest.raises(contained.Refused):
        append_jsonl(run / rd.METRICS, {"epoch": 1})  # the link in the file's own place
    with pytest.raises(contained.Refused):
        write_atomic(run / "checkpoints" / "last.pt", b"weights", root=run)  # a link on the way
    with pytest.raises(contained.Refused):
        append_jsonl(run / "checkpoints" / "x.jsonl", {"a": 1}, root=run)
    write_json(run / rd.METRICS, {"replaced": True}, root=run)  # an atomic write replaces the link itself
    assert not (run / rd.METRICS).is_symlink()
    assert contained.remove_files(run, "checkpoints", lambda n: n.endswith(".tmp")) == 0
    assert tree_snapshot(victim) == before


def test_a_fifo_in_place_of_metrics_is_refused_not_waited_on(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    os.mkfifo(run / rd.METRICS)
    with pytest.raises(contained.Refused, match="not a regular file"):
        append_jsonl(run / rd.METRICS, {"epoch": 1}, root=run)


def test_run_in_use_never_opens_a_lock_link(tmp_path: Path, victim: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    os.symlink(victim / "secret.txt", run / rd.LOCK_NAME)
    before = tree_snapshot(victim)
    assert not rd.run_in_use(run)
    assert tree_snapshot(victim) == before


@pytest.mark.parametrize("name", [rd.CONFIG, rd.RUN_INFO])
@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_run_whose_config_or_run_json_is_not_a_file_is_refused_naming_that_file(
        capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path], tmp_path: Path, name: str,
        kind: str) -> None:
    """A run folder from someone else whose config.json alone was a folder or a pipe was said to miss both
    config.json and run.json; the message names the one at fault and what to do."""
    run = tmp_path / "shared_run"
    shutil.copytree(trained_run[0], run, symlinks=True, ignore=shutil.ignore_patterns(rd.LOCK_NAME))
    (run / name).unlink()
    (run / name).mkdir() if kind == "folder" else os.mkfifo(run / name)
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5")
    assert code == 2 and "Traceback" not in err
    assert f"{name} is not a regular file" in err and "delete it" in err and "are missing" not in err


def test_a_folder_in_a_files_place_is_called_a_folder(tmp_path: Path) -> None:
    (tmp_path / "metrics.jsonl").mkdir()
    with pytest.raises(contained.Refused, match=r"metrics\.jsonl is not a regular file \(a folder"):
        contained.append(tmp_path, "metrics.jsonl", b"{}\n")
