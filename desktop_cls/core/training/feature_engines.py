"""Engines that run a frozen backbone for the quick mode's features.

Measured on this project's CPU (docs/benchmarks.md, "Feature engines"), an engine other than torch may
compute the same features faster. Each is used only after it proves, on the first batch it is given, that
its features agree with torch's fp32 ones; otherwise, or when it cannot be built, torch computes them.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import nn


class FeatureModule(nn.Module):
    """A backbone's pooled features as its forward (what the exporters trace)."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.net.features(x)  # type: ignore[operator]
        return out


def export_features_onnx(net: nn.Module, dest: Path, size: int) -> None:
    """The backbone's feature path as an fp32 ONNX file with a dynamic batch axis (the legacy TorchScript
    exporter: a few seconds, where the dynamo one takes several times that)."""
    example = torch.zeros(1, 3, size, size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(FeatureModule(net).eval(), (example,), str(dest), input_names=["input"],
                          output_names=["features"], dynamic_axes={"input": {0: "batch"}, "features": {0: "batch"}},
                          dynamo=False)
