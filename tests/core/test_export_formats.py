"""The deployable formats (ONNX int8 / fp16, OpenVINO): each loads in its own runtime, agrees with the
trained model, reports what it costs, and comes with a script that runs without desktop_cls."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference import export as export_mod
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.export_openvino import openvino_available
from desktop_cls.core.inference.export_report import gather_images
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.models.model_io import read_meta

needs_openvino = pytest.mark.skipif(not openvino_available(), reason="OpenVINO is an optional extra")
DEPLOYABLE = ["onnx-int8", "onnx-fp16", pytest.param("openvino", marks=needs_openvino)]

# Runs a script with every desktop_cls import made to fail, so the snippet proves it stands alone.
WITHOUT_DESKTOP_CLS = ("import runpy, sys; sys.modules['desktop_cls'] = None; script = sys.argv[1]; "
                       "sys.argv = sys.argv[1:]; runpy.run_path(script, run_name='__main__')")


def run_snippet(snippet: str, images: list[Path]) -> dict[str, str]:
    return {path: said.split(" (")[0] for path, said in snippet_lines(snippet, images).items()}


def snippet_lines(snippet: str, images: list[Path]) -> dict[str, str]:
    """What the script says of each image: "label (confidence%)"."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path(snippet).parent)}  # no PYTHONPATH: not our tree
    proc = subprocess.run([sys.executable, "-c", WITHOUT_DESKTOP_CLS, snippet, *map(str, images)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=Path(snippet).parent)
    assert proc.returncode == 0, proc.stderr
    return dict(line.rsplit(": ", 1) for line in proc.stdout.splitlines())


@pytest.mark.parametrize("fmt", DEPLOYABLE)
def test_deployable_format_agrees_reports_and_runs_alone(trained_run: tuple[Path, Path], tmp_path: Path,
                                                         fmt: str) -> None:
    run, data = trained_run
    res = export_model(run, fmt, tmp_path / "model")
    suffix = ".xml" if fmt == "openvino" else ".onnx"
    assert Path(res.path).name == f"model{suffix}" and res.verified
    expected = {f"model{suffix}", "model.json", "model_example.py"} | ({"model.bin"} if fmt == "openvino" else set())
    assert {p.name for p in tmp_path.iterdir()} == expected  # nothing else, no staging folder left
    # measured on the run's own 6 validation images
    assert res.num_images == 6 and "validation images" in res.images
    assert res.top1_agreement >= 0.99
    assert res.accuracy is not None and res.reference_accuracy is not None
    assert abs(res.accuracy - res.reference_accuracy) <= 0.01
    assert res.latency_ms > 0 and res.reference_latency_ms > 0
    assert res.size_bytes == sum(Path(f).stat().st_size for f in res.files)
    meta = json.loads(Path(res.sidecar).read_text())
    assert meta["format"] == fmt and meta["classes"] == ["cat", "dog", "fish"]
    assert meta["report"]["top1_agreement"] == res.top1_agreement and meta["report"]["num_images"] == 6
    read_meta(Path(res.sidecar))  # still a valid sidecar for desktop_cls itself
    if fmt == "onnx-int8":
        assert res.quantization and "int8" in res.quantization
        fp32 = export_model(run, "onnx", tmp_path / "fp32" / "model")
        assert res.size_bytes < 0.5 * fp32.size_bytes
    # the app's predictor and the stand-alone script agree with the trained model, image by image
    images = sorted((data / "dog").iterdir())[:3] + sorted((data / "fish").iterdir())[:3]
    ref = {str(p.path): p.label for p in Predictor.load(run).predict_paths(images)}
    assert {str(p.path): p.label for p in Predictor.load(res.path).predict_paths(images)} == ref
    assert run_snippet(str(res.snippet), images) == ref


def test_onnx_int8_is_quantized_and_carries_metadata(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    import onnx
    import onnxruntime as ort

    res = export_model(trained_run[0], "onnx-int8", tmp_path / "m.onnx")
    ops = {n.op_type for n in onnx.load(res.path).graph.node}
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops
    props = ort.InferenceSession(res.path).get_modelmeta().custom_metadata_map
    assert json.loads(props["classes"]) == ["cat", "dog", "fish"]
    assert json.loads(props["desktop_cls"])["format"] == "onnx-int8"


def test_fp16_keeps_float32_inputs_and_half_weights(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    import onnx

    res = export_model(trained_run[0], "onnx-fp16", tmp_path / "m")
    proto = onnx.load(res.path)
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert any(t.data_type == onnx.TensorProto.FLOAT16 for t in proto.graph.initializer)


@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
def test_lossless_formats_also_get_a_report_and_a_snippet(trained_run: tuple[Path, Path], tmp_path: Path,
                                                          fmt: str) -> None:
    run, data = trained_run
    res = export_model(run, fmt, tmp_path / "m")
    assert res.top1_agreement == 1.0 and res.accuracy == res.reference_accuracy and res.num_images == 6
    images = sorted((data / "cat").iterdir())[:2]
    ref = {str(p.path): p.label for p in Predictor.load(run).predict_paths(images)}
    assert run_snippet(str(res.snippet), images) == ref


def test_the_metadata_names_the_dataset_folder_not_its_path_on_this_computer(trained_run: tuple[Path, Path],
                                                                            tmp_path: Path) -> None:
    """The sidecar travels with the model: its report says which folder it was measured on by name, while the
    result on this computer (the CLI's lines, the Export page) gives the whole path."""
    run, data = trained_run
    res = export_model(run, "onnx", tmp_path / "m")
    assert str(data) in res.images
    text = Path(res.sidecar).read_text(encoding="utf-8")
    assert str(data) not in text and str(data.parent) not in text
    assert json.loads(text)["report"]["images"] == res.images.replace(str(data), data.name)


def test_safetensors_has_no_stand_alone_snippet(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    res = export_model(trained_run[0], "safetensors", tmp_path / "m")
    assert res.snippet is None and {p.name for p in tmp_path.iterdir()} == {"m.safetensors", "m.json"}


def test_the_steps_leave_the_format_to_the_caller(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """The Export page says "Exporting ONNX int8 (2 of 3): …" itself; a step that repeated the format's id
    ("writing onnx-int8") showed it twice, the second time untranslated."""
    steps: list[str] = []
    export_model(trained_run[0], "safetensors", tmp_path / "m", progress=lambda d, t, what: steps.append(what))
    assert "writing the file" in steps
    assert not [s for s in steps if "safetensors" in s]


@needs_openvino
def test_a_failed_export_leaves_no_file(trained_run: tuple[Path, Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fp32: Path, meta: object, xml: Path) -> None:
        xml.write_text("<not a model")
        xml.with_suffix(".bin").write_bytes(b"\0" * 10)

    monkeypatch.setattr(export_mod, "write_ir", broken)
    out = tmp_path / "out"
    with pytest.raises(Exception, match="model"):
        export_model(trained_run[0], "openvino", out / "m")
    assert not out.exists()  # not the .xml, not the .bin, not a staging folder, nor the folder made for them
    out.mkdir()
    with pytest.raises(Exception, match="model"):
        export_model(trained_run[0], "openvino", out / "m")
    assert list(out.iterdir()) == []  # a folder that was there stays, empty as it was


def test_a_cancelled_export_leaves_no_file(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    token = CancelToken()

    def cancel_when_writing(done: int, total: int, what: str) -> None:
        if what.startswith("verifying"):
            token.set()

    with pytest.raises(CancelledError):
        export_model(trained_run[0], "onnx-int8", tmp_path / "m", progress=cancel_when_writing, cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_int8_without_images_says_where_to_get_them(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = trained_run
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(run / "model.safetensors", bare / "m.safetensors")
    shutil.copy(run / "model.json", bare / "m.json")
    with pytest.raises(UserError, match=r"calibrate") as err:
        export_model(bare / "m.safetensors", "onnx-int8", tmp_path / "q")
    assert "--data" in err.value.cli_fix and "Data page" in err.value.gui_fix  # each interface its own words
    res = export_model(bare / "m.safetensors", "onnx-int8", tmp_path / "q", data=data)
    # 30 images the model learned: int8 is measured on 15 and calibrated on the other 15, never the same ones
    assert res.num_images == 15 and "the other half" in res.images and "not a held-out split" in res.images
    assert res.images.startswith("15 images of ")  # the count reads as a sentence ("15 half of the images" did not)
    fp32 = export_model(bare / "m.safetensors", "onnx", tmp_path / "f", data=data)  # no int8: no calibration talk
    assert fp32.images.startswith("15 images of ") and "int8" not in fp32.images and "calibrat" not in fp32.images
    # the lossless formats still export, verified on random inputs, and say why accuracy is missing
    plain = export_model(bare / "m.safetensors", "onnx", tmp_path / "p")
    assert plain.num_images == 0 and plain.accuracy is None and "not in a run folder" in plain.images


def test_a_folder_the_model_learned_is_halved_for_int8(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """No held-out split (a bare model, or a quick run that learned every image): int8 calibrates on one half
    and is measured on the other, each holding every class."""
    from desktop_cls.core.inference import export_report
    from desktop_cls.core.models.model_io import read_meta

    run, data = trained_run
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(run / "model.safetensors", bare / "m.safetensors")
    meta = read_meta(run / "model.json")
    measured, calibration, what, int8_note = export_report._splits(bare / "m.safetensors", meta, data)
    assert len(measured) + len(calibration) == 30 and not {s.path for s in measured} & {s.path for s in calibration}
    assert {s.label for s in measured} == {s.label for s in calibration} == set(range(len(meta.classes)))
    assert "the other half" in int8_note and "int8" not in what.alone and "int8" not in what.counted(15)


@needs_openvino
def test_openvino_pair_is_never_overwritten_silently(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "m.bin").write_bytes(b"keep me")
    with pytest.raises(UserError, match=r"m\.bin already exists"):
        export_model(trained_run[0], "openvino", tmp_path / "m")
    assert (tmp_path / "m.bin").read_bytes() == b"keep me" and not (tmp_path / "m.xml").exists()
    with pytest.raises(UserError, match="extension"):
        export_model(trained_run[0], "openvino", tmp_path / "m.onnx")


@needs_openvino
def test_openvino_without_its_bin_is_a_clear_error(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    from desktop_cls.core.errors import ModelFileError

    res = export_model(trained_run[0], "openvino", tmp_path / "m")
    (tmp_path / "m.bin").unlink()
    with pytest.raises(ModelFileError, match=r"m\.bin is missing"):
        Predictor.load(res.path)


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """QuickNet on scikit-learn's handwritten digits (real scans): 1,257 training images, 3 epochs."""
    pytest.importorskip("sklearn")
    from benchmarks.datasets import write_digits
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    base = tmp_path_factory.mktemp("digits")
    train, _ = write_digits(base / "digits", size=16)
    res = fit(TrainConfig(epochs=3, image_size=16, seed=0, cache_images="ram"), train, out=base / "run")
    return Path(res.run_dir)


@pytest.mark.slow
def test_int8_on_real_digits_agrees_with_fp32(digits_run: Path, tmp_path: Path) -> None:
    """The issue's bar: ≥ 99 % top-1 agreement with fp32 and accuracy within 1 point, on real images."""
    src = digits_run / "model.safetensors"
    images = gather_images(src, read_meta(digits_run / "model.json"))
    assert images.count > 200 and images.calibration.shape[0] == 300
    res = export_model(digits_run, "onnx-int8", tmp_path / "q", images=images)
    assert res.reference_accuracy is not None and res.reference_accuracy > 0.8  # a model worth quantizing
    assert res.top1_agreement >= 0.99, res.quantization
    assert res.accuracy is not None and abs(res.accuracy - res.reference_accuracy) <= 0.01
    labels = np.asarray(images.labels)
    assert res.num_images == len(labels)


def test_int8_calibration_batches_are_all_one_size() -> None:
    """onnxruntime's histogram calibrators stack the batches' outputs: a shorter last batch breaks them."""
    import numpy as np

    from desktop_cls.core.inference.export_onnx import _Batches

    images = np.arange(37 * 3, dtype=np.float32).reshape(37, 3, 1, 1)
    reader = _Batches(images, batch=16)
    sizes = []
    while (b := reader.get_next()) is not None:
        sizes.append(len(next(iter(b.values()))))
    assert sizes == [16, 16, 16]
    few = _Batches(images[:5], batch=16).get_next()
    assert few is not None and len(next(iter(few.values()))) == 5


def test_int8_calibration_is_read_one_range_at_a_time() -> None:
    """onnxruntime's strided calibration asks for one range of batches at a time, so its calibrators hold
    one batch's activations instead of all of them (14 GB for 200 images at 224 px)."""
    import numpy as np

    from desktop_cls.core.inference.export_onnx import _Batches

    images = np.arange(20 * 3, dtype=np.float32).reshape(20, 3, 1, 1)
    reader = _Batches(images, batch=8)
    assert len(reader) == 3
    reader.set_range(start_index=1, end_index=2)
    second = reader.get_next()
    assert second is not None and float(next(iter(second.values()))[0, 0, 0, 0]) == 8 * 3
    assert reader.get_next() is None  # the range is done
    reader.rewind()
    assert sum(1 for _ in iter(reader.get_next, None)) == 3


def test_cancel_is_heard_within_a_calibration(trained_run: tuple[Path, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.inference import export_onnx

    token = CancelToken()
    batches: list[int] = []
    real = export_onnx._Batches.get_next

    def get_next(self: object) -> object:
        batches.append(1)
        if len(batches) == 2:
            token.set()  # the user presses Cancel while the first recipe calibrates
        return real(self)  # type: ignore[arg-type]

    monkeypatch.setattr(export_onnx._Batches, "get_next", get_next)
    with pytest.raises(CancelledError):
        export_model(trained_run[0], "onnx-int8", tmp_path / "m", cancel=token)
    assert len(batches) == 2  # stopped at the next batch, not after the recipe's whole calibration
    assert list(tmp_path.iterdir()) == []


def _clock_by_threads(monkeypatch: pytest.MonkeyPatch, many: float, one: float) -> list[int]:
    """A single-image clock that depends on torch's thread count alone; returns the counts it was asked at."""
    import torch

    from desktop_cls.core.inference import export_report

    seen: list[int] = []

    def measured(runners: list[object], x1: np.ndarray) -> list[float]:
        seen.extend([torch.get_num_threads()] * len(runners))
        return [many if torch.get_num_threads() > 1 else one] * len(runners)

    monkeypatch.setattr(export_report, "interleaved_best_ms", measured)
    return seen


def test_the_pytorch_reference_time_is_the_best_of_its_threads_and_leaves_them_as_they_were(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy 2-core CPU two threads took 5,325 ms an image and one 63 ms: the CLI reported the first against
    ONNX Runtime's 38 ms. The measurement itself (warm-up untimed, best of the runs) is the shared one."""
    import torch

    from desktop_cls.core.inference import export_report

    seen = _clock_by_threads(monkeypatch, many=5325.0, one=63.0)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        assert export_report.torch_latency_ms(torch.nn.Identity(), np.zeros((1, 3, 4, 4), np.float32)) == 63.0
        assert seen == [2, 1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("fmt", ["safetensors", "torchscript"])
def test_an_export_is_timed_as_the_trained_model_is(monkeypatch: pytest.MonkeyPatch, trained_run: tuple[Path, Path],
                                                    tmp_path: Path, fmt: str) -> None:
    """A safetensors export, byte for byte the trained model, reported 195.73 ms against the trained model's 32.45:
    the export was timed at the usual threads only, the trained model also at one thread. Both now go through the
    same measurement with the same thread settings, so a clock that depends on the threads alone gives both the
    same figure."""
    import torch


    seen = _clock_by_threads(monkeypatch, many=195.0, one=32.0)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        result = export_model(trained_run[0], fmt, tmp_path / f"m.{fmt}")
    finally:
        torch.set_num_threads(before)
    assert seen == [2, 2, 1, 1]  # the export beside the trained model, at each thread count
    assert result.latency_ms == result.reference_latency_ms == 32.0


@pytest.mark.parametrize("named", [False, True])
def test_a_full_disk_names_the_file_asked_for_and_keeps_the_old_export(trained_run: tuple[Path, Path],
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        named: bool) -> None:
    """onnx reported a full disk with no file at all ("cannot write a file"), the others named the hidden staging
    copy; the message names the model file the user asked for, and the export already there is untouched."""
    import errno

    from desktop_cls.core.storage import as_write_error

    (tmp_path / "m").mkdir()
    first = export_model(trained_run[0], "onnx", tmp_path / "m")
    before = {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()}

    def full(path: Path, obj: object, root: Path | None = None) -> None:
        e = OSError(errno.ENOSPC, "No space left on device")
        raise as_write_error(e, path) if named else e

    monkeypatch.setattr(export_mod, "write_json", full)
    with pytest.raises(OSError) as caught:
        export_model(trained_run[0], "onnx", tmp_path / "m", overwrite=True)
    message = str(caught.value)
    assert message.startswith(f"cannot write {first.path}: the disk is full") and ".export-" not in message
    assert {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()} == before


def test_formats_compared_are_timed_side_by_side_run_for_run() -> None:
    """The trained model took 56 ms beside one export and 106 ms beside another: each was timed alone, one after
    the other, while the machine's load changed. Timed in turn, run for run, both meet the same moments."""
    from desktop_cls.core.inference.export_report import interleaved_best_ms

    order: list[str] = []
    x1 = np.zeros((1, 3, 2, 2), np.float32)

    def runner(name: str) -> Callable[[np.ndarray], np.ndarray]:
        def run(x: np.ndarray) -> np.ndarray:
            order.append(name)
            return x
        return run

    best = interleaved_best_ms([runner("a"), runner("b")], x1, max_rounds=10)
    timed = order[6:]  # after each one's warm-up
    assert timed == ["a", "b"] * 10 and len(best) == 2
