"""A run folder from someone else, or one edited by hand: every number resuming reads from run.json (the
split's seed and validation share) and from the checkpoint (epoch counters, best scores, batch sizes) is
checked, so "abc", NaN or 1e400 is one message naming the file and the field, never a ValueError or
OverflowError traceback. The split fields are read the same way by `eval` and the export's measurement."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
import torch

from desktop_cls.core import run_dir as rd
from desktop_cls.core.errors import UserError
from desktop_cls.core.training.resume_state import resumable_run
from tests.cli.test_cli import run_cli


def _copy(trained_run: tuple[Path, Path], tmp_path: Path) -> Path:
    run = tmp_path / "run"
    shutil.copytree(trained_run[0], run, symlinks=True)
    (run / rd.LOCK_NAME).unlink(missing_ok=True)
    return run


def _edit_run_info(run: Path, **changes: Any) -> None:
    info = json.loads((run / rd.RUN_INFO).read_text(encoding="utf-8"))
    info.update(changes)
    (run / rd.RUN_INFO).write_text(json.dumps(info), encoding="utf-8")  # NaN and Infinity as Python writes them


@pytest.mark.parametrize(("field", "value"), [("seed", "abc"), ("seed", float("nan")), ("seed", float("inf")),
                                              ("seed", -1), ("seed", 2.5), ("seed", True), ("val_fraction", "x"),
                                              ("val_fraction", 1.5), ("val_fraction", None)])
def test_a_bad_split_field_in_run_json_is_named(trained_run: tuple[Path, Path], tmp_path: Path, field: str,
                                                value: object) -> None:
    run = _copy(trained_run, tmp_path)
    _edit_run_info(run, **{field: value})
    with pytest.raises(UserError, match=rf"run\.json: “{field}” must be a (whole )?number from"):
        resumable_run(run)


def test_1e400_in_run_json_is_a_message_on_resume_and_in_eval(capsys: pytest.CaptureFixture[str],
                                                              trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run = _copy(trained_run, tmp_path)
    text = (run / rd.RUN_INFO).read_text(encoding="utf-8")
    info = json.loads(text)
    (run / rd.RUN_INFO).write_text(text.replace(f'"seed": {info["seed"]}', '"seed": 1e400'), encoding="utf-8")
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5")
    assert code == 2 and "run.json: “seed” must be a whole number" in err and "Traceback" not in err
    code, _out, err = run_cli(capsys, "eval", run, trained_run[1])
    assert code == 2 and "run.json: “seed” must be a whole number" in err and "Traceback" not in err


def _edit_checkpoint(run: Path, **changes: Any) -> None:
    ck = torch.load(run / rd.LAST, weights_only=True)
    ck.update(changes)
    torch.save(ck, run / rd.LAST)


@pytest.mark.parametrize(("field", "value"), [("epoch", "abc"), ("epoch", -3), ("best_metric", float("nan")),
                                              ("best_val_accuracy", "high"), ("batch_size", 10**12),
                                              ("since_best", 1.5),
                                              # no bound above, and too large for a float: an OverflowError
                                              pytest.param("best_metric", 10**400, id="best_metric-10**400"),
                                              pytest.param("best_val_loss", 10**400, id="best_val_loss-10**400")])
def test_a_bad_number_in_the_checkpoint_is_named(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                                                 tmp_path: Path, field: str, value: object) -> None:
    run = _copy(trained_run, tmp_path)
    _edit_checkpoint(run, **{field: value})
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5", "--device", "cpu")
    assert code == 2 and f"last.pt: “{field}” must be" in err and "Traceback" not in err


def test_an_unreadable_fingerprint_counts_as_a_changed_dataset(capsys: pytest.CaptureFixture[str],
                                                               trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run = _copy(trained_run, tmp_path)
    _edit_checkpoint(run, fingerprint=5)
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5", "--device", "cpu")
    assert code == 0 and "the dataset changed since this run started" in err and "Traceback" not in err


def test_a_pid_no_process_can_have_is_not_asked_about() -> None:
    here = socket.gethostname()
    assert not rd.owner_is_gone({"pid": 2**40, "host": here})  # os.kill raised OverflowError
    assert not rd.owner_is_gone({"pid": -1, "host": here})  # os.kill(-1, 0) asks about every process


def test_a_checkpoint_whose_stored_options_nest_200_000_deep_is_a_message(
        capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """The options are JSON text inside the checkpoint: json.loads raised RecursionError through `train --resume`."""
    run = _copy(trained_run, tmp_path)
    _edit_checkpoint(run, config="[" * 200_000 + "]" * 200_000)
    code, _out, err = run_cli(capsys, "train", "--resume", run, "--epochs", "5", "--device", "cpu")
    assert code == 2 and "last.pt nests JSON deeper than 64 levels" in err and "Traceback" not in err
