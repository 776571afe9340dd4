"""OpenVINO IR (an .xml graph + a .bin of weights), converted from the verified fp32 ONNX file.

OpenVINO is an optional extra (`pip install desktop-cls[openvino]`); without it this format says how
to get it instead of failing obscurely.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.parsers import expat

import numpy as np

from desktop_cls.core.app_files import AppFileError, read_app_bytes
from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.i18n import _
from desktop_cls.core.models.model_io import ModelMeta
from desktop_cls.core.models.weight_files import MAX_TORCH_FILE_BYTES

MAX_XML_DEPTH = 64  # an IR nests 6 deep (net, layers, layer, output, port, dim); its rt_info a few more

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


class _Refused(Exception):
    pass


def read_ir(xml: Path) -> tuple[bytes, bytes]:
    """The .xml's and the .bin's bytes, each read once and bounded (ModelFileError naming the file): the .xml
    within the app files' size limit, nested at most MAX_XML_DEPTH deep and without a DOCTYPE (no entities to
    expand); the .bin a regular file within the weight files' limit (OpenVINO reads the sizes the .xml claims
    from it: a sparse 4 GB .bin, a few bytes in a tar, took 4 GB of memory). OpenVINO is given these bytes,
    never the names, so a file swapped after the check is not what it loads."""
    try:
        data = read_app_bytes(xml)
    except AppFileError as e:
        raise ModelFileError(str(e)) from None
    except OSError as e:
        raise ModelFileError(_("cannot load OpenVINO model {xml}: {error}").format(xml=xml, error=e)) from None
    weights = _read_bin(xml)
    _check_xml(xml, data)
    return data, weights


def _read_bin(xml: Path) -> bytes:
    """The .bin's bytes: opened non-blocking (a FIFO returns at once), its kind and size checked on the open
    descriptor and its reading stopped past the limit (a file growing meanwhile)."""
    path = bin_path(xml)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ModelFileError(_("{xml}: its weights file {name} is missing (keep the .xml and the .bin "
                               "together)").format(xml=xml, name=path.name)) from None
    except OSError as e:
        raise ModelFileError(_("cannot load OpenVINO model {xml}: {error}").format(xml=xml, error=e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ModelFileError(_("{path} is not a regular file (a device, pipe or folder); it was not read").format(
                path=path))
        weights = b""
        if st.st_size <= MAX_TORCH_FILE_BYTES:  # else refused unread
            with os.fdopen(fd, "rb", closefd=False) as f:
                weights = f.read(MAX_TORCH_FILE_BYTES + 1)
        if (size := max(st.st_size, len(weights))) > MAX_TORCH_FILE_BYTES:
            raise ModelFileError(_("refused to open {path}: it is {size:,} bytes, over the {limit:,}-byte limit for "
                                   "weight files (no model this app trains needs a file that large)").format(
                    path=path, size=size, limit=MAX_TORCH_FILE_BYTES))
        return weights
    except OSError as e:
        raise ModelFileError(_("cannot load OpenVINO model {xml}: {error}").format(xml=xml, error=e)) from None
    finally:
        os.close(fd)


def _check_xml(xml: Path, data: bytes) -> None:
    depth = 0

    def start(*_args: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(_("{path} nests XML deeper than {depth} levels; it was not read").format(
                path=xml, depth=MAX_XML_DEPTH))

    def end(*_args: object) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_args: object) -> None:
        raise _Refused(_("{path} declares a DOCTYPE, which no OpenVINO model has (it may define entities that "
                         "expand to gigabytes); it was not read").format(path=xml))

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _Refused as e:
        raise ModelFileError(str(e)) from None
    except expat.ExpatError as e:
        raise ModelFileError(_("cannot load OpenVINO model {xml}: {error}").format(xml=xml, error=e)) from None


def compile_ir(xml: Path) -> Any:
    """A CPU-compiled model; raises ModelFileError naming the file when it cannot be read or is refused."""
    ov = _openvino()
    data, weights = read_ir(xml)
    try:
        core = ov.Core()
        # as bytes, which OpenVINO copies: with an ov.Tensor over a NumPy array's memory (shared_memory=True) the
        # export's own check found the model wrong, the compiled model seemingly still reading that freed memory
        return core.compile_model(core.read_model(data, weights), "CPU", FP32_CONFIG)
    except Exception as e:
        raise ModelFileError(_("cannot load OpenVINO model {xml}: {error}").format(
                xml=xml, error=str(e).splitlines()[0])) from None


def ov_runner(xml: Path) -> Callable[[np.ndarray], np.ndarray]:
    compiled = compile_ir(xml)
    return lambda x: np.asarray(compiled(x)[0], dtype=np.float32)
