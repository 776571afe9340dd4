"""An OpenVINO model (.xml + .bin) picked by the user may come from someone else: the .xml claims the sizes of
the constants OpenVINO reads from the .bin, and a tar keeps a sparse .bin of gigabytes in a few bytes (a 4 GB
one took 4 GB of memory and half a minute before OpenVINO gave up). Both files are bounded before OpenVINO opens
them; the .xml is parsed without a DOCTYPE (no entity expansion) and at most MAX_XML_DEPTH deep."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.errors import ModelFileError
from desktop_cls.core.inference import export_openvino
from desktop_cls.core.inference.export_openvino import compile_ir, openvino_available

pytestmark = pytest.mark.skipif(not openvino_available(), reason="OpenVINO is an optional extra")


def small_ir(folder: Path) -> Path:
    """A real IR: x (1 x 4) times a 4 x 4 constant kept in the .bin."""
    import openvino as ov
    from openvino import opset13 as ops

    x = ops.parameter([1, 4], np.float32, name="x")
    model = ov.Model([ops.matmul(x, ops.constant(np.eye(4, dtype=np.float32)), False, False)], [x], "m")
    folder.mkdir()
    ov.save_model(model, str(folder / "m.xml"), compress_to_fp16=False)
    return folder / "m.xml"


def test_a_sparse_bin_over_the_weight_limit_is_refused_before_openvino_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_openvino, "MAX_TORCH_FILE_BYTES", 1 << 20)  # stands for the 2 GB limit
    xml = small_ir(tmp_path / "ok")
    assert compile_ir(xml) is not None
    with open(xml.with_suffix(".bin"), "r+b") as f:
        f.truncate(2 << 20)  # sparse: a few bytes in a tar
    with pytest.raises(ModelFileError, match=r"m\.bin: it is 2,097,152 bytes, over the 1,048,576-byte limit"):
        compile_ir(xml)


def test_an_xml_over_the_size_limit_is_refused_naming_the_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xml = small_ir(tmp_path / "big")
    xml.write_text(xml.read_text().replace("</net>", "<!--" + " " * (2 << 20) + "--></net>"))
    monkeypatch.setenv("DESKTOP_CLS_MAX_FILE_MB", "1")
    with pytest.raises(ModelFileError, match="DESKTOP_CLS_MAX_FILE_MB"):
        compile_ir(xml)


def test_entities_and_deep_nesting_in_the_xml_are_refused(tmp_path: Path) -> None:
    xml = small_ir(tmp_path / "ir")
    good = xml.read_text()
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml.write_text(good.replace('<?xml version="1.0"?>', f'<?xml version="1.0"?><!DOCTYPE net [<!ENTITY l0 "lol">'
                                f'{laughs}]>').replace('name="m"', 'name="&l9;"'))
    with pytest.raises(ModelFileError, match="declares a DOCTYPE"):
        compile_ir(xml)
    deep = 10_000
    xml.write_text(good.replace("</rt_info>", "<a>" * deep + "</a>" * deep + "</rt_info>"))
    with pytest.raises(ModelFileError, match="nests XML deeper than 64 levels"):
        compile_ir(xml)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_bin_that_is_a_fifo_is_not_opened(tmp_path: Path) -> None:
    xml = small_ir(tmp_path / "ir")
    xml.with_suffix(".bin").unlink()
    os.mkfifo(xml.with_suffix(".bin"))
    with pytest.raises(ModelFileError, match="not a regular file"):
        compile_ir(xml)


def test_what_is_checked_is_what_openvino_loads_though_the_files_are_swapped_after_the_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder someone else can write: the .xml and .bin swapped for others between the check and OpenVINO's
    opening them. OpenVINO reopened both by name, so the model it loaded was not the one checked."""
    import openvino as ov
    from openvino import opset13 as ops

    xml = small_ir(tmp_path / "ir")
    x = ops.parameter([1, 4], np.float32, name="x")
    other = ov.Model([ops.matmul(x, ops.constant(7 * np.eye(4, dtype=np.float32)), False, False)], [x], "m")
    ov.save_model(other, str(tmp_path / "swap.xml"), compress_to_fp16=False)
    checked = export_openvino._check_xml

    def check_then_swap(path: Path, data: bytes) -> None:
        checked(path, data)
        for suffix in (".xml", ".bin"):
            os.replace(tmp_path / f"swap{suffix}", xml.with_suffix(suffix))

    monkeypatch.setattr(export_openvino, "_check_xml", check_then_swap)
    run = export_openvino.ov_runner(xml)
    assert not (tmp_path / "swap.bin").exists()  # the swap happened before OpenVINO read anything
    assert np.array_equal(run(np.ones((1, 4), np.float32)), np.ones((1, 4), np.float32))
