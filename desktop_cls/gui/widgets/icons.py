"""Icons from one set (Material Design Icons, through qtawesome's icon fonts): sharp at any scaling, and
tinted from the palette, so they re-tint when the theme changes.

The sidebar shows each step's icon with its status badge (a check when done, an alert when it needs
attention); menu actions get an icon by their object name where one helps.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QListWidget, QWidget

from desktop_cls.gui.widgets.theme import follow_palette

os.environ.setdefault("QT_API", "pyside6")  # qtawesome speaks to Qt through QtPy: the app's binding, no other
import qtawesome

PAGE_ICONS = {"data": "mdi6.folder-image", "label": "mdi6.tag-multiple-outline", "train": "mdi6.school-outline",
              "evaluate": "mdi6.chart-box-outline", "classify": "mdi6.image-search-outline",
              "export": "mdi6.package-variant-closed"}
# mid-tones that read on the light and on the dark theme (contrast about 4:1 on both)
STATUS_BADGES = {"done": ("mdi6.check-circle", QColor(40, 144, 40)),
                 "attention": ("mdi6.alert-circle", QColor(204, 96, 0))}
ACTION_ICONS = {
    "openFolderAction": "mdi6.folder-open-outline", "demoAction": "mdi6.shape-outline",
    "openModelAction": "mdi6.file-cog-outline", "quitAction": "mdi6.exit-to-app",
    "undoAction": "mdi6.undo", "redoAction": "mdi6.redo", "preferencesAction": "mdi6.cog-outline",
    "startTrainingAction": "mdi6.play", "pauseAction": "mdi6.pause", "stopAction": "mdi6.stop",
    "evaluateAction": "mdi6.chart-box-outline", "saveConfigAction": "mdi6.content-save-outline",
    "shortcutsAction": "mdi6.keyboard-outline", "aboutAction": "mdi6.information-outline",
    **{f"go{key.capitalize()}Action": name for key, name in PAGE_ICONS.items()},
}
BADGE_SCALE = 0.6  # of the icon, in its bottom-right corner


def _colours(palette: QPalette, colour: QColor | None) -> dict[str, QColor]:
    normal = colour or palette.color(QPalette.ColorRole.Text)
    return {"color": normal, "color_active": normal,
            "color_selected": colour or palette.color(QPalette.ColorRole.HighlightedText),
            "color_disabled": palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)}


def icon(name: str, palette: QPalette | None = None, colour: QColor | None = None) -> QIcon:
    """The icon NAME ("mdi6.play") in the palette's text colour (or COLOUR); drawn at whatever size asked."""
    return qtawesome.icon(name, **_colours(palette or QApplication.palette(), colour))


def page_icon(key: str, status: str = "none", palette: QPalette | None = None) -> QIcon:
    """A step's icon for the sidebar, with a status badge for "done" and "attention"."""
    pal = palette or QApplication.palette()
    glyph = PAGE_ICONS.get(key, "mdi6.circle-small")
    badge = STATUS_BADGES.get(status)
    if badge is None:
        return icon(glyph, pal)
    name, colour = badge
    offset = (1 - BADGE_SCALE) / 2
    ring = {"color": pal.color(QPalette.ColorRole.Base), "scale_factor": BADGE_SCALE + 0.12,
            "offset": (offset, offset)}  # a disc of the background under the badge, so it stands out
    ring.update({"color_active": ring["color"], "color_disabled": ring["color"],
                 "color_selected": pal.color(QPalette.ColorRole.Highlight)})
    mark = {**_colours(pal, colour), "scale_factor": BADGE_SCALE, "offset": (offset, offset)}
    return qtawesome.icon(glyph, "mdi6.circle", name, options=[_colours(pal, None), ring, mark])


class SidebarIcons(QObject):
    """Keeps the sidebar's icons in step with the steps' status and the palette. Items carry their step's
    key in Qt.UserRole; `set_status` is called with what AppState.status_changed says."""

    def __init__(self, sidebar: QListWidget) -> None:
        super().__init__(sidebar)
        self.sidebar = sidebar
        self.status: dict[str, str] = {}
        side = sidebar.fontMetrics().height()
        sidebar.setIconSize(QSize(round(side * 1.3), round(side * 1.3)))
        follow_palette(sidebar, self.refresh)

    def set_status(self, key: str, status: str) -> None:
        """Only that step's icon is drawn again, and only when its status changed (each icon is a few glyphs
        painted on the UI thread: a run chosen set four badges, which redrew all six icons four times)."""
        before = self.status.get(key, "none")
        self.status[key] = status
        if before == status:
            return
        pal = self.sidebar.palette()
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            if str(item.data(Qt.ItemDataRole.UserRole)) == key:
                item.setIcon(page_icon(key, status, pal))

    def refresh(self) -> None:
        pal = self.sidebar.palette()
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            key = str(item.data(Qt.ItemDataRole.UserRole))
            item.setIcon(page_icon(key, self.status.get(key, "none"), pal))


def decorate_actions(window: QWidget) -> None:
    """Give the window's actions their icons (by object name) now and again after a theme change."""

    def tint() -> None:
        pal = window.palette()
        for action in window.findChildren(QAction):
            name = ACTION_ICONS.get(action.objectName())
            if name:
                action.setIcon(icon(name, pal, None))

    follow_palette(window, tint)
