"""Small reusable widgets: empty-state panels, a message area, thumbnails from files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from PySide6.QtCore import QCoreApplication, QMargins, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDropEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyleOptionGroupBox,
    QStylePainter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.gui.widgets.hidpi import device_ratio, sharp_pixmap
from desktop_cls.gui.widgets.literal_text import breakable, literal, plain_label

if TYPE_CHECKING:
    import numpy as np

    from desktop_cls.core.data.thumbnail_cache import ThumbnailCache

TableT = TypeVar("TableT", bound=QTableWidget)
T = TypeVar("T")


def sentences(*parts: str) -> str:
    """Sentences in a row as the language writes them: English puts a space between two, Chinese none (a
    space after "。" shows as a gap). Empty parts are left out."""
    text = ""
    for part in filter(None, parts):
        text = QCoreApplication.translate(
            "Sentences", "{0} {1}", "two sentences in a row").format(text, part) if text else part
    return text


def button(text: str, name: str, tip: str = "") -> QPushButton:
    """A push button with a stable objectName and an accessible name (tests and screen readers use them)."""
    b = QPushButton(text)
    b.setObjectName(name)
    b.setAccessibleName(text.replace("&", "").rstrip("…"))
    b.setToolTip(literal(tip))
    return b


def left_row(widgets: Iterable[QWidget]) -> QHBoxLayout:
    """The widgets side by side from the left, the rest of the row empty."""
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row


def show_progress(bar: QProgressBar, done: int, total: int) -> None:
    """Set a progress bar's range and value, painted with the window's next frame: setValue repaints the bar on
    the spot, and with it the rest of the window waiting to be painted (the thumbnail grid, in a profile taken
    while a large folder was checked), once per report instead of once per frame."""
    bar.setUpdatesEnabled(False)  # a repaint() asked for meanwhile does nothing
    try:
        bar.setRange(0, total)
        bar.setValue(done)
    finally:
        bar.setUpdatesEnabled(True)  # and this asks for an ordinary update()


def home_folder() -> str:
    """Where a file dialog opens when nothing nearer is known (never the folder the app was started in)."""
    return str(Path.home())


def read_only_table(table: TableT, name: str, accessible_name: str, headers: Sequence[str], stretch: int = 0,
                    select_rows: bool = True) -> TableT:
    """A table the user reads and selects in but never edits: named, headed, one column taking the spare width,
    no row numbers; whole rows selected unless select_rows is False. One Tab stop: Tab leaves the table
    (the arrow keys move inside it) instead of walking it cell by cell."""
    table.setTabKeyNavigation(False)
    table.setColumnCount(len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    if select_rows:
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    return table


def accept_as_copy(event: QDropEvent) -> None:
    """Take a drag or drop as a copy: the app reads or copies what is dropped, never takes it away, and a source
    told "moved" (a file manager) may delete its original."""
    event.setDropAction(Qt.DropAction.CopyAction)
    event.accept()


class EmptyState(QWidget):
    """'No dataset yet — open a folder or try the demo': every empty panel says what to do."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.label = plain_label()  # "Reading {folder}…" names the user's folder
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setObjectName("emptyStateLabel")
        f = self.label.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.label.setFont(f)
        lay.addStretch(1)
        lay.addWidget(self.label)
        lay.addStretch(1)
        self.set_text(text)

    def set_text(self, text: str) -> None:
        """TEXT wrapped within a name with no space in it too (a folder or run name can be 200 characters)."""
        self.label.setText(breakable(text))
        self.label.setAccessibleName(text)


def split_with_empty_state(empty_text: str, left: QWidget, right: QWidget,
                           stretch: tuple[int, int] = (3, 2)) -> tuple[QStackedWidget, EmptyState]:
    """A page body: the empty state that teaches what to do first, then left | right once there is content
    (show it with stack.setCurrentIndex(1))."""
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    empty = EmptyState(empty_text)
    stack = QStackedWidget()
    stack.addWidget(empty)
    stack.addWidget(split)
    return stack, empty


_thumbnails: dict[Path, ThumbnailCache] = {}  # the cache of each cache folder (the data folder can change)


def load_thumbnail(path: str, side: int) -> QImage:
    """Decoded off the UI thread (QImage is safe there), through the content-keyed disk cache, so a folder
    opened again is not decoded again; a null QImage when the file is unreadable."""
    return load_thumbnails([path], side)[0][1]


