"""The CLI contract: scripts depend on these keys and exit codes."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_cls.cli import main

REPO = Path(__file__).resolve().parents[2]


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_json(capsys: pytest.CaptureFixture[str], tiny_folder: Path) -> None:
    (tiny_folder / "cat" / "bad.jpg").write_bytes(b"xx")
    code, out, _ = run_cli(capsys, "scan", tiny_folder, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["classes"] == ["cat", "dog", "fish"] and d["counts"]["cat"] == 8 and d["num_images"] == 24
    assert d["problems"][0]["path"].endswith("bad.jpg") and {"path", "kind", "message"} <= set(d["problems"][0])
    assert d["typical_image_size"] == [16, 16]


def test_train_eval_predict_export_flow(capsys: pytest.CaptureFixture[str], tiny_folder: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    code, out, err = run_cli(capsys, "train", tiny_folder, "--out", run, "--model", "simple_cnn", "--epochs", "2",
                             "--batch-size", "8", "--image-size", "16", "--lr", "0.01", "--optimizer", "adam",
                             "--val-split", "0.25", "--device", "cpu", "--seed", "3", "--json")
    assert code == 0, err
    last = json.loads(out.strip().splitlines()[-1])
    assert set(last) >= {"run_dir", "classes", "epochs", "best_val_accuracy", "train_seconds"}
    assert last["epochs"] == 2 and Path(last["run_dir"]) == run.resolve()
    assert "epoch 2/2" in err  # progress goes to stderr

    code, out, _ = run_cli(capsys, "eval", run, tiny_folder, "--json")
    d = json.loads(out)
    assert code == 0 and set(d) >= {"accuracy", "classes", "per_class", "confusion_matrix", "misclassified"}
    assert set(d["per_class"]["cat"]) == {"precision", "recall", "f1", "support"}

    code, out, _ = run_cli(capsys, "predict", run, tiny_folder / "dog", "--top-k", "2", "--json")
    preds = json.loads(out)
    assert code == 0 and len(preds) == 8
    assert set(preds[0]) >= {"path", "label", "confidence", "top_k"} and len(preds[0]["top_k"]) == 2
    assert set(preds[0]["top_k"][0]) == {"label", "probability"}

    csv_path = tmp_path / "p.csv"
    code, _, _ = run_cli(capsys, "predict", run, tiny_folder / "cat", "--csv", csv_path)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheets read CJK names right
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8-sig")))
    assert code == 0 and len(rows) == 8 and rows[0]["label"] in ("cat", "dog", "fish")
    code, _, err = run_cli(capsys, "predict", run, tiny_folder / "cat", "--csv", csv_path)
    assert code == 2 and "already exists" in err

    code, out, _ = run_cli(capsys, "export", run, "--format", "onnx", "--out", tmp_path / "m.onnx", "--json")
    assert code == 0 and json.loads(out)["verified"] is True
    code, out, _ = run_cli(capsys, "predict", tmp_path / "m.onnx", tiny_folder / "cat" / "cat_00.png", "--json")
    assert code == 0 and json.loads(out)[0]["label"]


def test_export_int8_reports_its_cost_as_json_and_text(capsys: pytest.CaptureFixture[str],
                                                       trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    code, out, _ = run_cli(capsys, "export", run, "--format", "onnx-int8", "--out", tmp_path / "q.onnx", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["format"] == "onnx-int8" and d["num_images"] == 6 and d["top1_agreement"] >= 0.99
    for key in ("accuracy", "reference_accuracy", "size_bytes", "latency_ms", "reference_latency_ms", "snippet"):
        assert d[key] is not None, key
    assert Path(d["snippet"]).is_file() and d["size_bytes"] == Path(d["path"]).stat().st_size
    code, out, _ = run_cli(capsys, "export", run, "--format", "openvino", "--out", tmp_path / "m.xml")
    assert code == 0
    assert "m.xml + " in out and "m.bin" in out and "top-1 agreement with the trained model 100.0%" in out
    assert "ms in OpenVINO" in out and "m_example.py" in out
    code, _, err = run_cli(capsys, "export", run, "--format", "onnx-int8", "--out", tmp_path / "q.onnx")
    assert code == 2 and "already exists" in err


def test_export_out_names_a_folder_to_write_into_and_never_overwrites_it(capsys: pytest.CaptureFixture[str],
                                                                         trained_run: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    """--out PATH without an extension (or an existing folder) is where the files go, not their name's stem; an
    ONNX export does not talk about int8 calibration."""
    run, _ = trained_run
    target = tmp_path / "x" / "cli_export"
    code, out, _ = run_cli(capsys, "export", run, "--format", "onnx", "--out", target)
    assert code == 0 and sorted(f.name for f in target.iterdir()) == ["model.json", "model.onnx", "model_example.py"]
    assert sorted(f.name for f in target.parent.iterdir()) == ["cli_export"] and "int8" not in out
    before = (target / "model.onnx").read_bytes()
    code, _, err = run_cli(capsys, "export", run, "--format", "onnx", "--out", target)
    assert code == 2 and "already exists" in err and (target / "model.onnx").read_bytes() == before
    existing = tmp_path / "exports.v2"  # an existing folder, whatever its name looks like
    existing.mkdir()
    code, _, _ = run_cli(capsys, "export", run, "--format", "torchscript", "--out", existing)
    assert code == 0 and (existing / "model.torchscript").is_file() and (existing / "model.json").is_file()


def test_a_wrong_extension_is_one_plain_sentence(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "export", trained_run[0], "--format", "onnx", "--out", tmp_path / "m.pt")
    assert code == 2 and "onnx models are .onnx files; m.pt has another extension" in err
    assert not (tmp_path / "m.pt").exists()


def test_a_failed_export_leaves_no_folder_behind(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--out names a new folder: it is made only for a verified model, never left empty by an export that failed."""
    from desktop_cls.core.errors import UserError
    from desktop_cls.core.inference import export as export_mod

    code, _, err = run_cli(capsys, "export", tmp_path / "no_run", "--format", "onnx", "--out", tmp_path / "a" / "b")
    assert code == 2 and "model not found" in err and not (tmp_path / "a").exists()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise UserError("the onnx export did not reproduce the model")

    monkeypatch.setattr(export_mod, "_verify_and_measure", refuse)
    code, _, err = run_cli(capsys, "export", trained_run[0], "--format", "onnx", "--out", tmp_path / "c" / "d")
    assert code == 2 and "did not reproduce" in err and not (tmp_path / "c").exists()


