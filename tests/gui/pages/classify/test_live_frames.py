"""A frame classified live (webcam, or a video played live) reaches the model prepared as the same frame of a video
classified as a file does: shrunk smoothly, not by keeping every n-th pixel, and its transparency kept; and it is
shown (and saved as a snapshot) as the app shows every picture, transparency on white."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.frames import resize_frame
from desktop_cls.gui.pages.classify.capture_panel import encode_jpeg
from desktop_cls.gui.pages.classify.classify_preview import PredictionPreview
from desktop_cls.gui.pages.classify.live_classifier import FRAME_SIDE, frame_for_model

SIZE = (224, 224)  # the models' usual input


def _qimage(arr: np.ndarray) -> QImage:
    h, w, channels = arr.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(np.ascontiguousarray(arr).data, w, h, channels * w, fmt).copy()


def _difference(frame: np.ndarray) -> float:
    """How far, on average per channel (0-255), the live path's model input is from the file path's."""
    live = frame_for_model(_qimage(frame))
    assert max(live.shape[:2]) <= FRAME_SIDE  # still shrunk before it is handed over
    file_view = resize_frame(frame, SIZE).astype(np.int16)
    live_view = resize_frame(live, SIZE).astype(np.int16)
    return float(np.abs(file_view - live_view).mean())


def _fine_detail(h: int = 720, w: int = 1280) -> np.ndarray:
    """A camera's frame with detail finer than the model's input: one-pixel stripes over a colour ramp."""
    frame = np.zeros((h, w, 3), np.uint8)
    frame[:, :, 0] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    frame[:, :, 1] = np.linspace(0, 255, h, dtype=np.uint8)[:, None]
    frame[:, ::2, 2] = 255  # every other column
    frame[::3, :, :] //= 2  # every third row darker
    return frame


def test_a_frame_with_fine_detail_reaches_the_model_as_the_file_path_prepares_it() -> None:
    assert _difference(_fine_detail()) < 8  # a nearest-pixel shrink, which kept one column in four: over 40


def test_a_portrait_frame_is_shrunk_too() -> None:
    frame = _fine_detail(h=1280, w=720)  # a phone's video held upright: narrow, but tall
    assert max(frame_for_model(_qimage(frame)).shape[:2]) == FRAME_SIDE
    assert _difference(frame) < 8


def test_a_transparent_frame_keeps_its_transparency_for_the_model() -> None:
    """A video with an alpha channel: the file path cuts it to its visible part and letterboxes it on white."""
    frame = np.zeros((720, 1280, 4), np.uint8)  # transparent black around...
    frame[200:520, 300:700, :3] = _fine_detail(320, 400)
    frame[200:520, 300:700, 3] = 255  # ...an opaque picture off the centre
    live = frame_for_model(_qimage(frame))
    assert live.shape[2] == 4 and live[0, 0, 3] == 0
    assert _difference(frame) < 10  # dropping the alpha showed the black around it, not cut away: over 100


def test_an_opaque_frame_with_an_alpha_channel_is_shown_to_the_model_as_it_is() -> None:
    """A camera's frame often comes as ARGB with every pixel opaque."""
    frame = np.dstack([_fine_detail(), np.full((720, 1280), 255, np.uint8)])
    image = _qimage(frame).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    live = frame_for_model(image)
    assert live.shape[2] == 4 and int(live[:, :, 3].min()) == 255
    assert float(np.abs(resize_frame(live, SIZE).astype(np.int16)
                        - resize_frame(frame[:, :, :3], SIZE).astype(np.int16)).mean()) < 8


def test_the_heat_map_of_a_transparent_frame_is_drawn_over_it_on_white(trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.gui.pages.classify.classifier_session import ClassifierSession

    session = ClassifierSession()
    session.load(str(trained_run[0]), allow_code=False)
    frame = np.zeros((90, 160, 4), np.uint8)  # transparent around an opaque square
    frame[20:70, 50:100] = (200, 40, 40, 255)
    pred, overlay = session.classify_frame(frame, heatmap=True, threshold=0.0)
    assert pred.label is not None
    assert overlay.shape == (90, 160, 3)  # the frame's size, three channels, as the preview draws it
    assert int(overlay[0, 0].min()) > 100  # white under the heat map's tint, not the black under the transparency


def _half_transparent() -> QImage:
    """A premultiplied frame, as Qt Multimedia hands them, red on the left and transparent on the right."""
    img = QImage(200, 100, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    for y in range(100):
        for x in range(100):
            img.setPixelColor(x, y, QColor(255, 0, 0))
    return img


def test_a_transparent_live_frame_shows_on_white_as_the_model_sees_it(qtbot: QtBot) -> None:
    """Qt's own conversion showed the transparent part black (premultiplied), unlike the model's input and files."""
    preview = PredictionPreview()
    qtbot.addWidget(preview)
    preview.show_frame(_half_transparent(), caption="cat 90%")
    source = preview.image.source()
    assert isinstance(source, QPixmap)
    shown = source.toImage()
    assert shown.pixelColor(190, 95) == QColor(255, 255, 255)  # below the caption's band
    assert shown.pixelColor(10, 95) == QColor(255, 0, 0)


def test_a_snapshot_of_a_transparent_frame_is_saved_on_white() -> None:
    saved = QImage.fromData(encode_jpeg(_half_transparent()))
    right, left = saved.pixelColor(150, 50), saved.pixelColor(50, 50)
    assert min(right.red(), right.green(), right.blue()) > 240
    assert left.red() > 230 and max(left.green(), left.blue()) < 30
