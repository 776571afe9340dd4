"""Which blocks of a network to keep in float when it is quantized to int8, chosen by measurement.

Quantizing a whole EfficientNet costs a mean logit error of about 0.1, spread over the network: no
calibration method, no 16-bit weights or activations alone removes it (docs/benchmarks.md, export). The
error is not spread evenly, though: the first blocks (the stem at full resolution and the first
bottlenecks) and the first block of each stage (its wide-ranged bottleneck output) cost several times
what the others do. So each block is quantized alone, its logit error on a few calibration images is
measured, and the most sensitive blocks stay in float. A block is kept whole (its convolutions,
activations and residual addition), so no extra quantize/dequantize pair is added inside it. Where the
error is spread thinly (digits: docs/benchmarks.md), `grow` adds one more block at a time in the measured
order until the agreement with fp32 on held-out images is shown, with 95 % confidence, to reach the target.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from desktop_cls.core.events import CancelToken
from desktop_cls.core.inference.export_report import agreement_lower_bound

WEIGHTED = frozenset({"Conv", "ConvTranspose", "Gemm", "MatMul"})

Quantizer = Callable[[list[str]], Callable[[np.ndarray], np.ndarray]]
"""Quantizes only the given nodes (everything else float) and returns the model's runner."""


def _block_of_weight(name: str) -> str:
    """`_blocks.3._expand_conv.weight` -> `_blocks.3`, `features.4.1.conv.weight` -> `features.4`,
    `_conv_stem.weight` -> `_conv_stem`: the prefix through the first index, else the layer itself."""
    parts = name.split(".")
    for i, part in enumerate(parts[:-1]):
        if re.fullmatch(r"\d+", part):
            return ".".join(parts[:i + 1])
    return ".".join(parts[:-1]) or name


def blocks(proto: Any, head: Sequence[str] = ()) -> dict[str, list[str]]:
    """Block name -> its nodes, in graph order. A node with weights belongs to its weight's block; any
    other node (activation, residual addition) to the block of the node that made its first input.
    Nodes in `head` are left out (the head has its own rule)."""
    inits = {i.name for i in proto.graph.initializer}
    owner: dict[str, str] = {}  # tensor -> block that produced it
    out: dict[str, list[str]] = {}
    skip = set(head)
    for node in proto.graph.node:
        weights = [i for i in node.input[1:] if i in inits]
        if node.op_type in WEIGHTED and weights:
            block = _block_of_weight(weights[0])
        else:
            block = next((owner[i] for i in node.input if i in owner), node.name)
        for o in node.output:
            owner[o] = block
        if node.name not in skip:
            out.setdefault(block, []).append(node.name)
    return out


def block_errors(groups: Mapping[str, list[str]], quantize_only: Quantizer, x: np.ndarray,
                 reference: np.ndarray, cancel: CancelToken | None = None,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, float]:
    """Mean |logit error| of the model with only that block in int8, per block. Each block is a
    quantization of its own (seconds each on a big network): progress says how many are measured."""
    errors: dict[str, float] = {}
    for done, (name, nodes) in enumerate(groups.items()):
        if cancel is not None:
            cancel.raise_if_set()
        if progress is not None:
            progress(done, len(groups))
        got = quantize_only(list(nodes))(x)
        errors[name] = float(np.abs(got - reference).mean())
    return errors


def most_sensitive(errors: Mapping[str, float], share: float) -> list[str]:
    """The `share` of the blocks (rounded up) whose own int8 error is largest, most sensitive first;
    blocks that cost nothing measurable are never kept."""
    ranked = sorted((b for b in errors if errors[b] > 0), key=lambda b: -errors[b])
    return ranked[:math.ceil(share * len(errors))]


def weight_bytes(proto: Any, groups: Mapping[str, list[str]]) -> dict[str, int]:
    """Bytes of float32 weights each block's layers hold: what keeping the block in float costs the file
    (3/4 of it more than in int8)."""
    sizes = {i.name: 4 * math.prod(i.dims) for i in proto.graph.initializer if i.data_type == 1}  # FLOAT
    weights = {n.name: n.input[1] for n in proto.graph.node if n.op_type in WEIGHTED and len(n.input) > 1}
    return {b: sum(sizes.get(weights.get(n, ""), 0) for n in nodes) for b, nodes in groups.items()}


def fitting(ranked: Sequence[str], sizes: Mapping[str, int], budget: float) -> int:
    """How many of the ranked blocks, most sensitive first, fit in `budget` bytes of float weights."""
    total = 0
    for count, block in enumerate(ranked):
        total += sizes.get(block, 0)
        if total > budget:
            return count
    return len(ranked)


@dataclass(frozen=True, slots=True)
class Agreement:
    """How many of the judging images a candidate gives fp32's class: the count, not just the share, so
    that what it promises for further images (its lower bound) can be said."""

    agreed: int
    images: int

    @property
    def share(self) -> float:
        return self.agreed / self.images if self.images else 0.0

    def lower_bound(self) -> float:
        """At least this share agrees on further images (one-sided Wilson bound, BOUND_CONFIDENCE)."""
        return agreement_lower_bound(self.agreed, self.images)


@dataclass(frozen=True, slots=True)
class Growth:
    """What the adaptive search settled on: the blocks kept in float (most sensitive first), their
    agreement with fp32 on the judging images, how many quantizations it took to find them, and whether
    that agreement's lower bound reached the target (else the search stopped at its bound)."""

    kept: tuple[str, ...]
    agreement: Agreement
    steps: int
    met: bool


GrowthProgress = Callable[[int, int, int, Agreement], None]
"""(step, most steps, blocks kept in float, their agreement): said after each step is judged."""


def grow(errors: Mapping[str, float], first: int, bound: int, agreement_with: Callable[[list[str]], Agreement],
         target: float, progress: GrowthProgress | None = None, cancel: CancelToken | None = None) -> Growth:
    """Keeps the `first` most sensitive blocks in float, then one more at a time in the order of their
    measured errors (ranked once, never measured again), until the lower bound of `agreement_with(kept)`
    reaches the target or `bound` blocks are kept: a model whose error sits in a few blocks stays mostly
    int8, one whose error is spread pays only for the blocks it needs. The stop asks for a lower bound,
    not the observed share, because a share of a few hundred images moves by a point between neighbouring
    candidates while the error falls steadily: stopping at the first share that touches the target picked
    the luckiest candidate, not a good one. For the same reason, below the target at the bound the
    candidate at the bound (the smallest error) is kept, not the one that happened to agree most.
    `agreement_with` quantizes and judges one candidate; it must judge on images the ranges were not
    calibrated on, or the stop flatters it."""
    ranked = most_sensitive(errors, 1.0)
    bound = min(bound, len(ranked))
    first = min(first, bound)
    steps = bound - first + 1
    for step, count in enumerate(range(first, bound + 1), start=1):
        if cancel is not None:
            cancel.raise_if_set()
        kept = tuple(ranked[:count])
        agreement = agreement_with(list(kept))
        if progress is not None:
            progress(step, steps, count, agreement)
        if agreement.lower_bound() >= target:
            return Growth(kept, agreement, step, True)
    return Growth(kept, agreement, steps, False)
