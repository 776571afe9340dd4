"""The Export page's table says what its numbers are: an accuracy on images the model may have learned from is
named so, beside the held-out accuracy Train and Evaluate report; and kept exports read in the window's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.export.export_results import ACCURACY, ExportResults
from tests.gui.conftest import header
from tests.gui.test_export_page import fake_results


def _results(qtbot: QtBot) -> ExportResults:
    results = ExportResults(QWidget())
    qtbot.addWidget(results)
    return results


@pytest.mark.parametrize("kind", ["half", "all"])
def test_an_accuracy_on_images_the_model_may_have_learned_is_named_so(qtbot: QtBot, tmp_path: Path,
                                                                      kind: str) -> None:
    """A quick run that held nothing out showed 97.1 % in a column named "Accuracy" on the Export page and 80 %
    on Train and Evaluate, told apart only by a small line under the table."""
    results = _results(qtbot)
    dest = tmp_path / "exports"
    exports = [{**d, "images_kind": kind, "images_folder": str(tmp_path / "data"), "num_images": 35}
               for d in fake_results(dest)]
    results.show_results(exports, dest)
    column = header(results.table, ACCURACY)
    assert "may have learned" in column.text() and "held-out" in column.toolTip()
    line = results.measured_label.text()
    assert line.startswith("The accuracy here is not a held-out one") and "35 images of" in line


def test_a_held_out_accuracy_keeps_its_plain_name(qtbot: QtBot, tmp_path: Path) -> None:
    results = _results(qtbot)
    dest = tmp_path / "exports"
    learned = [{**d, "images_kind": "half", "images_folder": str(tmp_path), "num_images": 35}
               for d in fake_results(dest)]
    results.show_results(learned, dest)
    held_out = [{**d, "images_kind": "val", "images_folder": str(tmp_path / "data"), "num_images": 6}
                for d in fake_results(dest)]
    results.show_results(held_out, dest)  # another run's exports: the name goes with them
    assert header(results.table, ACCURACY).text() == "Accuracy"
    assert results.measured_label.text().startswith("Measured on 6 validation images of")


def test_int8_promises_no_speed_and_each_time_is_read_against_the_trained_models(qapp: object) -> None:
    """"faster on CPUs" stood beside an int8 file that took 55.9 ms against fp32 ONNX's 28 ms; and times taken at
    different moments were compared by their milliseconds: each now comes with its ratio to the trained model's
    time, the two timed side by side."""
    from desktop_cls.gui.pages.export.export_formats import format_uses
    from desktop_cls.gui.pages.export.export_results_model import timed

    assert "faster" not in format_uses()["onnx-int8"]
    assert timed({"latency_ms": 55.9, "reference_latency_ms": 27.95}) == "55.90 ms (2.00×)"
    assert timed({"latency_ms": 1.0, "reference_latency_ms": 0.0}) == "1.00 ms"
