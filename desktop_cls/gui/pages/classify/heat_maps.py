"""The heat map of the classified image the Classify page shows: asked of the model on the classifier lane,
shown only while that image is still the one shown (the user may have moved on), and kept for the large
viewer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QImage, QPixmap

from desktop_cls.gui.pages.classify.classifier_session import ClassifierSession
from desktop_cls.gui.pages.classify.classify_model import ClassifyModel
from desktop_cls.gui.pages.classify.classify_preview import PredictionPreview
from desktop_cls.gui.widgets.common import rgb_array_to_qimage
from desktop_cls.gui.work.tasks import Lane, TaskRunner


class HeatMaps:
    def __init__(self, tasks: TaskRunner, session: ClassifierSession, model: ClassifyModel,
                 preview: PredictionPreview, on_error: Callable[[str, str], object]) -> None:
        self.tasks, self.session, self.model, self.preview, self.on_error = tasks, session, model, preview, on_error
        self.pictures: dict[str, QImage] = {}  # the one shown, by its file, for the viewer

    def request(self, path: str, still_shown: Callable[[str], bool]) -> None:
        """Compute the heat map of `path`; `still_shown(path)` says, when it arrives, whether to show it."""
        session = self.session
        self.tasks.start("heat map", lambda progress, cancel: session.explain_path(path),
                         lambda picture: self._done(path, picture, still_shown), self.on_error, lane=Lane.CLASSIFIER)

    def _done(self, path: str, picture: Any, still_shown: Callable[[str], bool]) -> None:
        if still_shown(path):
            self.model.heatmap_shown = path
            self.pictures = {path: rgb_array_to_qimage(picture)}
            self.preview.set_image(QPixmap.fromImage(self.pictures[path]))

    def forget(self) -> None:
        """Another model is used: the heat maps of the last one go (one still on its way is not shown)."""
        self.pictures = {}
        self.model.heatmap_shown = ""
