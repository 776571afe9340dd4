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


def test_top_k_is_left_out_when_k_covers_every_class(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    panel = MetricsPanel(QPushButton())
    qtbot.addWidget(panel)
    d = {k: v for k, v in synthetic_result(n_classes=3).items()
         if not (k.startswith("top") and k.endswith("_accuracy"))}
    panel.show_result({**d, "top2_accuracy": 0.9}, None)
    assert "top-2 accuracy 90.0%" in panel.summary.text()
    panel.show_result({**d, "top3_accuracy": 1.0}, None)  # three classes: the top 3 always hold the truth
    assert "top-" not in panel.summary.text()
