"""How the confusion matrix paints a cell: a heat colour from the palette and the count centred on it.

A cell painted through the style costs a call from Qt into Python for each step (the delegate's options, then the
style proxy's sub-rectangles and primitives, three to five per cell) and lays its count out twice (once to see
whether it must be elided, once to draw it): a 30-class matrix spent most of a result's first paint there. An
ordinary cell (not selected, not current, not under the mouse, its count fitting) is drawn here instead with
what the style would draw for it, its count laid out once per text, width and font; any other cell, and any
style but Fusion, still goes through the style.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_cls.gui.widgets.colours import contrast, mix
from desktop_cls.gui.widgets.confusion_model import ConfusionModel
from desktop_cls.gui.widgets.indicator_style import style_name
from desktop_cls.gui.widgets.theme import readable_on

CONFUSION_RED = QColor(214, 48, 39)
MAX_REMEMBERED_COLOURS = 4096  # cell colours kept by the delegate (a few per cell and scheme)
MAX_REMEMBERED_TEXTS = 4096  # counts laid out, by text and width
_CENTRE = Qt.AlignmentFlag.AlignCenter
_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
_ROLE = QPalette.ColorRole
_STATE = QStyle.StateFlag
# an ordinary cell is enabled and in none of the other states, which the style draws (the selection's colours, the
# focus frame, a hover, a disabled view's colours)
_ENABLED = _STATE.State_Enabled
_NOT_ORDINARY = _ENABLED | _STATE.State_Selected | _STATE.State_HasFocus | _STATE.State_MouseOver | _STATE.State_Editing


def heat_colour(fraction: float, diagonal: bool, palette: QPalette) -> QColor:
    """Highlight colour for correct (diagonal) cells, red for confusions, mixed into the palette's Base:
    stronger with a larger share of the row, the Base itself for an empty cell; never so strong that the
    count on it (in Text or Base colour) reads worse than 4.5:1."""
    f = max(0.0, min(1.0, fraction))
    base = palette.color(QPalette.ColorRole.Base)
    if f <= 0:
        return base
    hue = palette.color(QPalette.ColorRole.Highlight) if diagonal else CONFUSION_RED
    strength = 0.12 + 0.78 * f
    colour = mix(base, hue, strength)
    while strength > 0.1 and contrast(readable_on(colour, palette), colour) < 4.5:
        strength -= 0.04
        colour = mix(base, hue, strength)
    return colour


def cell_colours(fraction: float, diagonal: bool, palette: QPalette) -> tuple[QColor, QColor]:
    """(background, text) of a cell: the text in the palette's Text or Base colour, whichever reads better."""
    background = heat_colour(fraction, diagonal, palette)
    return background, readable_on(background, palette)


class _Text(NamedTuple):
    layout: QTextLayout
    height: int  # of the laid-out line, rounded as the style rounds it to centre it
    fits: bool  # False: the style would elide it


class _Paint(NamedTuple):
    """What every ordinary cell of one paint shares: read once per paint, not once per cell."""

    colours: dict[tuple[float, bool], tuple[QColor, QColor]]  # of this palette, by share of the row and diagonal
    palette: QPalette  # the view's, in its Normal group (an enabled cell's)
    texts: dict[tuple[str, int], _Text]  # counts laid out in this font, style and direction, by text and width
    margin: int  # the style's room on each side of an item's text


