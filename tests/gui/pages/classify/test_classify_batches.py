"""A folder's rows appear batch by batch while it is classified (the image classified before leaves the preview
at once), Cancel keeps the rows already in, and another model's results never stay under the new model's name.

A stand-in model hands its batches on only when the test lets it, so nothing here depends on how fast it runs."""

from __future__ import annotations

import csv
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.events import CancelToken
from desktop_cls.core.inference.predictor import Prediction
from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import cell


class GatedModel:
    """predict_paths hands on its first batch, then waits for `go` (or a Cancel) before the second."""

    def __init__(self, first: int) -> None:
        self.first = first
        self.go = threading.Event()
        self.waiting = threading.Event()  # the first batch is out and it waits

    def predict_paths(self, paths: list[str], *, cancel: CancelToken, on_batch: Any = None,
                      **_options: Any) -> list[Any]:
        preds = [Prediction(p, "cat", 0.9, (("cat", 0.9), ("dog", 0.1))) for p in paths]
        for batch in (preds[:self.first], preds[self.first:]):
            if on_batch is not None:
                on_batch(batch)
            if not self.waiting.is_set():
                self.waiting.set()
                while not self.go.wait(0.01):
                    cancel.raise_if_set()
        return preds


def _gated_page(window: MainWindow, first: int) -> tuple[ClassifyPage, GatedModel]:
    cp = window.classify_page
    gated = GatedModel(first)
    cp.session.predictor = gated
    cp.model.model_loaded()  # as if a model were ready
    cp.show_content()
    return cp, gated


def test_rows_appear_batch_by_batch_and_the_earlier_preview_goes_at_once(qtbot: QtBot, window: MainWindow,
                                                                        tmp_path: Path) -> None:
    cp, gated = _gated_page(window, first=3)
    earlier = Prediction(str(tmp_path / "before.png"), "dog", 0.8, (("dog", 0.8),))
    cp.preview.show_prediction(earlier)
    assert cp.preview.caption.text().startswith("dog")
    files = [str(tmp_path / f"img{i}.png") for i in range(5)]
    cp.classify_paths(files)
    assert cp.preview.caption.text() == "" and cp.preview.image.source() is None  # not one of these images
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 3)
    assert gated.waiting.is_set() and not gated.go.is_set()  # the rest is not classified yet
    assert [cell(cp.results.table, r, 0) for r in range(3)] == ["img0.png", "img1.png", "img2.png"]
    assert cp.results.table.currentIndex().row() == 0 and cp.preview.caption.text().startswith("cat")
    assert cp.results.cancel_button.isEnabled() and not cp.results.csv_button.isEnabled()
    cp.results.table.selectRow(2)  # the user looks at a row while the others come
    gated.go.set()
    qtbot.waitUntil(lambda: cp.buttons["classifyFolderButton"].isEnabled())
    assert cp.results.model.rowCount() == 5 and [p.path for p in cp.results.predictions] == files
    assert cp.results.table.currentIndex().row() == 2
    assert cp.results.csv_button.isEnabled() and cp.results.copy_button.isEnabled()


def test_cancel_keeps_the_rows_classified_so_far(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    cp, gated = _gated_page(window, first=2)
    cp.classify_paths([str(tmp_path / f"img{i}.png") for i in range(6)])
    qtbot.waitUntil(gated.waiting.is_set)
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 2)
    qtbot.mouseClick(cp.results.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cp.buttons["classifyFolderButton"].isEnabled())
    assert [cell(cp.results.table, r, 0) for r in range(cp.results.model.rowCount())] == ["img0.png", "img1.png"]
    assert len(cp.results.predictions) == 2
    assert cp.results.csv_button.isEnabled() and not cp.results.cancel_button.isEnabled()


def test_escape_stops_classifying_a_folder(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    cp, _gated = _gated_page(window, first=2)  # two rows, then it waits until cancelled
    window.show_page("classify")
    cp.classify_paths([str(tmp_path / f"img{i}.png") for i in range(6)])
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 2)
    window.activateWindow()
    cp.results.table.setFocus()
    qtbot.keyClick(cp.results.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: cp.buttons["classifyFolderButton"].isEnabled())
    assert len(cp.results.predictions) == 2 and not cp.results.cancel_button.isEnabled()


