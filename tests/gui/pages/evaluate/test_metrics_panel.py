"""The summary says how the accuracy was measured: on held-out images, or by cross-validation for a model that
learned from every image (never as if it were scored on images it had not seen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.evaluate.metrics_panel import MetricsPanel
from tests.gui.test_evaluate_page import synthetic_result


def test_a_cross_validated_result_says_so_and_names_no_epoch(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    panel = MetricsPanel(QPushButton())
    qtbot.addWidget(panel)
    d = synthetic_result(n_classes=3)
    panel.show_result(d, (1, 1))
    assert "validation images" in panel.summary.text() and "epoch 1 of 1" in panel.summary.text()
    panel.show_result({**d, "split": "cross-validation", "cross_validation_folds": 5}, (1, 1))
    text = panel.summary.text()
    assert "by 5-fold cross-validation on 36 images" in text and "learned from all of them" in text
    assert "epoch" not in text and "validation images" not in text
