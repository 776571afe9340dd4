"""`eval` and `export` keep their results in the run folder as the window does (the same files, read back by the
same code), so what was made headless is there when the run is opened; a result that cannot be kept is a warning
and the command still succeeds with its printed results."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from desktop_cls.cli import main
from desktop_cls.core import contained
from desktop_cls.core.inference import saved_evaluation as se
from desktop_cls.core.inference import saved_exports as sx
from desktop_cls.core.run_dir import MODEL, read_run_info

CLASSES = ("cat", "dog", "fish")


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def own_run(trained_run: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shared run (these tests write into it), trained on the shared images."""
    run = tmp_path / "run"
    shutil.copytree(trained_run[0], run)
    return run, trained_run[1]


def test_eval_keeps_its_evaluation_where_the_window_reads_it(capsys: pytest.CaptureFixture[str],
                                                             own_run: tuple[Path, Path]) -> None:
    run, data = own_run
    code, out, err = run_cli(capsys, "eval", run, data, "--json", "--device", "cpu")
    assert code == 0, err
    printed = json.loads(out)  # stdout stays one line of JSON; where it was kept goes to stderr
    assert f"kept in {run / se.EVALUATION}" in err
    saved = se.load_evaluation(str(run), str(data), tuple(read_run_info(run)["classes"]))
    assert saved.note == "" and saved.stale == () and saved.result is not None
    assert saved.result["confusion_matrix"] == printed["confusion_matrix"]
    assert saved.result["accuracy"] == pytest.approx(printed["accuracy"])
    assert len(saved.result["_samples"]) == printed["num_images"]

    code, out, _ = run_cli(capsys, "eval", run, data, "--device", "cpu")
    assert code == 0 and f"kept in {run / se.EVALUATION}" in out.splitlines()[-1]


def test_the_model_file_of_a_run_keeps_in_its_run_and_no_keep_keeps_nothing(
        capsys: pytest.CaptureFixture[str], own_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = own_run
    code, out, _ = run_cli(capsys, "eval", run, data, "--device", "cpu", "--no-keep")
    assert code == 0 and "kept in" not in out and not (run / se.EVALUATION).exists()
    code, out, _ = run_cli(capsys, "eval", run / MODEL, data, "--device", "cpu")
    assert code == 0 and (run / se.EVALUATION).is_file() and f"kept in {run / se.EVALUATION}" in out
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(run / MODEL, lone / MODEL)
    shutil.copy(run / "model.json", lone / "model.json")
    code, out, _ = run_cli(capsys, "eval", lone / MODEL, data, "--device", "cpu")  # a model file of no run
    assert code == 0 and "kept in" not in out
    assert sorted(p.name for p in lone.iterdir()) == sorted([MODEL, "model.json"])


def test_a_run_folder_that_cannot_be_written_is_a_warning_and_the_results_are_printed(
        capsys: pytest.CaptureFixture[str], own_run: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    run, data = own_run

    def read_only(root: object, rel: object, *_a: object, **_k: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(Path(str(root)) / str(rel)))

    monkeypatch.setattr(contained, "write_atomic_with", read_only)  # a read-only disk (root ignores chmod)
    code, out, err = run_cli(capsys, "eval", run, data, "--device", "cpu")
    assert code == 0 and "confusion matrix" in out and "kept in" not in out
    assert "desktop-cls: warning: the result was not kept in the run folder" in err
    assert str(run / se.EVALUATION) in err and "read-only" in err.lower()
    assert not (run / se.EVALUATION).exists()


def test_a_link_in_place_of_the_kept_file_is_replaced_never_written_through(
        capsys: pytest.CaptureFixture[str], own_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = own_run
    users = tmp_path / "users_file.txt"
    users.write_text("mine", encoding="utf-8")
    os.symlink(users, run / se.EVALUATION)
    code, out, err = run_cli(capsys, "eval", run, data, "--device", "cpu")
    assert code == 0, err
    assert "confusion matrix" in out and "a link stood there" in out
    assert users.read_text(encoding="utf-8") == "mine" and not (run / se.EVALUATION).is_symlink()


def test_export_keeps_its_export_where_the_window_reads_it(capsys: pytest.CaptureFixture[str],
                                                           own_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _data = own_run
    out_dir = tmp_path / "exports"
    code, out, err = run_cli(capsys, "export", run, "--format", "safetensors", "--out", out_dir)
    assert code == 0, err
    assert f"kept in {run / sx.EXPORTS}" in out
    saved = sx.load_exports(str(run))
    assert saved.note == "" and saved.stale == () and saved.dest == str(out_dir.resolve())
    (export,) = saved.exports
    assert export["path"] == str(out_dir.resolve() / "model.safetensors") and export["metadata"].startswith("{")


def test_an_evaluation_whose_folder_could_not_be_read_first_is_not_said_to_be_kept(
        capsys: pytest.CaptureFixture[str], own_run: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Its fingerprint (taken before scoring, to tell later whether it changed) could not be made: nothing is kept,
    and the output says so instead of "kept in"."""
    run, data = own_run
    monkeypatch.setattr(se, "folder_state", lambda folder: None)
    code, out, err = run_cli(capsys, "eval", run, data, "--device", "cpu")
    assert code == 0 and "confusion matrix" in out and "kept in" not in out
    assert f"its images' folder {data} cannot be read" in err and not (run / se.EVALUATION).exists()
