"""int8 export: which layers each recipe keeps in float, how the ladder of recipes is walked, and that an
export below the agreement target says so (in the result, the sidecar and the CLI's report)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.inference import export as export_mod
from desktop_cls.core.inference import export_onnx as eo
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.export_report import AGREEMENT_TARGET, Fidelity


def _graph() -> object:
    """stem conv -> clip -> depthwise conv -> pointwise conv -> clip -> mean/max pool -> concat -> gemm."""
    from onnx import TensorProto, helper, numpy_helper

    def w(name: str, *shape: int) -> TensorProto:
        return numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)

    nodes = [
        helper.make_node("Conv", ["x", "w0"], ["a"], name="stem"),
        helper.make_node("Clip", ["a"], ["b"], name="clip0"),
        helper.make_node("Conv", ["b", "w1"], ["c"], name="dw", group=4),
        helper.make_node("Conv", ["c", "w2"], ["d"], name="project"),
        helper.make_node("Clip", ["d"], ["e"], name="clip1"),
        helper.make_node("ReduceMean", ["e"], ["m"], name="mean", axes=[2, 3], keepdims=0),
        helper.make_node("ReduceMax", ["e"], ["n"], name="max", axes=[2, 3], keepdims=0),
        helper.make_node("Concat", ["m", "n"], ["f"], name="cat", axis=1),
        helper.make_node("Gemm", ["f", "wf"], ["y"], name="linear", transB=1),
    ]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
                              [w("w0", 4, 3, 1, 1), w("w1", 4, 1, 3, 3), w("w2", 8, 4, 1, 1), w("wf", 2, 16)])
    return helper.make_model(graph)


def test_each_recipe_names_the_layers_it_keeps_in_float() -> None:
    proto = _graph()
    assert eo.float_nodes(proto, ()) == []
    # the head: everything after the last convolution (its activation, both poolings, concat, the linear layer)
    assert eo.float_nodes(proto, ("head",)) == ["clip1", "mean", "max", "cat", "linear"]
    assert eo.float_nodes(proto, ("stem",)) == ["stem"]
    assert eo.float_nodes(proto, ("depthwise",)) == ["dw"]
    assert "the classifier head" in eo.Int8Recipe(True, "MinMax", ("head",)).describe()
    assert "kept in float" not in eo.Int8Recipe(True, "MinMax", ()).describe()


def test_every_shipped_recipe_keeps_the_head_in_float() -> None:
    """Measured on real pictures: an int8 head loses most of the agreement (docs/benchmarks.md, export)."""
    assert all("head" in r.in_float for r in eo.INT8_RECIPES)
    assert all(set(r.in_float) <= set(eo.FLOAT_PARTS) for r in eo.INT8_RECIPES)


def test_the_ladder_keeps_more_blocks_in_float_at_each_step() -> None:
    """Measured on real pictures: the most sensitive quarter of the blocks in float reaches 99 % there;
    a later recipe may only keep more in float (slower, larger, closer to fp32), never less."""
    shares = [r.sensitive_share for r in eo.INT8_RECIPES]
    assert shares[0] > 0 and shares == sorted(shares) and len(set(shares)) == len(shares)
    assert all(0 < s <= 0.5 for s in shares)  # int8 has to stay mostly int8 to be worth its name


def _fake_quantizer(monkeypatch: pytest.MonkeyPatch, agreement_of: dict[int, float]) -> list[int]:
    """write_int8 copies the fp32 model (so the file itself stays exact); the ladder's own measurement sees
    candidate i agree on agreement_of[i] of the images."""
    tried: list[int] = []

    def write_int8(prepared: Path, meta: object, calibration: np.ndarray, recipe: eo.Int8Recipe, tmp: Path,
                   cancel: object = None, ranges: Path | None = None, search: object = None) -> None:
        tried.append(int(tmp.stem.rsplit("-", 1)[1]))
        shutil.copyfile(prepared, tmp)

    def ort_runner(path: Path) -> object:
        real = eo.ort_session(path)
        share = agreement_of[int(Path(path).stem.rsplit("-", 1)[1])]

        def run(x: np.ndarray) -> np.ndarray:
            z = np.asarray(real.run(None, {eo.INPUT_NAME: x})[0], dtype=np.float32)
            wrong = np.arange(len(z)) >= round(share * len(z))
            z[wrong] = np.eye(z.shape[1], dtype=np.float32)[(z[wrong].argmax(1) + 1) % z.shape[1]]
            return z
        return run

    monkeypatch.setattr(eo, "write_int8", write_int8)
    monkeypatch.setattr(eo, "ort_runner", ort_runner)
    monkeypatch.setattr(eo, "INT8_RECIPES", (eo.Int8Recipe(True, "MinMax", ("head",)),
                                             eo.Int8Recipe(True, "MinMax", ("head", "stem")),
                                             eo.Int8Recipe(True, "Percentile", ("head",))))
    return tried


def test_the_first_recipe_that_reaches_the_target_is_kept(trained_run: tuple[Path, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tried = _fake_quantizer(monkeypatch, {0: 0.5, 1: 1.0, 2: 1.0})
    res = export_model(trained_run[0], "onnx-int8", tmp_path / "m")
    assert tried == [0, 1]  # the third is never calibrated
    assert res.quantization is not None and "the first convolution" in res.quantization
    assert res.warning is None


def test_below_the_target_the_best_recipe_ships_with_a_warning(trained_run: tuple[Path, Path], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    tried = _fake_quantizer(monkeypatch, {0: 0.5, 1: 0.5, 2: 0.84})
    measured = Fidelity(6, 5 / 6, 0.8, 1.0)
    monkeypatch.setattr(export_mod, "fidelity", lambda *a: measured)  # what the kept file measured
    res = export_model(trained_run[0], "onnx-int8", tmp_path / "m")
    assert tried == [0, 1, 2]
    assert res.quantization is not None and "percentile" in res.quantization  # the best of the three
    assert res.top1_agreement == pytest.approx(5 / 6)
    assert res.warning is not None and "83.3%" in res.warning and "99%" in res.warning
    report = json.loads(Path(res.sidecar).read_text())["report"]
    assert report["warning"] == res.warning and report["agreement_target"] == AGREEMENT_TARGET

    from desktop_cls.cli.export import _report

    lines = _report("onnx-int8", res)
    assert lines[-1] == f"warning: {res.warning}"
    assert any("83.3%" in line and "agreement" in line for line in lines)


def test_the_agreement_warning_starts_exactly_below_the_target() -> None:
    assert Fidelity(100, 0.99, 0.9, 0.9).warning is None
    assert Fidelity(100, None, None, None).warning is None
    low = Fidelity(250, 0.976, 0.65, 0.67).warning
    assert low is not None and "97.6%" in low and "250" in low and "onnx" in low
