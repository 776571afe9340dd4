"""App files from someone else (run folders, model files, a synced settings folder): a FIFO, a link to
/dev/zero, a huge file or JSON nested a million deep gives one clear message, never a hang, an
unbounded read, a RecursionError or a crash; a damaged run is listed as damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core.app_files import MAX_FILE_MB_ENV, AppFileError, read_app_bytes, read_app_json

DEEP = "[" * 200_000 + "]" * 200_000
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


@posix_only
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    with pytest.raises(AppFileError, match="not a regular file"):
        read_app_json(fifo)  # a blocking open() would wait here for a writer for ever


@posix_only
def test_a_link_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "run.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(AppFileError, match="not a regular file"):
        read_app_bytes(link)


def test_a_huge_file_is_refused_naming_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "settings.json"
    big.write_bytes(b" " * 3 * 1024 * 1024)
    monkeypatch.setenv(MAX_FILE_MB_ENV, "1")
    with pytest.raises(AppFileError, match=MAX_FILE_MB_ENV):
        read_app_bytes(big)


def test_deep_nesting_is_a_clear_error_not_recursion(tmp_path: Path) -> None:
    p = tmp_path / "run.json"
    p.write_text(DEEP)
    with pytest.raises(AppFileError, match="nests JSON deeper"):
        read_app_json(p)


def test_brackets_inside_strings_do_not_count(tmp_path: Path) -> None:
    p = tmp_path / "model.json"
    p.write_text(json.dumps({"classes": ["[" * 500, "{" * 500]}))
    assert read_app_json(p)["classes"][0] == "[" * 500


def _run(base: Path, name: str, info: str, metrics: str = "") -> Path:
    run = base / name
    run.mkdir(parents=True)
    (run / "config.json").write_text("{}")
    (run / "run.json").write_text(info)
    if metrics:
        (run / "metrics.jsonl").write_text(metrics)
    return run


def test_a_null_epoch_and_a_deep_run_json_are_listed_not_fatal(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli import main
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.run_status import RunStatus

    base = tmp_path / "runs"
    good = _run(base, "good", json.dumps({"status": "completed", "model": "quicknet"}),
                '{"epoch": null, "val_accuracy": 0.5}\n{"epoch": 2, "val_loss": "abc"}\n')
    _run(base, "deep", DEEP)
    interrupted = _run(base, "interrupted", json.dumps({"status": "running", "pid": 2**22 + 12345,
                                                        "host": os.uname().nodename}),
                       '{"epoch": null}\n')
    assert rd.read_metrics(good) == [{"epoch": 2, "val_loss": None}]
    assert interrupted in rd.interrupted_runs(base)
    assert main(["runs", "--dir", str(base)]) == 0
    out = capsys.readouterr().out
    assert "damaged" in out and "nests JSON deeper" in out and "good" in out
    assert main(["runs", "--dir", str(base), "--json"]) == 0
    rows = {Path(r["run"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert rows["deep"]["status"] == RunStatus.DAMAGED.value and rows["good"]["epochs_done"] == 2


@posix_only
def test_a_fifo_model_json_does_not_hang_predict(tmp_path: Path, trained_run: tuple[Path, Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from desktop_cls.cli import main

    run, data = trained_run
    model = tmp_path / "model.safetensors"
    shutil.copy(run / "model.safetensors", model)
    os.mkfifo(tmp_path / "model.json")
    assert main(["predict", str(model), str(next((data / "cat").iterdir()))]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "Traceback" not in err


@posix_only
def test_a_model_file_that_is_a_fifo_or_a_device_is_refused_before_any_library_opens_it(
        tmp_path: Path, trained_run: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """onnx.load waited for ever on a FIFO named model.onnx; a run whose model.safetensors is a FIFO or a
    link to /dev/zero was said to have "finished no epoch"."""
    import shutil

    from desktop_cls.cli import main
    from desktop_cls.core.errors import ModelFileError
    from desktop_cls.core.inference.predictor import resolve_model_path

    run, data = trained_run
    exported = tmp_path / "exported"
    exported.mkdir()
    shutil.copy(run / "model.json", exported / "model.json")
    os.mkfifo(exported / "model.onnx")
    with pytest.raises(ModelFileError, match=r"model\.onnx is not a regular file"):
        resolve_model_path(exported / "model.onnx")
    image = str(next((data / "cat").iterdir()))
    for name, make in (("fifo", os.mkfifo), ("zero", lambda p: p.symlink_to("/dev/zero"))):
        copy = tmp_path / name
        shutil.copytree(run, copy, ignore=shutil.ignore_patterns(".lock", "model.safetensors"))
        make(copy / "model.safetensors")
        assert main(["predict", str(copy), image]) == 2
        err = capsys.readouterr().err
        assert "model.safetensors is not a regular file" in err and "no epoch" not in err
        assert "Traceback" not in err


def test_a_number_too_long_to_read_is_named_as_such_not_as_bad_text(tmp_path: Path) -> None:
    """`"num_classes": 999…9` (100,000 digits) in a model.json is valid UTF-8 and valid JSON that Python refuses to
    convert; it was reported as "not UTF-8 text", which sent the user looking for an encoding problem. A whole
    number is bounded far below that (see the next test)."""
    p = tmp_path / "model.json"
    p.write_text('{"num_classes": ' + "9" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(AppFileError) as caught:
        read_app_json(p)
    message = str(caught.value)
    assert "model.json" in message and "digits" in message and "UTF-8" not in message


@pytest.mark.parametrize("damage", ["empty", "cut short", "header claims 2**63 bytes"])
def test_a_damaged_safetensors_model_is_named_with_what_to_do(damage: str, tmp_path: Path,
                                                                trained_run: tuple[Path, Path],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A 0-byte, truncated or lying model.safetensors gave the library's words alone ("header too small") and no
    way out."""
    import shutil
    import struct

    from desktop_cls.cli import main

    run, data = trained_run
    copy = tmp_path / "run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns(".lock"))
    model = copy / "model.safetensors"
    whole = model.read_bytes()
    model.write_bytes({"empty": b"", "cut short": whole[:1000],
                       "header claims 2**63 bytes": struct.pack("<Q", 2**63) + b"{}"}[damage])
    assert main(["predict", str(copy), str(next((data / "cat").iterdir()))]) == 2
    err = capsys.readouterr().err
    assert "model.safetensors" in err and "copy it again" in err and "Traceback" not in err


