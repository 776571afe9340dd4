"""The loaded model of the Classify page and the requests it serves. No Qt and no threads here: each request
runs on the task runner's classifier lane, one at a time and in order, so the model is never used by two at
once; every request carries its own cancel token and its own options (the threshold is part of the request,
never a field the window writes while a request reads it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_cls.core.events import CancelToken, ProgressFn


@dataclass(frozen=True, slots=True)
class FilesClassified:
    """One batch of a request's files, classified (core Prediction objects: plain data), sent on as it is made."""

    predictions: tuple[Any, ...]


class ClassifierSession:
    def __init__(self) -> None:
        self.predictor: Any = None
        self.model_path = ""

    def load(self, path: str, allow_code: bool) -> dict[str, Any]:
        """{"classes": [...], "kind": ...} of the model now loaded."""
        from desktop_cls.core.inference.predictor import Predictor

        self.predictor = Predictor.load(path, allow_code=allow_code)
        self.model_path = path
        return {"classes": list(self.predictor.classes), "kind": self.predictor.kind}

    def _model(self) -> Any:
        if self.predictor is None:
            from PySide6.QtCore import QCoreApplication

            from desktop_cls.core.errors import UserError

            raise UserError(QCoreApplication.translate("ClassifierWorker", "No model loaded: open one first."))
        return self.predictor

    def classify_files(self, paths: list[str], threshold: float, progress: ProgressFn, cancel: CancelToken,
                       on_batch: Callable[[FilesClassified], None] | None = None) -> list[Any]:
        """Every file's Prediction; on_batch receives them batch by batch (about 32 files) as they are made."""
        def batch(preds: list[Any]) -> None:
            if on_batch is not None:
                on_batch(FilesClassified(tuple(preds)))

        return list(self._model().predict_paths(paths, top_k=5, batch_size=32, cancel=cancel, progress=progress,
                                                threshold=threshold, on_batch=batch))

    def explain_path(self, path: str) -> Any:
        """The heat map over the file at its size (H x W x 3 uint8)."""
        from desktop_cls.core.inference.explain import explain_file

        return explain_file(self._model(), path)[3]

    def classify_frame(self, frame: Any, heatmap: bool, threshold: float) -> tuple[Any, Any]:
        """(Prediction, heat map overlay or None) for one camera frame (H x W x 3, or 4 with transparency: the
        overlay is drawn over it as it is shown, on white, as a file's is)."""
        predictor = self._model()
        pred = predictor.predict_arrays([frame], top_k=3, threshold=threshold)[0]
        if not heatmap:
            return pred, None
        from desktop_cls.core.data.frames import frame_to_rgb, resize_frame
        from desktop_cls.core.inference.explain import explain_image, overlay

        small = resize_frame(frame, predictor.meta.input_size)
        return pred, overlay(frame_to_rgb(frame), explain_image(predictor, small).heatmap)
