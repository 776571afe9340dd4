"""Insight in the app: learning-rate finder, calibration and curves, heatmaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait, set_fast_training


def test_find_learning_rate_and_accept_it(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    set_fast_training(window)
    tp = window.train_page
    tp.form.lr_spin.setValue(0.5)
    qtbot.mouseClick(tp.form.find_lr_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tp.lr_search.dialog is not None, timeout=60_000)
    dialog = tp.lr_search.dialog
    assert dialog.plot.objectName() == "lrFinderPlot" and dialog.plot.getPlotItem().listDataItems()
    dialog.accept()
    assert tp.form.lr_spin.value() == round(dialog.suggested, 6)
    assert tp.form.find_lr_button.isEnabled()


def test_evaluate_shows_calibration_curves_and_heatmaps(qtbot: QtBot, window: MainWindow,
                                                       trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    window.state.set_run(str(run))
    ev = window.evaluate_page
    ev.folder_edit.setText(str(data))
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    window.show_page("evaluate")
    ev.right_tabs.setCurrentWidget(ev.calibration)  # the diagram is drawn when its tab is shown
    assert ev.calibration.reliability.getPlotItem().items  # bars drawn
    ev.right_tabs.setCurrentIndex(2)  # the curves are drawn when their tab is shown
    assert ev.curves.getPlotItem().listDataItems()
    assert "calibration error" in ev.calibration.ece_label.text()
    ev.confusion.setCurrentCell(0, 0)  # correct 'cat' images: always some in the gallery
    assert ev.mistakes.model.rowCount() > 0
    ev.mistakes.heatmap_check.setChecked(True)
    first = ev.mistakes.model.items[0][0]
    qtbot.waitUntil(lambda: first in ev.mistakes.model._cache, timeout=60_000)


def test_classify_preview_heatmap(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.classify_paths([str(data / "fish")])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)  # rows stream in; the request has ended when the buttons come back
    cp.controls.heatmap_check.setChecked(True)
    row = cp.results.table.currentIndex().row()
    qtbot.waitUntil(lambda: cp.model.heatmap_shown == cp.results.predictions[row].path, timeout=60_000)


def test_threshold_spin_marks_unknown(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.controls.threshold_spin.setValue(99)
    cp.classify_paths([str(data / "dog")])
    qtbot.waitUntil(lambda: len(cp.results.predictions) == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)  # rows stream in; the request has ended when the buttons come back
    for p in cp.results.predictions:
        assert (p.label == "unknown") == (p.confidence < 0.99)


def test_opening_another_folder_stops_the_learning_rate_search_of_the_one_before(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rate found is the folder's it was searched on: it is not offered for the folder opened meanwhile."""
    import threading

    from desktop_cls.core.training import lr_finder

    go, real = threading.Event(), lr_finder.find_lr

    def held(*args: Any, **kwargs: Any) -> Any:
        assert go.wait(30), "the test never let the search go"
        return real(*args, **kwargs)

    monkeypatch.setattr(lr_finder, "find_lr", held)
    open_and_wait(qtbot, window, tiny_folder)
    set_fast_training(window)
    tp = window.train_page
    qtbot.mouseClick(tp.form.find_lr_button, Qt.MouseButton.LeftButton)
    assert tp.busy() and not tp.form.find_lr_button.isEnabled()
    window.open_dataset(make_tiny_folder(tmp_path / "other", classes=("x", "y"), per_class=8))
    go.set()
    qtbot.waitUntil(lambda: not tp.busy(), timeout=60_000)
    assert tp.lr_search.dialog is None and "another folder" in tp.monitor.log.toPlainText()
    qtbot.waitUntil(lambda: tp.form.find_lr_button.isEnabled(), timeout=30_000)
