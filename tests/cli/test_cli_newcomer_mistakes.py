"""What a first-time user of the command line gets wrong: each is one line naming the path and the fix, exit 2,
and no run folder left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import run_cli
from tests.conftest import make_tiny_folder


def _one_error_line(code: int, out: str, err: str) -> str:
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def test_a_run_folder_given_to_train_says_how_to_resume_it(capsys: pytest.CaptureFixture[str],
                                                           trained_run: tuple[Path, Path]) -> None:
    run, _ = trained_run
    err = _one_error_line(*run_cli(capsys, "train", run))
    assert f"desktop-cls train --resume {run}" in err  # once "no classes found in RUN"


def test_one_class_is_refused_before_a_run_is_made(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", classes=("cat",))
    out = tmp_path / "run"
    err = _one_error_line(*run_cli(capsys, "train", data, "--out", out, "--epochs", "1"))
    assert "only one class ('cat')" in err and str(data) in err  # once a one-class "classifier", always 100 %
    assert not out.exists()


def test_a_missing_gpu_is_refused_before_a_run_is_made(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    data = make_tiny_folder(tmp_path / "data")
    out = tmp_path / "run"
    err = _one_error_line(*run_cli(capsys, "train", data, "--out", out, "--device", "cuda", "--method", "scratch"))
    assert "no NVIDIA GPU" in err
    assert not out.exists()  # once a "failed" run that `desktop-cls runs` listed


def test_explain_names_a_missing_image_as_predict_does(capsys: pytest.CaptureFixture[str],
                                                       trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    missing = tmp_path / "photo.jpg"
    err = _one_error_line(*run_cli(capsys, "explain", run, missing, "--out", tmp_path / "heat.png"))
    assert f"not found: {missing}" in err  # once "the file no longer exists", of a file that never did


def test_an_export_folder_or_a_model_json_points_to_the_model_file(capsys: pytest.CaptureFixture[str],
                                                                   trained_run: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:
    run, data = trained_run
    exports = tmp_path / "exports"
    assert run_cli(capsys, "export", run, "--format", "onnx", "--out", exports)[0] == 0
    err = _one_error_line(*run_cli(capsys, "predict", exports, data))
    assert f"give the model file inside it, such as {exports / 'model.onnx'}" in err
    err = _one_error_line(*run_cli(capsys, "predict", exports / "model.json", data))
    assert f"give the model file beside it: {exports / 'model.onnx'}" in err  # once "unknown type '.json'"
    err = _one_error_line(*run_cli(capsys, "predict", run / "model.json", data))
    assert f"give the run folder: {run}" in err


def test_the_mixed_precision_line_names_the_option_that_turns_it_off(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=4)
    code, _, err = run_cli(capsys, "train", data, "--out", tmp_path / "run", "--method", "scratch", "--epochs", "1",
                           "--precision", "bf16", "--device", "cpu", "--image-size", "16")
    assert code == 0
    assert "bf16 mixed precision on the CPU" in err and "--precision fp32" in err  # once only the app's "Precision"


def test_one_image_per_class_is_said_in_the_singular() -> None:
    from desktop_cls.core.training.methods import choose_method

    reason = choose_method({"a": 1, "b": 1}, (16, 16), all_labelled=True).reason
    assert "1 labeled image per class is few" in reason  # once "1 labelled images per class are few"
    assert "1 training image per class is few" in choose_method({"a": 1, "b": 1}, (16, 16)).reason


def test_predict_on_a_folder_without_images_says_so(capsys: pytest.CaptureFixture[str],
                                                     trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    empty = tmp_path / "empty"
    empty.mkdir()
    err = _one_error_line(*run_cli(capsys, "predict", run, empty))
    assert f"no images found in {empty}" in err  # once nothing at all, and exit 0


def test_predict_refuses_an_existing_csv_before_classifying(capsys: pytest.CaptureFixture[str],
                                                            trained_run: tuple[Path, Path], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.inference.predictor import Predictor

    run, data = trained_run
    kept = tmp_path / "p.csv"
    kept.write_text("mine")

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("classified before the refusal")

    monkeypatch.setattr(Predictor, "predict_paths", never)
    err = _one_error_line(*run_cli(capsys, "predict", run, data, "--csv", kept))
    assert "already exists" in err and kept.read_text() == "mine"


def test_a_folder_given_as_the_csv_file_is_one_line_even_with_overwrite(capsys: pytest.CaptureFixture[str],
                                                                        trained_run: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    run, data = trained_run
    folder = tmp_path / "out"
    folder.mkdir()
    err = _one_error_line(*run_cli(capsys, "predict", run, data, "--csv", folder, "--overwrite"))
    assert f"{folder} is a folder" in err  # once an IsADirectoryError traceback
    assert folder.is_dir()


def test_the_folder_of_runs_given_as_the_model_names_a_run(capsys: pytest.CaptureFixture[str],
                                                           trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    err = _one_error_line(*run_cli(capsys, "predict", run.parent, data))
    assert f"give one of them, such as {run}" in err and "desktop-cls runs" in err  # once only "not a training run"
