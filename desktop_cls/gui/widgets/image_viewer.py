"""One viewer for every image the app shows small: thumbnails, mistakes, problem files, heat maps.

Zoom (wheel with Ctrl, + and -), fit (F or 0), actual size (1), next/previous (arrows, Page keys, Space);
the file's name, what the app knows about it (its class, a prediction) and its path; Esc closes.
Pictures decode on a thread pool, so a 40-megapixel photo does not freeze the window.
"""

from __future__ import annotations

import shutil
import sys
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Generic, TypeVar, overload

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.i18n import isolated, without_direction_controls
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.dialogs import warn
from desktop_cls.gui.widgets.hidpi import at_ratio, device_ratio, follow_ratio
from desktop_cls.gui.widgets.literal_text import show_plainly
from desktop_cls.gui.work.tasks import Lane, TaskRunner

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 32.0
FILE_MANAGER_OPENERS = ("xdg-open", "gio", "kde-open", "gnome-open", "exo-open")
T = TypeVar("T")


class MappedItems(Sequence[tuple[str, str]], Generic[T]):
    """The viewer's (path, caption) of each of SOURCE's elements, made by MAKE as the viewer shows it: the list of
    them all, made when a 100,000-image grid opened the viewer, kept the UI thread 0.1 s."""

    def __init__(self, source: Sequence[T], make: Callable[[T], tuple[str, str]]) -> None:
        self._source, self._make = source, make

    def __len__(self) -> int:
        return len(self._source)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._make(self._source[index])


