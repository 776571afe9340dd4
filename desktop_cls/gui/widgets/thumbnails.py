"""A list model of image files whose thumbnails load lazily on a thread pool, with an LRU cache.

Only rows the view asks for are decoded, through core's content-keyed disk cache (a folder opened again is
not decoded again), so a grid over 100,000 images stays smooth. Scrolling fast asks for thousands of rows
that are gone a moment later: only the latest MAX_QUEUED requests wait, older ones are cancelled before
they start, so the rows in sight are never queued behind rows scrolled past.

The rows a paint asks for are decoded in batches of BATCH, one request each, and each batch comes back to the
UI thread as one call with one repaint: a request per thumbnail (its relay, its queued calls, its repaint)
added up to stalls while scrolling fast under load.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from math import ceil
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QDrag, QFont, QFontMetrics, QImage, QPainter, QPixmap, QRegion, QTextLayout
from PySide6.QtWidgets import QListView

from desktop_cls.core.events import CancelToken
from desktop_cls.gui.widgets.common import load_thumbnails
from desktop_cls.gui.widgets.hidpi import at_ratio, device_pixels, device_ratio, follow_ratio
from desktop_cls.gui.widgets.literal_text import literal
from desktop_cls.gui.widgets.thumbnail_drag import SelectionDrag
from desktop_cls.gui.work.tasks import Lane, Task, TaskRunner

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_QUEUED = 256  # about four screens of thumbnails
BATCH = 16  # thumbnails decoded by one request and handed back together
SMALL_SELECTION = 256  # rows whose own rectangles a selection change repaints; more: the rows in sight
NEAR_ROWS = 4  # rows either side of a removal's hint looked at before mapping every path


def caption_line_height(font: QFont) -> int:
    """The height of a caption line that holds Chinese too (class names often are): drawn from a fallback font,
    a Chinese line is taller than the font's own lines, and a tile sized by those lost its second line."""
    layout = QTextLayout("Ag国", font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    return max(QFontMetrics(font).height(), ceil(line.height()))


class ThumbnailGrid(QListView):
    """The view of a ThumbnailModel (see `configure_view`), whose selection changes cost the rows in sight."""

    def selectAll(self) -> None:
        """Every row as one range. Qt's list view goes through the rows looking for hidden ones, asking the model
        for its row count at each (a Python call): Ctrl+A on 100,000 thumbnails. A grid hides none."""
        model, chosen = self.model(), self.selectionModel()
        if model is None or chosen is None or self.selectionMode() not in (
                QListView.SelectionMode.ExtendedSelection, QListView.SelectionMode.MultiSelection):
            super().selectAll()
            return
        rows = model.rowCount(self.rootIndex())
        if rows:
            everything = QItemSelection(model.index(0, 0, self.rootIndex()), model.index(rows - 1, 0, self.rootIndex()))
            chosen.select(everything, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """The selection travels by reference (thumbnail_drag): Qt's own drag start went through every selected row
        (a Python call each) and made a file URL for each, 100,000 of them after a Ctrl+A."""
        model, chosen = self.model(), self.selectionModel()
        if not isinstance(model, ThumbnailModel) or chosen is None:
            super().startDrag(supportedActions)
            return
        selection = chosen.selection()
        ranges = [(selection.at(i).top(), selection.at(i).bottom()) for i in range(selection.size())]
        if not ranges:
            return
        drag = QDrag(self)
        drag.setMimeData(model.drag_data(ranges))
        icon = model.data(self.currentIndex(), Qt.ItemDataRole.DecorationRole)  # the thumbnail under the mouse
        if isinstance(icon, QPixmap) and not icon.isNull():
            drag.setPixmap(icon)
        drag.exec(supportedActions, Qt.DropAction.CopyAction)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        """What a selection change repaints. Qt's own goes through every row selected or unselected, asking the
        model for its row count four times a row (in Python here): Ctrl+A on 100,000 thumbnails, or clearing
        that selection, kept the UI thread 0.3 s. A big change repaints the viewport, all that can show it."""
        rows = 0
        for i in range(selection.size()):
            rows += selection.at(i).height()
            if rows > SMALL_SELECTION:
                return QRegion(self.viewport().rect())
        return super().visualRegionForSelection(selection)


class ThumbnailModel(QAbstractListModel):
    def __init__(self, side: int = 96, cache_size: int = 2000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.items: Sequence[tuple[str, str]] = []  # (path, caption); any sequence, read row by row
        self._row: dict[str, int] | None = {}  # path -> row of every item; None: not made since the last reset
        self.generation = 0  # counts changes of the rows: a drag of rows that changed since drops nothing
        self._asked: dict[str, int] = {}  # the row each waiting thumbnail was asked for
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._cache_size = cache_size
        self._pending: OrderedDict[str, Task | None] = OrderedDict()  # requested, oldest first; None: not sent yet
        self._send = QTimer(self)  # the rows one paint asks for leave together, once the paint is over
        self._send.setSingleShot(True)
        self._send.setInterval(0)
        self._send.timeout.connect(self._dispatch)
        self.batches = 0  # requests sent (each decodes up to BATCH thumbnails)
        self.decoded = 0  # thumbnails that came back from them
        self._item_size: QSize | None = None
        self._work = TaskRunner(self)  # decoding requests on the images lane; a new list cancels the queued ones
        self.set_ratio(device_ratio())

    def set_ratio(self, ratio: float) -> None:
        """Thumbnails for a screen at RATIO device pixels per pixel (sharp at 150-200 %): decoded at
        side x ratio pixels and shown at side. A new ratio reloads what is cached."""
        self.ratio = ratio
        self._pixels = device_pixels(self.side, ratio)  # decoded size of a thumbnail
        self._placeholder = self._filled(QColor(128, 128, 128, 60))
        self._broken = self._filled(QColor(200, 60, 60, 90))
        self.drop_cached()

    def _filled(self, colour: QColor) -> QPixmap:
        pix = QPixmap(self._pixels, self._pixels)
        pix.fill(colour)
        pix.setDevicePixelRatio(self.ratio)
        return pix

    def set_items(self, items: Sequence[tuple[str, str]]) -> None:
        """Show ITEMS. Nothing here goes through all of them (a dataset of 100,000 images arrives on the UI thread):
        rows are read as the view asks for them, and the path -> row map is made only if something needs it."""
        self.beginResetModel()
        self.items = items
        self.generation += 1
        self._row = None
        self._asked.clear()
        self._work.cancel_lane(Lane.IMAGES)
        self._pending.clear()
        self.endResetModel()

    def append_items(self, items: Sequence[tuple[str, str]]) -> None:
        """More rows after the last, without a reset (a folder's results arrive a batch at a time): the rows
        shown, the thumbnails asked for and the view's selection keep their places."""
        if not items:
            return
        start = len(self.items)
        self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
        rows = self.items if isinstance(self.items, list) else list(self.items)
        rows.extend(items)
        self.items = rows
        self._row = None  # made again on need
        self.endInsertRows()

    def _rows(self) -> dict[str, int]:
        """Every item's row by path (made on first need: removing rows, an override picture)."""
        if self._row is None:
            self._row = {p: i for i, (p, _) in enumerate(self.items)}
        return self._row

    def remove_paths(self, paths: set[str], near: int | None = None) -> None:
        """These rows leave without a reset: resetting 20,000 rows makes the view lay all of them out again. NEAR:
        where the caller knows they are (the Label page: the image it shows). The rows there are looked at first and
        the map of every path is made only when not all are found there: a key press labels one image, and that
        map of 20,000 paths was 12 ms of the UI thread at each."""
        rows = self._near(paths, near)
        if rows is None:
            every = self._rows()
            rows = [every[p] for p in paths if p in every]
        items = self.items if isinstance(self.items, list) else list(self.items)
        self.items = items
        self.generation += 1
        for row in sorted(rows, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del items[row]
            self.endRemoveRows()
        self._row = None
        self._asked.clear()

    def _near(self, paths: set[str], near: int | None) -> list[int] | None:
        """The rows of PATHS within NEAR_ROWS of row NEAR, or None when any of them is elsewhere."""
        if near is None:
            return None
        rows = [r for r in range(max(0, near - NEAR_ROWS), min(len(self.items), near + NEAR_ROWS + 1))
                if self.items[r][0] in paths]
        return rows if len(rows) == len(paths) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        path, caption = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return caption
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(path)  # a file's name is text, never markup
        if role == PATH_ROLE:
            return path
        if role == Qt.ItemDataRole.SizeHintRole and self._item_size is not None:
            return self._item_size  # one size for all: the picture and two lines of caption
        if role == Qt.ItemDataRole.DecorationRole:
            pix = self._cache.get(path)
            if pix is not None:
                self._cache.move_to_end(path)
                return pix
            if path not in self._pending:
                self._asked[path] = index.row()
                self._load(path)
            return self._placeholder
        return None

    def configure_view(self, view: QListView) -> None:
        """Icon grid sized for this model's thumbnails, with room for one line of caption."""
        view.setViewMode(QListView.ViewMode.IconMode)
        view.setIconSize(QSize(self.side, self.side))
        grid = QSize(self.side + 40, self.side + caption_line_height(view.font()) * 2 + 8)
        view.setGridSize(grid)
        self._item_size = grid - QSize(4, 4)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setUniformItemSizes(True)
        view.setMovement(QListView.Movement.Static)
        view.setWordWrap(True)
        view.setModel(self)
        follow_ratio(view, self.set_ratio)  # moved to a screen with another scaling
        if device_ratio(view) != self.ratio:
            self.set_ratio(device_ratio(view))
        view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        view.setDragEnabled(True)
        view.setDragDropMode(QListView.DragDropMode.DragOnly)

    def _square(self, image: QImage) -> QPixmap:
        """Centred on a transparent side x side canvas: the view sizes every item like the first one, so a
        portrait thumbnail after a landscape one lost its caption under the picture. The canvas has
        side x ratio device pixels; other pictures (a heat map at the file's own size) are scaled to fit it,
        small ones enlarged pixel for pixel as load_thumbnail does with small files (a 32 px heat map filled
        a third of a 96 px tile)."""
        px = self._pixels
        if image.width() == image.height() == px:
            return at_ratio(image, self.ratio)
        if image.width() > px or image.height() > px:
            image = image.scaled(px, px, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        elif image.width() < px and image.height() < px and not image.isNull():
            image = image.scaled(px, px, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
        canvas = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
        canvas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(canvas)
        painter.drawImage((px - image.width()) // 2, (px - image.height()) // 2, image)
        painter.end()
        return at_ratio(canvas, self.ratio)

    def _load(self, path: str) -> None:
        self._pending[path] = None
        self._send.start()
        while len(self._pending) > MAX_QUEUED:  # scrolled past: stop them before they start
            old, oldest = self._pending.popitem(last=False)
            self._asked.pop(old, None)
            if oldest is not None:
                oldest.cancel()  # its batch: the rest of it was asked for at the same time, so as long ago

    def _dispatch(self) -> None:
        """Send the rows asked for since the last paint, newest first (the lane takes requests in order)."""
        waiting = [p for p, task in self._pending.items() if task is None]
        waiting.reverse()
        for start in range(0, len(waiting), BATCH):
            self._decode(waiting[start:start + BATCH])

    def _decode(self, paths: list[str]) -> None:
        side = self._pixels

        def decode(progress: object, cancel: CancelToken) -> list[tuple[str, QImage]]:
            return load_thumbnails(paths, side, cancel.is_set)  # scrolled past or a new list: what is done comes back

        started: list[Task] = []  # the callbacks come queued, after this request was filed
        task = self._work.start("thumbnails", decode, lambda done: self._on_batch(started[0], paths, done),
                                on_cancelled=lambda: self._forget(started[0], paths), lane=Lane.IMAGES,
                                keep_result=True)
        started.append(task)
        self.batches += 1
        for path in paths:
            self._pending[path] = task

    def _forget(self, task: Task, paths: list[str]) -> None:
        """Paths a cancelled request did not decode leave the queue unless asked for again meanwhile."""
        for path in paths:
            if path in self._pending and self._pending[path] is task:
                del self._pending[path]
                self._asked.pop(path, None)

    def _on_batch(self, task: Task, paths: list[str], done: list[tuple[str, QImage]]) -> None:
        """One call and one repaint for the whole batch."""
        self.decoded += len(done)
        fresh = [(p, image) for p, image in done if self._pending.get(p) is task or p not in self._cache]
        rows = [r for r in (self._store(path, image, task, self._asked.pop(path, None)) for path, image in fresh)
                if r is not None]
        self._forget(task, paths)
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)), [Qt.ItemDataRole.DecorationRole])

    def _store(self, path: str, image: QImage, task: Task | None, row: int | None) -> int | None:
        """Cache one decoded picture; ROW when it still shows PATH there, else None (the picture is cached and
        shown when its row is painted again)."""
        if task is None or self._pending.get(path) is task:
            self._pending.pop(path, None)
        self._cache[path] = self._broken if image.isNull() else self._square(image)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return row if row is not None and row < len(self.items) and self.items[row][0] == path else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Dragged thumbnails carry their files, so class buttons and class lists can take them."""
        return self.drag_data([(i.row(), i.row()) for i in indexes if i.isValid()])

    def drag_data(self, ranges: list[tuple[int, int]]) -> QMimeData:
        """A drag of these rows (top, bottom), made without reading them: their paths are read at the drop, from
        the rows as they were (rows changed since: the drag drops nothing rather than other images)."""
        items, generation = self.items, self.generation

        def paths() -> list[str]:
            if generation != self.generation:
                return []
            return [items[r][0] for top, bottom in ranges for r in range(top, min(bottom, len(items) - 1) + 1)]

        return SelectionDrag(paths)

    def set_override(self, path: str, image: QImage) -> None:
        """Show this picture (e.g. a heatmap overlay, at any size) for a path instead of its file's thumbnail."""
        row = self._store(path, image, None, self._rows().get(path))
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.DecorationRole])

    def drop_cached(self) -> None:
        """Forget every cached picture so the next paint reloads plain thumbnails."""
        self._cache.clear()
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1), [Qt.ItemDataRole.DecorationRole])

    def shutdown(self) -> None:
        self._work.stop_all(5000)
