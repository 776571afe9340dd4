"""The results table keeps its file column filling the spare width once rows arrive (sizing the columns to
their text used to shrink it, leaving half the table empty)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.export.export_results import FILE, MIN_ROWS, ExportResults
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import cell
from tests.gui.pages.export.test_export_results_model import _export


def test_the_file_column_fills_the_table(qtbot: QtBot, tmp_path: Path, isolated_user_dirs: Path) -> None:
    results = ExportResults(QWidget())
    qtbot.addWidget(results)
    results.resize(1100, 500)
    results.show()
    dest = tmp_path / "out"
    results.show_results([_export("onnx", [str(dest / "onnx" / "model.onnx")], metadata="{}", snippet_text="")],
                         dest)
    header = results.table.horizontalHeader()
    qtbot.waitUntil(lambda: sum(header.sectionSize(c) for c in range(header.count()))
                    >= results.table.viewport().width() - 2)
    assert header.sectionSize(FILE) > max(header.sectionSize(c) for c in range(FILE))


def test_each_format_appears_as_it_is_verified_under_its_name(qtbot: QtBot, tmp_path: Path,
                                                               isolated_user_dirs: Path) -> None:
    results = ExportResults(QWidget())
    qtbot.addWidget(results)
    dest = tmp_path / "out"
    results.show_results([], dest)  # an export starts: the last one's rows go
    assert results.table.rowCount() == 0
    results.add_result(_export("onnx-int8", [str(dest / "onnx-int8" / "model.onnx")], metadata="{}",
                               snippet_text="import onnxruntime"))
    assert results.table.rowCount() == 2 and cell(results.table, 1, 0) == "ONNX int8"
    assert results.table.currentRow() == 1 and "onnxruntime" in results.snippet_view.toPlainText()
    results.add_result(_export("torchscript", [str(dest / "torchscript" / "model.torchscript")], metadata="{}",
                               snippet_text=""))
    assert results.table.rowCount() == 3 and cell(results.table, 2, 0) == "TorchScript"
    assert results.table.currentRow() == 1  # the user's selection is not moved by a new row


def test_the_table_keeps_a_few_rows_in_the_smallest_window(qtbot: QtBot, window: MainWindow,
                                                          tmp_path: Path) -> None:
    """962 x 576 is the smallest the window gets; the results table squeezed to its header hid every row (and the
    line under it was drawn over it)."""
    window.show_page("export")
    window.resize(962, 576)
    window.export_page.status_line.start("Exporting…")  # an export under way: its line takes room too
    results = window.export_page.results
    dest = tmp_path / "out"
    results.show_results([_export(f, [str(dest / f / "model.onnx")], metadata="{}", snippet_text="")
                          for f in ("onnx", "onnx-int8", "onnx-fp16")], dest)
    qtbot.waitUntil(lambda: window.width() <= 1000)
    row = results.table.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: results.table.viewport().height() >= MIN_ROWS * row)
    # the trained model and the first format in sight, and the line under the table below it, not over it
    assert results.table.rowViewportPosition(MIN_ROWS - 1) + row <= results.table.viewport().height()
    assert results.measured_label.geometry().top() >= results.table.geometry().bottom()
