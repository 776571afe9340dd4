"""What a click on the Data page costs its UI thread does not grow with the folder: choosing a class for the grid,
going back to all classes, opening the viewer from the grid, selecting all thumbnails and looking at a problem
each read the rows in sight, never every sample (at 100,000 images one such pass kept the UI thread 10-300 ms).
Work is counted, not timed: a 20,000-sample index made of names only (no image files are needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from tests.gui.pages.data.watched import Watched, watched

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow

SAMPLES = 20_000
CLASSES = 8
FEW = SAMPLES // 20  # what "the rows in sight" may read at most, with room for a second paint


def large_index(problems: int = 0) -> tuple[DatasetIndex, Watched, Watched]:
    """SAMPLES samples in CLASSES classes, interleaved (as a train/ and val/ layout lists them, not class by class),
    prepared as the scanning thread prepares an index; its samples and problems are watched from here on."""
    classes = tuple(f"class{c}" for c in range(CLASSES))
    samples = watched(Sample(f"/big/{classes[i % CLASSES]}/{i:06d}.png", i % CLASSES, "val" if i % 5 == 0 else "train")
                      for i in range(SAMPLES))
    found = watched(Problem(samples[i * 7].path, "duplicate", "a copy", duplicate_of=samples[i * 7 + 1].path)
                    for i in range(problems))
    index = DatasetIndex("/big", "class_folders", classes, samples, found).prepare()
    samples.reset()
    found.reset()
    return index, samples, found


def test_positions_group_each_class_in_sample_order() -> None:
    index, samples, _ = large_index()
    for label in (0, 3, CLASSES - 1):
        assert index.positions(label).tolist() == [i for i, s in enumerate(samples) if s.label == label]
    assert len(index.positions(-1)) == 0 and len(index.positions(CLASSES)) == 0
    assert index.position(samples[4321].path) == 4321 and index.position("/elsewhere.png") is None


def test_choosing_a_class_and_all_classes_again_reads_the_rows_in_sight(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    index, samples, _ = large_index()
    monkeypatch.setattr(window.dataset_page.check, "tasks", None)  # the check has its own thread: not this test's
    window.state.set_dataset(index)
    page, grid = window.dataset_page, window.dataset_page.thumb_model
    qtbot.wait(20)
    samples.reset()
    page.class_filter.setCurrentIndex(page.class_filter.findData("class3"))
    qtbot.wait(20)  # the grid paints the rows in sight
    assert grid.rowCount() == SAMPLES // CLASSES
    assert grid.items[1] == (samples[3 + CLASSES][0], "class3")  # the class's second sample, in the folder's order
    page.class_filter.setCurrentIndex(0)
    qtbot.wait(20)
    assert grid.rowCount() == SAMPLES and grid.items[-1] == (samples[-1][0], index.classes[samples[-1][1]])
    assert samples.passes == [], samples.told()
    assert samples.read < FEW


def test_the_viewer_opened_from_the_grid_reads_the_pictures_it_shows(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.gui.conftest import opened_viewer

    index, samples, _ = large_index()
    monkeypatch.setattr(window.dataset_page.check, "tasks", None)
    window.state.set_dataset(index)
    page = window.dataset_page
    page.class_filter.setCurrentIndex(page.class_filter.findData("class5"))
    qtbot.wait(20)
    samples.reset()
    page.view_thumbnail(10)
    viewer = opened_viewer(page)
    viewer.go(viewer.index + 1)
    assert viewer.current_path() == samples[5 + 11 * CLASSES][0]
    assert viewer.caption_label.text() == page.tr("Class: {0}").format("\u2068class5\u2069")
    assert len(viewer.items) == SAMPLES // CLASSES
    viewer.close()
    assert samples.passes == [], samples.told()
    assert samples.read < 20


def test_selecting_all_thumbnails_and_clearing_asks_the_model_about_the_rows_in_sight(qtbot: QtBot) -> None:
    """Qt's list view repaints a selection change row by row, asking the model for its row count four times a
    row (a Python call each): the grid repaints what is in sight instead."""
    from desktop_cls.gui.widgets.thumbnails import ThumbnailGrid, ThumbnailModel

    class Counting(ThumbnailModel):
        asked = 0

        def rowCount(self, parent: Any = None) -> int:
            Counting.asked += 1
            return super().rowCount() if parent is None else super().rowCount(parent)

    model = Counting(side=32)
    model.set_items([(f"/big/{i:06d}.png", "c") for i in range(SAMPLES)])
    view = ThumbnailGrid()
    qtbot.addWidget(view)
    model.configure_view(view)
    view.resize(400, 300)
    view.show()
    qtbot.wait(50)
    Counting.asked = 0
    view.selectAll()
    selected_all = Counting.asked
    view.clearSelection()
    view.setCurrentIndex(model.index(3))  # a small change still repaints its own rows
    asked = Counting.asked
    view.selectAll()
    assert view.selectionModel().selection().at(0).height() == SAMPLES
    assert selected_all < FEW, f"{selected_all} row counts asked to select all"
    assert asked < FEW, f"{asked} row counts asked to select all and clear"
    model.shutdown()


def test_a_problem_looked_at_or_opened_reads_its_own_rows(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.gui.conftest import opened_viewer

    index, samples, problems = large_index(problems=2_000)
    panel = window.dataset_page.problems
    panel.fill(index)
    problems.reset()
    cells = [0]
    item = panel.table.item

    def counted(row: int, column: int) -> Any:
        cells[0] += 1
        return item(row, column)

    monkeypatch.setattr(panel.table, "item", counted)
    panel.table.selectRow(3)  # the preview says where each of the two files is
    assert "class5" in panel.preview.this_caption.text()  # samples[21] and its copy samples[22]
    assert "class6" in panel.preview.other_caption.text()
    panel.view_problem(3)
    viewer = opened_viewer(window.dataset_page)
    assert viewer.current_path() == problems[3].path and len(viewer.items) == len(problems)
    viewer.close()
    assert samples.passes == [] and problems.passes == [], samples.told() + problems.told()
    assert samples.read < 10 and problems.read < 10 and cells[0] < 10
