"""Fusion with check boxes and radio buttons that can be seen on a dark palette.

Fusion outlines an indicator with a shade of the window colour and fills it with Base; on our dark
palette both are within a few levels of the window, so an unchecked box all but disappears (Past runs,
Advanced, the Export formats). This style draws Fusion's indicator and then an outline that keeps a 3:1
contrast with the window and the box's own fill, in either scheme.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

from desktop_cls.gui.widgets.colours import contrast, mix

OUTLINED = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)
MIN_CONTRAST = 3.0  # WCAG's figure for the parts of a control


def indicator_outline(palette: QPalette) -> QColor:
    """The least strong mix of Window towards Text that reads at 3:1 on both Window and Base."""
    window, base = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.WindowText)
    for step in range(4, 21):
        colour = mix(window, text, step / 20)
        if min(contrast(colour, window), contrast(colour, base)) >= MIN_CONTRAST:
            return colour
    return text


class VisibleIndicatorStyle(QProxyStyle):
    """Fusion; its check box and radio button indicators get an outline that reads on the palette."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in OUTLINED:
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


def style_name(style: QStyle) -> str:
    """A style's name, a proxy's being its base style's (QProxyStyle itself has none)."""
    if isinstance(style, QProxyStyle) and style.baseStyle() is not None:
        return style.baseStyle().name()
    return style.name()
