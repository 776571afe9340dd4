"""Classify page: single images with top-k bars, whole folders to a table, video files over time, and the
live webcam. What the page knows and decides lives in ClassifyModel; the preview, the results and the live
video are panels beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLayout, QVBoxLayout

from desktop_cls.gui.pages.classify.classifier_session import ClassifierSession
from desktop_cls.gui.pages.classify.classify_controls import ClassifyControls
from desktop_cls.gui.pages.classify.classify_dialogs import ask_folder, ask_images, ask_video, is_video, trust_code
from desktop_cls.gui.pages.classify.classify_model import ClassifyModel
from desktop_cls.gui.pages.classify.classify_preview import PredictionPreview
from desktop_cls.gui.pages.classify.classify_results import ClassifyResults
from desktop_cls.gui.pages.classify.heat_maps import HeatMaps
from desktop_cls.gui.pages.classify.live_classifier import LiveClassifier
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.state import AppState, PageKey
from desktop_cls.gui.widgets.common import accept_as_copy, left_row
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.thumbnail_drag import carries_files, dropped_paths
from desktop_cls.gui.work.tasks import Lane, TaskRunner

FILE_BUTTONS = ("classifyFilesButton", "classifyFolderButton", "classifyVideoButton")  # off while one runs


class ClassifyPage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "classifyCopy")  # the status line shows copying into folders by class
        self.tasks: TaskRunner = tasks
        self.session = ClassifierSession()  # used only by requests on the classifier lane
        self.model = ClassifyModel()
        self.controls = ClassifyControls()
        self.preview = PredictionPreview()
        self.results = ClassifyResults(tasks, self.run_task)
        self.heat_maps = HeatMaps(tasks, self.session, self.model, self.preview, self._classify_failed)
        self.live = LiveClassifier(state, tasks, self.session, self.model, self.preview, heatmap=self.controls.heatmap,
                                   shown_label=self.results.model.shown_label, on_error=self._classify_failed)
        self.build()

    def page_actions(self) -> list[PageAction]:
        """Button-only commands: the window's menus have no Classify menu (File → Open model opens the model)."""
        return [
            PageAction("classifyFilesAction", self.tr("Classify &images…"), lambda: self._pick_files(),
                       tip=self.tr("Pick one or more image files"), button="classifyFilesButton", in_menu=False),
            PageAction("classifyFolderAction", self.tr("Classify a f&older…"), lambda: self._pick_folder(),
                       tip=self.tr("Every image in a folder"), button="classifyFolderButton", in_menu=False),
            PageAction("classifyVideoAction", self.tr("Classify a vi&deo…"), lambda: self._pick_video(),
                       tip=self.tr("The top class of every frame of a video file, over time"),
                       button="classifyVideoButton", in_menu=False),
            PageAction("webcamAction", self.tr("&Webcam"), lambda: self._toggle_webcam(),
                       tip=self.tr("Live classification from a camera"), button="webcamButton", in_menu=False)]

    def build_controls(self) -> QLayout:
        """The model, the threshold and the heat map; the command buttons under them (one row was too wide)."""
        self.buttons["webcamButton"].setCheckable(True)
        top = QVBoxLayout()
        top.addWidget(self.controls)
        top.addLayout(left_row(self.buttons.values()))
        return top

    def build_body(self, top: QLayout | None) -> None:
        self.results.start_folder = self.results.video_results.start_folder = self.start_folder
        self.live.webcam.start_folder = self.start_folder
        empty_text = self.tr("No model yet — train one on the Train page (about 15 s on the demo data), or open an "
                             "exported model with File → Open model (Ctrl+M). Then drop images here or click "
                             "Classify images.")
        self.set_body(empty_text, self.preview, self.results, stretch=(1, 1), top=top)
        self.setAcceptDrops(True)
        self._set_busy(False)

    def connect_state(self) -> None:
        c = self.controls
        c.model_edit.editingFinished.connect(lambda: self.load_model(c.model_edit.text()))
        c.threshold_spin.valueChanged.connect(self._threshold_changed)
        c.heatmap_check.toggled.connect(lambda _on: self._show_row(self.results.table.currentIndex().row()))
        self.live.running_changed.connect(self._webcam_running)
        table = self.results.table
        table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_row(current.row()))
        table.activated.connect(lambda idx: self.view_result(idx.row()))  # double-click or Enter
        self.preview.image.double_clicked.connect(lambda: self.view_result(table.currentIndex().row()))
        self.results.busy.connect(self._set_busy)
        self.results.classify_again.connect(self.classify_any)
        self.results.video_done.connect(lambda: self.state.step_done_with(PageKey.CLASSIFY, self.model.model_path))
        self.state.run_changed.connect(self.load_model)
        self.state.core_ready.connect(lambda: self.load_model(self.state.run) if self.state.run else None)

    # ---- model ---------------------------------------------------------------------------------
    def load_model(self, path: str) -> None:
        path = path.strip()
        if not path or not self.state.core_loaded:
            return
        self.controls.model_edit.setText(path)
        allow_code = Path(path).suffix.lower() in (".torchscript", ".ts")
        if allow_code and not trust_code(self):
            return
        if self.model.loading(path):  # another model: what the last one made is not this one's
            self._forget_results(loading=Path(path).name)
        self._set_busy(False)
        session = self.session
        self.tasks.start("load model", lambda progress, cancel: session.load(path, allow_code),
                         lambda info: self._loaded(info), self._load_failed, lane=Lane.CLASSIFIER)

    def _loaded(self, info: dict[str, Any]) -> None:
        pending = self.model.model_loaded()
        self.show_content()
        if not self.results.predictions:  # the same model again (the field was left) keeps its results shown
            self.preview.show_waiting(len(info["classes"]))
        self._set_busy(False)
        if pending:
            self.classify_paths(pending)

    def _forget_results(self, loading: str = "") -> None:
        """The rows, the heat map and the preview of another model go; Save CSV and Copy with them. The preview
        says which model is loading until it is ready (behind a folder's last batch, seconds)."""
        self.results.clear(loading)  # a folder or video under way is said to have stopped, with Classify again
        self.heat_maps.forget()
        if not self.live.running():
            self.preview.show_loading(loading) if loading else self.preview.clear()

    def _classify_failed(self, message: str, details: str) -> None:
        show_error(self, self.tr("Classification failed"), message, details)

    def _load_failed(self, message: str, details: str) -> None:
        self.model.load_failed()
        self._set_busy(False)
        self._forget_results()  # no "Loading…" left behind
        show_error(self, self.tr("Cannot open this model"), message, details)

    # ---- files and folders ---------------------------------------------------------------------
    def _pick_files(self) -> None:
        files = ask_images(self, self.start_folder())
        if files:
            self.classify_paths(files)

    def _pick_folder(self) -> None:
        folder = ask_folder(self, self.start_folder())
        if folder:
            self.classify_paths([folder])

    def classify_paths(self, paths: list[str]) -> None:
        """Files and folders; results land in the table, the first one in the preview."""
        if not self.model.ask_files(paths):
            if self.controls.model_path():
                self.load_model(self.controls.model_path())
            return
        self._set_busy(True)
        if not self.live.running():
            self.preview.clear()  # the image classified before is not one of these
        self.results.classify_files(self.session, paths, self.model.threshold, self._files_batch, self._files_ended,
                                    self._classify_failed)

    def _files_batch(self, preds: list[Any]) -> None:
        """A batch is in: its rows appear now (under the threshold set now); the first row selected shows it."""
        self.results.add(self.model.relabel(preds))

    def _files_ended(self, finished: bool) -> None:
        """All in, or cancelled (the rows classified so far stay): Save CSV and Copy follow the rows."""
        self.results.ended(finished, self.model.threshold)  # the bar at its end, and what the images were found to be
        if finished:
            self.state.step_done_with(PageKey.CLASSIFY, self.model.model_path)
        self._set_busy(False)

    def _show_row(self, row: int) -> None:
        preds = self.results.predictions
        if not 0 <= row < len(preds) or self.live.running():
            return
        p = preds[row]
        self.preview.show_file(p.path)  # as the model saw it, a photo off the UI thread
        self.preview.show_prediction(p)
        if self.controls.heatmap() and p.label is not None:
            self.heat_maps.request(p.path, lambda path: self.controls.heatmap() and self.model.heatmap_fits(
                self.results.predictions, self.results.table.currentIndex().row(), path))

    def view_result(self, row: int) -> None:
        """The classified images large (the heat map of the one shown, when on); not the live camera."""
        if not self.live.running():
            self.results.view(row, self.heat_maps.pictures if self.controls.heatmap() else None)

    def _threshold_changed(self, value: float) -> None:
        """New requests carry the new threshold, and results already shown are relabelled from their scores."""
        self.model.set_threshold(value)
        shown = self.results.relabel(self.model.relabel, self.model.threshold)
        if shown is not None and not self.live.running():
            self.preview.show_prediction(shown)

    def _set_busy(self, busy: bool) -> None:
        self.results.set_busy(busy)
        self.status_line.escape_cancels(not busy)  # Esc stops the folder first, a second Esc the progress line's task
        for name in FILE_BUTTONS:
            self.buttons[name].setEnabled(not busy)

    # ---- video files ---------------------------------------------------------------------------
    def _pick_video(self) -> None:
        path = ask_video(self, self.start_folder())
        if path:
            self.classify_video(path)

    def classify_video(self, path: str) -> None:
        """Every frame through the model in a background task; the result is a plot over time and a CSV."""
        model = self.controls.model_path()
        if not model or not self.state.core_loaded:
            show_error(self, self.tr("No model"), self.tr("Train a model first, or open an exported one."))
            return
        allow_code = Path(model).suffix.lower() in (".torchscript", ".ts")  # agreed to when it was opened
        self.show_content()
        self.live.webcam.hide_problem()  # a camera's trouble is not this video's
        self.preview.show_video(path)
        self.results.classify_video(model, path, allow_code, self.model.threshold, on_stopped=self.preview.clear)

    # ---- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: Any) -> None:
        if carries_files(event.mimeData()):
            accept_as_copy(event)

    def dropEvent(self, event: Any) -> None:
        paths = dropped_paths(event.mimeData())
        if paths:
            self.classify_any(paths)
            accept_as_copy(event)

    def classify_any(self, paths: list[str]) -> None:
        """A video file alone is classified over time; anything else as images and folders."""
        if len(paths) == 1 and is_video(paths[0]):
            self.classify_video(paths[0])
        else:
            self.classify_paths(paths)

    # ---- webcam --------------------------------------------------------------------------------
    def _toggle_webcam(self) -> None:
        """The checkable Webcam button was clicked: it is already in its new state."""
        on = self.buttons["webcamButton"].isChecked()
        if on:
            self.show_content()
        self.live.run(on)

    def _webcam_running(self, on: bool) -> None:
        if on:
            self.show_content()  # capturing into classes needs no model yet
        self.buttons["webcamButton"].setChecked(on)  # setChecked does not click: nothing starts or stops

    def shutdown(self) -> None:
        self.live.run(False)
        self.results.cancel()
        self.results.model.shutdown()  # the thumbnails' decoding requests
        self.preview.shutdown()  # and the preview's
        self.tasks.cancel_lane(Lane.CLASSIFIER)  # the window's stop_all joins the lane
