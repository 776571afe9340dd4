"""The Export page shows the exports of the model chosen only: another run (or another path typed) takes the last
model's rows, figures, script and metadata away until it is exported itself, and the line above names what is
exported in the words of how the run was made."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.export import export_page
from desktop_cls.gui.pages.export.export_progress import ExportBegun, FormatExported
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.pages.export.test_export_results_model import _export


def _exported(qtbot: QtBot, window: MainWindow, dest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export of the model chosen as the export task reports it (each format as it is verified, all at the end)."""
    def export_all(_model: str, _targets: Any, _overwrite: bool, progress: Any, _cancel: Any) -> list[Any]:
        out = [_export("onnx", [str(dest / "onnx" / "model.onnx")], metadata='{"format": "onnx"}',
                       snippet_text="import onnxruntime")]
        progress.event(ExportBegun())
        for d in out:
            progress.event(FormatExported(d))
        return out

    monkeypatch.setattr(export_page, "_export_all", export_all)
    xp = window.export_page
    xp.dest_edit.setText(str(dest))
    xp.export()
    qtbot.waitUntil(lambda: xp.buttons["exportButton"].isEnabled() and xp.results.table.rowCount() == 2)
    assert "import onnxruntime" in xp.results.snippet_view.toPlainText()
    assert "6 validation images" in xp.results.measured_label.text()


def test_another_run_takes_the_last_models_results_away(qtbot: QtBot, window: MainWindow,
                                                        trained_run: tuple[Path, Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    run = trained_run[0]
    other = tmp_path / "other_run"
    shutil.copytree(run, other)
    xp = window.export_page
    window.state.set_run(str(run))
    _exported(qtbot, window, tmp_path / "exports", monkeypatch)
    window.state.set_run(str(run))  # the same run again: its exports stay
    assert xp.results.table.rowCount() == 2
    window.state.set_run(str(other))
    assert xp.model_edit.text() == str(other) and other.name in xp.hint.text()
    assert xp.results.table.rowCount() == 0
    assert "6 validation images" not in xp.results.measured_label.text()
    assert xp.results.snippet_view.toPlainText() == "" and xp.results.meta_view.toPlainText() == ""
    _exported(qtbot, window, tmp_path / "exports2", monkeypatch)
    xp.model_edit.setText(str(run))  # a path typed into the field
    xp.model_edit.editingFinished.emit()
    assert xp.results.table.rowCount() == 0 and run.name in xp.hint.text()


def test_the_line_above_says_what_is_exported_by_how_the_run_was_made(window: MainWindow,
                                                                      trained_run: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    run = trained_run[0]
    quick = tmp_path / "quick_run"
    shutil.copytree(run, quick)
    info = json.loads((quick / "run.json").read_text(encoding="utf-8"))
    (quick / "run.json").write_text(json.dumps({**info, "method": "quick"}), encoding="utf-8")
    xp = window.export_page
    window.state.set_run(str(run))
    assert xp.hint.text().startswith(f"Exports the best epoch of \u2068{run.name}\u2069.")
    window.state.set_run(str(quick))
    assert "quick method" in xp.hint.text() and "epoch of" not in xp.hint.text()
    window.state.set_run(str(run / "model.safetensors"))  # a model file: no run, no epochs
    assert xp.hint.text().startswith("Exports the model file \u2068model.safetensors\u2069.")


def test_the_int8_box_promises_no_more_than_the_recipe_gives() -> None:
    """The most sensitive layers stay in float, up to a file as large as fp16's (half of fp32): 2-4x smaller, not
    "about 4x" (a digits model measured 6.01 MB against ONNX's 13.62 MB)."""
    from desktop_cls.core.inference.export_onnx import INT8_RECIPES
    from desktop_cls.gui.pages.export.export_formats import format_uses

    text = format_uses()["onnx-int8"]
    assert "2–4× smaller" in text and "stay in float" in text and "about 4×" not in text
    assert all(r.in_float and r.under_fp16 for r in INT8_RECIPES)  # what the words say
