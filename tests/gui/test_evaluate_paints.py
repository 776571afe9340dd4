"""The Evaluate page's first show of a result: the metrics table and the confusion matrix are painted once each
(counted, never timed)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.test_evaluate_page import show_result, synthetic_result


class Paints(QObject):
    """How many paint events each watched widget got."""

    def __init__(self, widgets: dict[str, QWidget]) -> None:
        super().__init__()
        self.count = dict.fromkeys(widgets, 0)
        self._names = {id(w): name for name, w in widgets.items()}
        for w in widgets.values():
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and id(watched) in self._names:
            self.count[self._names[id(watched)]] += 1
        return False


def settle() -> None:
    """Every posted event and due zero timer handled, a few turns of the loop (no clock)."""
    for _ in range(10):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def test_a_first_result_paints_the_metrics_table_and_the_matrix_once(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1280, 800)
    window.show_page("evaluate")
    ev = window.evaluate_page
    settle()
    paints = Paints({"metrics": ev.metrics.table.viewport(), "matrix": ev.confusion.viewport()})
    show_result(ev, synthetic_result())
    qtbot.waitUntil(lambda: min(paints.count.values()) > 0, timeout=30_000)
    settle()
    assert paints.count == {"metrics": 1, "matrix": 1}  # (Qt painted resized sections again on a zero timer)
    table = ev.metrics.table
    table.setColumnWidth(1, table.columnWidth(1) + 20)  # a column resized later is still painted
    ev.confusion.verticalHeader().resizeSection(0, ev.confusion.rowHeight(0) + 4)  # and a row
    qtbot.waitUntil(lambda: paints.count == {"metrics": 2, "matrix": 2}, timeout=30_000)
