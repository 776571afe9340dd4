"""The Classify page's results show a thumbnail per row, decoded off the UI thread for the rows in sight only,
so 10,000 results stay one model of plain rows (no item per cell) and scroll smoothly."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.classify.classify_results import ClassifyResults
from desktop_cls.gui.pages.classify.prediction_table import PredictionTableModel
from desktop_cls.gui.work.tasks import TaskRunner


def _results(qtbot: QtBot) -> ClassifyResults:
    results = ClassifyResults(TaskRunner(), lambda *a, **k: None)
    qtbot.addWidget(results)
    results.resize(700, 400)
    results.show()
    return results


def _close(results: ClassifyResults) -> None:
    results.model.shutdown()
    QCoreApplication.sendPostedEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _prediction(path: str, label: str | None = "cat", confidence: float = 0.9) -> Any:
    return SimpleNamespace(path=path, label=label, confidence=confidence, error=None if label else "unreadable")


def _red_pixels(pix: QPixmap) -> int:
    image = pix.toImage()
    return sum(1 for x in range(image.width()) for y in range(image.height())
               if image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).green() < 60)


def test_each_result_shows_its_image_as_a_thumbnail(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    Image.fromarray(np.full((40, 30, 3), (230, 20, 20), np.uint8)).save(path)
    results = _results(qtbot)
    results.add([_prediction(str(path)), _prediction(str(tmp_path / "gone.png"), None)])
    model = results.model
    first = model.index(0, PredictionTableModel.IMAGE)
    assert model.data(first) == "red.png" and model.data(first, Qt.ItemDataRole.ToolTipRole) == str(path)
    assert model.data(model.index(0, PredictionTableModel.LABEL)) == "cat"
    assert model.data(model.index(1, PredictionTableModel.LABEL)) == "error: unreadable"

    def thumbnail() -> QPixmap:
        return model.data(first, Qt.ItemDataRole.DecorationRole)

    qtbot.waitUntil(lambda: _red_pixels(thumbnail()) > 0, timeout=10_000)  # the placeholder is grey
    side = round(thumbnail().width() / thumbnail().devicePixelRatio())
    assert side == model.thumbs.side and results.table.rowHeight(0) >= side
    _close(results)


def test_ten_thousand_results_decode_only_the_rows_in_sight(qtbot: QtBot, tmp_path: Path,
                                                           thumbnail_decodes: list[str]) -> None:
    folder = tmp_path / "pics"
    folder.mkdir()
    for i in range(40):
        Image.fromarray(np.full((24, 24, 3), i * 6, np.uint8)).save(folder / f"p{i}.png")
    results = _results(qtbot)
    results.add([_prediction(str(folder / f"p{i % 40}.png")) if i < 40 else
                 _prediction(str(folder / f"missing{i}.png")) for i in range(10_000)])
    assert results.model.rowCount() == 10_000 and results.table.currentIndex().row() == 0
    qtbot.waitUntil(lambda: results.model.thumbs.decoded > 0 and not results.model.thumbs._pending, timeout=10_000)
    shown = results.table.viewport().height() // results.table.rowHeight(0) + 2
    assert 0 < len(thumbnail_decodes) <= shown  # the rows in sight, not the 10,000
    _close(results)
