"""OpenVINO IR (an .xml graph + a .bin of weights), converted from the verified fp32 ONNX file.

OpenVINO is an optional extra (`pip install desktop-cls[openvino]`); without it this format says how
to get it instead of failing obscurely.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.models.model_io import ModelMeta

# CPUs with bf16 units would otherwise run the fp32 IR in bf16 and drift from the trained model.
FP32_CONFIG = {"INFERENCE_PRECISION_HINT": "f32"}


def openvino_available() -> bool:
    try:
        import openvino  # noqa: F401
    except ImportError:
        return False
    return True


def _openvino() -> Any:
    try:
        import openvino as ov
    except ImportError:
        raise UserError(_("OpenVINO is not installed; install it with `pip install openvino` (or the "
                          "desktop-cls[openvino] extra), or choose ONNX, which OpenVINO also reads")) from None
    return ov


def write_ir(fp32_onnx: Path, meta: ModelMeta, xml_tmp: Path) -> None:
    """xml_tmp and its .bin beside it; weights stay fp32 (no silent fp16 compression)."""
    ov = _openvino()
    model = ov.convert_model(str(fp32_onnx))
    for key, value in meta.to_dict("openvino").items():
        model.set_rt_info(json.dumps(value), ["desktop_cls", key])
    ov.save_model(model, str(xml_tmp), compress_to_fp16=False)


def bin_path(xml: Path) -> Path:
    return Path(xml).with_suffix(".bin")


def compile_ir(xml: Path) -> Any:
    """A CPU-compiled model; raises ModelFileError naming the file when it cannot be read."""
    ov = _openvino()
    if not bin_path(xml).is_file():
        raise ModelFileError(_("{xml}: its weights file {name} is missing (keep the .xml and the .bin "
                               "together)").format(xml=xml, name=bin_path(xml).name))
    try:
        return ov.Core().compile_model(str(xml), "CPU", FP32_CONFIG)
    except Exception as e:
        raise ModelFileError(_("cannot load OpenVINO model {xml}: {error}").format(
                xml=xml, error=str(e).splitlines()[0])) from None


def ov_runner(xml: Path) -> Callable[[np.ndarray], np.ndarray]:
    compiled = compile_ir(xml)
    return lambda x: np.asarray(compiled(x)[0], dtype=np.float32)
