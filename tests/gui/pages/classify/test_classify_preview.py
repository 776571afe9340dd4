"""The Classify page shows a classified file as the model saw it (the app's own decoder: EXIF turn, transparency on
white, the decoder's reason for a file it cannot read), a photo decoded off the UI thread, and a picture that
arrives after the preview moved on (another row, a video, a live frame, a heat map) never replaces what is shown.

A stand-in decoder waits for the test before it hands a large picture on, so nothing depends on how fast it runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPixmap
from pytestqt.qtbot import QtBot

from desktop_cls.core.inference.predictor import Prediction
from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets import picture_loading
from tests.gui.test_label_preview import phone_photo


def _page(window: MainWindow) -> ClassifyPage:
    cp = window.classify_page
    cp.model.model_loaded()  # as if a model were ready
    window.show_page("classify")
    cp.show_content()
    return cp


def _classified(cp: ClassifyPage, *paths: Path) -> None:
    """Rows as a model would give them; the first is selected, so the preview shows it."""
    cp.results.add([Prediction(str(p), "cat", 0.9, (("cat", 0.9), ("dog", 0.1))) for p in paths])


def _size(cp: ClassifyPage) -> tuple[int, int] | None:
    source = cp.preview.image.source()
    return None if source is None else (source.width(), source.height())


class GatedDecoder:
    """read_picture that waits for `go` before decoding, and notes the thread it ran on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.go = threading.Event()
        self.threads: list[threading.Thread] = []
        real = picture_loading.read_picture

        def gated(path: str, limit: QSize) -> QImage | str:
            self.threads.append(threading.current_thread())
            self.go.wait(30)
            return real(path, limit)

        monkeypatch.setattr(picture_loading, "read_picture", gated)


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Path]:
    from PIL import Image

    files = {"big": tmp_path / "big.png", "small": tmp_path / "small.png", "broken": tmp_path / "broken.png",
             "clear": tmp_path / "clear.png"}
    Image.new("RGB", (1200, 1000), (200, 30, 30)).save(files["big"])  # 1.2 MP: decoded on the images lane
    Image.new("RGB", (60, 40), (30, 30, 200)).save(files["small"])
    files["broken"].write_bytes(b"this is no picture at all" * 8)
    art = Image.new("RGBA", (60, 40), (0, 0, 0, 0))  # transparent, an opaque red square in the middle
    art.paste((255, 0, 0, 255), (20, 10, 40, 30))
    art.save(files["clear"])
    return files


def test_a_phone_photo_shows_upright_as_the_model_saw_it(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    photo = tmp_path / "phone.jpg"
    phone_photo(photo)  # pixels on their side (390 x 318), EXIF orientation 6
    cp = _page(window)
    _classified(cp, photo)
    qtbot.waitUntil(lambda: cp.preview.image.source() is not None, timeout=10_000)
    assert _size(cp) == (318, 390)  # upright, as the model saw it


def test_a_transparent_picture_shows_on_white_as_the_model_saw_it(qtbot: QtBot, window: MainWindow,
                                                                   pictures: dict[str, Path]) -> None:
    cp = _page(window)
    _classified(cp, pictures["clear"])
    qtbot.waitUntil(lambda: cp.preview.image.source() is not None, timeout=10_000)
    source = cp.preview.image.source()
    assert source is not None
    corner = source.toImage().pixelColor(0, 0)
    assert corner == QColor(255, 255, 255)  # white, not Qt's see-through (or black) pixel


def test_a_large_picture_is_decoded_off_the_ui_thread(qtbot: QtBot, window: MainWindow, pictures: dict[str, Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    decoder = GatedDecoder(monkeypatch)
    cp = _page(window)
    _classified(cp, pictures["big"])
    assert cp.preview.image.source() is None  # the window did not wait for it
    assert "Opening \u2068big.png\u2069" in cp.preview.image.text()
    assert cp.preview.caption.text().startswith("cat")  # the prediction is there at once
    decoder.go.set()
    qtbot.waitUntil(lambda: cp.preview.image.source() is not None, timeout=10_000)
    assert decoder.threads and threading.main_thread() not in decoder.threads
    size = _size(cp)
    assert size is not None and size[0] * 1000 == size[1] * 1200  # the whole picture, its shape kept


def _another_row(cp: ClassifyPage) -> None:
    cp.results.table.selectRow(1)


def _a_video(cp: ClassifyPage) -> None:
    cp.preview.clear("Video: walk.mp4")  # what classify_video does before its request


def _a_live_frame(cp: ClassifyPage) -> None:
    frame = QImage(64, 48, QImage.Format.Format_RGB888)
    frame.fill(QColor(0, 200, 0))
    cp.preview.show_frame(frame)


def _a_heat_map(cp: ClassifyPage) -> None:
    heat = QImage(32, 32, QImage.Format.Format_RGB888)
    heat.fill(QColor(250, 250, 0))
    cp.preview.set_image(QPixmap.fromImage(heat))


NEWER: dict[str, tuple[Callable[[ClassifyPage], None], tuple[int, int] | None]] = {
    "another row": (_another_row, (60, 40)), "a video": (_a_video, None), "a live frame": (_a_live_frame, (64, 48)),
    "a heat map": (_a_heat_map, (32, 32))}


@pytest.mark.parametrize("newer", NEWER)
def test_a_late_picture_never_replaces_a_newer_preview(qtbot: QtBot, window: MainWindow, pictures: dict[str, Path],
                                                       monkeypatch: pytest.MonkeyPatch, newer: str) -> None:
    decoder = GatedDecoder(monkeypatch)
    cp = _page(window)
    _classified(cp, pictures["big"], pictures["small"])
    assert cp.preview._pictures.pending()
    qtbot.waitUntil(lambda: bool(decoder.threads), timeout=10_000)  # the big one is being decoded
    action, shown = NEWER[newer]
    action(cp)
    assert _size(cp) == shown
    decoder.go.set()
    qtbot.waitUntil(lambda: not cp.preview._pictures.pending(), timeout=10_000)  # the late picture came and went
    assert _size(cp) == shown


def test_an_unreadable_file_shows_the_decoders_reason_not_the_picture_before(
        qtbot: QtBot, window: MainWindow, pictures: dict[str, Path]) -> None:
    cp = _page(window)
    _classified(cp, pictures["small"], pictures["broken"])
    assert _size(cp) == (60, 40)
    cp.results.table.selectRow(1)
    qtbot.waitUntil(lambda: "\u2068broken.png\u2069 cannot be read as an image" in cp.preview.image.text(),
                    timeout=10_000)
    assert cp.preview.image.source() is None  # the small picture does not stay under this file's name
    assert "not an image file" in cp.preview.image.text()  # the decoder's own words
