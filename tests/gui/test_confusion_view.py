"""The confusion matrix: a view of a model that answers each cell when asked, so many classes cost no item per cell,
with the texts, tooltips, colours and signals the table of items had."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QTableWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.widgets import confusion_view, theme
from desktop_cls.gui.widgets.confusion_cells import HeatDelegate
from desktop_cls.gui.widgets.confusion_model import HEAT_ROLE, ConfusionModel, longest_count
from desktop_cls.gui.widgets.confusion_view import FONT_SCALES, ConfusionMatrixView, cell_colours
from tests.gui.conftest import as_shown, heading, tooltip

FSI, PDI = "\u2068", "\u2069"

N = 200


def _counts(n: int) -> list[list[int]]:
    return [[40 if i == j else (3 if j == (i + 1) % n else 0) for j in range(n)] for i in range(n)]


def _matrix(qtbot: QtBot, n: int = N) -> ConfusionMatrixView:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.resize(620, 430)
    view.show_counts([f"class_{i}" for i in range(n)], _counts(n))
    view.show()
    QApplication.processEvents()
    return view


def _painted_option(view: ConfusionMatrixView, index: QModelIndex, generic: bool = False) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.palette = QPalette(view.palette())
    delegate = view.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)
    if generic:  # what Qt's delegate takes from data(), with the heat colours on it
        QStyledItemDelegate.initStyleOption(delegate, option, index)
        background, ink = cell_colours(index.data(HEAT_ROLE), index.row() == index.column(), view.palette())
        option.backgroundBrush.setColor(background)
        option.palette.setColor(QPalette.ColorRole.Text, ink)
    else:
        delegate.initStyleOption(option, index)
    return option


def test_a_200_class_matrix_is_shown_without_an_item_per_cell(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    original = ConfusionModel.data

    def data(self: ConfusionModel, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        asked.append(role)
        return original(self, index, role)

    monkeypatch.setattr(ConfusionModel, "data", data)
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.resize(620, 430)
    view.show_counts([f"class_{i}" for i in range(N)], _counts(N))
    assert not isinstance(view, QTableWidget) and isinstance(view.model(), ConfusionModel)
    assert asked == []  # showing it worked out no cell
    assert view.rowCount() == view.columnCount() == N and view.needs_scrolling()
    model = view.model()
    assert model.index(N - 1, 0).data() == "3" and model.index(N - 1, N - 1).data(HEAT_ROLE) == 40 / 43


def test_only_the_cells_in_sight_are_painted(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    painted: list[tuple[int, int]] = []
    original = HeatDelegate.paint

    def spy(self: Any, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painted.append((index.row(), index.column()))
        original(self, painter, option, index)

    monkeypatch.setattr(HeatDelegate, "paint", spy)
    view = _matrix(qtbot)
    painted.clear()
    view.viewport().repaint()
    assert 0 < len(set(painted)) < N * N // 20


@pytest.mark.parametrize("dark", [False, True])
def test_a_cell_shows_the_text_tooltip_and_colours_of_the_table_of_items(qtbot: QtBot, dark: bool) -> None:
    theme.apply_theme("dark" if dark else "light")
    try:
        view = _matrix(qtbot, 12)
        model = view.model()
        for r, c in ((0, 0), (0, 1), (0, 5), (11, 0), (11, 11)):
            index = model.index(r, c)
            v = _counts(12)[r][c]
            assert index.data() == str(v)
            assert index.data(Qt.ItemDataRole.TextAlignmentRole) == Qt.AlignmentFlag.AlignCenter
            shown = f"{v} images of '{FSI}class_{r}{PDI}' predicted as '{FSI}class_{c}{PDI}'"  # (English plural)
            assert tooltip(view, r, c) == shown
            mine, qts = _painted_option(view, index), _painted_option(view, index, generic=True)
            assert (mine.text, mine.displayAlignment, mine.features) == (qts.text, qts.displayAlignment, qts.features)
            assert mine.backgroundBrush.color() == qts.backgroundBrush.color()
            assert mine.palette.color(QPalette.ColorRole.Text) == qts.palette.color(QPalette.ColorRole.Text)
            background, _ = cell_colours(v / 43, r == c, view.palette())
            assert mine.backgroundBrush.color() == background
        view.show_counts(["cat", "dog"], [[1, 0], [0, 1]])
        assert tooltip(view, 0, 0) == "1 image of '\u2068cat\u2069' predicted as '\u2068cat\u2069'"
        view.show_counts([f"class_{i}" for i in range(12)], _counts(12))
        assert heading(view, 3, tooltip=True) == heading(view, 3, vertical=True, tooltip=True) == "class_3"
    finally:
        theme.apply_theme("light")


def test_a_click_and_the_current_cell_say_which_cell(qtbot: QtBot) -> None:
    view = _matrix(qtbot, 4)
    clicked: list[tuple[int, int]] = []
    current: list[tuple[int, int, int, int]] = []
    view.cellClicked.connect(lambda r, c: clicked.append((r, c)))
    view.currentCellChanged.connect(lambda *cell: current.append(cell))
    view.setCurrentCell(2, 1)
    where = view.visualRect(view.model().index(3, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert [cell[:2] for cell in current] == [(2, 1), (3, 0)] and current[1] == (3, 0, 2, 1)
    assert clicked == [(3, 0)]
    view.set_classes([])
    assert view.rowCount() == 0 and view.model().index(0, 0).data() is None


def test_the_cells_width_follows_the_first_longest_count() -> None:
    assert longest_count([]) == longest_count([[]]) == ""
    assert longest_count([[1, 0], [12, 45], [3, 99]]) == "12"
    assert longest_count([[7]]) == "7"


@pytest.mark.parametrize("dark", [False, True])
def test_ordinary_cells_are_painted_as_the_style_paints_them_without_going_through_it(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, dark: bool) -> None:
    """A cell that is not selected, current or under the mouse is drawn by the delegate in one call (through the
    style, each cell cost a handful of calls from Qt into Python and two layouts of its count): pixel for pixel
    what the style draws, at each font size the matrix takes; the current cell still goes through the style."""
    styled: list[tuple[int, int]] = []
    original = HeatDelegate.initStyleOption

    def spy(self: Any, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        styled.append((index.row(), index.column()))
        original(self, option, index)

    monkeypatch.setattr(HeatDelegate, "initStyleOption", spy)
    theme.apply_theme("dark" if dark else "light")
    try:
        for n, size in ((10, (620, 430)), (30, (620, 430)), (30, (300, 200)), (200, (620, 430))):
            view = ConfusionMatrixView()
            qtbot.addWidget(view)
            view.resize(*size)
            view.show_counts([f"class_{i}" for i in range(n)], _counts(n))
            view.show()
            view.setCurrentCell(1, 1)
            QApplication.processEvents()
            styled.clear()
            own = view.viewport().grab().toImage()
            assert set(styled) == {(1, 1)}  # the current cell, selected
            with monkeypatch.context() as through_the_style:
                through_the_style.setattr(view.cells, "begin_paint", lambda _view: None)
                view.cells._paint = None
                assert view.viewport().grab().toImage() == own, (n, size)
            assert len(set(styled)) > 50
    finally:
        theme.apply_theme("light")


class _CountedMetrics(QFontMetrics):
    measured: ClassVar[list[str]] = []
    elided: ClassVar[list[str]] = []

    def horizontalAdvance(self, text: Any, *args: Any) -> int:
        self.measured.append(text)
        return super().horizontalAdvance(text, *args)

    def elidedText(self, text: str, *args: Any) -> str:
        self.elided.append(text)
        return super().elidedText(text, *args)


def test_class_names_are_measured_once_per_font_and_headers_not_made_again_by_a_fit_to_the_same_size(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fit tries up to four font sizes and a resize fits again: each measured every name at every size it tried
    (twice) and shortened every name again, at every resize."""
    monkeypatch.setattr(confusion_view, "QFontMetrics", _CountedMetrics)
    measured, elided = _CountedMetrics.measured, _CountedMetrics.elided
    measured.clear()
    view = _matrix(qtbot)
    for size in ((600, 400), (640, 450), (620, 430)):
        view.resize(*size)
        QApplication.processEvents()
    view.sizeHint()
    view.needs_scrolling()
    assert 0 < measured.count("class_7") <= len(FONT_SCALES)
    changed: list[Any] = []
    view.model().headerDataChanged.connect(lambda *args: changed.append(args))
    elided.clear()
    view._fit()  # what a resize to the same size does
    for widget in (view.viewport(), view.horizontalHeader().viewport(), view.verticalHeader().viewport()):
        widget.repaint()
    assert changed == [] and elided == []
    view.show_counts([f"class_{i}" for i in range(N)], _counts(N))  # the same names, another matrix
    assert measured.count("class_7") <= 2 * len(FONT_SCALES)


