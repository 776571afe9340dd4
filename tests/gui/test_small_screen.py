"""The window on a 1366x768 laptop with its text at 150 %: 911x512 pixels of layout, less a title bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_wait

SCREEN_W, SCREEN_H = 1366 * 2 // 3, 768 * 2 // 3  # 911x512 at a scale factor of 1.5
TITLE_BAR = 40  # a title bar and a panel, generously


def _fill_pages(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "ten", classes=tuple(f"class_{i}" for i in range(10)), per_class=2)
    open_and_wait(qtbot, window, data)


@pytest.fixture
def small(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    """The window with a dataset of ten classes open, at the laptop's size."""
    _fill_pages(qtbot, window, tmp_path)
    window.resize(SCREEN_W, SCREEN_H - TITLE_BAR)
    return window


def _shown(window: MainWindow, key: str) -> QScrollArea:
    """Show the page; the scroll area it is shown in."""
    window.show_page(key)
    QApplication.processEvents()
    area = window.stack.current_area()
    assert area is not None, key
    return area


def test_the_window_can_shrink_to_a_laptop_screen_at_150_percent(qtbot: QtBot, window: MainWindow,
                                                               tmp_path: Path) -> None:
    _fill_pages(qtbot, window, tmp_path)
    for key in window.pages:
        window.show_page(key)
        QApplication.processEvents()
        hint = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert hint.width() <= SCREEN_W and hint.height() <= SCREEN_H - TITLE_BAR, (key, hint)


def test_a_page_larger_than_the_window_keeps_its_room_and_scrolls(small: MainWindow) -> None:
    window = small
    scrolled = []
    for key, page in window.pages.items():
        area = _shown(window, key)
        need = page.minimumSizeHint()
        assert page.width() >= need.width() and page.height() >= need.height(), (key, page.size(), need)
        assert area.widget() is page
        view = area.viewport().size()
        assert area.verticalScrollBar().maximum() >= page.height() - view.height(), key  # all of it reachable
        assert area.horizontalScrollBar().maximum() >= page.width() - view.width(), key
        if page.height() > view.height():
            scrolled.append(key)
    assert scrolled  # the case this is about: some page needs more height than the window has
    window.resize(1280, 800)
    QApplication.processEvents()
    for key in window.pages:  # on a roomy screen nothing scrolls
        area = _shown(window, key)
        assert area.verticalScrollBar().maximum() == 0, key
        assert area.horizontalScrollBar().maximum() == 0, key


def _in_sight(widget: QWidget, viewport: QWidget) -> bool:
    """Its top edge inside the viewport, and some of its width (a control wider than the window shows a part)."""
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return 0 <= rect.top() < viewport.height() and rect.right() > 0 and rect.left() < viewport.width()


def test_tab_scrolls_each_control_of_a_page_into_sight(qtbot: QtBot, small: MainWindow) -> None:
    """A keyboard user on a small screen sees where the focus went: every Tab stop of the Export page (the
    tallest) is scrolled into the window as Tab reaches it."""
    window = small
    window.activateWindow()
    page, area = window.export_page, _shown(window, "export")
    page.model_edit.setFocus(Qt.FocusReason.TabFocusReason)
    seen, lowest = 0, 0
    for _ in range(40):
        focused = QApplication.focusWidget()
        assert focused is not None
        if page.isAncestorOf(focused) and focused.isVisible():
            assert _in_sight(focused, area.viewport()), focused.objectName() or type(focused).__name__
            seen += 1
            lowest = max(lowest, area.verticalScrollBar().value())
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        QApplication.processEvents()
    assert seen >= 10 and lowest > 0  # the page did scroll down to the lower controls


def test_the_export_formats_wrap_their_words_instead_of_widening_the_page(small: MainWindow) -> None:
    """Each format's check box named the format and said what it is for in one line (780 px for ONNX int8):
    the Export page scrolled sideways on a laptop at 150 %. The words beside the box wrap now."""
    from PySide6.QtWidgets import QLabel

    window = small
    assert _shown(window, "export").horizontalScrollBar().maximum() == 0
    for fmt, check in window.export_page.checks.items():
        use = window.export_page.findChild(QLabel, f"{fmt.replace('-', '_')}Use")
        assert use is not None and use.text() == check.accessibleDescription() and use.isEnabled() == check.isEnabled()
        assert use.height() >= use.heightForWidth(use.width()), fmt  # every wrapped line shows


def test_the_classify_buttons_sit_under_its_options_so_the_page_never_scrolls_sideways(small: MainWindow) -> None:
    """Scrolling down is expected on such a screen; sideways, the options and the five buttons in one row hid
    the Webcam button behind the right edge and squeezed the model field to four letters."""
    window = small
    assert _shown(window, "classify").horizontalScrollBar().maximum() == 0
    model_edit = window.classify_page.controls.model_edit
    assert model_edit.width() >= model_edit.sizeHint().width()
