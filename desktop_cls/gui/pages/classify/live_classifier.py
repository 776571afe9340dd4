"""The live half of the Classify page: the camera (or a video file played as one), capturing its frames into
the dataset's classes, and classifying them. Every frame is shown at once with the latest prediction drawn on
it; only the newest frame goes to the model, when the model is idle, so the video never waits for the model
and no backlog builds up. The counting and deciding is ClassifyModel's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from desktop_cls.gui.pages.classify.capture_panel import CapturePanel
from desktop_cls.gui.pages.classify.classifier_session import ClassifierSession
from desktop_cls.gui.pages.classify.classify_model import ClassifyModel
from desktop_cls.gui.pages.classify.classify_preview import PredictionPreview
from desktop_cls.gui.pages.classify.webcam import LiveVideoPanel
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import qimage_to_rgb
from desktop_cls.gui.work.tasks import Lane, TaskRunner

FRAME_SIDE = 320  # frames are classified at most this large: the model resizes them anyway


def frame_for_model(img: QImage) -> Any:
    """A frame as the model is handed it: at most FRAME_SIDE a side, shrunk smoothly (a nearest-pixel shrink kept
    every n-th pixel, so fine detail the file path averages came out as stripes or noise), its transparency kept
    (the engine cuts and letterboxes it as it does a video file's frame): H x W x 3 or 4 uint8."""
    if max(img.width(), img.height()) > FRAME_SIDE:
        img = img.scaled(FRAME_SIDE, FRAME_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    return qimage_to_rgb(img)


class LiveClassifier(QObject):
    classified = Signal(object)  # Prediction of a camera or video frame
    running_changed = Signal(bool)  # a source started or stopped, however it was started or stopped

    def __init__(self, state: AppState, tasks: TaskRunner, session: ClassifierSession, model: ClassifyModel,
                 preview: PredictionPreview, *, heatmap: Callable[[], bool], shown_label: Callable[[str], str],
                 on_error: Callable[[str, str], object]) -> None:
        """heatmap: whether the heat map is on; shown_label: a class as the page names it ('unknown' translated)."""
        super().__init__()
        self.state, self.tasks, self.session, self.model, self.preview = state, tasks, session, model, preview
        self.heatmap, self.shown_label, self.on_error = heatmap, shown_label, on_error
        self.webcam = LiveVideoPanel()
        self.capture = CapturePanel(state)
        self.capture.setObjectName("capturePanel")
        self.capture.setVisible(False)
        preview.above.addWidget(self.webcam)
        preview.above.addWidget(self.capture)
        self.webcam.frame_arrived.connect(self.show)
        self.webcam.frame_arrived.connect(self.capture.set_frame)
        self.webcam.running_changed.connect(self._running)
        self.capture.dataset_edited.connect(self._rescan_dataset)

    def running(self) -> bool:
        return self.webcam.running

    def run(self, on: bool) -> None:
        """Start the camera (a message says why when there is none) or stop whatever source runs."""
        if not on:
            self.webcam.stop()
        elif not self.webcam.start_camera():
            self._running(self.webcam.running)

    def _running(self, on: bool) -> None:
        self.capture.setVisible(on)
        self.running_changed.emit(on)

    def _rescan_dataset(self) -> None:
        """Captured images changed the dataset: whoever shows it reads it again (as after labeling)."""
        self.state.reread_dataset()

    def show(self, img: QImage) -> None:
        """Display a frame with the latest prediction drawn on it; classify it only when the model is idle."""
        if self.model.frame_arrived():
            session, frame = self.session, frame_for_model(img)  # the request's own copies
            heatmap, threshold = self.heatmap(), self.model.threshold
            self.tasks.start("frame", lambda progress, cancel: session.classify_frame(frame, heatmap, threshold),
                             lambda result: self._done(*result), self.on_error, on_ended=self.model.frame_ended,
                             lane=Lane.CLASSIFIER)
        label = self.model.frame_label()
        caption = f"{self.shown_label(label[0])} {label[1]:.0%}" if label else ""
        self.preview.show_frame(img, self.model.last_frame_overlay if self.heatmap() else None, caption)

    def _done(self, pred: Any, overlay: Any) -> None:
        self.model.frame_classified(pred, overlay)
        self.preview.show_prediction(pred)
        self.classified.emit(pred)
