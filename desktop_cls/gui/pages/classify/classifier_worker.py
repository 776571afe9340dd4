"""A long-lived worker thread that owns the loaded model and classifies files and webcam frames."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.gui.work.tasks import describe_failure


class ClassifierWorker(QObject):
    loaded = Signal(str, object)  # model path, {"classes": [...], "kind": ...}
    load_failed = Signal(str, str)
    files_done = Signal(object)  # list[Prediction]
    files_progress = Signal(int, int)
    frame_done = Signal(object, object)  # Prediction, heatmap overlay (H x W x 3 uint8) or None
    heatmap_done = Signal(str, object)  # path, overlay at the file's size
    failed = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.predictor: Any = None
        self.model_path = ""
        self.cancel = CancelToken()
        self.threshold = 0.0

    @Slot(str, bool)
    def load(self, path: str, allow_code: bool) -> None:
        try:
            from desktop_cls.core.inference.predictor import Predictor

            self.predictor = Predictor.load(path, allow_code=allow_code)
            self.model_path = path
            self.loaded.emit(path, {"classes": list(self.predictor.classes), "kind": self.predictor.kind})
        except Exception as e:
            self.load_failed.emit(*describe_failure(e))

    @Slot(object)
    def classify_files(self, paths: list[str]) -> None:
        if self.predictor is None:
            self.failed.emit(self.tr("No model loaded: open one first."), "")
            return
        self.cancel = CancelToken()
        try:
            preds = self.predictor.predict_paths(paths, top_k=5, batch_size=32, cancel=self.cancel,
                                                 progress=lambda d, t, _w: self.files_progress.emit(d, t),
                                                 threshold=self.threshold)
            self.files_done.emit(preds)
        except CancelledError:
            self.files_done.emit([])
        except Exception as e:
            self.failed.emit(*describe_failure(e))

    @Slot(str)
    def explain_path(self, path: str) -> None:
        if self.predictor is None:
            return
        try:
            from desktop_cls.core.inference.explain import explain_file

            self.heatmap_done.emit(path, explain_file(self.predictor, path)[3])
        except Exception as e:
            self.failed.emit(*describe_failure(e))

    @Slot(object, bool)
    def classify_frame(self, frame: Any, heatmap: bool) -> None:
        if self.predictor is None:
            return
        try:
            pred = self.predictor.predict_arrays([frame], top_k=3, threshold=self.threshold)[0]
            picture = None
            if heatmap:
                from desktop_cls.core.data.frames import resize_frame
                from desktop_cls.core.inference.explain import explain_image, overlay

                small = resize_frame(frame, self.predictor.meta.input_size)
                picture = overlay(frame, explain_image(self.predictor, small).heatmap)
            self.frame_done.emit(pred, picture)
        except Exception as e:
            self.failed.emit(*describe_failure(e))


def start_classifier() -> tuple[ClassifierWorker, QThread]:
    thread = QThread()
    thread.setObjectName("classifier")
    worker = ClassifierWorker()
    worker.moveToThread(thread)
    thread.start()
    return worker, thread
