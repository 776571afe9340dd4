"""The per-class metrics table: sorting by any column with the averages kept last, columns as wide as Qt would fit
them to their contents, each text measured once per font, and class names shown as written in every tooltip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.evaluate import metrics_table
from desktop_cls.gui.pages.evaluate.metrics_panel import MetricsPanel
from tests.gui.conftest import as_shown, cell, tooltip
from tests.gui.test_evaluate_page import synthetic_result

MARKUP = ("<b>bold</b>", "<img src=x.png>", "plain")


def panel_with(qtbot: QtBot, d: dict[str, Any]) -> MetricsPanel:
    panel = MetricsPanel(QPushButton())
    qtbot.addWidget(panel)
    panel.show_result(d, None)
    return panel


def column(panel: MetricsPanel, c: int) -> list[str]:
    return [cell(panel.table, r, c) for r in range(panel.table.rowCount())]


def markup_result() -> dict[str, Any]:
    """Three classes named with markup; the second has no images but is predicted (its scores have tooltips)."""
    import numpy as np

    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    y, pred = np.array([0, 0, 2, 2]), np.array([0, 1, 2, 2])
    probs = np.eye(3)[pred] * 0.9 + 0.03
    return Evaluation(classification_report(y, probs, MARKUP), tuple(f"/x/{i}.png" for i in range(4)), y, probs,
                      "validation", ()).to_dict()


def test_sorting_by_a_figure_orders_the_classes_and_keeps_the_averages_last(qtbot: QtBot,
                                                                           isolated_user_dirs: Path) -> None:
    d = synthetic_result(n_classes=8)
    panel = panel_with(qtbot, d)
    table, classes = panel.table, list(d["per_class"])  # type: ignore[call-overload]
    assert column(panel, 0)[:8] == classes  # the report's order until a header is clicked
    table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # F1, highest first
    f1 = [float(t) for t in column(panel, 3)[:8]]
    assert f1 == sorted(f1, reverse=True)
    assert column(panel, 0)[8:] == ["macro average", "weighted average"]
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert column(panel, 0)[:8] == sorted(classes, key=str.casefold)
    panel.show_result(synthetic_result(n_classes=8, seed=3), None)  # a new result keeps the order chosen
    assert column(panel, 0)[:8] == sorted(classes, key=str.casefold)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    assert column(panel, 0)[:8] == classes


def test_a_dash_sorts_below_every_score(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    panel = panel_with(qtbot, markup_result())
    panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # recall: the class without images has none
    assert column(panel, 2)[:3] == ["1.000", "0.500", "—"]
    panel.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert column(panel, 2)[0] == "—"


def test_the_figures_columns_are_as_wide_as_qt_fits_them_to_contents(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    panel = panel_with(qtbot, synthetic_result(n_classes=10, per_class=200))
    table = panel.table
    for c in range(1, 5):
        assert table.columnWidth(c) == max(table.sizeHintForColumn(c), table.horizontalHeader().sectionSizeHint(c))


def test_each_text_is_measured_once_per_font(qtbot: QtBot, isolated_user_dirs: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[str] = []
    original = metrics_table.TextWidths._measure

    def measure(metrics: QFontMetricsF | QFontMetrics, text: str) -> int:
        measured.append(text)
        return original(metrics, text)

    monkeypatch.setattr(metrics_table.TextWidths, "_measure", staticmethod(measure))
    d = synthetic_result(n_classes=10)
    panel = panel_with(qtbot, d)
    texts = {cell(panel.table, r, c) for r in range(panel.table.rowCount()) for c in range(5)}
    assert sorted(measured) == sorted(texts)  # the figures for their columns, the names for the table's width
    measured.clear()
    panel.show_result(d, None)
    assert measured == []
    width = panel.table.columnWidth(4)
    font = panel.table.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    panel.table.setFont(font)
    assert sorted(measured) == sorted(texts) and panel.table.columnWidth(4) > width


def test_class_names_with_markup_show_literally_in_the_tooltips(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    panel = panel_with(qtbot, markup_result())
    tip = tooltip(panel.table, 1, 1)
    assert "No images of '\u2068<img src=x.png>\u2069' among" in as_shown(tip) and "false positives" in as_shown(tip)
    assert cell(panel.table, 0, 0) == "<b>bold</b>"  # item views draw their text plainly
