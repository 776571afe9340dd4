"""The results table keeps its file column filling the spare width once rows arrive (sizing the columns to
their text used to shrink it, leaving half the table empty)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.export.export_results import FILE, ExportResults
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
