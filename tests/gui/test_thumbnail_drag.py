"""Starting a drag of thumbnails costs the same for 100,000 selected as for one: the selection travels by
reference (a token), the app's drop targets read the paths at the drop, and the file URLs a program outside the
app needs are made only when it asks. Work is counted (rows read, URL lists made), never timed."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.widgets.class_button import ClassDropButton
from desktop_cls.gui.widgets.thumbnail_drag import SelectionDrag, carries_files, dropped_paths
from desktop_cls.gui.widgets.thumbnails import ThumbnailGrid, ThumbnailModel
from tests.gui.pages.data.watched import Watched, watched

ROWS = 100_000
FEW = 200  # rows a drag start may read: those in sight, with room for a second paint


def grid_of(qtbot: QtBot, items: Any) -> tuple[ThumbnailGrid, ThumbnailModel]:
    model, grid = ThumbnailModel(side=32), ThumbnailGrid()
    model.configure_view(grid)
    model.set_items(items)
    qtbot.addWidget(grid)
    grid.resize(400, 300)
    grid.show()
    qtbot.waitExposed(grid)
    return grid, model


def dragged(grid: ThumbnailGrid, monkeypatch: pytest.MonkeyPatch) -> SelectionDrag:
    """Start a drag as a mouse would; what it carries (QDrag.exec, the system's drag loop, is not entered)."""
    started: list[QMimeData] = []
    def exec_(drag: QDrag, *_args: object) -> Qt.DropAction:
        started.append(drag.mimeData())
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", exec_)
    grid.startDrag(Qt.DropAction.CopyAction)
    assert len(started) == 1 and isinstance(started[0], SelectionDrag)
    return started[0]


def drop_on(target: QWidget, mime: QMimeData, at: QPoint | None = None) -> bool:
    at = at if at is not None else QPoint(5, 5)
    enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def test_dragging_every_thumbnail_reads_the_rows_in_sight(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    items: Watched = watched((f"/data/cat/{i:06d}.png", "cat") for i in range(ROWS))
    grid, model = grid_of(qtbot, items)
    grid.selectAll()
    grid.selectionModel().setCurrentIndex(model.index(3), QItemSelectionModel.SelectionFlag.NoUpdate)
    qtbot.wait(20)
    items.reset()
    mime = dragged(grid, monkeypatch)
    assert items.passes == [], items.told()
    assert items.read < FEW and mime.urls_built == 0
    assert carries_files(mime) and mime.hasUrls() and mime.urls_built == 0  # asking what it holds builds nothing
    paths = dropped_paths(mime)  # an app's drop target: the paths, read now, no URL
    assert len(paths) == ROWS and paths[0] == items[0][0] and paths[-1] == items[-1][0] and mime.urls_built == 0


def test_a_program_outside_the_app_gets_the_files_when_it_asks(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    grid, model = grid_of(qtbot, [(f"/data/dog/{n}.png", "dog") for n in ("a b", "c", "d")])
    grid.selectionModel().select(model.index(0), grid.selectionModel().SelectionFlag.Select)
    grid.selectionModel().select(model.index(2), grid.selectionModel().SelectionFlag.Select)
    mime = dragged(grid, monkeypatch)
    assert mime.urls_built == 0
    assert [u.toLocalFile() for u in mime.urls()] == ["/data/dog/a b.png", "/data/dog/d.png"]
    assert bytes(mime.data("text/uri-list").data()) == b"file:///data/dog/a%20b.png\r\nfile:///data/dog/d.png\r\n"
    assert mime.urls_built == 2  # (once per request)
    model.set_items([("/data/other.png", "cat")])  # the rows changed under the drag: it drops nothing, not others
    assert dropped_paths(mime) == []


def test_the_app_s_drop_targets_take_a_drag_by_reference(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages.data.class_table import ClassTable
    from desktop_cls.gui.pages.data.data_model import ClassRow

    grid, _model = grid_of(qtbot, [(f"/data/{i}.png", "") for i in range(1000)])
    grid.selectAll()
    mime = dragged(grid, monkeypatch)
    button = ClassDropButton("fish", "fish", "fishButton")
    qtbot.addWidget(button)
    with qtbot.waitSignal(button.files_dropped) as got:
        assert drop_on(button, mime)
    assert got.args is not None and got.args[0] == "fish" and len(got.args[1]) == 1000
    table = ClassTable()
    qtbot.addWidget(table)
    table.fill([ClassRow("cat", 10, 0.5, False), ClassRow("dog", 10, 0.5, False)])
    table.show()
    row = table.visualRect(table.model().index(1, 0)).center()
    with qtbot.waitSignal(table.files_dropped) as got:
        assert drop_on(table.viewport(), mime, row)
    assert got.args is not None and got.args[0] == 1 and got.args[1][-1] == "/data/999.png"
    assert mime.urls_built == 0
