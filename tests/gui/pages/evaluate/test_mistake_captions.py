"""A mistake's tile names both classes: the true one and the predicted one each keep a line of their own, shortened
on their own, with the full names in the tooltip (one line elided as a whole read 'buildings → …')."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.gui.pages.evaluate.mistakes_gallery import CAPTION_MARGIN, MistakesGallery
from desktop_cls.gui.settings import Settings
from desktop_cls.gui.state import AppState
from desktop_cls.gui.work.tasks import TaskRunner


def gallery_of(qtbot: QtBot, classes: list[str]) -> MistakesGallery:
    gallery = MistakesGallery(AppState(Settings()), TaskRunner())
    qtbot.addWidget(gallery)
    gallery.set_result(classes, [("/nowhere/a.png", 0, 1, 0.87)], "model.pt")
    return gallery


def test_long_class_names_each_keep_a_line_and_the_predicted_one_shows(qtbot: QtBot,
                                                                       isolated_user_dirs: Path) -> None:
    true, predicted = "buildings of the old town " * 3, "mountains under snow " * 3
    gallery = gallery_of(qtbot, [true, predicted])
    index = gallery.model.index(0)
    lines = gallery.model.data(index, Qt.ItemDataRole.DisplayRole).split("\n")
    metrics, width = gallery.view.fontMetrics(), gallery.view.gridSize().width() - CAPTION_MARGIN
    assert len(lines) == 2
    assert all(metrics.horizontalAdvance(line) <= width for line in lines), lines
    assert lines[0].startswith("buildings") and lines[1].startswith("→ mountain") and lines[1].endswith(" 87%")
    tip = gallery.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "/nowhere/a.png" in tip and f"{true} → {predicted} 87%" in tip


def test_short_class_names_show_in_full(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    gallery = gallery_of(qtbot, ["cat", "dog"])
    assert gallery.model.data(gallery.model.index(0), Qt.ItemDataRole.DisplayRole) == "cat\n→ dog 87%"


def test_a_tile_tooltip_shows_class_names_with_markup_as_written(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from tests.gui.conftest import as_shown

    gallery = gallery_of(qtbot, ["<b>bold</b>", "<img src=x.png>"])
    gallery.set_result(["<b>bold</b>", "<img src=x.png>"], [("/data/<b>bold</b>/a.png", 0, 1, 0.87)], "model.pt")
    tip = gallery.model.data(gallery.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert as_shown(tip) == "/data/<b>bold</b>/a.png\n<b>bold</b> → <img src=x.png> 87%"
