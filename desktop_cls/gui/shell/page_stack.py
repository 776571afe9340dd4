"""The pages, one at a time, each in a scroll area of its own.

A page needs a certain room (the Export page's format list, the Train page's form and curves). Laid out
directly in the window, the largest page's need became the window's minimum size: 995x574, more than a
1366x768 laptop at 150 % text size shows (911x512). The window manager then kept the window larger than the
screen, and the status bar and the right-hand controls lay off-screen where neither the mouse nor the keyboard
could reach them. In its scroll area a page keeps the room it needs and scrolls when the window is smaller, and
Tab scrolls the control it moves to into sight; each page needs only its own room, so a small page never
scrolls because another is large.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QStackedWidget, QWidget


def _least(page: QWidget, width: int) -> QSize:
    """The least size PAGE can be drawn at when WIDTH is offered: its layout's minimum, taller where words that wrap
    need more lines at that width (the minimum alone counts each wrapped label's shortest height)."""
    need = page.minimumSizeHint().expandedTo(page.minimumSize())
    layout = page.layout()
    if layout is not None and layout.hasHeightForWidth():
        need.setHeight(max(need.height(), layout.totalMinimumHeightForWidth(max(width, need.width()))))
    return need


class PageArea(QScrollArea):
    """One page: as large as the window gives, never smaller than its layout's minimum, scrolling the rest.

    Not QScrollArea's own widgetResizable: for a layout with word-wrapped labels it gives the page the height the
    layout prefers at that width (the Export page's 826 px), so a page scrolled even on a roomy screen."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setObjectName(f"{page.objectName() or type(page).__name__}Scroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the page's own controls are the Tab stops
        self.setWidget(page)
        page.installEventFilter(self)  # a page that needs more room (a longer list, Advanced opened) is refitted

    def fit(self) -> None:
        page = self.widget()
        if page is None:
            return
        room = self.maximumViewportSize()  # the viewport without scroll bars
        bar_w = self.verticalScrollBar().sizeHint().width()
        bar_h = self.horizontalScrollBar().sizeHint().height()
        need = _least(page, room.width())
        tall = need.height() > room.height()
        if tall:  # the vertical bar takes some width: wrapped words may need another line
            need = _least(page, room.width() - bar_w)
        wide = need.width() > room.width() - (bar_w if tall else 0)
        tall = tall or (wide and need.height() > room.height() - bar_h)
        size = QSize(max(need.width(), room.width() - (bar_w if tall else 0)),
                     max(need.height(), room.height() - (bar_h if wide else 0)))
        if page.size() != size:
            page.resize(size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handled = super().eventFilter(watched, event)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return handled


class PageStack(QStackedWidget):
    """A stacked widget of pages, each shown in a frameless scroll area that takes no Tab stop itself."""

    def __init__(self) -> None:
        super().__init__()
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the focus however it came (Tab from the sidebar, a mnemonic, a click)
            app.focusChanged.connect(self._show_focus)

    def add_page(self, page: QWidget) -> None:
        self.addWidget(PageArea(page))

    def _show_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The control that got the focus scrolled into sight: QScrollArea does so only for Tab pressed inside it."""
        area = self.current_area()
        if new is not None and area is not None and shiboken6.isValid(area):
            page = area.widget()
            if page is not None and page.isAncestorOf(new):
                area.ensureWidgetVisible(new)

    def page_at(self, index: int) -> QWidget | None:
        area = self.widget(index)
        return area.widget() if isinstance(area, QScrollArea) else None

    def current_page(self) -> QWidget | None:
        """The page on show (currentWidget() is its scroll area)."""
        return self.page_at(self.currentIndex())

    def current_area(self) -> QScrollArea | None:
        area = self.currentWidget()
        return area if isinstance(area, QScrollArea) else None
