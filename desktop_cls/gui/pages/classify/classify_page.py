"""Classify page: single images with top-k bars, whole folders to a table, video files over time, and the
live webcam."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
)

from desktop_cls.gui.pages.classify.capture_panel import CapturePanel
from desktop_cls.gui.pages.classify.classifier_session import ClassifierSession
from desktop_cls.gui.pages.classify.classify_preview import PredictionPreview
from desktop_cls.gui.pages.classify.classify_results import ClassifyResults
from desktop_cls.gui.pages.classify.webcam import LiveVideoPanel, draw_caption
from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.state import AppState, Badge, PageKey
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.common import qimage_to_rgb, rgb_array_to_qimage
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.image_viewer import open_viewer
from desktop_cls.gui.work.tasks import Lane, Task, TaskRunner


def _video_suffixes() -> frozenset[str]:
    from desktop_cls.core.data.video import VIDEO_SUFFIXES

    return VIDEO_SUFFIXES


class ClassifyPage(Page):
    frame_classified = Signal(object)  # Prediction of a camera or video frame

    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "classifyCopy")  # the status line shows copying into folders by class
        self.tasks: TaskRunner = tasks
        self.session = ClassifierSession()  # used only by requests on the classifier lane
        self.files_task: Task | None = None
        self.model_ready = False
        self.pending_files: list[str] | None = None
        self.frame_busy = False
        self.frames_shown = 0
        self.frames_classified = 0
        self.last_frame_pred: Any = None
        self.last_frame_overlay: Any = None
        self.heatmap_shown = ""  # the file whose heat map the preview shows

        top = self._controls()

        self.preview_box = PredictionPreview()
        self.preview, self.preview_caption = self.preview_box.image, self.preview_box.caption
        self.webcam = LiveVideoPanel()
        self.webcam.frame_arrived.connect(self.show_frame)
        self.webcam.running_changed.connect(self._webcam_running)
        self.capture = CapturePanel(state)
        self.capture.setObjectName("capturePanel")
        self.capture.setVisible(False)
        self.webcam.frame_arrived.connect(self.capture.set_frame)
        self.capture.dataset_edited.connect(self._rescan_dataset)
        self.preview_box.above.addWidget(self.webcam)
        self.preview_box.above.addWidget(self.capture)

        self.results = ClassifyResults(tasks, self.run_task)
        self.table, self.results_stack = self.results.table, self.results.stack
        self.folder_progress, self.cancel_button = self.results.progress, self.results.cancel_button
        self.csv_button, self.copy_button = self.results.csv_button, self.results.copy_button
        self.video_results = self.results.video_results
        self.results.start_folder = self.video_results.start_folder = self.webcam.start_folder = self.start_folder
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_row(r))
        self.table.activated.connect(lambda idx: self.view_result(idx.row()))  # double-click or Enter
        self.preview.double_clicked.connect(lambda: self.view_result(self.table.currentRow()))
        self.heatmap_pictures: dict[str, QImage] = {}
        self.cancel_button.clicked.connect(self._cancel)
        self.results.busy.connect(self._set_busy)
        self.results.video_done.connect(lambda: self.state.set_status(PageKey.CLASSIFY, Badge.DONE))

        empty_text = self.tr("No model yet — train one on the Train page (about 15 s on the demo data), or open an "
                             "exported model with File → Open model (Ctrl+M). Then drop images here or click "
                             "Classify images.")
        self.set_body(empty_text, self.preview_box, self.results, stretch=(1, 1), top=top)
        self.setAcceptDrops(True)
        self._set_busy(False)
        state.run_changed.connect(self.load_model)
        state.core_ready.connect(self._on_core_ready)

    def _controls(self) -> QHBoxLayout:
        """The row above the pictures: the model, the unknown threshold, the heat map and what to classify."""
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("classifyModelEdit")
        self.model_edit.setAccessibleName(self.tr("Model"))
        self.model_edit.setPlaceholderText(self.tr("Run folder or exported model"))
        self.model_edit.editingFinished.connect(lambda: self.load_model(self.model_edit.text()))
        self.files_button = _button(self.tr("Classify &images…"), "classifyFilesButton",
                                    self.tr("Pick one or more image files"))
        self.files_button.clicked.connect(self._pick_files)
        self.folder_button = _button(self.tr("Classify a &folder…"), "classifyFolderButton",
                                     self.tr("Every image in a folder"))
        self.folder_button.clicked.connect(self._pick_folder)
        self.video_button = _button(self.tr("Classify a vi&deo…"), "classifyVideoButton",
                                    self.tr("The top class of every frame of a video file, over time"))
        self.video_button.clicked.connect(self._pick_video)
        self.webcam_button = _button(self.tr("&Webcam"), "webcamButton", self.tr("Live classification from a camera"))
        self.webcam_button.setCheckable(True)
        self.webcam_button.toggled.connect(self._toggle_webcam)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setObjectName("thresholdSpin")
        self.threshold_spin.setAccessibleName(self.tr("Unknown below confidence"))
        self.threshold_spin.setRange(0, 99)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setDecimals(0)
        self.threshold_spin.setToolTip(self.tr("Predictions less confident than this are labelled 'unknown' (0 = off)"))
        self.threshold_spin.valueChanged.connect(self._threshold_changed)
        self.heatmap_check = QCheckBox(self.tr("Heat map"))
        self.heatmap_check.setObjectName("heatmapCheck")
        self.heatmap_check.setToolTip(self.tr("Show which parts of the image drove the prediction (Grad-CAM)"))
        self.heatmap_check.toggled.connect(self._heatmap_toggled)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Model")))
        top.addWidget(self.model_edit, 1)
        top.addWidget(QLabel(self.tr("Unknown below")))
        top.addWidget(self.threshold_spin)
        top.addWidget(self.heatmap_check)
        top.addWidget(self.files_button)
        top.addWidget(self.folder_button)
        top.addWidget(self.video_button)
        top.addWidget(self.webcam_button)
        return top

    @property
    def predictions(self) -> list[Any]:
        return self.results.predictions

    @predictions.setter
    def predictions(self, value: list[Any]) -> None:
        self.results.predictions = value

    # ---- model ---------------------------------------------------------------------------------
    def _on_core_ready(self) -> None:
        if self.state.run:
            self.load_model(self.state.run)

    def load_model(self, path: str) -> None:
        path = path.strip()
        if not path or not self.state.core_loaded:
            return
        self.model_edit.setText(path)
        allow_code = False
        if Path(path).suffix.lower() in (".torchscript", ".ts"):
            answer = QMessageBox.question(
                self, self.tr("Open a TorchScript model?"),
                self.tr("TorchScript files contain program code. Open it only if you trust where it came from."))
            if answer != QMessageBox.StandardButton.Yes:
                return
            allow_code = True
        self.model_ready = False
        self._set_busy(False)
        session = self.session
        self.tasks.start("load model", lambda progress, cancel: session.load(path, allow_code),
                         lambda info: self._loaded(path, info), self._load_failed, lane=Lane.CLASSIFIER)

    def _loaded(self, path: str, info: dict[str, Any]) -> None:
        self.model_ready = True
        self.show_content()
        self.preview_caption.setText(self.tr("Model ready: %n class(es)", "", len(info["classes"])))
        self._set_busy(False)
        if self.pending_files:
            files, self.pending_files = self.pending_files, None
            self.classify_paths(files)

    def _classify_failed(self, message: str, details: str) -> None:
        show_error(self, self.tr("Classification failed"), message, details)

    def _load_failed(self, message: str, details: str) -> None:
        self.model_ready = False
        self._set_busy(False)
        show_error(self, self.tr("Cannot open this model"), message, details)

    # ---- files and folders ---------------------------------------------------------------------
    def _pick_files(self) -> None:
        kinds = self.tr("Images ({0})").format("*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp")
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Images to classify"), self.start_folder(), kinds)
        if files:
            self.classify_paths(files)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder to classify"), self.start_folder())
        if folder:
            self.classify_paths([folder])

    def classify_paths(self, paths: list[str]) -> None:
        """Files and folders; results land in the table, the first one in the preview."""
        if not self.model_ready:
            self.pending_files = list(paths)
            if self.model_edit.text():
                self.load_model(self.model_edit.text())
            return
        self.table.setRowCount(0)
        self.results_stack.setCurrentIndex(0)
        self.folder_progress.setRange(0, 0)
        self._set_busy(True)
        if self.files_task is not None:
            self.files_task.cancel()  # replaced: its results would land after these
        session, files, threshold = self.session, list(paths), self._threshold()

        def work(progress: Any, cancel: Any) -> list[Any]:
            return session.classify_files(files, threshold, progress, cancel)

        def latest(fn: Any) -> Any:
            return lambda *args: fn(*args) if self.files_task is task else None

        task = self.files_task = self.tasks.start(
            "classify", work, latest(self._files_done), latest(self._classify_failed), lane=Lane.CLASSIFIER,
            on_progress=latest(lambda done, total, _what: self.results.show_progress(done, total)),
            on_cancelled=latest(lambda: self._files_done([])))

    def _files_done(self, preds: list[Any]) -> None:
        self.predictions = [p.with_threshold(self._threshold()) for p in preds]
        self._set_busy(False)  # after the results are in: Save CSV and Copy follow them
        self.folder_progress.setRange(0, 1)
        self.folder_progress.setValue(1)
        self.results.fill()
        if self.predictions:
            self.table.selectRow(0)
            self._show_row(0)
        self.state.set_status(PageKey.CLASSIFY, Badge.DONE)

    def _show_row(self, row: int) -> None:
        if not 0 <= row < len(self.predictions) or self.webcam.running:
            return
        p = self.predictions[row]
        pix = QPixmap(p.path)
        if not pix.isNull():
            self.preview.set_image(pix)
        self.preview_box.show_prediction(p)
        if self.heatmap_check.isChecked() and p.label is not None:
            session, path = self.session, p.path
            self.tasks.start("heat map", lambda progress, cancel: session.explain_path(path),
                             lambda picture: self._heatmap_done(path, picture), self._classify_failed,
                             lane=Lane.CLASSIFIER)

    def _heatmap_toggled(self, _on: bool) -> None:
        self._show_row(self.table.currentRow())

    def _heatmap_done(self, path: str, picture: Any) -> None:
        row = self.table.currentRow()
        if self.heatmap_check.isChecked() and 0 <= row < len(self.predictions) and self.predictions[row].path == path:
            self.heatmap_shown = path
            self.heatmap_pictures = {path: rgb_array_to_qimage(picture)}  # the one shown, for the viewer
            self.preview.set_image(QPixmap.fromImage(self.heatmap_pictures[path]))

    def view_result(self, row: int) -> None:
        """The classified images large (the heat map of the one shown, when on); not the live camera."""
        if self.webcam.running or not 0 <= row < len(self.predictions):
            return
        items = [(p.path, self.tr("Predicted: {0} ({1:.1%})").format(p.label, p.confidence) if p.label
                  else self.tr("Cannot read this image: {0}").format(p.error)) for p in self.predictions]
        open_viewer(self, items, row, self.heatmap_pictures if self.heatmap_check.isChecked() else None)

    def _threshold(self) -> float:
        return self.threshold_spin.value() / 100.0

    def _threshold_changed(self, value: float) -> None:
        """New requests carry the new threshold, and results already shown are relabelled from their scores."""
        if not self.predictions:
            return
        self.predictions = [p.with_threshold(self._threshold()) for p in self.predictions]
        self.results.relabel()
        row = self.table.currentRow()
        if 0 <= row < len(self.predictions) and not self.webcam.running:
            self.preview_box.show_prediction(self.predictions[row])

    def _set_busy(self, busy: bool) -> None:
        self.results.set_busy(busy)
        self.video_button.setEnabled(not busy)
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)

    # ---- video files ---------------------------------------------------------------------------
    def _pick_video(self) -> None:
        from desktop_cls.core.data.video import VIDEO_SUFFIXES

        pattern = " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Video to classify"), self.start_folder(),
                                              self.tr("Videos ({0})").format(pattern))
        if path:
            self.classify_video(path)

    def classify_video(self, path: str) -> None:
        """Every frame through the model in a background task; the result is a plot over time and a CSV."""
        model = self.model_edit.text().strip()
        if not model or not self.state.core_loaded:
            show_error(self, self.tr("No model"), self.tr("Train a model first, or open an exported one."))
            return
        allow_code = Path(model).suffix.lower() in (".torchscript", ".ts")  # agreed to when it was opened
        threshold = self.threshold_spin.value() / 100.0
        self.show_content()
        self.preview_box.clear(self.tr("Video: {0}").format(Path(path).name))
        self.results.classify_video(model, path, allow_code, threshold)

    @property
    def video_task(self) -> Task | None:
        return self.results.video_task

    def _cancel(self) -> None:
        if self.files_task is not None:
            self.files_task.cancel()  # its own token: pressed before it started, it never starts
        if self.video_task is not None:
            self.video_task.cancel()

    # ---- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 1 and Path(paths[0]).suffix.lower() in _video_suffixes():
            self.classify_video(paths[0])
            event.acceptProposedAction()
        elif paths:
            self.classify_paths(paths)
            event.acceptProposedAction()

    # ---- webcam --------------------------------------------------------------------------------
    def _toggle_webcam(self, on: bool) -> None:
        if on:
            self.start_camera()
        else:
            self.stop_camera()

    def start_camera(self) -> None:
        self.show_content()
        if not self.webcam.start_camera():
            self._webcam_running(self.webcam.running)

    def stop_camera(self) -> None:
        self.webcam.stop()

    def _rescan_dataset(self) -> None:
        """Captured images changed the dataset: whoever shows it reads it again (as after labeling)."""
        if self.state.workspace is not None:
            self.state.files_changed.emit(str(self.state.workspace.root))

    def _webcam_running(self, on: bool) -> None:
        if on:
            self.show_content()  # capturing into classes needs no model yet
        self.capture.setVisible(on)
        self.webcam_button.blockSignals(True)
        self.webcam_button.setChecked(on)
        self.webcam_button.blockSignals(False)

    def show_frame(self, img: QImage) -> None:
        """Display a frame with the latest prediction drawn on it; classify only when the model is idle."""
        self.frames_shown += 1
        if self.model_ready and not self.frame_busy:
            self.frame_busy = True
            small = img.scaled(320, 320, Qt.AspectRatioMode.KeepAspectRatio) if img.width() > 320 else img
            session, frame = self.session, qimage_to_rgb(small)
            heatmap, threshold = self.heatmap_check.isChecked(), self._threshold()
            self.tasks.start("frame", lambda progress, cancel: session.classify_frame(frame, heatmap, threshold),
                             lambda result: self._frame_done(*result), self._classify_failed,
                             on_ended=self._frame_ended, lane=Lane.CLASSIFIER)
        shown = img.convertToFormat(QImage.Format.Format_RGB888)
        if self.heatmap_check.isChecked() and self.last_frame_overlay is not None:
            shown = rgb_array_to_qimage(self.last_frame_overlay).scaled(
                shown.size(), Qt.AspectRatioMode.IgnoreAspectRatio)
        if self.last_frame_pred is not None and self.last_frame_pred.label:
            pred = self.last_frame_pred
            shown = draw_caption(shown, f"{self.results.shown_label(pred.label)} {pred.confidence:.0%}")
        self.preview.set_image(QPixmap.fromImage(shown), smooth=False)

    def _frame_done(self, pred: Any, picture: Any) -> None:
        self.frames_classified += 1
        self.last_frame_pred = pred
        self.last_frame_overlay = picture
        self.preview_box.show_prediction(pred)
        self.frame_classified.emit(pred)

    def _frame_ended(self) -> None:
        self.frame_busy = False

    def shutdown(self) -> None:
        self.stop_camera()
        if self.video_task is not None:
            self.video_task.cancel()
        self.tasks.cancel_lane(Lane.CLASSIFIER)  # the window's stop_all joins the lane