def test_showing_a_matrix_asks_its_headers_no_size(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fit sets the headers' size: Qt's own size hint asked the model for each section's size, font, text and
    icon (200 classes: 1,600-3,200 calls into Python a result)."""
    asked: list[int] = []
    original = ConfusionModel.headerData

    def header_data(self: ConfusionModel, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        asked.append(role)
        return original(self, section, orientation, role)

    monkeypatch.setattr(ConfusionModel, "headerData", header_data)
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.resize(620, 430)
    view.show()
    QApplication.processEvents()
    view.show_counts([f"class_{i}" for i in range(N)], _counts(N))
    assert Qt.ItemDataRole.SizeHintRole not in asked and len(asked) < N
    assert view.verticalHeader().sizeHint().width() == view.verticalHeader().width()
    assert view.horizontalHeader().sizeHint().height() == view.horizontalHeader().height()


def test_class_names_with_markup_show_literally_in_the_tooltips(qtbot: QtBot) -> None:
    """A class folder named like markup: Qt would draw `<b>bold</b>` bold and `<img src=...>` as a picture."""
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.show_counts(["<b>bold</b>", "<img src=x.png>", "plain"], [[1, 1, 0], [0, 2, 0], [0, 0, 2]])
    shown = f"1 image of '{FSI}<b>bold</b>{PDI}' predicted as '{FSI}<img src=x.png>{PDI}'"
    assert as_shown(tooltip(view, 0, 1)) == shown
    assert as_shown(heading(view, 0, tooltip=True)) == "<b>bold</b>"
    assert heading(view, 2, vertical=True, tooltip=True) == "plain"  # a plain name's tooltip is as it was