def test_resume_via_cli(capsys: pytest.CaptureFixture[str], tiny_folder: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert run_cli(capsys, "train", tiny_folder, "--out", run, "--method", "scratch", "--epochs", "1",
                   "--image-size", "16")[0] == 0
    code, out, _ = run_cli(capsys, "train", "--resume", run, "--epochs", "2", "--json")
    assert code == 0 and json.loads(out.splitlines()[-1])["epochs"] == 2


@pytest.mark.parametrize("args,needle", [
    (["scan", "/definitely/not/here"], "folder not found"),
    (["train", "/definitely/not/here"], "folder not found"),
    (["eval", "/no/model", "/tmp"], "model not found"),
    (["predict", "/no/model", "x.png"], "model not found"),
    (["export", "/no/model", "--format", "onnx", "--out", "x.onnx"], "model not found"),
    (["train", "--resume", "/no/run"], "not a training run"),
])
def test_user_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unreadable_model_file_is_a_user_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               tiny_folder: Path) -> None:
    bad = tmp_path / "m.safetensors"
    bad.write_bytes(b"garbage")
    (tmp_path / "m.json").write_text("{}")
    code, _, err = run_cli(capsys, "predict", bad, tiny_folder)
    assert code == 2 and "schema_version" in err


def test_demo_data_and_models(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run_cli(capsys, "demo-data", tmp_path / "demo")
    assert code == 0
    classes = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert len(classes) == 10 and len(list((tmp_path / "demo" / classes[0]).iterdir())) == 60
    code, _, err = run_cli(capsys, "demo-data", tmp_path / "demo")
    assert code == 2 and "not empty" in err
    code, out, _ = run_cli(capsys, "models", "--json")
    assert {m["name"] for m in json.loads(out)} >= {"simple_cnn", "vgg_net", "quicknet", "resnet18", "efficientnet_b0"}


def test_demo_data_is_deterministic(tmp_path: Path) -> None:
    from desktop_cls.core.data.demo_data import make_demo_dataset

    a = make_demo_dataset(tmp_path / "a", images_per_class=2)
    b = make_demo_dataset(tmp_path / "b", images_per_class=2)
    for p in sorted(a.rglob("*.png")):
        assert p.read_bytes() == (b / p.relative_to(a)).read_bytes()


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "desktop_cls", "scan", str(tmp_path / "nope")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and "folder not found" in r.stderr


def test_train_with_a_saved_config_file(capsys: pytest.CaptureFixture[str], tiny_folder: Path, tmp_path: Path) -> None:
    from desktop_cls.core.training.config import TrainConfig

    cfg_file = tmp_path / "run-config.json"
    cfg_file.write_text(TrainConfig(model="simple_cnn", epochs=1, batch_size=4, image_size=16).to_json())
    code, _, err = run_cli(capsys, "train", "--config", cfg_file, tiny_folder, "--out", tmp_path / "r", "--json")
    assert code == 0, err
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert saved["model"] == "simple_cnn" and saved["batch_size"] == 4
    bad = tmp_path / "bad.json"
    bad.write_text('{"epochz": 3}')
    code, _, err = run_cli(capsys, "train", "--config", bad, tiny_folder)
    assert code == 2 and "epochz" in err


def test_lr_find_and_explain(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                             tmp_path: Path) -> None:
    from PIL import Image

    run, data = trained_run
    code, out, _ = run_cli(capsys, "lr-find", data, "--model", "simple_cnn", "--image-size", "16",
                           "--batch-size", "4", "--steps", "30", "--json")
    d = json.loads(out)
    assert code == 0 and set(d) == {"suggested_lr", "lrs", "losses"} and len(d["lrs"]) == len(d["losses"])
    big = tmp_path / "big.png"
    Image.open(data / "dog" / "dog_00.png").resize((45, 30)).save(big)
    code, out, _ = run_cli(capsys, "explain", run, big, "--out", tmp_path / "heat.png", "--json")
    assert code == 0 and json.loads(out)["method"] == "grad-cam"
    assert Image.open(tmp_path / "heat.png").size == (45, 30)
    code, out, _ = run_cli(capsys, "eval", run, data, "--json")
    assert 0 <= json.loads(out)["ece"] <= 1
    code, out, _ = run_cli(capsys, "predict", run, data / "cat", "--threshold", "1.0", "--json")
    assert all(p["label"] == "unknown" for p in json.loads(out))


def test_scan_json_reports_duplicates_with_the_other_file(capsys: pytest.CaptureFixture[str],
                                                          tiny_folder: Path) -> None:
    import shutil

    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "dog" / "copy.png")
    code, out, _ = run_cli(capsys, "scan", tiny_folder, "--json")
    found = [p for p in json.loads(out)["problems"] if p["kind"] == "label_conflict"]
    assert code == 0 and len(found) == 1
    assert {Path(found[0]["path"]).name, Path(found[0]["duplicate_of"]).name} == {"cat_00.png", "copy.png"}


