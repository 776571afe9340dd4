"""Live video through Qt Multimedia itself: a generated video file plays into the same QVideoSink path a
camera uses, so the frame path is tested on every machine, camera or not."""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow

av = pytest.importorskip("av")

from tests.videos import BLUE, RED, write_video  # noqa: E402


def close_to(rgb: tuple[int, int, int], want: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(rgb, want, strict=True))


def test_a_video_file_reaches_subscribers_frame_by_frame(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.classify.webcam import LiveVideoPanel

    video = write_video(tmp_path / "clip.mp4", [RED, BLUE], frames_each=10)
    panel = LiveVideoPanel()
    qtbot.addWidget(panel)
    colours: list[tuple[int, int, int]] = []
    sizes: set[tuple[int, int]] = set()

    def seen(img: QImage) -> None:
        sizes.add((img.width(), img.height()))
        c = img.pixelColor(32, 24)
        colours.append((c.red(), c.green(), c.blue()))

    panel.frame_arrived.connect(seen)
    with qtbot.waitSignal(panel.running_changed, timeout=5000) as started:
        assert panel.play_file(video)
    assert started.args == [True]
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)  # stops at the end
    assert sizes == {(64, 48)}
    assert len(colours) >= 15  # 20 frames were written; the player may drop one at either end
    assert close_to(colours[0], RED) and close_to(colours[-1], BLUE)
    assert all(close_to(c, RED) or close_to(c, BLUE) for c in colours)
    assert panel.frames_received == len(colours) and panel.last_image is not None


