"""Pictures drawn for the screen's device-pixel ratio, so they are sharp at 150-200 % scaling.

A pixmap made at the widget's logical size is stretched by the screen and looks blurred; one made at
size x ratio with `setDevicePixelRatio(ratio)` has a device pixel for every screen pixel.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import QWidget


def device_ratio(widget: QWidget | None = None) -> float:
    """The device-pixel ratio WIDGET is shown at (the primary screen's before it is shown)."""
    if widget is not None:
        return max(1.0, float(widget.devicePixelRatioF()))
    screen = QGuiApplication.primaryScreen()
    return max(1.0, float(screen.devicePixelRatio())) if screen is not None else 1.0


def device_pixels(logical: int, ratio: float) -> int:
    """How many device pixels LOGICAL pixels cover at RATIO."""
    return max(1, math.ceil(logical * ratio - 1e-6))


def sharp_pixmap(picture: QImage | QPixmap, size: QSize, ratio: float, smooth: bool = True) -> QPixmap:
    """PICTURE fitted into SIZE (logical pixels, aspect ratio kept) at RATIO device pixels per pixel."""
    pix = picture if isinstance(picture, QPixmap) else QPixmap.fromImage(picture)
    if pix.isNull() or size.isEmpty():
        return QPixmap()
    target = QSize(device_pixels(size.width(), ratio), device_pixels(size.height(), ratio))
    mode = Qt.TransformationMode.SmoothTransformation if smooth else Qt.TransformationMode.FastTransformation
    out = pix.scaled(target, Qt.AspectRatioMode.KeepAspectRatio, mode)
    out.setDevicePixelRatio(ratio)
    return out


def at_ratio(picture: QImage, ratio: float) -> QPixmap:
    """PICTURE pixel for pixel, marked as drawn for RATIO (shown at size / ratio, nothing resampled)."""
    pix = QPixmap.fromImage(picture)
    pix.setDevicePixelRatio(ratio)
    return pix


class _RatioWatcher(QObject):
    def __init__(self, widget: QWidget, changed: Callable[[float], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._changed = changed
        self._ratio = device_ratio(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.DevicePixelRatioChange, QEvent.Type.ScreenChangeInternal, QEvent.Type.Show):
            ratio = device_ratio(self._widget)
            if ratio != self._ratio:
                self._ratio = ratio
                self._changed(ratio)
        return False


def follow_ratio(widget: QWidget, changed: Callable[[float], None]) -> None:
    """Call changed(ratio) when WIDGET moves to a screen with another device-pixel ratio."""
    _RatioWatcher(widget, changed)
