"""Live video: frame sources (a camera or a video file) and the panel that runs one and shows its controls.

Every source that uses Qt Multimedia ends in the same place: a QVideoSink whose frames become QImages on
the UI thread. So a video file exercises exactly the path a camera takes, and features built on live
frames (classify them, capture them into a class, classify a whole video) subscribe to
`LiveVideoPanel.frame_arrived` without caring where the frames come from. Qt Multimedia itself is
imported only when a source starts: an installation without it gets a sentence saying how to fix it,
never an import error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.common import button, home_folder, on_white
from desktop_cls.gui.widgets.literal_text import plain_label

NO_PICTURE_AFTER_MS = 5000  # a camera that started but sent nothing by then is probably in use or blocked


def multimedia_problem() -> str | None:
    """Why live video cannot work in this installation, in the user's words; None when Qt Multimedia loads."""
    translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
    try:
        import PySide6.QtMultimedia  # noqa: F401
    except ImportError as e:
        library = re.search(r"(lib[\w.+-]+\.so[\d.]*)", str(e))
        if library and "No module named" not in str(e):
            return translate("VideoSources", "Video is not available: the system library {0} that Qt Multimedia "
                             "needs is missing. On Debian or Ubuntu, install it with: sudo apt install {1}").format(
                library.group(1), _debian_package(library.group(1)))
        return translate("VideoSources", "Video is not available in this installation: the Qt Multimedia module is "
                         "missing. Reinstall desktop_cls, or add it with: pip install PySide6-Addons")
    from PySide6.QtMultimedia import QMediaPlayer

    probe = QMediaPlayer()  # without a backend plugin every camera and file would fail in obscure ways
    available = probe.isAvailable()
    probe.deleteLater()
    if not available:
        return translate("VideoSources", "Video is not available in this installation: Qt Multimedia found no "
                         "backend (its plugins/multimedia folder is missing or cannot load). Reinstall desktop_cls.")
    return None


def _debian_package(library: str) -> str:
    known = {"libpulse.so.0": "libpulse0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
             "libxkbcommon.so.0": "libxkbcommon0"}
    return known.get(library) or QCoreApplication.translate("VideoSources", "the package that provides {0}").format(
        library)


class FrameSource(QObject):
    """Where live frames come from. Subclasses emit `frame_arrived` with each new picture; a test (or a
    future source, such as a screen grab) can subclass this without Qt Multimedia."""

    frame_arrived = Signal(QImage)
    failed = Signal(str)  # a sentence for the user
    ended = Signal()  # a file played to its end (cameras never end)

    def start(self) -> None:
        """Begin delivering frames."""

    def stop(self) -> None:
        """Stop delivering frames and release the device or file."""

    def set_paused(self, paused: bool) -> None:
        """Freeze (a file pauses; a camera keeps running and the panel ignores its frames)."""

    def describe(self) -> str:
        return ""


