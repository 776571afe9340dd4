"""Weight-only int8: per-channel int8 initializers dequantized in the graph, the arithmetic left in float."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.int8_weights import per_channel_int8, store_weights_int8
from desktop_cls.core.inference import export_onnx as eo


def _graph(opset: int = 18) -> Any:
    """conv -> clip -> depthwise conv -> mean pool -> gemm (transB) -> matmul, random weights."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)

    def w(name: str, *shape: int) -> TensorProto:
        return numpy_helper.from_array(rng.normal(size=shape).astype(np.float32), name)

    nodes = [
        helper.make_node("Conv", ["x", "w0", "b0"], ["a"], name="stem", pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["a", "lo", "hi"], ["b"], name="clip0"),
        helper.make_node("Conv", ["b", "w1"], ["c"], name="dw", group=4, pads=[1, 1, 1, 1]),
        helper.make_node("ReduceMean", ["c", "axes"], ["m"], name="mean", keepdims=0),
        helper.make_node("Gemm", ["m", "wf"], ["f"], name="linear", transB=1),
        helper.make_node("MatMul", ["f", "wm"], ["y"], name="matmul"),
    ]
    inits = [w("w0", 4, 3, 3, 3), w("b0", 4), w("w1", 4, 1, 3, 3), w("wf", 6, 4), w("wm", 6, 2),
             numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
             numpy_helper.from_array(np.array(6.0, np.float32), "hi"),
             numpy_helper.from_array(np.array([2, 3], np.int64), "axes")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    graph.node[0].input[0] = "input"
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _run(proto: Any, tmp_path: Path, name: str, x: np.ndarray) -> np.ndarray:
    import onnx

    path = tmp_path / name
    onnx.save(proto, str(path))
    return eo.ort_runner(path)(x)


def test_per_channel_int8_keeps_each_channel_within_half_a_step() -> None:
    w = np.random.default_rng(1).normal(size=(5, 3, 2, 2)).astype(np.float32)
    w[1] *= 100  # a wide channel must not coarsen the others: one scale each
    w[2] = 0  # an empty channel gets a usable scale, not 0/0
    q, scale = per_channel_int8(w, 0)
    assert q.dtype == np.int8 and scale.shape == (5,) and np.all(scale > 0)
    back = q.astype(np.float32) * scale.reshape(-1, 1, 1, 1)
    err = np.abs(back - w).reshape(5, -1).max(1)
    assert np.all(err <= scale / 2 + 1e-6)
    assert err[0] < 0.05 and np.all(back[2] == 0)
    assert np.abs(q).max() == 127  # each channel's peak uses the whole range


def test_every_weight_becomes_int8_and_onnx_runtime_still_computes_the_float_model(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto

    proto = _graph()
    x = np.random.default_rng(2).normal(size=(1, 3, 8, 8)).astype(np.float32)
    ref = _run(proto, tmp_path, "fp32.onnx", x)
    assert store_weights_int8(proto) == 4  # two convolutions, the Gemm and the MatMul; the bias stays float
    onnx.checker.check_model(proto)
    inits = {i.name: i for i in proto.graph.initializer}
    assert {n for n in inits if inits[n].data_type == TensorProto.INT8} >= {"w0_int8", "w1_int8", "wf_int8", "wm_int8"}
    assert not {"w0", "w1", "wf", "wm"} & set(inits) and inits["b0"].data_type == TensorProto.FLOAT
    axes = {n.name: n.attribute[0].i for n in proto.graph.node if n.op_type == "DequantizeLinear"}
    assert axes == {"w0_weight_dequantize": 0, "w1_weight_dequantize": 0, "wf_weight_dequantize": 0,
                    "wm_weight_dequantize": 1}  # output channels: Gemm(transB) rows, MatMul columns
    got = _run(proto, tmp_path, "int8w.onnx", x)
    assert 0 < np.abs(got - ref).max() < 0.05 * (1 + np.abs(ref).max())
    assert store_weights_int8(proto) == 0  # nothing float is left to rewrite


def test_only_the_named_nodes_are_rewritten_and_an_old_opset_is_left_alone() -> None:
    from onnx import TensorProto

    proto = _graph()
    assert store_weights_int8(proto, {"dw", "linear"}) == 2
    kinds = {i.name: i.data_type for i in proto.graph.initializer}
    assert kinds["w0"] == kinds["wm"] == TensorProto.FLOAT
    assert kinds["w1_int8"] == kinds["wf_int8"] == TensorProto.INT8
    old = _graph(opset=11)  # DequantizeLinear has no per-channel axis before opset 13
    assert store_weights_int8(old) == 0


def test_the_file_shrinks_to_about_a_quarter(tmp_path: Path) -> None:
    import onnx
    from onnx import numpy_helper

    proto = _graph()  # a large linear layer (the graph is only written, not run)
    big = numpy_helper.from_array(np.random.default_rng(3).normal(size=(6, 4000)).astype(np.float32), "wf")
    proto.graph.initializer.remove(next(i for i in proto.graph.initializer if i.name == "wf"))
    proto.graph.initializer.append(big)
    onnx.save(proto, str(tmp_path / "a.onnx"))
    store_weights_int8(proto, {"linear"})
    onnx.save(proto, str(tmp_path / "b.onnx"))
    assert (tmp_path / "b.onnx").stat().st_size < 0.3 * (tmp_path / "a.onnx").stat().st_size
