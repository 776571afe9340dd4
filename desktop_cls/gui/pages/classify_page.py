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
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..capture_panel import CapturePanel
from ..classifier_worker import ClassifierWorker, start_classifier
from ..dialogs import show_error
from ..image_viewer import open_viewer
from ..state import AppState
from ..tasks import Task, TaskRunner
from ..video_results import VideoResultsPanel
from ..webcam import LiveVideoPanel, draw_caption
from ..widgets import ScaledImageLabel, qimage_to_rgb, rgb_array_to_qimage, split_with_empty_state
from ..widgets import button as _button

TOP_K = 5


def _video_suffixes() -> frozenset[str]:
    from desktop_cls.core.data.video import VIDEO_SUFFIXES

    return VIDEO_SUFFIXES



class ClassifyPage(QWidget):
    request_load = Signal(str, bool)
    request_files = Signal(object)
    request_frame = Signal(object, bool)
    request_heatmap = Signal(str)

    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.worker: ClassifierWorker
        self.worker, self.classifier_thread = start_classifier()
        self.request_load.connect(self.worker.load)
        self.request_files.connect(self.worker.classify_files)
        self.request_frame.connect(self.worker.classify_frame)
        self.request_heatmap.connect(self.worker.explain_path)
        self.worker.heatmap_done.connect(self._heatmap_done)
        self.worker.loaded.connect(self._loaded)
        self.worker.load_failed.connect(self._load_failed)
        self.worker.files_done.connect(self._files_done)
        self.worker.files_progress.connect(self._files_progress)
        self.worker.frame_done.connect(self._frame_done)
        self.worker.failed.connect(self._classify_failed)
        self.model_ready = False
        self.pending_files: list[str] | None = None
        self.predictions: list[Any] = []
        self.frame_busy = False
        self.frames_shown = 0
        self.frames_classified = 0
        self.last_frame_pred: Any = None
        self.last_frame_overlay: Any = None
        self.heatmap_shown = ""
        self.video_task: Task | None = None

        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("classifyModelEdit")
        self.model_edit.setAccessibleName("Model")
        self.model_edit.setPlaceholderText("Run folder or exported model")
        self.model_edit.editingFinished.connect(lambda: self.load_model(self.model_edit.text()))
        self.files_button = _button("Classify &images…", "classifyFilesButton", "Pick one or more image files")
        self.files_button.clicked.connect(self._pick_files)
        self.folder_button = _button("Classify a &folder…", "classifyFolderButton", "Every image in a folder")
        self.folder_button.clicked.connect(self._pick_folder)
        self.video_button = _button(self.tr("Classify a vi&deo…"), "classifyVideoButton",
                                    self.tr("The top class of every frame of a video file, over time"))
        self.video_button.clicked.connect(self._pick_video)
        self.webcam_button = _button("&Webcam", "webcamButton", "Live classification from a camera")
        self.webcam_button.setCheckable(True)
        self.webcam_button.toggled.connect(self._toggle_webcam)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setObjectName("thresholdSpin")
        self.threshold_spin.setAccessibleName("Unknown below confidence")
        self.threshold_spin.setRange(0, 99)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setDecimals(0)
        self.threshold_spin.setToolTip("Predictions less confident than this are labelled 'unknown' (0 = off)")
        self.threshold_spin.valueChanged.connect(self._threshold_changed)
        self.heatmap_check = QCheckBox("Heatmap")
        self.heatmap_check.setObjectName("heatmapCheck")
        self.heatmap_check.setToolTip("Show which parts of the image drove the prediction (Grad-CAM)")
        self.heatmap_check.toggled.connect(self._heatmap_toggled)
        top = QHBoxLayout()
        top.addWidget(QLabel("Model"))
        top.addWidget(self.model_edit, 1)
        top.addWidget(QLabel("Unknown below"))
        top.addWidget(self.threshold_spin)
        top.addWidget(self.heatmap_check)
        top.addWidget(self.files_button)
        top.addWidget(self.folder_button)
        top.addWidget(self.video_button)
        top.addWidget(self.webcam_button)

        # preview with top-k bars
        self.preview = ScaledImageLabel()
        self.preview.setObjectName("classifyPreview")
        self.preview.setMinimumSize(self.fontMetrics().height() * 12, self.fontMetrics().height() * 12)
        self.preview_caption = QLabel()
        self.preview_caption.setObjectName("predictionLabel")
        self.preview_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.preview_caption.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.preview_caption.setFont(f)
        self.bars: list[tuple[QLabel, QProgressBar]] = []
        bars = QGridLayout()
        for i in range(TOP_K):
            name, bar = QLabel(), QProgressBar()
            bar.setRange(0, 1000)
            bar.setObjectName(f"topkBar{i}")
            bars.addWidget(name, i, 0)
            bars.addWidget(bar, i, 1)
            self.bars.append((name, bar))
        self.webcam = LiveVideoPanel()
        self.webcam.frame_arrived.connect(self.show_frame)
        self.webcam.running_changed.connect(self._webcam_running)
        self.capture = CapturePanel(state)
        self.capture.setObjectName("capturePanel")
        self.capture.setVisible(False)
        self.webcam.frame_arrived.connect(self.capture.set_frame)
        self.capture.dataset_edited.connect(self._rescan_dataset)
        preview_box = QWidget()
        pl = QVBoxLayout(preview_box)
        pl.addWidget(self.webcam)
        pl.addWidget(self.capture)
        pl.addWidget(self.preview, 1)
        pl.addWidget(self.preview_caption)
        pl.addLayout(bars)

        # folder table
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("predictionTable")
        self.table.setAccessibleName("Predictions")
        self.table.setHorizontalHeaderLabels(["Image", "Predicted class", "Confidence"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_row(r))
        self.table.activated.connect(lambda idx: self.view_result(idx.row()))  # double-click or Enter
        self.preview.double_clicked.connect(lambda: self.view_result(self.table.currentRow()))
        self.heatmap_pictures: dict[str, QImage] = {}
        self.folder_progress = QProgressBar()
        self.folder_progress.setObjectName("classifyProgress")
        self.cancel_button = _button("Cancel", "cancelClassifyButton")
        self.cancel_button.clicked.connect(self._cancel)
        self.csv_button = _button("Save &CSV…", "saveCsvButton")
        self.csv_button.clicked.connect(self._save_csv)
        self.copy_button = _button("Copy into folders by class…", "copyIntoFoldersButton",
                                   "Copy each image into a sub-folder named after its predicted class")
        self.copy_button.clicked.connect(self._copy_into_folders)
        row = QHBoxLayout()
        row.addWidget(self.folder_progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.csv_button)
        row.addWidget(self.copy_button)
        self.video_results = VideoResultsPanel()
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.table)
        self.results_stack.addWidget(self.video_results)
        self.video_results.closed.connect(lambda: self.results_stack.setCurrentIndex(0))
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.results_stack, 1)
        tl.addLayout(row)

        empty_text = ("No model yet — train one on the Train page (about 15 s on the demo data), "
                      "or open an exported model with File → Open model (Ctrl+M). "
                      "Then drop images here or click Classify images.")
        self.content, self.empty = split_with_empty_state(empty_text, preview_box, table_box, stretch=(1, 1))
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.content, 1)
        self.setAcceptDrops(True)
        self._set_busy(False)
        state.run_changed.connect(self.load_model)
        state.core_ready.connect(self._on_core_ready)

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
                self, "Open a TorchScript model?",
                "TorchScript files contain program code. Open it only if you trust where it came from.")
            if answer != QMessageBox.StandardButton.Yes:
                return
            allow_code = True
        self.model_ready = False
        self._set_busy(False)
        self.request_load.emit(path, allow_code)

    def _loaded(self, path: str, info: dict[str, Any]) -> None:
        self.model_ready = True
        self.content.setCurrentIndex(1)
        self.preview_caption.setText(f"Model ready: {len(info['classes'])} classes")
        self._set_busy(False)
        if self.pending_files:
            files, self.pending_files = self.pending_files, None
            self.classify_paths(files)

    def _classify_failed(self, message: str, details: str) -> None:
        show_error(self, "Classification failed", message, details)

    def _load_failed(self, message: str, details: str) -> None:
        self.model_ready = False
        self._set_busy(False)
        show_error(self, "Cannot open this model", message, details)

    # ---- files and folders ---------------------------------------------------------------------
    def _pick_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Images to classify", "",
                                                "Images (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp)")
        if files:
            self.classify_paths(files)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to classify")
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
        self.request_files.emit(list(paths))

    def _files_progress(self, done: int, total: int) -> None:
        self.folder_progress.setRange(0, max(total, 1))
        self.folder_progress.setValue(done)

    def _files_done(self, preds: list[Any]) -> None:
        self.predictions = [p.with_threshold(self._threshold()) for p in preds]
        self._set_busy(False)  # after the results are in: Save CSV and Copy follow them
        self.folder_progress.setRange(0, 1)
        self.folder_progress.setValue(1)
        self._fill_table()
        if self.predictions:
            self.table.selectRow(0)
            self._show_row(0)
        self.state.status_changed.emit("classify", "done")

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.predictions))
        for r, p in enumerate(self.predictions):
            name = QTableWidgetItem(Path(p.path).name)
            name.setToolTip(p.path)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem(p.label if p.label else self.tr("error: {0}").format(p.error)))
            conf = QTableWidgetItem(f"{p.confidence:.1%}" if p.label else "")
            conf.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 2, conf)
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(2)

    def _show_row(self, row: int) -> None:
        if not 0 <= row < len(self.predictions) or self.webcam.running:
            return
        p = self.predictions[row]
        pix = QPixmap(p.path)
        if not pix.isNull():
            self._set_preview(pix)
        self._show_prediction(p)
        if self.heatmap_check.isChecked() and p.label is not None:
            self.request_heatmap.emit(p.path)

    def _heatmap_toggled(self, _on: bool) -> None:
        self._show_row(self.table.currentRow())

    def _set_preview(self, pix: QPixmap) -> None:
        self.preview.set_image(pix)

    def _heatmap_done(self, path: str, picture: Any) -> None:
        row = self.table.currentRow()
        if self.heatmap_check.isChecked() and 0 <= row < len(self.predictions) and self.predictions[row].path == path:
            self.heatmap_shown = path
            self.heatmap_pictures = {path: rgb_array_to_qimage(picture)}  # the one shown, for the viewer
            self._set_preview(QPixmap.fromImage(self.heatmap_pictures[path]))

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
        """New requests use the new threshold, and results already shown are relabelled from their scores."""
        self.worker.threshold = value / 100.0  # read by the worker between requests
        if not self.predictions:
            return
        self.predictions = [p.with_threshold(self._threshold()) for p in self.predictions]
        for r, p in enumerate(self.predictions):
            item = self.table.item(r, 1)
            if item is not None and p.label is not None:
                item.setText(p.label)
        row = self.table.currentRow()
        if 0 <= row < len(self.predictions) and not self.webcam.running:
            self._show_prediction(self.predictions[row])

    def _show_prediction(self, p: Any) -> None:
        if p.label is None:
            self.preview_caption.setText(f"Cannot read this image: {p.error}")
        else:
            self.preview_caption.setText(f"{p.label} — {p.confidence:.1%}")
        for i, (name, bar) in enumerate(self.bars):
            if i < len(p.top_k):
                label, prob = p.top_k[i]
                name.setText(label)
                bar.setValue(round(prob * 1000))
                bar.setFormat(f"{prob:.1%}")
                bar.setVisible(True)
            else:
                name.setText("")
                bar.setVisible(False)

    def _set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.video_button.setEnabled(not busy)
        has = bool(self.predictions) and not busy
        self.csv_button.setEnabled(has)
        self.copy_button.setEnabled(has)
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)

    def _save_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save predictions", "predictions.csv", "CSV (*.csv)")
        if not path:
            return
        from desktop_cls.core.inference.prediction_csv import write_predictions_csv

        write_predictions_csv(Path(path), self.predictions)

    def _copy_into_folders(self) -> None:
        dest = QFileDialog.getExistingDirectory(self, "Copy into this folder (one sub-folder per class)")
        if not dest:
            return
        items = [(p.path, p.label) for p in self.predictions if p.label]

        def work(progress: Any, cancel: Any) -> int:
            from desktop_cls.core.storage import copy_into_folders

            return len(copy_into_folders(items, Path(dest)))

        def done(n: int) -> None:
            QMessageBox.information(self, "Copied", f"Copied {n} image(s) into {dest} "
                                    "(existing files were kept; name clashes got a number).")

        def failed(message: str, details: str) -> None:
            show_error(self, "Copy failed", message, details)

        self.tasks.start("copy", work, on_done=done, on_error=failed)

    # ---- video files ---------------------------------------------------------------------------
    def _pick_video(self) -> None:
        from desktop_cls.core.data.video import VIDEO_SUFFIXES

        pattern = " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Video to classify"), "",
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

        def work(progress: Any, cancel: Any) -> Any:
            from desktop_cls.core.inference.predictor import Predictor
            from desktop_cls.core.inference.video_predict import predict_video

            predictor = Predictor.load(model, allow_code=allow_code)
            return predict_video(predictor, path, threshold=threshold, progress=progress, cancel=cancel)

        self.content.setCurrentIndex(1)
        self.folder_progress.setRange(0, 0)
        self._set_busy(True)
        self.files_button.setEnabled(False)
        self.video_task = self.tasks.start("video", work, on_done=self._video_done, on_error=self._video_failed,
                                           on_progress=lambda d, t, _w: self._files_progress(d, t),
                                           on_cancelled=self._video_ended)

    def _video_ended(self) -> None:
        self.video_task = None
        self._set_busy(False)
        self.folder_progress.setRange(0, 1)
        self.folder_progress.setValue(0)

    def _video_done(self, result: Any) -> None:
        self._video_ended()
        self.folder_progress.setValue(1)
        self.video_results.show_result(result)
        self.results_stack.setCurrentIndex(1)
        self.state.status_changed.emit("classify", "done")

    def _video_failed(self, message: str, details: str) -> None:
        self._video_ended()
        show_error(self, self.tr("Cannot classify this video"), message, details)

    def _cancel(self) -> None:
        self.worker.cancel.set()
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
        self.content.setCurrentIndex(1)
        if not self.webcam.start_camera():
            self._webcam_running(self.webcam.running)

    def stop_camera(self) -> None:
        self.webcam.stop()

    def _rescan_dataset(self) -> None:
        """Captured images changed the dataset: the Data page reads it again (as after labeling)."""
        page = getattr(self.window(), "dataset_page", None)
        if page is not None and self.state.workspace is not None:
            page.open_folder(str(self.state.workspace.root))

    def _webcam_running(self, on: bool) -> None:
        if on:
            self.content.setCurrentIndex(1)  # capturing into classes needs no model yet
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
            self.request_frame.emit(qimage_to_rgb(small), self.heatmap_check.isChecked())
        shown = img.convertToFormat(QImage.Format.Format_RGB888)
        if self.heatmap_check.isChecked() and self.last_frame_overlay is not None:
            shown = rgb_array_to_qimage(self.last_frame_overlay).scaled(
                shown.size(), Qt.AspectRatioMode.IgnoreAspectRatio)
        if self.last_frame_pred is not None and self.last_frame_pred.label:
            shown = draw_caption(shown, f"{self.last_frame_pred.label} {self.last_frame_pred.confidence:.0%}")
        self.preview.set_image(QPixmap.fromImage(shown), smooth=False)

    def _frame_done(self, pred: Any, picture: Any) -> None:
        self.frame_busy = False
        self.frames_classified += 1
        self.last_frame_pred = pred
        self.last_frame_overlay = picture
        self._show_prediction(pred)

    def shutdown(self) -> None:
        self.stop_camera()
        if self.video_task is not None:
            self.video_task.cancel()
        self.worker.cancel.set()
        self.classifier_thread.quit()
        self.classifier_thread.wait(30_000)
