"""Tooltips follow the app's dark palette: Qt gives its tooltips the platform theme's own palette (Qt's GTK theme:
light yellow with black text), which setting the application's palette does not reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QToolTip
from pytestqt.qtbot import QtBot

from desktop_cls.gui.widgets import colours, theme
from tests.gui.conftest import desktop_scheme

BASE, TEXT = QPalette.ColorRole.ToolTipBase, QPalette.ColorRole.ToolTipText


def gtk_tooltips() -> QPalette:
    """What Qt's GTK theme gives tooltips, light or dark desktop alike."""
    palette = QPalette(QApplication.palette())
    palette.setColor(BASE, QColor(255, 255, 220))
    palette.setColor(TEXT, QColor(0, 0, 0))
    return palette


@pytest.fixture(autouse=True)
def restore_theme(qapp: QApplication) -> Iterator[None]:
    palette, tips, style = QPalette(qapp.palette()), QPalette(QToolTip.palette()), qapp.style().name()
    QToolTip.setPalette(gtk_tooltips())
    yield
    QToolTip.hideText()
    theme._State.choice = "system"
    qapp.setStyle(style)
    qapp.setPalette(palette)
    QToolTip.setPalette(tips)


def shown_tooltip(qtbot: QtBot) -> tuple[QColor, QColor]:
    """The background and text colours of a tooltip shown now."""
    owner = QLabel("Epochs")
    qtbot.addWidget(owner)
    owner.show()
    QToolTip.showText(owner.mapToGlobal(QPoint(2, 2)), "How many times training goes through the images", owner)
    tips = [w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QTipLabel" and w.isVisible()]
    assert tips, "no tooltip shown"
    return tips[0].palette().color(BASE), tips[0].palette().color(TEXT)


def assert_dark_and_readable(shown: tuple[QColor, QColor]) -> None:
    base, text = shown
    assert base.lightness() < 128 and colours.contrast(text, base) >= 4.5, (base.name(), text.name())


def test_tooltips_are_dark_under_the_apps_dark_palette(qtbot: QtBot, qapp: QApplication) -> None:
    assert theme.apply_theme("dark") == "dark"  # offscreen: Fusion with our dark palette
    assert_dark_and_readable(shown_tooltip(qtbot))


def test_tooltips_are_dark_on_a_dark_platform_palette_with_light_tooltips(monkeypatch: pytest.MonkeyPatch,
                                                                          qtbot: QtBot, qapp: QApplication) -> None:
    """A dark GTK desktop: the platform's palette is dark, its tooltip roles the light yellow ones."""

    desktop_scheme(monkeypatch, Qt.ColorScheme.Dark)
    platform = QPalette(QColor(50, 50, 50))
    platform.setColor(BASE, QColor(255, 255, 220))
    platform.setColor(TEXT, QColor(0, 0, 0))
    monkeypatch.setattr(theme, "platform_palette", lambda: QPalette(platform))
    monkeypatch.setattr(theme._State, "following_system", False)
    assert theme.apply_theme("system") == "dark"
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(50, 50, 50)  # the platform's palette stays
    assert_dark_and_readable(shown_tooltip(qtbot))


def test_light_again_gives_light_tooltips(qtbot: QtBot, qapp: QApplication) -> None:
    theme.apply_theme("dark")
    theme.apply_theme("light")
    base, text = shown_tooltip(qtbot)
    assert base.lightness() >= 128 and colours.contrast(text, base) >= 4.5, (base.name(), text.name())
