from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.inference.evaluation import evaluate
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.metrics import classification_report, confusion_matrix, per_class_scores
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.models.model_io import load_native
from desktop_cls.core.models.weight_files import load_state_dict_file
from tests.conftest import make_tiny_folder, reading_in_processes


def test_metrics_by_hand() -> None:
    y = np.array([0, 0, 1, 1, 2])
    p = np.array([0, 1, 1, 1, 0])
    cm = confusion_matrix(y, p, 3)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    s = per_class_scores(cm, ["a", "b", "c"])
    assert s["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert s["b"]["precision"] == pytest.approx(2 / 3) and s["b"]["recall"] == 1.0
    assert s["c"]["f1"] == 0.0
    probs = np.eye(3)[p] * 0.8 + 0.2 / 3
    r = classification_report(y, probs, ["a", "b", "c"], top_k=2)
    assert r["accuracy"] == pytest.approx(0.6)
    assert r["averages"]["weighted"]["support"] == 5


def test_predictor_on_run_folder_files_folders_and_arrays(trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    pred = Predictor.load(run)
    assert pred.classes == ("cat", "dog", "fish")
    files = pred.predict_paths([data / "cat"], top_k=2)
    assert len(files) == 10 and all(len(p.top_k) == 2 for p in files)
    assert sum(p.label == "cat" for p in files) >= 8
    arr = np.asarray(Image.open(data / "fish" / "fish_00.png").convert("RGB"))
    from_array = pred.predict_arrays([arr])[0]
    from_file = pred.predict_paths([data / "fish" / "fish_00.png"])[0]
    assert from_array.label == from_file.label
    assert from_array.confidence == pytest.approx(from_file.confidence, abs=1e-6)
    assert sum(p for _, p in from_file.top_k) <= 1.0 + 1e-6


def test_predict_reports_unreadable_files_without_failing(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = trained_run
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    out = Predictor.load(run).predict_paths([bad, data / "dog" / "dog_01.png"])
    assert out[0].error and out[0].label is None
    assert out[1].label is not None
    alone = Predictor.load(run).predict_paths([bad])  # the one-file path skips the thread pool
    assert len(alone) == 1 and alone[0].error and alone[0].label is None


def test_folder_prediction_keeps_order_across_chunks_and_can_be_cancelled(trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.core.events import CancelledError, CancelToken

    run, data = trained_run
    pred = Predictor.load(run)
    files = sorted(str(p) for p in data.rglob("*.png"))
    chunked = pred.predict_paths(files, batch_size=7)  # decoding of chunk k+1 overlaps inference of chunk k
    whole = pred.predict_paths(files, batch_size=len(files))
    assert [p.path for p in chunked] == files
    assert [(p.label, round(p.confidence, 5)) for p in chunked] == [(p.label, round(p.confidence, 5)) for p in whole]
    token = CancelToken()
    seen: list[int] = []

    def stop_after_first(done: int, total: int, what: str) -> None:
        seen.append(done)
        token.set()

    with pytest.raises(CancelledError):
        pred.predict_paths(files, batch_size=7, progress=stop_after_first, cancel=token)
    assert seen == [7]


def test_evaluate_uses_the_validation_split_of_the_training_folder(trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    ev = evaluate(Predictor.load(run), data)
    assert ev.split == "validation"
    assert ev.report["num_images"] == 6  # 2 of 10 per class held out
    assert np.array(ev.report["confusion_matrix"]).sum() == 6
    assert set(ev.report["per_class"]) == {"cat", "dog", "fish"}


def test_evaluate_on_another_folder_with_a_foreign_class(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _data = trained_run
    other = make_tiny_folder(tmp_path / "other", classes=("cat", "wolf"), per_class=10, seed=5)  # never seen
    ev = evaluate(Predictor.load(run), other)
    assert ev.split == "folder" and ev.report["num_images"] == 10 and ev.left_out == 0
    assert any(p.kind == "unknown_class" for p in ev.problems)
    mis = ev.misclassified()
    assert all(m["true"] == "cat" for m in mis)
    assert [m["confidence"] for m in mis] == sorted((m["confidence"] for m in mis), reverse=True)


@pytest.mark.parametrize("fmt", ["safetensors", "torchscript", "onnx"])
def test_every_export_is_verified_and_loads_back(trained_run: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    run, data = trained_run
    res = export_model(run, fmt, tmp_path / "model")
    assert res.verified and res.top1_agreement == 1.0
    meta = json.loads(Path(res.sidecar).read_text())
    assert meta["classes"] == ["cat", "dog", "fish"] and meta["input_size"] == [16, 16]
    assert meta["resize"] == "stretch" and meta["mean"] and meta["std"] and meta["model"] == "quicknet"
    ref = Predictor.load(run).predict_paths([data / "dog"])
    if fmt == "onnx":
        import onnxruntime as ort

        sess = ort.InferenceSession(res.path)
        assert sess.get_inputs()[0].shape[0] != 1  # dynamic batch
        props = sess.get_modelmeta().custom_metadata_map
        assert json.loads(props["classes"]) == ["cat", "dog", "fish"]
    loaded = Predictor.load(res.path, allow_code=True)
    got = loaded.predict_paths([data / "dog"])
    assert [p.label for p in got] == [p.label for p in ref]
    assert max(abs(a.confidence - b.confidence) for a, b in zip(got, ref, strict=True)) < 1e-4


def test_export_never_overwrites_silently(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    target = tmp_path / "m.onnx"
    target.write_bytes(b"keep me")
    with pytest.raises(UserError, match="already exists"):
        export_model(run, "onnx", target)
    assert target.read_bytes() == b"keep me"


def test_formats_exported_together_are_refused_before_anything_is_read_or_written(
        trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """The second format's file is there: the check says so before the first format is written, and the
    same check passes once replacing is allowed."""
    from desktop_cls.core.inference.export_web import check_destinations

    run, _ = trained_run
    targets = {"safetensors": tmp_path / "safetensors" / "m.safetensors", "onnx": tmp_path / "onnx" / "m.onnx",
               "web": tmp_path / "m-web"}
    targets["onnx"].parent.mkdir()
    targets["onnx"].write_bytes(b"keep me")
    with pytest.raises(UserError, match=r"m\.onnx already exists"):
        check_destinations(run, targets)
    assert not targets["safetensors"].parent.exists() and targets["onnx"].read_bytes() == b"keep me"
    check_destinations(run, targets, overwrite=True)
    (targets["web"] / "index.html").parent.mkdir()
    (targets["web"] / "index.html").write_text("mine")
    with pytest.raises(UserError, match="m-web already exists and is not empty"):
        check_destinations(run, {"web": targets["web"]})


def test_torchscript_needs_explicit_trust(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    res = export_model(run, "torchscript", tmp_path / "m")
    with pytest.raises(ModelFileError, match="contains code"):
        Predictor.load(res.path)


class _Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (self.marker, "w"))


def test_pickle_that_would_run_code_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        pickle.dump({"model": _Evil(str(marker))}, f)
    with pytest.raises(ModelFileError, match="refused"):
        load_state_dict_file(evil)
    assert not marker.exists()


def test_metadata_mismatch_is_a_clear_error(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    shutil.copy(run / "model.safetensors", tmp_path / "m.safetensors")
    meta = json.loads((run / "model.json").read_text())
    meta["classes"] = ["a", "b"]
    meta["num_classes"] = 2
    (tmp_path / "m.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="needs"):
        load_native(tmp_path / "m.safetensors")
    meta["schema_version"] = 99
    (tmp_path / "m.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="schema_version"):
        load_native(tmp_path / "m.safetensors")


def test_plain_state_dict_pt_file_is_accepted(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = trained_run
    model, _ = load_native(run / "model.safetensors")
    torch.save(model.state_dict(), tmp_path / "m.pt")
    shutil.copy(run / "model.json", tmp_path / "m.json")
    assert Predictor.load(tmp_path / "m.pt").predict_paths([data / "cat" / "cat_00.png"])[0].label


def test_onnx_external_data_outside_the_folder_is_refused(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    import onnx

    run, _ = trained_run
    res = export_model(run, "onnx", tmp_path / "m")
    proto = onnx.load(res.path)
    init = proto.graph.initializer[0]
    init.data_location = onnx.TensorProto.EXTERNAL
    del init.external_data[:]
    entry = init.external_data.add()
    entry.key, entry.value = "location", "../../etc/passwd"
    Path(res.path).write_bytes(proto.SerializeToString())  # onnx.save itself would refuse to write this
    with pytest.raises(ModelFileError, match="outside"):
        Predictor.load(res.path)


def test_export_measures_on_test_images_and_says_so_when_a_run_has_no_validation_split(tmp_path: Path) -> None:
    """A cross-validated quick run records no validation share: the export then uses test/, named as such."""
    from types import SimpleNamespace

    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.inference.export_report import gather_images
    from desktop_cls.core.run_dir import CONFIG, RUN_INFO
    from tests.conftest import make_tiny_folder

    data = tmp_path / "digits"
    make_tiny_folder(data / "train", per_class=6)
    make_tiny_folder(data / "test", per_class=2, seed=5)
    run = tmp_path / "run"
    run.mkdir()
    (run / CONFIG).write_text("{}", encoding="utf-8")
    (run / RUN_INFO).write_text(json.dumps({"dataset_root": str(data.resolve()), "val_fraction": 0.0}),
                                encoding="utf-8")
    meta = SimpleNamespace(classes=("cat", "dog", "fish"), input_size=(16, 16))
    images = gather_images(run / "model.pt", meta)  # type: ignore[arg-type]
    assert images.count == 6 and images.description.startswith("6 test images of ")
    assert scan(data).held_out_split() == "test"  # what Evaluate scores by default, too
    assert scan(data / "train").held_out_split() == "val"


def test_many_files_are_decoded_in_worker_processes_with_the_same_predictions(
        trained_run: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding small pictures is mostly Python: in threads it held the interpreter lock the window's UI thread
    needs while the Label page suggested labels, so from _PROCESS_FILES on it happens in worker processes."""

    from desktop_cls.core.events import CancelledError, CancelToken
    from desktop_cls.core.inference import predictor as pr

    run, data = trained_run
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    inputs = [data / "cat", bad, data / "dog" / "dog_01.png"]
    pred = Predictor.load(run)
    in_threads = pred.predict_paths(inputs, batch_size=4)
    pools = reading_in_processes(monkeypatch, pr)
    in_processes = pred.predict_paths(inputs, batch_size=4)
    assert pools == ["ProcessPoolExecutor"]
    assert [(p.path, p.label, p.error) for p in in_processes] == [(p.path, p.label, p.error) for p in in_threads]
    assert [p.confidence for p in in_processes] == pytest.approx([p.confidence for p in in_threads], abs=1e-6)
    assert in_processes[10].error and len(in_processes) == 12
    cancel = CancelToken()
    cancel.set()
    with pytest.raises(CancelledError):
        pred.predict_paths(inputs, batch_size=4, cancel=cancel)
