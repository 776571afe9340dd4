"""What the Classify page knows and decides, without a widget: whether a model is loaded, the files waiting for
it, the unknown threshold, which camera frame is being classified, and which image the heat map belongs to.

The page asks it and shows the answers; the tests ask it without a window. Nothing here runs on a worker
thread: each request to the classifier carries its own copy of the threshold, so no worker reads a field
that the window writes."""

from __future__ import annotations

from typing import Any


class ClassifyModel:
    def __init__(self) -> None:
        self.loaded = False  # a model is loaded on the classifier lane and answers requests
        self.model_path = ""  # the model asked for last: the results shown were made by it
        self.pending_files: list[str] | None = None  # asked for before the model was ready
        self.threshold = 0.0  # predictions less confident than this are 'unknown' (0 = off)
        self.frame_busy = False  # a camera frame is being classified: newer frames are shown, not queued
        self.frames_shown = 0
        self.frames_classified = 0
        self.last_frame_pred: Any = None  # the latest frame's Prediction, drawn on the frames that follow
        self.last_frame_overlay: Any = None  # its heat map (H x W x 3 uint8), when the heat map is on
        self.heatmap_shown = ""  # the file whose heat map the preview shows

    # ---- the model -----------------------------------------------------------------------------
    def loading(self, path: str) -> bool:
        """A model is being (re)loaded: until it is, requests wait. True when it is another model than the one
        the results shown were made by (they are not this model's: the page lets them go)."""
        self.loaded = False
        other, self.model_path = path != self.model_path, path
        return other

    def load_failed(self) -> None:
        self.loaded = False

    def model_loaded(self) -> list[str] | None:
        """The model is ready; returns the files asked for while it loaded (once)."""
        self.loaded = True
        files, self.pending_files = self.pending_files, None
        return files or None

    def ask_files(self, paths: list[str]) -> bool:
        """Whether files can be classified now; if not, they wait for the model (the latest request only)."""
        if self.loaded:
            return True
        self.pending_files = list(paths)
        return False

    # ---- results -------------------------------------------------------------------------------
    def set_threshold(self, percent: float) -> None:
        self.threshold = percent / 100.0

    def relabel(self, predictions: list[Any]) -> list[Any]:
        """The predictions under the current threshold, relabelled from their kept scores."""
        return [p.with_threshold(self.threshold) for p in predictions]

    def heatmap_fits(self, predictions: list[Any], row: int, path: str) -> bool:
        """A heat map computed for `path` still belongs to the row shown (the user may have moved on)."""
        return 0 <= row < len(predictions) and predictions[row].path == path

    # ---- camera frames -------------------------------------------------------------------------
    def frame_arrived(self) -> bool:
        """Count a frame; True when it should be classified (a model is ready and none is in flight)."""
        self.frames_shown += 1
        if not self.loaded or self.frame_busy:
            return False
        self.frame_busy = True
        return True

    def frame_classified(self, pred: Any, overlay: Any) -> None:
        self.frames_classified += 1
        self.last_frame_pred, self.last_frame_overlay = pred, overlay

    def frame_ended(self) -> None:
        """The frame's request ended however it ended: the next frame may go."""
        self.frame_busy = False

    def frame_label(self) -> tuple[str, float] | None:
        """(label, confidence) to draw on the frames shown, or None before the first one or for 'unknown'."""
        pred = self.last_frame_pred
        if pred is None or not pred.label:
            return None
        return pred.label, pred.confidence
