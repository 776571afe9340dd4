"""The Export page's table without a window: the trained model first, then each format with its files named
relative to the export folder, and which export a selected row means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_cls.gui.pages.export.export_formats import SUFFIXES, export_targets
from desktop_cls.gui.pages.export.export_results_model import ExportResultsModel, pct, size_text


def _export(fmt: str, files: list[str], **extra: Any) -> dict[str, Any]:
    d = {"format": fmt, "size_bytes": 250_000, "latency_ms": 1.5, "top1_agreement": 1.0, "accuracy": 0.9,
         "files": files, "path": files[0] if files else "x", "reference_latency_ms": 2.0,
         "reference_accuracy": None, "num_images": 6, "images": "6 validation images"}
    return d | extra


def test_rows_start_with_the_trained_model_and_name_each_format_folder(tmp_path: Path) -> None:
    m = ExportResultsModel()
    assert m.rows("trained", "run") == [] and m.measured_on() == (False, "")
    dest = tmp_path / "out"
    m.set_results([_export("onnx", [str(dest / "onnx" / "model.onnx")]),
                   _export("openvino", [str(dest / "openvino" / "model.xml"), str(dest / "openvino" / "model.bin")],
                           top1_agreement=0.97, warning="3 % disagree"),
                   _export("web", [], size_bytes=5_000, accuracy=None)], dest)
    rows = m.rows("trained", "run")
    assert rows[0] == (["trained", "", "2.00 ms", "100.0%", "—", "run"], None)  # as the exports show it
    assert rows[1][0] == ["onnx", "0.25 MB", "1.50 ms (0.75×)", "100.0%", "90.0%", "onnx/model.onnx"]
    assert rows[2][0][3] == "97.0% ⚠" and rows[2][0][5] == "openvino/model.xml + openvino/model.bin"
    assert rows[3][0][1:] == ["5 kB", "1.50 ms (0.75×)", "100.0%", "—", "x"]  # no files listed: its path
    assert m.export_at(0) is None and m.export_at(2) is rows[2][1] and m.export_at(4) is None
    assert m.measured_on() == (True, "6 validation images")


def test_a_file_outside_the_folder_shows_its_name(tmp_path: Path) -> None:
    m = ExportResultsModel()
    m.set_results([_export("onnx", ["/elsewhere/model.onnx"], num_images=0, images="random inputs")], tmp_path)
    assert m.rows("t", "r")[1][0][5] == "model.onnx"
    assert m.measured_on() == (False, "random inputs")


def test_several_formats_get_a_folder_each() -> None:
    one = export_targets(["onnx"], Path("d"), "m")
    assert one == {"onnx": Path("d/m.onnx")}
    many = export_targets(list(SUFFIXES), Path("d"), "m")
    assert many["onnx-int8"] == Path("d/onnx-int8/m.onnx") and many["web"] == Path("d/web/m-web")
    assert len(set(many.values())) == len(SUFFIXES)
    assert pct(None) == "—" and pct(0.5) == "50.0%" and size_text(99_000) == "99 kB"


def test_the_settings_know_every_format_the_page_offers() -> None:
    """settings.json keeps only the format ids it knows: a format added to the page must be added there too."""
    from desktop_cls.gui.settings import EXPORT_DEFAULTS, EXPORT_FORMATS

    assert tuple(SUFFIXES) == EXPORT_FORMATS and set(EXPORT_DEFAULTS) <= set(EXPORT_FORMATS)