def load_thumbnails(paths: Sequence[str], side: int,
                    stop: Callable[[], bool] | None = None) -> list[tuple[str, QImage]]:
    """load_thumbnail for each path, until `stop()` says so (what is done comes back): one request of the grid.
    Its cache entries are written together, and its imports and cache are looked up once, not per picture."""
    from desktop_cls.core.data.thumbnail_cache import ThumbnailCache
    from desktop_cls.core.errors import ImageLoadError
    from desktop_cls.core.storage import user_cache_dir

    folder = user_cache_dir()
    cache = _thumbnails.get(folder)
    if cache is None:
        cache = _thumbnails[folder] = ThumbnailCache(folder / "thumbnails")
    rgb888 = QImage.Format.Format_RGB888
    done = []
    for path, thumb in cache.thumbnails(paths, side, stop):
        if isinstance(thumb, ImageLoadError):
            done.append((path, QImage()))
        else:  # copied: the image owns its pixels, as `thumb` goes
            done.append((path, QImage(thumb.rgb, thumb.width, thumb.height, 3 * thumb.width, rgb888).copy()))
    return done


def qimage_to_rgb(img: QImage) -> np.ndarray:
    """H x W x 3 uint8 copy of a QImage (any format); H x W x 4 (RGBA, not premultiplied) for one with an alpha
    channel, whose transparency the engine shows as it does a file's: how a webcam or video frame reaches the model."""
    import numpy as np

    channels = 4 if img.hasAlphaChannel() else 3
    rgb = img.convertToFormat(QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    buf = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * h).reshape(h, stride)
    return buf[:, : w * channels].reshape(h, w, channels).copy()


def on_white(img: QImage) -> QImage:
    """An opaque copy as the app shows every picture: transparency on white, as the engine reads files and
    frames (Qt's own conversion keeps whatever colour a transparent pixel holds: black in premultiplied frames)."""
    if not img.hasAlphaChannel():
        return img.convertToFormat(QImage.Format.Format_RGB888)
    shown = QImage(img.size(), QImage.Format.Format_RGB888)
    shown.fill(QColor(255, 255, 255))
    painter = QPainter(shown)
    painter.drawImage(0, 0, img)
    painter.end()
    return shown


def rgb_array_to_qimage(arr: object) -> QImage:
    import numpy as np

    a = np.ascontiguousarray(arr, dtype=np.uint8)
    h, w = a.shape[:2]
    return QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ScaledImageLabel(QLabel):
    """Shows a picture as large as fits, keeping its aspect ratio, and refits when resized."""

    double_clicked = Signal()  # pages open the picture in the image viewer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: QPixmap | None = None
        self._smooth = True
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setTextFormat(Qt.TextFormat.PlainText)  # its text names the file it could not show

    def set_image(self, pixmap: QPixmap, smooth: bool = True) -> None:
        self._source = pixmap
        self._smooth = smooth
        self._refit()

    def source(self) -> QPixmap | None:
        return self._source

    def clear_image(self) -> None:
        """No picture (QLabel.clear alone would bring the last one back at the next resize)."""
        self._source = None
        self.clear()

    def _refit(self) -> None:
        if self._source is None or self._source.isNull():
            return
        # scaled to the label's device pixels: sharp at 150-200 % (a logical-size pixmap is stretched, blurred)
        self.setPixmap(sharp_pixmap(self._source, self.size(), device_ratio(self), self._smooth))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit()
        event.accept()


class CollapsibleGroup(QGroupBox):
    """A checkable group that holds one body: ticked, the body in a frame; unticked, the title alone, with no empty
    frame under it (a collapsed group box still draws its frame and margins)."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.setCheckable(True)
        self.setChecked(False)
        self._layout = QVBoxLayout(self)
        self._margins = self._layout.contentsMargins()  # the style's, for when it is open
        self.toggled.connect(self._show)

    def set_body(self, body: QWidget) -> None:
        self._layout.addWidget(body)
        self._show(self.isChecked())

    def _show(self, on: bool) -> None:
        for i in range(self._layout.count()):
            item = self._layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setVisible(on)
        self._layout.setContentsMargins(self._margins if on else QMargins(0, 0, 0, 0))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Closed: the check box and title only, as QGroupBox paints them, without the frame."""
        if self.isChecked():
            super().paintEvent(event)
            return
        option = QStyleOptionGroupBox()
        self.initStyleOption(option)
        option.subControls = QStyle.SubControl.SC_GroupBoxCheckBox | QStyle.SubControl.SC_GroupBoxLabel
        QStylePainter(self).drawComplexControl(QStyle.ComplexControl.CC_GroupBox, option)


class TurnCache:
    """Answers kept until the event loop next runs: the slots one click sets off, asking the same question, get one
    computation (the Train form's plan was asked 4-7 times a click, 12 ms each); nothing outlives the click."""

    def __init__(self) -> None:
        self._kept: dict[Any, tuple[Any, Any]] = {}

    def get(self, key: Any, compute: Callable[[], T], keep: Any = None) -> T:
        """compute() once per key this turn; `keep` is held with the answer (an object whose id is in the key)."""
        if key in self._kept:
            return cast(T, self._kept[key][1])
        if not self._kept:
            QTimer.singleShot(0, self._kept.clear)
        value = compute()
        self._kept[key] = (keep, value)
        return value