class HeatDelegate(QStyledItemDelegate):
    """Paints each cell in its heat colour, worked out once per share of the row and palette colours (the contrast
    search ran for every cell at every repaint: a result shown, a hover, a selection). A cell's count and share
    come from the model's lists, not through data(): the style option asks for eight roles per painted cell, each
    a call from Qt into Python. The view calls begin_paint before each paint."""

    def __init__(self, counts: ConfusionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = counts
        self.colours: dict[tuple[int, int, int], dict[tuple[float, bool], tuple[QColor, QColor]]] = {}
        self.texts: dict[tuple[QFont, int, Qt.LayoutDirection], dict[tuple[str, int], _Text]] = {}
        self._paint: _Paint | None = None  # None: every cell through the style

    def _colours_of(self, palette: QPalette) -> dict[tuple[float, bool], tuple[QColor, QColor]]:
        key = (palette.color(_ROLE.Base).rgba(), palette.color(_ROLE.Highlight).rgba(),
               palette.color(_ROLE.Text).rgba())
        found = self.colours.get(key)
        if found is None:
            if len(self.colours) > 8:  # schemes seen: light, dark, and a few more
                self.colours.clear()
            found = self.colours[key] = {}
        return found

    def _colours(self, fraction: float, diagonal: bool, palette: QPalette,
                 colours: dict[tuple[float, bool], tuple[QColor, QColor]] | None = None) -> tuple[QColor, QColor]:
        known = self._colours_of(palette) if colours is None else colours
        found = known.get((fraction, diagonal))
        if found is None:
            if len(known) > MAX_REMEMBERED_COLOURS:
                known.clear()
            found = known[(fraction, diagonal)] = cell_colours(fraction, diagonal, palette)
        return found

    def begin_paint(self, view: QAbstractItemView) -> None:
        """Before a paint of VIEW: the palette, font and style its ordinary cells are painted with, read once."""
        style = view.style()
        if view.model() is not self.counts or style_name(style).lower() != "fusion":
            self._paint = None
            return
        palette = QPalette(view.palette())
        palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)  # as the view sets it for each enabled cell
        key = (QFont(view.font()), style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1,
               view.layoutDirection())
        texts = self.texts.get(key)
        if texts is None:
            if len(self.texts) > 8:  # the view's few font sizes
                self.texts.clear()
            texts = self.texts[key] = {}
        self._paint = _Paint(self._colours_of(palette), palette, texts, key[1])

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        r, c = index.row(), index.column()
        cell = self.counts.cell(r, c) if index.model() is self.counts else None
        if cell is None:
            super().initStyleOption(option, index)
            return
        text, fraction = cell  # what QStyledItemDelegate takes from data() for a count: text, centred
        option.index = self.counts.index(r, c)
        option.displayAlignment = _CENTRE
        option.features |= _HAS_DISPLAY
        option.text = text
        background, ink = self._colours(fraction, r == c, option.palette)
        option.backgroundBrush = QBrush(background)
        option.palette.setColor(_ROLE.Text, ink)
        # the ground the focus frame is drawn on: the style picks a frame colour that reads on it (the selection
        # blue of an unselected frame all but vanished on a correct-class cell, coloured with that blue)
        option.palette.setColor(_ROLE.Base, background)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """An ordinary cell as the style paints it (its background, then its count centred in the text rectangle,
        inside the style's margins), in one call; any other through the style."""
        now = self._paint
        r, c = index.row(), index.column()
        cell = self.counts.cell(r, c) if now is not None else None
        if now is None or cell is None or option.state & _NOT_ORDINARY != _ENABLED:
            super().paint(painter, option, index)
            return
        rect = option.rect
        width = rect.width()
        text = now.texts.get((cell[0], width))
        if text is None:
            if len(now.texts) > MAX_REMEMBERED_TEXTS:
                now.texts.clear()
            text = now.texts[(cell[0], width)] = _lay_out(cell[0], option.font, width - 2 * now.margin,
                                                          option.direction)
        if not text.fits:
            super().paint(painter, option, index)
            return
        background, ink = self._colours(cell[1], r == c, now.palette, now.colours)
        painter.save()
        painter.fillRect(rect, background)
        painter.setPen(ink)
        text.layout.draw(painter, QPointF(rect.x() + now.margin, rect.y() + rect.height() // 2 - text.height // 2))
        painter.restore()


def _lay_out(text: str, font: QFont, width: int, direction: Qt.LayoutDirection) -> _Text:
    """One line as QCommonStyle's viewItemDrawText lays an item's text out: no wrapping, centred, WIDTH wide."""
    layout = QTextLayout(text, QFont(font))
    text_option = QTextOption()
    text_option.setWrapMode(QTextOption.WrapMode.ManualWrap)
    text_option.setTextDirection(direction)
    text_option.setAlignment(QStyle.visualAlignment(direction, _CENTRE))
    layout.setTextOption(text_option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(width)
    line.setPosition(QPointF(0, 0))
    layout.endLayout()
    return _Text(layout, layout.boundingRect().size().toSize().height(), line.naturalTextWidth() <= width)
