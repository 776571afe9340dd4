"""Fusion with check boxes, radio buttons and the keyboard focus that can be seen.

Fusion outlines an indicator with a shade of the window colour and fills it with Base; on our dark
palette both are within a few levels of the window, so an unchecked box all but disappears (Past runs,
Advanced, the Export formats). This style draws Fusion's indicator and then an outline that keeps a 3:1
contrast with the window and the box's own fill, in either scheme.

Fusion's focus frame (the current item of a list, table or thumbnail view, a check box's words, a tab) is
the selection colour at a third of its strength: faint on white and nothing at all on a selected item, so
Tab into the sidebar showed no focus anywhere. Here it is a solid two-pixel frame at 3:1 against what it is
drawn on, still only after a key moved the focus, as Fusion does.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

from desktop_cls.gui.widgets.colours import contrast, mix

OUTLINED = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)
# looked up once: the two overrides below run for every cell of every item view (a row's panel, a cell's rectangles)
_FOCUS_FRAME = QStyle.PrimitiveElement.PE_FrameFocusRect
_ITEM_FOCUS_RECT = QStyle.SubElement.SE_ItemViewItemFocusRect
MIN_CONTRAST = 3.0  # WCAG's figure for the parts of a control
FOCUS_WIDTH = 2


def indicator_outline(palette: QPalette) -> QColor:
    """The least strong mix of Window towards Text that reads at 3:1 on both Window and Base."""
    window, base = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.WindowText)
    for step in range(4, 21):
        colour = mix(window, text, step / 20)
        if min(contrast(colour, window), contrast(colour, base)) >= MIN_CONTRAST:
            return colour
    return text


def focus_frame_colour(palette: QPalette, selected: bool) -> QColor:
    """The selection colour on an unselected item or the window; on a selected item its text colour. Either is
    strengthened towards the text until it reads at 3:1 on both backgrounds it may lie on."""
    on: tuple[QColor, ...]
    if selected:
        on = (palette.color(QPalette.ColorRole.Highlight),)
        start, text = palette.color(QPalette.ColorRole.HighlightedText), palette.color(QPalette.ColorRole.Text)
    else:
        on = (palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Window))
        start, text = palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Text)
    for step in range(0, 21):
        colour = mix(start, text, step / 20)
        if min(contrast(colour, c) for c in on) >= MIN_CONTRAST:
            return colour
    return text


class VisibleIndicatorStyle(QProxyStyle):
    """Fusion; its check box and radio button indicators get an outline that reads on the palette."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        if element == _FOCUS_FRAME:
            self._draw_focus_frame(option, painter)
            return
        super().drawPrimitive(element, option, painter, widget)
        if element != OUTLINED[0] and element != OUTLINED[1]:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, element != OUTLINED[0])
        round_one = element != OUTLINED[0]  # antialiased: a little wider, so its edge reads as strongly
        painter.setPen(QPen(indicator_outline(option.palette), 1.4 if round_one else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = option.rect
        if element == OUTLINED[0]:
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        else:  # on pixel centres, so the antialiased circle is not smeared over two pixels at half strength
            painter.drawEllipse(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.restore()


    @staticmethod
    def _draw_focus_frame(option: QStyleOption, painter: QPainter) -> None:
        if not option.state & QStyle.StateFlag.State_KeyboardFocusChange:
            return  # the mouse moved the focus: no frame, as in Fusion
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(focus_frame_colour(option.palette, selected), FOCUS_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = 3 if selected else 1  # on a selection, a line inside it (at its edge it would merge with the ground)
        painter.drawRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset))
        painter.restore()

    def subElementRect(self, element: QStyle.SubElement, option: QStyleOption, widget: QWidget | None = None) -> QRect:
        """An item's focus frame goes round the whole item, its icon too, not only round its words."""
        if element == _ITEM_FOCUS_RECT:
            return option.rect
        return super().subElementRect(element, option, widget)  # type: ignore[arg-type]  # Qt takes no widget


def style_name(style: QStyle) -> str:
    """A style's name, a proxy's being its base style's (QProxyStyle itself has none)."""
    if isinstance(style, QProxyStyle) and style.baseStyle() is not None:
        return style.baseStyle().name()
    return style.name()
