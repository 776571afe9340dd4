"""Ctrl+C during `train` says what it does at the run's stage, as the Train page's Stop does: a quick run stops at
once, also while it fits its last layer, and is not offered a resume it cannot have; a run saving its model finishes
it."""

from __future__ import annotations

import json
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
    """8 images per class: the automatic method is the quick one."""
    return make_tiny_folder(tmp_path_factory.mktemp("few") / "data", per_class=8, size=32)


def _interrupt_at(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C pressed when the run enters `stage`: SIGINT to this process, handled by `train`'s own handler."""
    real = Progress.on_stage

    def on_stage(self: Progress, e: Any) -> None:
        real(self, e)
        if e.key == stage:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(Progress, "on_stage", on_stage)


def test_ctrl_c_while_a_quick_run_fits_stops_it_and_offers_no_resume(capsys: pytest.CaptureFixture[str], few: Path,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C during the fit said "stopping after this batch", then the run saved its model anyway; once a quick
    run did stop, the command offered `--resume`, which a quick run refuses."""
    _interrupt_at("fitting", monkeypatch)
    code = main(["train", str(few), "--out", str(tmp_path / "run"), "--image-size", "64"])
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED
    assert "stopping the quick run; it saves no model" in err and "after this batch" not in err
    assert "stopped before its model was saved" in err and "--resume" not in err and "run saved in" not in err
    assert not (tmp_path / "run" / "model.safetensors").exists()
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "stopped"


def test_ctrl_c_while_a_run_saves_its_model_says_it_finishes_it(capsys: pytest.CaptureFixture[str], few: Path,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _interrupt_at("saving", monkeypatch)
    code = main(["train", str(few), "--out", str(tmp_path / "run"), "--image-size", "64"])
    err = capsys.readouterr().err
    assert code == 0 and "finishing the model: training ends once it is saved" in err
    assert (tmp_path / "run" / "model.safetensors").is_file()
