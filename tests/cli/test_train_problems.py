"""`train` says what `scan` finds in the dataset and records it in the run's problems.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_cls.cli import main
from desktop_cls.core import run_dir as rd
from tests.conftest import make_tiny_folder


def test_train_warns_of_label_conflicts_and_records_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    shutil.copy(data / "cat" / "cat_00.png", data / "dog" / "also_a_cat.png")  # the same picture in two classes
    out = tmp_path / "run"
    code = main(["train", str(data), "--out", str(out), "--method", "scratch", "--model", "simple_cnn",
                 "--image-size", "16", "--epochs", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert "1 label conflict" in err and f"desktop-cls scan {data}" in err  # once never mentioned
    kinds = {p["kind"] for p in json.loads((out / rd.PROBLEMS).read_text())}
    assert "label_conflict" in kinds  # once []


def test_train_on_a_clean_dataset_warns_of_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    out = tmp_path / "run"
    assert main(["train", str(data), "--out", str(out), "--method", "scratch", "--model", "simple_cnn",
                 "--image-size", "16", "--epochs", "1"]) == 0
    assert "warning: the dataset has" not in capsys.readouterr().err
    assert json.loads((out / rd.PROBLEMS).read_text()) == []


def test_a_large_folder_is_left_to_scan(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the limit the check (a decode of every image) is not run before training; the line says how to run it."""
    import desktop_cls.cli.train as train_cli
    import desktop_cls.core.data.health as health

    data = make_tiny_folder(tmp_path / "data", per_class=6)
    shutil.copy(data / "cat" / "cat_00.png", data / "dog" / "also_a_cat.png")
    monkeypatch.setattr(train_cli, "CHECK_BEFORE_TRAINING", 5)
    monkeypatch.setattr(health, "with_health", lambda *a, **k: pytest.fail("checked a folder over the limit"))
    out = tmp_path / "run"
    assert main(["train", str(data), "--out", str(out), "--method", "scratch", "--model", "simple_cnn",
                 "--image-size", "16", "--epochs", "1"]) == 0
    err = capsys.readouterr().err
    assert "not checked for problems before training" in err and f"desktop-cls scan {data}" in err
    assert json.loads((out / rd.PROBLEMS).read_text()) == []
