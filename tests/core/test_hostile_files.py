"""Model files from strangers: nothing that opens a model may run code hidden in it."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from desktop_cls.cli import main


class _Plant:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (self.marker, "w"))


def plant(path: Path, marker: Path) -> Path:
    with open(path, "wb") as f:
        pickle.dump({"model": {"w": _Plant(str(marker))}}, f)
    return path


@pytest.fixture
def evil_model(trained_run: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    run, _ = trained_run
    marker = tmp_path / "code_ran"
    model = plant(tmp_path / "model.pt", marker)
    shutil.copy(run / "model.json", tmp_path / "model.json")
    return model, marker


@pytest.mark.parametrize("command", [
    ["eval", "{model}", "{data}"],
    ["predict", "{model}", "{data}"],
    ["export", "{model}", "--format", "onnx", "--out", "{tmp}/out.onnx"],
])
def test_cli_refuses_pickles(capsys: pytest.CaptureFixture[str], evil_model: tuple[Path, Path],
                             trained_run: tuple[Path, Path], tmp_path: Path, command: list[str]) -> None:
    model, marker = evil_model
    args = [a.format(model=model, data=trained_run[1], tmp=tmp_path) for a in command]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and "refused" in err and "Traceback" not in err
    assert not marker.exists()


def test_resume_refuses_a_planted_checkpoint(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                                             tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(trained_run[0], run)
    marker = tmp_path / "code_ran"
    plant(run / "checkpoints" / "last.pt", marker)
    code = main(["train", "--resume", str(run), "--epochs", "9"])
    assert code == 2 and "refused" in capsys.readouterr().err
    assert not marker.exists()


def test_checkpoint_with_wrong_shapes_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                                       trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    import torch

    from desktop_cls.core.training.checkpoint import load_checkpoint, save_checkpoint

    run = tmp_path / "run"
    shutil.copytree(trained_run[0], run)
    ck = load_checkpoint(run / "checkpoints" / "last.pt")
    ck["model"] = {k: torch.zeros(1) for k in ck["model"]}
    ck["config"] = json.dumps(ck["config"])
    save_checkpoint(run / "checkpoints" / "last.pt", ck)
    code = main(["train", "--resume", str(run), "--epochs", "9"])
    err = capsys.readouterr().err
    assert code == 2 and "does not fit" in err and "Traceback" not in err
