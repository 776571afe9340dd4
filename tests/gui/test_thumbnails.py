"""The thumbnail grid's model at scale: 100,000 rows of plain data, only the rows asked for are decoded, rows
scrolled past stop waiting, and a folder opened again is not decoded again (core's disk cache)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from pytestqt.qtbot import QtBot

from desktop_cls.gui.widgets import thumbnails
from desktop_cls.gui.widgets.thumbnails import ThumbnailModel


def pictures(folder: Path, n: int) -> list[tuple[str, str]]:
    folder.mkdir()
    items = []
    for i in range(n):
        path = folder / f"p{i}.png"
        Image.fromarray(np.full((24, 24, 3), i * 20 % 256, np.uint8)).save(path)  # distinct for n < 64
        items.append((str(path), path.name))
    return items


def close(model: ThumbnailModel) -> None:
    """Stop its decoding, then let the finished requests' relays go before the model does (a runner deleted
    with relays still waiting for their deferred deletion takes the process down)."""
    model.shutdown()
    QCoreApplication.sendPostedEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def ask(model: ThumbnailModel, rows: range) -> None:
    for r in rows:
        model.data(model.index(r), Qt.ItemDataRole.DecorationRole)


def test_only_rows_asked_for_are_decoded_and_a_reopened_folder_is_not_decoded_again(
        qtbot: QtBot, tmp_path: Path, thumbnail_decodes: list[str]) -> None:
    items = pictures(tmp_path / "pics", 6)
    model = ThumbnailModel(side=32)
    model.set_items(items)
    ask(model, range(3))
    qtbot.waitUntil(lambda: not model._pending, timeout=10_000)
    assert sorted(thumbnail_decodes) == ["p0.png", "p1.png", "p2.png"]
    close(model)
    again = ThumbnailModel(side=32)  # the folder opened again (a new session's model)
    again.set_items(items)
    ask(again, range(6))
    qtbot.waitUntil(lambda: not again._pending, timeout=10_000)
    assert sorted(thumbnail_decodes) == ["p0.png", "p1.png", "p2.png", "p3.png", "p4.png", "p5.png"]  # each once
    close(again)


def test_a_hundred_thousand_rows_and_rows_scrolled_past_stop_waiting(qtbot: QtBot, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(thumbnails, "MAX_QUEUED", 50)
    real = pictures(tmp_path / "pics", 3)
    items = [(str(tmp_path / "pics" / f"missing_{i}.png"), str(i)) for i in range(100_000)]
    items[99_999] = real[0]
    model = ThumbnailModel(side=32)
    model.set_items(items)
    assert model.rowCount() == 100_000
    ask(model, range(0, 100_000, 100))  # a fast scroll from top to bottom, where the real picture is
    ask(model, range(99_999, 100_000))
    assert len(model._pending) <= 50 and str(tmp_path / "pics" / "p0.png") in model._pending
    qtbot.waitUntil(lambda: not model._pending, timeout=20_000)
    last = model.data(model.index(99_999), Qt.ItemDataRole.DecorationRole)
    assert last is not model._placeholder and last is not model._broken  # the row in sight was shown
    close(model)


def test_the_rows_one_paint_asks_for_come_back_in_batches(qtbot: QtBot, tmp_path: Path,
                                                           thumbnail_decodes: list[str]) -> None:
    """A request, a queued call and a repaint per BATCH thumbnails, not per thumbnail."""
    items = pictures(tmp_path / "pics", 40)
    model = ThumbnailModel(side=32)
    model.set_items(items)
    repaints: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles: repaints.append((first.row(), last.row())))
    ask(model, range(40))  # what one paint of a screen of rows does
    qtbot.waitUntil(lambda: not model._pending, timeout=20_000)
    batches = -(-40 // thumbnails.BATCH)
    assert model.batches == batches and len(repaints) == batches
    assert sorted(thumbnail_decodes) == sorted(name for _, name in items)  # each decoded once
    shown = [model.data(model.index(r), Qt.ItemDataRole.DecorationRole) for r in range(40)]
    assert all(pix is not model._placeholder and pix is not model._broken for pix in shown)
    assert {r for first, last in repaints for r in range(first, last + 1)} == set(range(40))
    close(model)


class CountedList(list[tuple[str, str]]):
    """Rows that count the passes over all of them (a map of every path is one)."""

    passes = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        CountedList.passes += 1
        return super().__iter__()


def test_a_row_removed_where_the_caller_says_costs_no_pass_over_the_rows(qtbot: QtBot) -> None:
    """The Label page labels the image on screen with each key: its row leaves without mapping 20,000 paths."""
    model = ThumbnailModel(side=16)
    rows = CountedList((f"/loose/{i:05d}.png", "") for i in range(20_000))
    model.set_items(rows)
    CountedList.passes = 0
    model.remove_paths({"/loose/00500.png"}, near=500)
    model.remove_paths({"/loose/00501.png"}, near=502)  # next to the hint (the queue moved on by one)
    assert CountedList.passes == 0
    assert model.rowCount() == 19_998 and model.items[500][0] == "/loose/00502.png"
    model.remove_paths({"/loose/09000.png"}, near=3)  # not where it was said to be: still found
    assert CountedList.passes == 1 and all(path != "/loose/09000.png" for path, _ in model.items[8990:9010])
    close(model)


def test_a_tile_has_room_for_two_caption_lines_of_chinese(qtbot: QtBot) -> None:
    """Class names in Chinese are drawn from a fallback font whose lines may be taller than the font's own: a tile
    sized by the font's lines cut off the second line of '建筑物\\n→ mountain 60%'."""
    from PySide6.QtGui import QTextLayout
    from PySide6.QtWidgets import QListView

    view = QListView()
    qtbot.addWidget(view)
    model = ThumbnailModel(side=96)
    model.configure_view(view)
    layout = QTextLayout("建筑物", view.font())
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    assert view.gridSize().height() >= 96 + 2 * line.height() + 8
    close(model)
