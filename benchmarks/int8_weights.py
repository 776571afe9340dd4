"""Weight-only int8 for the int8 benchmarks: a layer's weights stored as int8, one scale per output channel, its
arithmetic in float (an int8 initializer and a DequantizeLinear node that gives the float layer its weights back).

Measured as an alternative to static int8's float blocks (`benchmarks/int8_variants.py`, docs/benchmarks.md,
export) and not kept: on the real-pictures EfficientNet-Lite2 the int8 weights alone cost a mean logit error
of 0.10 (static int8 with its most sensitive blocks in float: 0.03-0.06), and ONNX Runtime does not fold the
DequantizeLinear of a constant by default (it keeps it for its QDQ fusions), so the float layers dequantize
their weights on every run and lose their pre-packed kernels: slower than the fp32 model.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

WEIGHT_AXIS = {"Conv": 0, "MatMul": 1}  # the output-channel axis of input 1; Gemm's depends on transB
MIN_OPSET = 13  # DequantizeLinear's per-axis scales


def _axis(node: Any) -> int | None:
    if node.op_type == "Gemm":
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        return 0 if trans_b else 1
    return WEIGHT_AXIS.get(node.op_type)


def per_channel_int8(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-channel int8 (zero point 0): the int8 values and each channel's scale."""
    moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
    peak = np.abs(moved).max(axis=1) if moved.size else np.zeros(w.shape[axis], dtype=w.dtype)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def _opset(proto: Any) -> int:
    return max((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), default=0)


def store_weights_int8(proto: Any, nodes: Collection[str] | None = None) -> int:
    """Rewrites `proto` in place: the float weights of its Conv, Gemm and MatMul nodes (those named in
    `nodes`, or all) become int8 per-channel initializers dequantized in the graph. Weights already
    quantized (static int8's) and weights that are not initializers are left as they are. Returns how
    many weights were rewritten (0 on an opset without per-axis DequantizeLinear)."""
    from onnx import TensorProto, helper, numpy_helper

    if _opset(proto) < MIN_OPSET:
        return 0
    graph = proto.graph
    inits = {i.name: i for i in graph.initializer}
    done: set[str] = set()
    added = []
    for node in graph.node:
        axis = _axis(node)
        if axis is None or (nodes is not None and node.name not in nodes) or len(node.input) < 2:
            continue
        name = node.input[1]
        init = inits.get(name)
        if name in done or init is None or init.data_type != TensorProto.FLOAT or len(init.dims) < 2:
            continue
        w = numpy_helper.to_array(init)
        q, scale = per_channel_int8(w, axis)
        graph.initializer.remove(init)
        graph.initializer.extend([numpy_helper.from_array(q, f"{name}_int8"),
                                  numpy_helper.from_array(scale, f"{name}_int8_scale"),
                                  numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), f"{name}_int8_zero")])
        added.append(helper.make_node("DequantizeLinear", [f"{name}_int8", f"{name}_int8_scale", f"{name}_int8_zero"],
                                      [name], name=f"{name}_weight_dequantize", axis=axis))
        done.add(name)
    for i, dq in enumerate(added):  # constants only: ahead of every node keeps the graph in topological order
        graph.node.insert(i, dq)
    return len(done)