def test_gui_without_a_display_is_a_clear_message(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    code = main([])
    assert code == 2 and "no display" in capsys.readouterr().err


def test_a_folder_alone_opens_it_in_the_window(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What a file manager's "Open with" runs; a folder named like a command stays the command."""
    from desktop_cls.cli import runs, start

    called: list[str] = []

    def gui(args: argparse.Namespace) -> int:
        called.append(f"window {args.path}")
        return 0

    def list_runs(args: argparse.Namespace) -> int:
        called.append("runs command")
        return 0

    monkeypatch.setattr(start, "cmd_gui", gui)
    monkeypatch.setattr(runs, "cmd_runs", list_runs)
    assert main([str(tmp_path)]) == 0 and called == [f"window {tmp_path}"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    assert main(["runs"]) == 0 and called[-1] == "runs command"
    with pytest.raises(SystemExit):
        main([str(tmp_path / "missing")])  # not a folder: argparse's own message


def test_train_picks_image_and_batch_size_from_the_data_and_says_why(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path) -> None:
    from tests.conftest import make_tiny_folder

    data = make_tiny_folder(tmp_path / "d", size=60, per_class=4)
    code, _, err = run_cli(capsys, "train", data, "--out", tmp_path / "r", "--model", "simple_cnn", "--epochs", "1",
                           "--device", "cpu", "--json")
    assert code == 0, err
    assert "64 px: your images are small (typically 60×60)" in err
    assert "batch 32: on the CPU" in err
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert saved["image_size"] == 64 and saved["batch_size"] == 0  # the run file keeps "automatic"
    rows = [json.loads(x) for x in (tmp_path / "r" / "metrics.jsonl").read_text().splitlines()]
    assert rows[0]["batch_size"] == 32
    code, _, err = run_cli(capsys, "train", data, "--out", tmp_path / "r2", "--model", "simple_cnn", "--epochs", "1",
                           "--image-size", "16", "--device", "cpu", "--json")
    assert code == 0 and "px:" not in err  # an explicit size is used as given


def test_runs_lists_interrupted_runs_with_the_resume_command(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.storage import default_runs_dir, write_json

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    base = default_runs_dir()
    for name, status, checkpoint in (("a-finished", "finished", True), ("b-crashed", "running", True),
                                     ("c-crashed-early", "running", False)):
        write_json(base / name / rd.CONFIG, {"epochs": 3})
        write_json(base / name / rd.RUN_INFO, {"status": status, "model": "simple_cnn", "pid": gone.pid,
                                               "host": socket.gethostname(), "best_val_accuracy": 0.75})
        if checkpoint:
            (base / name / rd.LAST).parent.mkdir(parents=True, exist_ok=True)
            (base / name / rd.LAST).write_bytes(b"x")
    code, out, _ = run_cli(capsys, "runs", "--json")
    rows = {Path(r["run"]).name: r for r in json.loads(out)}
    assert code == 0 and {n: r["status"] for n, r in rows.items()} == {
        "a-finished": "finished", "b-crashed": "interrupted", "c-crashed-early": "interrupted"}
    assert rows["b-crashed"]["resume"] == f"desktop-cls train --resume {base / 'b-crashed'}"
    assert rows["c-crashed-early"]["resume"] is None and rows["a-finished"]["resume"] is None
    code, out, _ = run_cli(capsys, "runs")
    assert f"Continue it with: desktop-cls train --resume {base / 'b-crashed'}" in out
    assert "nothing to resume" in out and "75.0%" in out


def test_train_test_folders_scan_train_eval(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Without val/, validation comes from train/ and eval scores the untouched test/ images."""
    from tests.conftest import make_tiny_folder

    data = tmp_path / "digits"
    make_tiny_folder(data / "train", per_class=10)
    make_tiny_folder(data / "test", per_class=4, seed=5)
    code, out, _ = run_cli(capsys, "scan", data, "--json", "--quick")
    d = json.loads(out)
    assert code == 0 and d["classes"] == ["cat", "dog", "fish"] and d["layout"] == "split_folders"
    assert d["splits"] == {"train": 24, "val": 6, "test": 12}
    code, out, _ = run_cli(capsys, "scan", data, "--quick")  # so few per class: the default run cross-validates
    assert "5-fold cross-validation on all 30 labeled images (12 test images kept apart)" in out
    big = tmp_path / "big"
    make_tiny_folder(big / "train", per_class=60, size=8)
    make_tiny_folder(big / "test", per_class=2, size=8, seed=5)
    code, out, _ = run_cli(capsys, "scan", big, "--quick")  # enough to hold validation images out
    assert "no val/ folder" in out and "test/ is kept for evaluation" in out and "cross-validation" not in out
    run = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", data, "--out", run, "--model", "simple_cnn", "--epochs", "1",
                           "--batch-size", "8", "--image-size", "16", "--device", "cpu")
    assert code == 0, err
    assert "24 train, 6 validation, 12 test (not used for training)" in err
    code, out, _ = run_cli(capsys, "eval", run, data, "--json")
    d = json.loads(out)
    assert code == 0 and d["split"] == "test" and d["num_images"] == 12
    assert all("/test/" in m["path"] for m in d["misclassified"])


def test_train_on_digits_turns_flips_off_and_says_why(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.conftest import make_digits_folder

    data = make_digits_folder(tmp_path / "scans", per_class=4)
    run = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", data, "--out", run, "--model", "simple_cnn", "--epochs", "1",
                           "--image-size", "16", "--device", "cpu", "--no-calibrate")
    assert code == 0, err
    assert "flips off: the classes look like digits or letters" in err
    assert json.loads((run / "config.json").read_text())["augmentation"]["hflip"] is False
    run2 = tmp_path / "run2"
    code, _, err = run_cli(capsys, "train", data, "--out", run2, "--model", "simple_cnn", "--epochs", "1",
                           "--image-size", "16", "--device", "cpu", "--no-calibrate", "--hflip")
    assert code == 0 and "flips off" not in err  # an explicit flag wins over the data's default
    assert json.loads((run2 / "config.json").read_text())["augmentation"]["hflip"] is True


def test_predict_a_video_to_csv_json_and_segments(capsys: pytest.CaptureFixture[str],
                                                  trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("av")
    from tests.videos import BLUE, RED, write_video

    run, data = trained_run
    video = write_video(tmp_path / "clip.mp4", [RED, BLUE], frames_each=6, fps=10)
    out_csv = tmp_path / "frames.csv"
    code, _, err = run_cli(capsys, "predict", run, video, "--csv", out_csv)
    assert code == 0 and "wrote 12 frame predictions" in err
    rows = list(csv.DictReader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["label"] for r in rows] == ["cat"] * 6 + ["fish"] * 6
    assert rows[6]["frame"] == "6" and rows[6]["time_s"] == "0.600"
    code, out, _ = run_cli(capsys, "predict", run, video, "--json", "--every", "2")
    d = json.loads(out)
    assert [f["frame"] for f in d["frames"]] == [0, 2, 4, 6, 8, 10]
    assert [s["label"] for s in d["segments"]] == ["cat", "fish"]
    code, out, _ = run_cli(capsys, "predict", run, video)
    assert code == 0 and "12 frames classified" in out and "fish" in out.splitlines()[2]
    code, _, err = run_cli(capsys, "predict", run, video, data / "cat")
    assert code == 2 and "one video file at a time" in err
    (tmp_path / "bad.mp4").write_bytes(b"garbage")
    code, _, err = run_cli(capsys, "predict", run, tmp_path / "bad.mp4")
    assert code == 2 and "bad.mp4" in err and "video" in err


def test_train_with_no_options_picks_the_pretrained_quick_mode_for_few_images_and_says_why(
        capsys: pytest.CaptureFixture[str], tiny_folder: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "train", tiny_folder, "--out", tmp_path / "r", "--image-size", "64", "--json")
    assert code == 0, err
    assert "pretrained backbone, quick mode: 8 labeled images per class are few" in err  # all 8 learn
    # only what the quick method does: no epochs, no flips, and no validation share to raise under cross-validation
    assert "no epochs: the quick method" in err and "no flips: the quick method" in err and "last layer fitted" in err
    assert "24 images in 3 classes, each validated by 5-fold cross-validation" in err  # not "18 train, 6 validation"
    for contradiction in ("the usual start", "horizontal flip on", "--hflip", "epoch 1/1", "validation share",
                          " train, "):
        assert contradiction not in err
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert (saved["model"], saved["method"], saved["pretrained"]) == ("efficientnet_lite0", "quick", True)
    code, out, _ = run_cli(capsys, "predict", tmp_path / "r", tiny_folder / "dog", "--json")
    assert code == 0 and sum(p["label"] == "dog" for p in json.loads(out)) >= 7


def test_the_old_mode_flag_still_chooses_the_method(capsys: pytest.CaptureFixture[str], tiny_folder: Path,
                                                     tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "train", tiny_folder, "--out", tmp_path / "r", "--mode", "scratch", "--epochs",
                           "1", "--image-size", "16", "--json")
    assert code == 0, err
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert (saved["model"], saved["method"], saved["pretrained"]) == ("quicknet", "scratch", False)
    assert "trained from scratch, as chosen" in err


def test_eval_a_test_folder_without_one_class(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """test/ has no 'fish': its recall is null / a dash, and the macro average is over cat and dog only."""
    import numpy as np
    from sklearn.metrics import classification_report

    from tests.conftest import make_tiny_folder

    data = tmp_path / "digits"
    make_tiny_folder(data / "train", per_class=8)
    make_tiny_folder(data / "test", classes=("cat", "dog"), per_class=4, seed=5)
    run = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", data, "--out", run, "--model", "simple_cnn", "--epochs", "1",
                           "--batch-size", "8", "--image-size", "16", "--device", "cpu", "--no-calibrate")
    assert code == 0, err
    code, out, _ = run_cli(capsys, "eval", run, data, "--json")
    d = json.loads(out)
    assert code == 0 and d["split"] == "test" and d["num_images"] == 8
    fish = d["per_class"]["fish"]
    assert fish["support"] == 0 and fish["recall"] is None
    cm = np.array(d["confusion_matrix"])
    assert (fish["precision"] is None) == (cm[:, 2].sum() == 0)  # 0 when fish was predicted: false positives
    y_true = np.repeat(np.arange(3), cm.sum(axis=1))
    y_pred = np.concatenate([np.repeat(np.arange(3), row) for row in cm])
    sk = classification_report(y_true, y_pred, labels=[0, 1], output_dict=True, zero_division=0)
    for avg in ("macro", "weighted"):
        assert abs(d["averages"][avg]["recall"] - sk[f"{avg} avg"]["recall"]) < 1e-9
        assert abs(d["averages"][avg]["f1"] - sk[f"{avg} avg"]["f1-score"]) < 1e-9
    code, out, _ = run_cli(capsys, "eval", run, data)
    fish_line = next(line for line in out.splitlines() if line.startswith("fish "))
    assert fish_line.split()[2] == "—" and "left out of the macro average" in out