def test_escape_stops_the_folder_first_while_a_model_also_loads(qtbot: QtBot, window: MainWindow,
                                                               tmp_path: Path) -> None:
    """Both Cancels show (the progress line's, for a model loading, and the folder's): Esc stops the folder
    classification, then a second Esc the progress line's task, one at a time, never neither."""
    cp, _gated = _gated_page(window, first=2)
    window.show_page("classify")
    cp.classify_paths([str(tmp_path / f"img{i}.png") for i in range(6)])
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 2)
    cp.status_line.start("Loading the model…")  # as a model loading on the page's progress line shows it
    line_cancels: list[bool] = []
    cp.status_line.cancel_button.clicked.connect(lambda: line_cancels.append(True))
    window.activateWindow()
    cp.results.table.setFocus()
    qtbot.keyClick(cp.results.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: cp.buttons["classifyFolderButton"].isEnabled())
    assert len(cp.results.predictions) == 2 and not line_cancels
    qtbot.keyClick(cp.results.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(line_cancels))  # a shortcut clicks its button a moment later
    cp.status_line.setVisible(False)


def test_another_model_clears_the_results_of_the_last_one(qtbot: QtBot, window: MainWindow,
                                                           trained_run: tuple[Path, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    run, data = trained_run
    other = tmp_path / "other_run"
    shutil.copytree(run, other)
    cp = window.classify_page
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    cp.classify_paths([str(data / "cat")])
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)
    saved = tmp_path / "predictions.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    cp.results.save_csv()
    cp.load_model(str(run))  # the same model again (the field was left): its rows stay
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    assert cp.results.model.rowCount() == 10 and cp.results.csv_button.isEnabled()
    window.state.set_run(str(other))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    assert cp.controls.model_path() == str(other)
    assert cp.results.model.rowCount() == 0 and cp.results.predictions == []
    assert not cp.results.csv_button.isEnabled() and not cp.results.copy_button.isEnabled()
    assert cp.preview.image.source() is None and "Model ready" in cp.preview.caption.text()
    assert cp.heat_maps.pictures == {}
    assert len(list(csv.DictReader(saved.open(encoding="utf-8-sig")))) == 10  # what the user saved stays


def test_a_folder_stopped_by_a_change_of_model_says_so_and_is_classified_again_in_one_click(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """Another run chosen (or a new one finished) while a folder was classified dropped it without a word: its rows
    went and the page looked as if the folder had no images. Only a request the change stopped is offered again."""
    run, data = trained_run
    cp, _gated = _gated_page(window, first=1)  # the folder's first row, then it waits until cancelled
    cp.classify_paths([str(data / "cat")])
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 1)
    assert not cp.results.notice.isVisibleTo(cp.results)
    window.state.set_run(str(run))
    assert cp.results.notice.isVisibleTo(cp.results) and cp.results.model.rowCount() == 0
    assert cp.results.notice_text.text() == (f"Classifying \u2068cat\u2069 stopped: the model changed to "
                                             f"\u2068{run.name}\u2069.")
    qtbot.waitUntil(lambda: cp.model.loaded and cp.buttons["classifyFolderButton"].isEnabled(), timeout=60_000)
    qtbot.mouseClick(cp.results.again_button, Qt.MouseButton.LeftButton)
    assert not cp.results.notice.isVisibleTo(cp.results)
    qtbot.waitUntil(lambda: cp.results.model.rowCount() == 10 and cp.buttons["classifyFolderButton"].isEnabled(),
                    timeout=60_000)
    assert {p.label for p in cp.results.predictions} <= {"cat", "dog", "fish"}  # the run's own classes
    other = tmp_path / "other_run"
    shutil.copytree(run, other)
    window.state.set_run(str(other))  # the folder had finished: nothing stopped, nothing to offer
    assert not cp.results.notice.isVisibleTo(cp.results)
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
