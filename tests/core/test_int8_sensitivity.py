"""int8 sensitivity search: how a graph is cut into blocks, how blocks are ranked by their own int8
error, and that the export keeps the chosen blocks in float (on a tiny model; the agreement it buys on
real pictures is measured in docs/benchmarks.md, not here)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference import export_onnx as eo
from desktop_cls.core.inference import int8_sensitivity as sens


def _graph() -> object:
    """An EfficientNet-shaped graph: stem, one residual block, head conv, pooling, linear."""
    from onnx import TensorProto, helper, numpy_helper

    def w(name: str, *shape: int) -> TensorProto:
        return numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)

    nodes = [
        helper.make_node("Conv", ["x", "_conv_stem.weight"], ["a"], name="stem"),
        helper.make_node("Clip", ["a"], ["b"], name="clip0"),
        helper.make_node("Conv", ["b", "_blocks.0._depthwise_conv.weight"], ["c"], name="dw", group=4),
        helper.make_node("Clip", ["c"], ["d"], name="clip1"),
        helper.make_node("Conv", ["d", "_blocks.0._project_conv.weight"], ["e"], name="project"),
        helper.make_node("Add", ["e", "b"], ["f"], name="add"),
        helper.make_node("Conv", ["f", "_conv_head.weight"], ["g"], name="headconv"),
        helper.make_node("Clip", ["g"], ["h"], name="clip2"),
        helper.make_node("ReduceMean", ["h"], ["m"], name="mean", axes=[2, 3], keepdims=0),
        helper.make_node("Gemm", ["m", "_fc.weight"], ["y"], name="linear", transB=1),
    ]
    inits = [w("_conv_stem.weight", 4, 3, 1, 1), w("_blocks.0._depthwise_conv.weight", 4, 1, 3, 3),
             w("_blocks.0._project_conv.weight", 4, 4, 1, 1), w("_conv_head.weight", 8, 4, 1, 1),
             w("_fc.weight", 2, 8)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    return helper.make_model(graph)


def test_a_block_is_its_weights_prefix_with_its_activations_and_residual_add() -> None:
    proto = _graph()
    head = eo.float_nodes(proto, ("head",))
    assert sens.blocks(proto, head) == {"_conv_stem": ["stem", "clip0"], "_blocks.0": ["dw", "clip1", "project", "add"],
                                        "_conv_head": ["headconv"]}
    assert set(sens.blocks(proto)) == {"_conv_stem", "_blocks.0", "_conv_head", "_fc"}


def test_a_blocks_float_bytes_are_its_layers_weights() -> None:
    proto = _graph()
    sizes = sens.weight_bytes(proto, sens.blocks(proto, eo.float_nodes(proto, ("head",))))
    assert sizes == {"_conv_stem": 4 * 12, "_blocks.0": 4 * (36 + 16), "_conv_head": 4 * 32}  # biases and head not


def test_growth_fits_the_most_sensitive_blocks_first_into_the_size_budget() -> None:
    sizes = {"a": 100, "b": 10, "c": 50}
    assert sens.fitting(["a", "b", "c"], sizes, 99) == 0  # the next block is never skipped for a smaller one
    assert sens.fitting(["a", "b", "c"], sizes, 109) == 1
    assert sens.fitting(["a", "b", "c"], sizes, 110) == 2
    assert sens.fitting(["a", "b", "c"], sizes, float("inf")) == 3
    # the fp16 file is half the fp32 one; each byte kept in float adds 3/4 of a byte to the int8 file
    assert eo.float_budget(1000, 200) == pytest.approx(400) and eo.float_budget(1000, 600) == 0.0
    assert 200 + 0.75 * eo.float_budget(1000, 200) == pytest.approx(1000 / 2)


@pytest.mark.parametrize(("weight", "block"), [("_blocks.12._expand_conv.weight", "_blocks.12"),
                                               ("features.4.1.block.0.0.weight", "features.4"),
                                               ("_conv_stem.weight", "_conv_stem"), ("w0", "w0")])
def test_block_names_come_from_the_weights(weight: str, block: str) -> None:
    assert sens._block_of_weight(weight) == block


def test_the_most_sensitive_share_is_rounded_up_and_never_keeps_a_harmless_block() -> None:
    errors = {"a": 0.01, "b": 0.08, "c": 0.03, "d": 0.0, "e": 0.02}
    assert sens.most_sensitive(errors, 0.25) == ["b", "c"]  # 5 blocks: a quarter rounds up to 2
    assert sens.most_sensitive(errors, 1.0) == ["b", "c", "e", "a"]  # "d" costs nothing: stays int8
    assert sens.most_sensitive(errors, 0.0) == []


def test_each_block_is_measured_alone_against_the_float_reference() -> None:
    x = np.zeros((4, 2), dtype=np.float32)
    reference = np.ones((4, 3), dtype=np.float32)
    noise = {"stem": 0.5, "block": 0.1}
    quantized: list[list[str]] = []

    def quantize_only(nodes: list[str]) -> Callable[[np.ndarray], np.ndarray]:
        quantized.append(nodes)
        return lambda _x: reference + noise[nodes[0]]

    errors = sens.block_errors({"stem": ["stem"], "block": ["block", "clip"]}, quantize_only, x, reference)
    assert quantized == [["stem"], ["block", "clip"]]
    assert errors == pytest.approx({"stem": 0.5, "block": 0.1})
    token = CancelToken()
    token.set()
    with pytest.raises(CancelledError):
        sens.block_errors({"stem": ["stem"]}, quantize_only, x, reference, token)
    reports: list[tuple[int, int]] = []
    sens.block_errors({"stem": ["stem"], "block": ["block"]}, quantize_only, x, reference,
                      progress=lambda done, total: reports.append((done, total)))
    assert reports == [(0, 2), (1, 2)]  # said before each block's quantization, which takes the time


def test_the_export_keeps_the_most_sensitive_blocks_in_float(trained_run: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    import onnx
    import torch

    from desktop_cls.core.inference.export_report import gather_images, preprocess
    from desktop_cls.core.models.model_io import load_native

    model, meta = load_native(trained_run[0] / "model.safetensors")
    fp32, prepared = tmp_path / "fp32.onnx", tmp_path / "prepared.onnx"
    x = preprocess(gather_images(trained_run[0] / "model.safetensors", meta).calibration, meta)
    eo.write_fp32(model.float().eval(), meta, torch.from_numpy(x[:2]), fp32)
    eo.prepare_for_quantization(fp32, prepared)
    groups = sens.blocks(onnx.load(str(prepared)), eo.float_nodes(onnx.load(str(prepared)), ("head",)))
    recipe = eo.Int8Recipe(True, "MinMax", ("head",), 0.5)
    kept = eo.write_int8(prepared, meta, x, recipe, tmp_path / "q.onnx")
    assert 0 < len(kept) <= -(-len(groups) // 2) and set(kept) <= set(groups)
    out = onnx.load(str(tmp_path / "q.onnx"))
    float_weights = {n.input[1] for n in out.graph.node if n.op_type == "Conv"}  # not fed by a DequantizeLinear
    kept_weights = {i for n in onnx.load(str(prepared)).graph.node if n.name in {m for b in kept for m in groups[b]}
                    for i in n.input[1:2] if n.op_type == "Conv"}
    assert kept_weights and kept_weights <= float_weights
    assert {"QuantizeLinear", "DequantizeLinear"} <= {n.op_type for n in out.graph.node}  # the rest is int8
    assert "most sensitive blocks" in recipe.describe(kept) and kept[0] in recipe.describe(kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fp32.onnx", "prepared.onnx", "q.onnx"]  # no probe, no ranges


def test_a_second_recipe_reuses_the_blocks_measured_errors(trained_run: tuple[Path, Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The measurement is most of an int8 export's time: the fallback recipe (a larger share in float)
    ranks the same errors again instead of quantizing every block a second time."""
    import torch

    from desktop_cls.core.inference.export_report import gather_images, preprocess
    from desktop_cls.core.models.model_io import load_native

    model, meta = load_native(trained_run[0] / "model.safetensors")
    fp32, prepared = tmp_path / "fp32.onnx", tmp_path / "prepared.onnx"
    x = preprocess(gather_images(trained_run[0] / "model.safetensors", meta).calibration, meta)
    eo.write_fp32(model.float().eval(), meta, torch.from_numpy(x[:2]), fp32)
    eo.prepare_for_quantization(fp32, prepared)
    measured: list[int] = []
    real = sens.block_errors

    def counted(*args: object, **kwargs: object) -> dict[str, float]:
        measured.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sens, "block_errors", counted)
    search = eo.Int8Search()
    quarter = eo.write_int8(prepared, meta, x, eo.Int8Recipe(True, "MinMax", ("head",), 0.25), tmp_path / "a.onnx",
                            search=search)
    half = eo.write_int8(prepared, meta, x, eo.Int8Recipe(True, "MinMax", ("head",), 0.5), tmp_path / "b.onnx",
                         search=search)
    assert measured == [1] and search.errors
    assert half[:len(quarter)] == quarter and len(half) >= len(quarter)  # the same ranking, a larger share