def reveal_available() -> bool:
    """Whether 'Show in folder' can work here: Windows and macOS always have a file manager; a Linux
    machine needs an opener (a server or a bare container often has none, and Qt then fails silently)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return any(shutil.which(tool) for tool in FILE_MANAGER_OPENERS)


def reveal_in_folder(parent: QWidget, path: str) -> bool:
    """Open the folder that holds PATH in the file manager; say so, with the folder, when that fails."""
    target = Path(path)
    folder = target.parent if not target.is_dir() else target
    if reveal_available() and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    translate = QCoreApplication.translate  # the viewer's context, whichever widget asks
    warn(parent, translate("ImageViewer", "Show in folder"),
         translate("ImageViewer", "No file manager could be opened on this computer.\n\n"
                                  "The file is in:\n{0}").format(isolated(str(folder))))
    return False


def load_full(path: str) -> QImage:
    """The whole image (EXIF orientation applied; a big one too large to decode whole, its small copy, at least
    1,024 px on its shorter side), or a null QImage when the file cannot be read."""
    from desktop_cls.core.data.imaging import load_whole_or_small
    from desktop_cls.core.errors import ImageLoadError

    try:
        im, _small = load_whole_or_small(path)
    except (ImageLoadError, OSError):
        return QImage()
    data = im.tobytes()
    return QImage(data, im.width, im.height, 3 * im.width, QImage.Format.Format_RGB888).copy()


class _ZoomView(QGraphicsView):
    zoomed = Signal(float)  # wheel steps with Ctrl held: positive zooms in

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoomed.emit(event.angleDelta().y() / 120)
            event.accept()
        else:
            super().wheelEvent(event)


class ImageViewer(QDialog):
    """Shows items[index] large; items are (path, caption) pairs, pictures optional replacements by path
    (a heat map over the image, say)."""

    def __init__(self, items: Sequence[tuple[str, str]], index: int, parent: QWidget | None = None,
                 pictures: Mapping[str, QImage] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAccessibleName(self.tr("Image viewer"))
        self.items: Sequence[tuple[str, str]] = items
        self.pictures: Mapping[str, QImage] = pictures or {}
        self.index = 0
        self.zoom = 1.0
        self.fit = True
        self._request = 0
        self._work = TaskRunner(self)  # decoding on the images lane; moving on cancels the picture not started

        self._build_labels()
        self._build_view()
        lay = QVBoxLayout(self)
        lay.addWidget(self.name_label)
        lay.addWidget(self.caption_label)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.path_label)
        lay.addLayout(self._build_buttons())
        self._bind_keys()
        em = self.fontMetrics().horizontalAdvance("M")
        width, height = em * 70, self.fontMetrics().height() * 40
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(width, screen.width() * 9 // 10), min(height, screen.height() * 9 // 10))  # small laptops

        self.go(index)

    def _build_labels(self) -> None:
        """The file's name, its caption (classes, confidence), its path and the zoom status."""
        self.name_label = QLabel()
        self.name_label.setObjectName("viewerName")
        f = self.name_label.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.name_label.setFont(f)
        self.caption_label = QLabel()
        self.caption_label.setObjectName("viewerCaption")
        self.caption_label.setWordWrap(True)
        self.path_label = QLabel()
        self.path_label.setObjectName("viewerPath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("viewerStatus")
        show_plainly(self.name_label, self.caption_label, self.path_label, self.status_label)  # the user's names

    def _build_view(self) -> None:
        """The picture in a zoomable, draggable scene that follows the screen's pixel ratio."""
        self.scene = QGraphicsScene(self)
        self.pixmap_item = QGraphicsPixmapItem()
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.pixmap_item)
        self.view = _ZoomView(self.scene)
        self.view.setObjectName("viewerView")
        self.view.setAccessibleName(self.tr("Image"))
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.view.zoomed.connect(lambda steps: self.set_zoom(self.zoom * ZOOM_STEP ** steps))
        follow_ratio(self.view, self._ratio_changed)

    def _build_buttons(self) -> QHBoxLayout:
        """Previous / next, zoom, fit, 100 %, show in folder, close."""
        self.prev_button = _button(self.tr("◀ Previous"), "viewerPrevButton", self.tr("Previous image (Left)"))
        self.prev_button.clicked.connect(lambda: self.go(self.index - 1))
        self.next_button = _button(self.tr("Next ▶"), "viewerNextButton", self.tr("Next image (Right)"))
        self.next_button.clicked.connect(lambda: self.go(self.index + 1))
        fit = _button(self.tr("Fit"), "viewerFitButton", self.tr("Fit the window (F)"))
        fit.clicked.connect(self.fit_to_window)
        actual = _button(self.tr("100 %"), "viewerActualSizeButton", self.tr("One image pixel per screen pixel (1)"))
        actual.clicked.connect(lambda: self.set_zoom(1.0))
        zoom_in = _button("+", "viewerZoomInButton", self.tr("Zoom in (+, or Ctrl and the mouse wheel)"))
        zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom * ZOOM_STEP))
        zoom_out = _button("−", "viewerZoomOutButton", self.tr("Zoom out (-)"))
        zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom / ZOOM_STEP))
        self.reveal_button = _button(self.tr("Show in folder"), "viewerRevealButton",
                                     self.tr("Open the folder with this file in the file manager"))
        self.reveal_button.clicked.connect(lambda: reveal_in_folder(self, self.current_path()))
        self.reveal_button.setVisible(reveal_available())
        close = _button(self.tr("Close"), "viewerCloseButton", self.tr("Esc"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        for b in (self.prev_button, self.next_button, zoom_out, zoom_in, fit, actual):
            row.addWidget(b)
        row.addWidget(self.status_label, 1)
        row.addWidget(self.reveal_button)
        row.addWidget(close)
        return row

    def _bind_keys(self) -> None:
        """The viewer's keys (the F1 list shows them), working from any child of the viewer."""
        keys = {
            self._previous: ("Left", "PgUp", "Backspace"),
            self._next: ("Right", "PgDown", "Space"),
            lambda: self.go(0): ("Home",),
            lambda: self.go(len(self.items) - 1): ("End",),
            lambda: self.set_zoom(self.zoom * ZOOM_STEP): ("+", "=", "Ctrl++"),
            lambda: self.set_zoom(self.zoom / ZOOM_STEP): ("-", "Ctrl+-"),
            self.fit_to_window: ("F", "0"),
            lambda: self.set_zoom(1.0): ("1",),
        }
        for slot, sequences in keys.items():
            for seq in sequences:
                sc = QShortcut(QKeySequence(seq), self)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(slot)

    # ---- navigation ----------------------------------------------------------------------------
    def _previous(self) -> None:
        self.go(self.index - 1)

    def _next(self) -> None:
        self.go(self.index + 1)

    def set_items(self, items: Sequence[tuple[str, str]], index: int,
                  pictures: Mapping[str, QImage] | None = None) -> None:
        self.items = items
        self.pictures = pictures or {}
        self.fit = True
        self.go(index)

    def current_path(self) -> str:
        return self.items[self.index][0] if self.items else ""

    def go(self, index: int) -> None:
        """Show items[index] (clamped to the list), decoding it in the background."""
        if not self.items:
            return
        self.index = max(0, min(index, len(self.items) - 1))
        path, caption = self.items[self.index]
        self.setWindowTitle(self.tr("{0} — image {1} of {2}").format(  # (the desktop draws it: no isolates)
            without_direction_controls(Path(path).name), self.index + 1, len(self.items)))
        self.name_label.setText(Path(path).name)
        self.caption_label.setText(caption)
        self.caption_label.setVisible(bool(caption))
        self.path_label.setText(path)
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.items) - 1)
        self._request += 1
        picture = self.pictures.get(path)
        if picture is not None:
            self._on_loaded(self._request, picture)
        else:
            self.status_label.setText(self.tr("Loading…"))
            self._work.cancel_lane(Lane.IMAGES)
            number = self._request
            self._work.start("picture", lambda progress, cancel: load_full(path),
                             lambda image: self._on_loaded(number, image), lane=Lane.IMAGES)

    def _on_loaded(self, number: int, image: QImage) -> None:
        if number != self._request:
            return  # the user moved on before this one finished decoding
        if image.isNull():
            self.pixmap_item.setPixmap(QPixmap())
            folder = Path(self.current_path()).is_dir()
            self.status_label.setText(self.tr("This is a folder, not an image.") if folder else
                                      self.tr("This file cannot be shown: it is not a readable image."))
            return
        # one image pixel per device pixel at 100 %: sharp on a 150-200 % screen
        self.pixmap_item.setPixmap(at_ratio(image, device_ratio(self.view)))
        self.scene.setSceneRect(self.pixmap_item.boundingRect())
        if self.fit:
            self.fit_to_window()
        else:
            self.set_zoom(self.zoom)

    def image_size(self) -> tuple[int, int]:
        pix = self.pixmap_item.pixmap()
        return (0, 0) if pix.isNull() else (pix.width(), pix.height())

    # ---- zoom ----------------------------------------------------------------------------------
    def _ratio_changed(self, ratio: float) -> None:
        pix = self.pixmap_item.pixmap()
        if not pix.isNull():
            pix.setDevicePixelRatio(ratio)
            self.pixmap_item.setPixmap(pix)
            self.scene.setSceneRect(self.pixmap_item.boundingRect())
            if self.fit:
                self.fit_to_window()
            else:
                self.set_zoom(self.zoom)

    def fit_to_window(self) -> None:
        shown = self.pixmap_item.boundingRect()  # in pixels of the screen's layout: image size / ratio
        self.fit = True
        if shown.isEmpty():
            return
        vp = self.view.viewport().size()
        self._apply_zoom(min(vp.width() / shown.width(), vp.height() / shown.height()))

    def set_zoom(self, zoom: float) -> None:
        self.fit = False
        self._apply_zoom(zoom)

    def _apply_zoom(self, zoom: float) -> None:
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.view.resetTransform()
        self.view.scale(self.zoom, self.zoom)
        w, h = self.image_size()
        if w:
            fit = self.tr(" (fit)") if self.fit else ""
            self.status_label.setText(self.tr("{0}×{1} px · {2:.0%}{3}").format(w, h, self.zoom, fit))

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.fit:
            self.fit_to_window()

    def closeEvent(self, event: object) -> None:
        self._work.stop_all(5000)
        super().closeEvent(event)  # type: ignore[arg-type]


_VIEWERS: weakref.WeakKeyDictionary[QWidget, ImageViewer] = weakref.WeakKeyDictionary()


def viewer_of(owner: QWidget) -> ImageViewer | None:
    """The viewer OWNER opened, while it lives (the viewer is a child of the window, not of the owner)."""
    viewer = _VIEWERS.get(owner)
    return viewer if viewer is not None and shiboken6.isValid(viewer) else None


def close_viewer(owner: QWidget) -> None:
    """Close OWNER's viewer, if open: what it steps through is gone (another dataset opened)."""
    viewer = viewer_of(owner)
    if viewer is not None:
        viewer.close()


def open_viewer(owner: QWidget, items: Sequence[tuple[str, str]], index: int,
                pictures: Mapping[str, QImage] | None = None) -> ImageViewer | None:
    """Show items[index] in OWNER's viewer (one per page, reused); None when there is nothing to show."""
    if not items or not 0 <= index < len(items):
        return None
    viewer = viewer_of(owner)
    if viewer is not None:
        viewer.set_items(items, index, pictures)
    else:
        viewer = ImageViewer(items, index, owner.window(), pictures)
        _VIEWERS[owner] = viewer
    viewer.show()
    viewer.raise_()
    viewer.activateWindow()
    return viewer