def test_live_predictions_follow_the_video(qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    """Red frames are a cat, blue ones a fish: the model sees what the video shows, as it plays."""
    cp = window.classify_page
    window.state.set_run(str(trained_run[0]))
    qtbot.waitUntil(lambda: cp.model.loaded, timeout=60_000)
    labels: list[str] = []
    cp.live.classified.connect(lambda pred: labels.append(pred.label))
    assert cp.live.webcam.play_file(write_video(tmp_path / "clip.mp4", [RED, BLUE], frames_each=30))
    assert cp.buttons["webcamButton"].isChecked()  # the button shows what runs, however it was started
    qtbot.waitUntil(lambda: not cp.live.webcam.running, timeout=30_000)
    qtbot.waitUntil(lambda: not cp.model.frame_busy, timeout=10_000)
    assert not cp.buttons["webcamButton"].isChecked()
    assert labels and labels[0] == "cat" and labels[-1] == "fish", labels
    assert cp.model.frames_shown == cp.live.webcam.frames_received
    assert 1 <= cp.model.frames_classified <= cp.model.frames_shown
    pix = cp.preview.image.source()
    assert pix is not None
    shown = pix.toImage()  # the last frame, with its prediction drawn on it
    c = shown.pixelColor(shown.width() - 1, shown.height() - 1)
    assert close_to((c.red(), c.green(), c.blue()), BLUE)
    assert cp.preview.caption.text().startswith("fish")


def test_pause_freezes_a_video_and_ignores_frames(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.classify.webcam import LiveVideoPanel

    panel = LiveVideoPanel()
    qtbot.addWidget(panel)
    panel.play_file(write_video(tmp_path / "clip.mp4", [RED], frames_each=60))
    qtbot.waitUntil(lambda: panel.frames_received >= 2, timeout=10_000)
    panel.pause_button.setChecked(True)
    n = panel.frames_received
    qtbot.wait(500)
    assert panel.frames_received == n and panel.running
    panel.pause_button.setChecked(False)
    qtbot.waitUntil(lambda: panel.frames_received > n, timeout=10_000)
    panel.stop()
    assert not panel.running


def test_an_unplayable_file_says_so_and_stops(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.classify.webcam import LiveVideoPanel

    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00not a video" * 100)
    panel = LiveVideoPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.play_file(bad)
    qtbot.waitUntil(lambda: not panel.running, timeout=10_000)
    assert panel.message.isVisible() and "broken.mp4" in panel.message.text()


def test_a_pluggable_source_needs_no_multimedia(qtbot: QtBot) -> None:
    from PySide6.QtGui import QImage

    from desktop_cls.gui.pages.classify.webcam import FrameSource, LiveVideoPanel

    class Manual(FrameSource):
        stopped = False

        def stop(self) -> None:
            self.stopped = True

    panel = LiveVideoPanel()
    qtbot.addWidget(panel)
    got: list[QImage] = []
    panel.frame_arrived.connect(got.append)
    source = Manual()
    panel.set_source(source)
    img = QImage(8, 8, QImage.Format.Format_RGB888)
    img.fill(Qt.GlobalColor.blue)
    source.frame_arrived.emit(img)
    panel.pause_button.setChecked(True)
    source.frame_arrived.emit(img)  # paused: ignored
    assert len(got) == 1
    source.failed.emit("the device went away")
    assert not panel.running and source.stopped and panel.message.text() == "the device went away"


@pytest.mark.parametrize(("error", "must_say"), [
    (ModuleNotFoundError("No module named 'PySide6.QtMultimedia'"), "pip install PySide6-Addons"),
    (ImportError("libpulse.so.0: cannot open shared object file: No such file or directory"), "apt install libpulse0"),
])
def test_missing_multimedia_is_explained_not_dumped(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                                     error: ImportError, must_say: str) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, globals: Mapping[str, object] | None = None,
                       locals: Mapping[str, object] | None = None, fromlist: Sequence[str] | None = (),
                       level: int = 0) -> ModuleType:
        if name.startswith("PySide6.QtMultimedia") or (name == "PySide6" and "QtMultimedia" in (fromlist or ())):
            raise error
        return real_import(name, globals, locals, fromlist or (), level)

    monkeypatch.delitem(sys.modules, "PySide6.QtMultimedia", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    cp = window.classify_page
    window.show_page("classify")
    qtbot.mouseClick(cp.buttons["webcamButton"], Qt.MouseButton.LeftButton)
    text = cp.live.webcam.message.text()
    assert cp.live.webcam.message.isVisible() and must_say in text
    assert "Error" not in text and "shared object" not in text and "No module" not in text
    assert not cp.buttons["webcamButton"].isChecked() and not cp.live.webcam.running


def save_a_red_snapshot(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """The panel shows a 12 x 10 red frame and its snapshot is saved as `target` (the save dialog's answer)."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QFileDialog

    from desktop_cls.gui.pages.classify.webcam import FrameSource, LiveVideoPanel

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel = LiveVideoPanel()
    qtbot.addWidget(panel)
    source = FrameSource()
    panel.set_source(source)
    img = QImage(12, 10, QImage.Format.Format_RGB888)
    img.fill(Qt.GlobalColor.red)
    source.frame_arrived.emit(img)
    panel.save_snapshot()


def test_snapshot_saves_the_raw_frame(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QImage

    target = tmp_path / "snap.png"
    save_a_red_snapshot(qtbot, monkeypatch, target)
    saved = QImage(str(target))
    assert (saved.width(), saved.height()) == (12, 10) and saved.pixelColor(5, 5).red() == 255


def test_a_camera_that_sends_nothing_is_pointed_out(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QImage

    from desktop_cls.gui.pages.classify import webcam

    class Silent(webcam.FrameSource):
        def describe(self) -> str:
            return "Test camera"

    monkeypatch.setattr(webcam, "NO_PICTURE_AFTER_MS", 50)
    panel = webcam.LiveVideoPanel()
    qtbot.addWidget(panel)
    panel.show()
    source = Silent()
    panel.set_source(source)
    qtbot.waitUntil(panel.message.isVisible, timeout=5000)
    assert "No image from Test camera" in panel.message.text() and panel.running
    source.frame_arrived.emit(QImage(4, 4, QImage.Format.Format_RGB888))
    assert not panel.message.isVisible()


@pytest.mark.skipif(os.name == "nt", reason="needs POSIX links")
@pytest.mark.parametrize("kind", ["link", "hard link"])
def test_a_snapshot_saved_over_a_link_replaces_it_and_keeps_the_other_file(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """The save dialog's "Replace?" in a folder from someone else, where snap.png is a link or a second name of
    the user's ~/.bashrc: QImage.save opened the name and wrote the picture over ~/.bashrc."""
    from PySide6.QtGui import QImage

    bashrc = tmp_path / "home" / ".bashrc"
    bashrc.parent.mkdir()
    bashrc.write_text("export PATH=$PATH\n")
    target = tmp_path / "shared" / "snap.png"
    target.parent.mkdir()
    target.symlink_to(bashrc) if kind == "link" else os.link(bashrc, target)
    save_a_red_snapshot(qtbot, monkeypatch, target)
    assert bashrc.read_text() == "export PATH=$PATH\n"
    assert not target.is_symlink() and QImage(str(target)).width() == 12