@pytest.mark.parametrize(("name", "field", "command"), [
    ("run.json", "seed", "eval"), ("run.json", "val_fraction", "train"), ("model.json", "temperature", "predict"),
    ("model.json", "mean", "eval")])
def test_a_whole_number_too_large_for_a_float_is_refused_naming_the_file_never_a_traceback(
        name: str, field: str, command: str, tmp_path: Path, trained_run: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    """JSON has no bound on a whole number's digits: `"seed": 1000…0` (401 digits) passed the readers and every range
    check's math.isnan or float() raised OverflowError, a traceback from `eval`, `train --resume` and `predict`
    (model.json's mean, std and temperature, every field of metrics.jsonl too). The readers refuse it, naming the
    file."""
    import shutil

    from desktop_cls.cli import main

    run, data = trained_run
    copy = tmp_path / "run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns(".lock"))
    info = json.loads((copy / name).read_text(encoding="utf-8"))
    info[field] = [12345, 0.5, 0.5] if field == "mean" else 12345
    (copy / name).write_text(json.dumps(info).replace("12345", "1" + "0" * 400), encoding="utf-8")
    image = str(next((data / "cat").iterdir()))
    args = {"eval": ["eval", str(copy), str(data)], "train": ["train", "--resume", str(copy), "--epochs", "5"],
            "predict": ["predict", str(copy), image]}[command]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{name} holds a number of more than 300 digits" in err and "Traceback" not in err


def test_an_option_out_of_range_is_shown_short_however_long_the_number() -> None:
    """A run's config.json saying `"epochs": 1e308` was answered with the number's 309 digits in full; a 400-digit
    whole number (before the readers bounded them) with an OverflowError."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import options

    by_key = {o.key: o for o in options(TrainConfig)}
    said = (by_key["epochs"].problem(10**400) or "") + (by_key["lr"].problem(1e308) or "")
    assert "1.000e+400" in said and "1e+308" in said and len(said) < 300
    assert "2147483647" in (by_key["seed"].problem(-1) or "")  # a limit still in full
