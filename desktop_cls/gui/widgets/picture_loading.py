"""A preview's picture as the model sees it: through core's decoder (EXIF orientation applied, the pixel and memory
limits kept, transparency on white), at no more than the screen's size; a photo decoded on the images lane so the
window never waits for it, and a picture that arrives after the preview moved on is dropped."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QWidget

from desktop_cls.gui.work.tasks import Lane, TaskRunner

# pixels: a larger picture is decoded off the UI thread (12 MP took 0.5 s on it; a 0.9 MP clip-art PNG 20-47 ms,
# half a key press's 50 ms, at a load of 7 on 2 cores); 500 x 500 took 5-16 ms
LARGE_PICTURE = 250_000


def read_picture(path: str, limit: QSize) -> QImage | str:
    """The picture as the app decodes it for the model (core's decoder, as the thumbnails: EXIF orientation applied,
    the pixel and memory limits kept) at no more than `limit` device pixels; why not (the decoder's words) when the
    file cannot be shown. Plain pixels only: it runs on a worker thread for a large picture."""
    from desktop_cls.core.data.thumbnail_cache import decode_thumbnail
    from desktop_cls.core.errors import ImageLoadError

    try:
        thumb = decode_thumbnail(path, max(limit.width(), limit.height(), 1))
    except ImageLoadError as e:
        return e.message
    image = QImage(thumb.rgb, thumb.width, thumb.height, 3 * thumb.width, QImage.Format.Format_RGB888).copy()
    if image.width() > limit.width() or image.height() > limit.height():  # (a picture taller than the screen)
        image = image.scaled(limit, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return image


def screen_limit(widget: QWidget) -> QSize:
    """The most device pixels a preview on `widget`'s screen can show: its picture is never decoded larger."""
    return widget.screen().availableSize() * widget.devicePixelRatioF()


class PictureLoader(QObject):
    """One preview's pictures: `load` hands the picture (or why not) to `show`, at once for a small one, from the
    images lane for a large one or one whose header does not say its size. Only the latest request is shown: a
    newer `load`, or `forget` (the preview shows something else now: a video, a heat map), drops what is on its way."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = TaskRunner(self)
        self._request = 0  # the latest request's number: a picture of an older one is dropped when it arrives

    def load(self, path: str, limit: QSize, show: Callable[[QImage | str], object]) -> bool:
        """True when `show` was called already (a small picture); False when the picture is on its way."""
        self.forget()
        request = self._request
        size = QImageReader(path).size()  # the header only
        if size.isValid() and size.width() * size.height() <= LARGE_PICTURE:
            show(read_picture(path, limit))
            return True

        def arrived(picture: QImage | str) -> None:
            if request == self._request:  # (not one passed over meanwhile)
                show(picture)

        self._work.start("preview", lambda progress, cancel: read_picture(path, limit), arrived,
                         on_error=lambda message, _details: arrived(message), lane=Lane.IMAGES)
        return False

    def forget(self) -> None:
        """What is on its way is not shown, and one not started yet is not decoded."""
        self._request += 1
        self._work.cancel_lane(Lane.IMAGES)

    def pending(self) -> bool:
        """A decoding request has not ended yet (its picture, if still the latest, is not shown yet)."""
        return bool(self._work.tasks)

    def shutdown(self) -> None:
        self._work.stop_all(5000)
