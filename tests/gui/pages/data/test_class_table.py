"""The Data page's class table: a class's share is read as a number beside its bar, never drawn over the bar, where
the bar's end cuts through the digits (35% was read as 85%)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.data.class_table import ClassTable
from desktop_cls.gui.pages.data.data_model import ClassRow


def test_each_share_is_a_number_beside_a_bar_without_text(qtbot: QtBot) -> None:
    table = ClassTable()
    qtbot.addWidget(table)
    table.fill([ClassRow("animals", 13, 13 / 43, False), ClassRow("food", 15, 15 / 43, False),
                ClassRow("fish", 2, 2 / 43, True)])
    for row, shown in enumerate(["30%", "35%", "5%"]):
        cell = table.cellWidget(row, 2)
        bar = cell.findChild(QProgressBar)
        assert bar is not None and not bar.isTextVisible()
        label = cell.findChild(QLabel)
        assert label is not None and label.text() == shown
    assert "Few images" in table.cellWidget(2, 2).toolTip()
