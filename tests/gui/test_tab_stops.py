"""Keyboard: each table is one Tab stop (the arrows move inside it), not one stop per cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def test_tab_leaves_the_evaluate_metrics_table_in_one_press(qtbot: QtBot, window: MainWindow) -> None:
    from tests.gui.test_evaluate_page import show_result, synthetic_result

    window.show_page("evaluate")
    ev = window.evaluate_page
    show_result(ev, synthetic_result())
    table = ev.metrics.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    QApplication.processEvents()
    assert table.hasFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert not table.hasFocus() and table.currentIndex().column() == 0


def test_no_table_or_list_in_the_window_walks_cell_by_cell_on_tab(window: MainWindow) -> None:
    from desktop_cls.gui.shell.shortcut_list import ShortcutsDialog

    dialog = ShortcutsDialog(window)
    views = window.findChildren(QAbstractItemView) + dialog.findChildren(QAbstractItemView)
    walking = [v.objectName() or type(v).__name__ for v in views if v.tabKeyNavigation()]
    assert not walking, walking
    dialog.deleteLater()
