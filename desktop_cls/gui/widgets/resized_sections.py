"""Table views whose resized columns and rows are painted in the frame they were resized for.

QTableView repaints the columns (and rows) its headers resized on a zero timer, which fires after the paint that
is already due: a table whose sections are fitted as it shows (the Evaluate page's metrics table and confusion
matrix, on each first show of a result) was painted, then the same cells again. Here a resize asks for its
repaint at once, so it joins the paint that is due, and the view's scroll bars follow the new sizes a moment
later, once, as Qt's timer did."""

from __future__ import annotations

from PySide6.QtCore import SIGNAL, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

_RESIZED = SIGNAL("sectionResized(int,int,int)")


def paint_resized_sections_at_once(view: QTableView) -> None:
    """For VIEW's two headers (set before this call): Qt's timed repaint of resized sections replaced."""
    geometries = QTimer(view)
    geometries.setSingleShot(True)
    geometries.setInterval(0)
    geometries.timeout.connect(view.updateGeometries)

    def resized(_section: int, _old: int, _new: int) -> None:
        view.viewport().update()
        if not geometries.isActive():
            geometries.start()

    for header in (view.horizontalHeader(), view.verticalHeader()):
        _replace_views_own(header, resized)


def _replace_views_own(header: QHeaderView, resized: object) -> None:
    """The view's own connection is the header's only one when the view has just set it (Qt's columnResized or
    rowResized, not reachable by name from Python): dropped only then; otherwise kept, and painted twice."""
    if header.receivers(_RESIZED) == 1:
        header.sectionResized.disconnect()
    header.sectionResized.connect(resized)
