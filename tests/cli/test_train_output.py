"""`train` prints its outcome on stdout, as `eval` and `export` print theirs, and what leads to it on stderr: it
printed everything, "run saved in …" included, on stderr, so `run=$(desktop-cls train DIR)` was empty."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.cli import main
from desktop_cls.cli.output import EXIT_INTERRUPTED
from desktop_cls.cli.progress import Progress
from tests.conftest import make_tiny_folder


@pytest.fixture(scope="module")
def few(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_folder(tmp_path_factory.mktemp("few") / "data", per_class=8, size=32)


def test_the_run_folder_and_its_accuracy_are_on_stdout_and_the_progress_on_stderr(
        capsys: pytest.CaptureFixture[str], few: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert main(["train", str(few), "--out", str(run), "--image-size", "64"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"run saved in {run}; best validation accuracy ") and out.endswith("%\n")
    assert len(out.splitlines()) == 1
    assert "run saved in" not in err and "quick mode" in err  # the plan and the steps stay on stderr


def test_a_stopped_run_says_how_to_continue_it_on_stdout(capsys: pytest.CaptureFixture[str], few: Path,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Progress.on_epoch_end

    def on_epoch_end(self: Progress, e: Any) -> None:  # Ctrl+C after the first epoch
        real(self, e)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(Progress, "on_epoch_end", on_epoch_end)
    run = tmp_path / "run"
    code = main(["train", str(few), "--out", str(run), "--method", "scratch", "--model", "simple_cnn",
                 "--image-size", "16", "--epochs", "3"])
    out, err = capsys.readouterr()
    assert code == EXIT_INTERRUPTED
    assert out.splitlines()[-1] == f"stopped; continue with: desktop-cls train --resume {run}"
    assert "stopping after this batch" in err and "--resume" not in err


def test_with_json_stdout_holds_the_json_alone(capsys: pytest.CaptureFixture[str], few: Path, tmp_path: Path) -> None:
    import json

    assert main(["train", str(few), "--out", str(tmp_path / "run"), "--image-size", "64", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["run_dir"] == str(tmp_path / "run")
