"""The Data page's class table: a class's share is read as a number beside its bar, never drawn over the bar, where
the bar's end cuts through the digits (35% was read as 85%)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.data.class_table import ClassTable
from desktop_cls.gui.pages.data.data_model import ClassRow
from desktop_cls.gui.widgets.literal_text import literal


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


def test_a_long_class_name_is_cut_in_its_middle_and_whole_in_its_tooltip(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    name = "a" * 100 + "<b>end</b>"
    table = ClassTable()
    qtbot.addWidget(table)
    table.fill([ClassRow(name, 3, 1.0, False)])
    item = table.item(0, 0)
    assert item is not None and item.text() == name
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle  # its end (where names differ) stays
    assert item.toolTip() == literal(name)