class _SinkSource(FrameSource):
    """A source whose frames land in a QVideoSink: the one path cameras and video files share."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QVideoSink

        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._on_video_frame)

    def _on_video_frame(self, frame: Any) -> None:
        img = frame.toImage()  # a null image for the empty frame sent at the end of a file
        if not img.isNull():
            self.frame_arrived.emit(img)


class CameraSource(_SinkSource):
    def __init__(self, device: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession

        self.device = device
        self.camera = QCamera(device, self)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.camera.errorOccurred.connect(self._on_error)

    def _on_error(self, _error: Any, message: str) -> None:
        self.failed.emit(self.tr("Camera error: {0}. Close other programs that use the camera and press Webcam "
                                 "again.").format(message or self.tr("unknown")))

    def start(self) -> None:
        self.camera.start()

    def stop(self) -> None:
        self.camera.stop()

    def describe(self) -> str:
        return str(self.device.description())


class VideoFileSource(_SinkSource):
    """A video file played (silently, in real time) into the sink, frame by frame as a camera would send them."""

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QMediaPlayer

        self.path = Path(path)
        self.player = QMediaPlayer(self)
        self.player.setVideoSink(self.sink)
        self.player.errorOccurred.connect(self._on_error)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.setSource(QUrl.fromLocalFile(str(self.path)))

    def _on_error(self, _error: Any, message: str) -> None:
        self.failed.emit(self.tr("Cannot play {0}: {1}").format(isolated(self.path.name),
                                                                message or self.tr("unknown error")))

    def _on_status(self, status: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self.ended.emit()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self.failed.emit(self.tr("Cannot play {0}: not a video this system can decode.").format(
                isolated(self.path.name)))

    def start(self) -> None:
        self.player.play()

    def stop(self) -> None:
        self.player.stop()

    def set_paused(self, paused: bool) -> None:
        if paused:
            self.player.pause()
        else:
            self.player.play()

    def describe(self) -> str:
        return self.path.name


def draw_caption(img: QImage, text: str) -> QImage:
    """An opaque copy of the frame with `text` on a dark band in its top-left corner (the live prediction)."""
    shown = on_white(img)
    painter = QPainter(shown)
    font = QFont()
    font.setPointSizeF(max(12.0, shown.height() / 18))
    font.setBold(True)
    painter.setFont(font)
    rect = painter.fontMetrics().boundingRect(text).adjusted(-8, -4, 8, 4)
    rect.moveTopLeft(rect.topLeft() * 0)
    painter.fillRect(rect, QColor(0, 0, 0, 150))
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return shown


class LiveVideoPanel(QWidget):
    """Runs one frame source at a time: camera picker, Pause, Snapshot and a message line for problems.

    Frames reach subscribers through `frame_arrived` (none while paused); `running_changed` tells the
    owner when the source starts or stops, including when it stops by itself (an error, a file's end).
    """

    frame_arrived = Signal(QImage)
    running_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: FrameSource | None = None
        self.start_folder: Callable[[], str] = home_folder  # where Save snapshot opens (the page sets its own)
        self.frames_received = 0  # over all sources
        self._source_frames = 0
        self.last_image: QImage | None = None
        self._devices: Any = None  # QMediaDevices, kept to hear about cameras plugged in or out
        self._no_picture = QTimer(self)
        self._no_picture.setSingleShot(True)
        self._no_picture.timeout.connect(self._warn_no_picture)

        self.camera_combo = QComboBox()
        self.camera_combo.setObjectName("cameraCombo")
        self.camera_combo.setAccessibleName(self.tr("Camera"))
        self.camera_combo.setVisible(False)
        self.camera_combo.activated.connect(self._camera_picked)
        self.pause_button = button(self.tr("Pause"), "cameraPauseButton", self.tr("Freeze the live view"))
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._pause_toggled)
        self.snapshot_button = button(self.tr("Snapshot…"), "snapshotButton", self.tr("Save the current frame"))
        self.snapshot_button.clicked.connect(self.save_snapshot)
        self.message = plain_label()  # names the camera (its name comes from the driver)
        self.message.setObjectName("cameraMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.camera_combo, 1)
        row.addWidget(self.pause_button)
        row.addWidget(self.snapshot_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.message)
        lay.addLayout(row)
        self._show_controls(False)

    @property
    def running(self) -> bool:
        return self.source is not None

    # ---- starting sources ----------------------------------------------------------------------
    def start_camera(self) -> bool:
        """Start the camera picked in the list (the first one at first); False with a message when none works."""
        problem = multimedia_problem()
        if problem:
            self.show_problem(problem)
            return False
        if not self._camera_allowed():
            return False
        from PySide6.QtMultimedia import QMediaDevices

        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.videoInputsChanged.connect(self._refresh_cameras)
        inputs = self._refresh_cameras()
        if not inputs:
            self.show_problem(self.tr("No camera found. Connect a camera and press Webcam again."))
            return False
        device = self.camera_combo.currentData() or inputs[0]
        self.set_source(CameraSource(device))
        return True

    def play_file(self, path: str | Path) -> bool:
        """Play a video file through the same path as the camera; False with a message when it cannot."""
        problem = multimedia_problem()
        if problem:
            self.show_problem(problem)
            return False
        self.set_source(VideoFileSource(path))
        return True

    def set_source(self, source: FrameSource) -> None:
        """Replace whatever runs now with `source` and start it (the panel owns it from here)."""
        self._release()
        self.message.setVisible(False)
        self.source = source
        source.setParent(self)
        source.frame_arrived.connect(self._on_frame)
        source.failed.connect(self.show_problem)
        source.ended.connect(self.stop)
        self._source_frames = 0
        self.pause_button.setChecked(False)
        self._show_controls(True)
        self._no_picture.start(NO_PICTURE_AFTER_MS)
        source.start()
        self.running_changed.emit(True)

    def stop(self) -> None:
        if self.source is None:
            return
        self._release()
        self._show_controls(False)
        self.running_changed.emit(False)

    def show_problem(self, message: str) -> None:
        """Stop and say why (the message stays until the next start)."""
        self.stop()
        self.message.setText(message)
        self.message.setVisible(True)

    def hide_problem(self) -> None:
        """The message goes: what it said is not what the page does now (a video file classified instead)."""
        self.message.setVisible(False)

    def _release(self) -> None:
        self._no_picture.stop()
        source, self.source = self.source, None
        if source is not None:
            source.blockSignals(True)  # nothing queued from the old source reaches the new one
            source.stop()
            source.deleteLater()

    # ---- frames --------------------------------------------------------------------------------
    def _on_frame(self, img: QImage) -> None:
        if self.pause_button.isChecked() or self.source is None:
            return  # paused: the frozen frame and its prediction stay on screen
        self._no_picture.stop()
        self.message.setVisible(False)
        self.frames_received += 1
        self._source_frames += 1
        self.last_image = img
        self.frame_arrived.emit(img)

    def _pause_toggled(self, paused: bool) -> None:
        if self.source is not None:
            self.source.set_paused(paused)

    def _warn_no_picture(self) -> None:
        if self.source is not None and self._source_frames == 0:
            self.message.setText(self.tr("No image from {0} yet. Is another program using it, or is it "
                                         "covered?").format(self.source.describe() or self.tr("the camera")))
            self.message.setVisible(True)

    def save_snapshot(self) -> None:
        if self.last_image is None:
            return
        default = str(Path(self.start_folder()) / "snapshot.png")
        from desktop_cls.gui.widgets.dialogs import save_file_name, save_image

        # Qt picks the format from the suffix
        path = save_file_name(self, self.tr("Save snapshot"), default, self.tr("PNG images (*.png)"), ".png")
        if not path:
            return

        save_image(self, self.last_image, path)

    # ---- cameras -------------------------------------------------------------------------------
    def _refresh_cameras(self) -> list[Any]:
        from PySide6.QtMultimedia import QMediaDevices

        inputs = list(QMediaDevices.videoInputs())
        current = self.camera_combo.currentData()
        self.camera_combo.clear()
        for dev in inputs:
            self.camera_combo.addItem(dev.description(), dev)
        if current is not None:
            self.camera_combo.setCurrentIndex(max(0, self.camera_combo.findText(current.description())))
        self.camera_combo.setVisible(len(inputs) > 1 and self.running)
        return inputs

    def _camera_picked(self, _index: int) -> None:
        if isinstance(self.source, CameraSource):
            self.start_camera()

    def _camera_allowed(self) -> bool:
        """macOS and others ask the user first; Linux and Windows answer Granted at once."""
        from PySide6.QtCore import QCameraPermission

        app = QCoreApplication.instance()
        if app is None:
            return True
        permission = QCameraPermission()
        status = app.checkPermission(permission)
        if status == Qt.PermissionStatus.Undetermined:
            app.requestPermission(permission, self, lambda _p: self.start_camera())
            return False
        if status == Qt.PermissionStatus.Denied:
            self.show_problem(self.tr("This app may not use the camera. Allow it in the system settings "
                                      "(Privacy → Camera), then press Webcam again."))
            return False
        return True

    def _show_controls(self, on: bool) -> None:
        self.pause_button.setVisible(on)
        self.snapshot_button.setVisible(on)
        self.camera_combo.setVisible(on and self.camera_combo.count() > 1)
