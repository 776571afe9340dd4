"""The Classify page's results: the table of classified images (or a video's results), progress, Cancel,
Save CSV and Copy into folders by class."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.classify.classifier_session import ClassifierSession, FilesClassified
from desktop_cls.gui.pages.classify.classify_summary import ClassifySummary
from desktop_cls.gui.pages.classify.prediction_table import THUMB_LINES, PredictionTableModel, prediction_view
from desktop_cls.gui.pages.classify.video_results import VideoResultsPanel
from desktop_cls.gui.widgets.common import button, home_folder
from desktop_cls.gui.widgets.dialogs import inform, save_file_name, show_error
from desktop_cls.gui.widgets.image_viewer import close_viewer, open_viewer
from desktop_cls.gui.work.tasks import Lane, Task, TaskRunner

SHOWN = 10  # skipped files named in the message; the rest are counted


class ClassifyResults(QWidget):
    """Holds the predictions shown (core Prediction objects) and everything done with them."""

    busy = Signal(bool)  # a video is being classified, or no longer
    video_done = Signal()
    classify_again = Signal(list)  # the files (or video) of a request a change of model stopped, asked for again

    def __init__(self, tasks: TaskRunner, run_task: Callable[..., object]) -> None:
        """run_task: the page's (Page.run_task), for the work its status line shows."""
        super().__init__()
        self.tasks = tasks
        self.run_task = run_task
        self.predictions: list[Any] = []
        self.start_folder: Callable[[], str] = home_folder  # the page sets its own: the dataset's folder
        self.video_task: Task | None = None
        self._video_stopped: Callable[[], object] = lambda: None  # the video's request ended without a result
        self.files_task: Task | None = None  # the latest request for files
        self.files_asked: list[str] = []  # its files and folders
        self.video_asked: list[str] = []  # the video file of the latest video request
        self.again: list[str] = []  # those of a request a change of model stopped: offered again
        self.model = PredictionTableModel(round(self.fontMetrics().height() * THUMB_LINES), self)
        self.table = prediction_view(self.model, self.tr("Predictions"))
        self.progress = QProgressBar()
        self.progress.setObjectName("classifyProgress")
        self.progress.setAccessibleName(self.tr("Classification progress"))
        self.cancel_button = button(self.tr("Cancel"), "cancelClassifyButton", self.tr("Stop classifying"))
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))  # Esc stops, as the pages' progress lines do
        self.cancel_button.clicked.connect(self.cancel)
        self.csv_button = button(self.tr("Save &CSV…"), "saveCsvButton",
                                 self.tr("One row per image: path, predicted class, confidence"))
        self.csv_button.clicked.connect(self.save_csv)
        self.copy_button = button(self.tr("Copy into folders by class…"), "copyIntoFoldersButton",
                                  self.tr("Copy each image into a sub-folder named after its predicted class"))
        self.copy_button.clicked.connect(self.copy_into_folders)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.csv_button)
        row.addWidget(self.copy_button)
        self.video_results = VideoResultsPanel()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.video_results)
        self.video_results.closed.connect(lambda: self.stack.setCurrentIndex(0))
        self.summary = ClassifySummary()  # once the images asked for are in (or stopped): what they were found to be
        self.finished = True  # whether the request summed up ran to its end
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._stopped_notice())
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.summary)
        lay.addLayout(row)

    def _stopped_notice(self) -> QWidget:
        """The line that says a classification was stopped by a change of model, with its one-click restart."""
        self.notice = QWidget()
        self.notice.setObjectName("classifyStoppedNotice")
        self.notice_text = QLabel()
        self.notice_text.setTextFormat(Qt.TextFormat.PlainText)  # it names files: never read as markup
        self.notice_text.setWordWrap(True)
        self.again_button = button(self.tr("Classify again"), "classifyAgainButton",
                                   self.tr("Classify the same images with the model chosen now"))
        self.again_button.clicked.connect(lambda: self.classify_again.emit(list(self.again)))
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.notice_text, 1)
        row.addWidget(self.again_button)
        self.notice.setVisible(False)
        return self.notice

    def set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.again_button.setEnabled(not busy)
        has = bool(self.predictions) and not busy
        self.csv_button.setEnabled(has)
        self.copy_button.setEnabled(has)

    def begin(self) -> None:
        """Files are being classified: the table empties and the bar is busy until the first report."""
        self._offer_again("")
        self.predictions = []
        self.model.set_predictions([])
        self.stack.setCurrentIndex(0)
        self.progress.setRange(0, 0)
        self.summary.setVisible(False)

    def ended(self, finished: bool, threshold: float) -> None:
        """The images asked for are in (`finished`), or the request stopped: the bar at its end, and the summary."""
        if finished:
            self.show_progress(1, 1)
        self.finished = finished
        self.summary.show_for(self.predictions, threshold, finished)

    def add(self, predictions: list[Any]) -> None:
        """A batch classified: its rows after the others (the first batch's first row selected); the rows in
        sight and the row the user selected stay where they are."""
        first = not self.predictions
        self.predictions.extend(predictions)
        self.model.append(predictions)
        if first and self.predictions:
            self.table.resizeColumnToContents(PredictionTableModel.LABEL)
            self.table.resizeColumnToContents(PredictionTableModel.CONFIDENCE)
            self.table.selectRow(0)

    def clear(self, model_now: str = "") -> None:
        """Another model is used now (model_now: its name; "" when none could be opened): what the last one made
        goes (a request still running is stopped and its late rows dropped, and the viewer stepping through them
        closes); the files the user saved or copied stay where they are. A request the change stopped, not the
        user, is said to have stopped, with Classify again (a silent drop looked like a folder with no images)."""
        for task, asked in ((self.files_task, self.files_asked), (self.video_task, self.video_asked)):
            if task is not None and task.is_running() and not task.token.is_set():
                self.again = asked
        self._offer_again(model_now if self.again else "")
        self.cancel()
        close_viewer(self)
        self.files_task = None
        self.predictions = []
        self.model.set_predictions([])
        self.stack.setCurrentIndex(0)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.summary.setVisible(False)

    def _offer_again(self, model: str) -> None:
        """Say that classifying self.again stopped when the model changed to `model`, or ("") say nothing."""
        if not model:
            self.again = []
        elif self.again:
            what = (isolated(Path(self.again[0]).name) if len(self.again) == 1
                    else self.tr("%n chosen item(s)", "", len(self.again)))
            self.notice_text.setText(self.tr("Classifying {0} stopped: the model changed to {1}.").format(
                what, isolated(model)))
        self.notice.setVisible(bool(model and self.again))

    def view(self, row: int, heat_maps: Any) -> None:
        """The classified images large, from `row` (heat_maps: the pictures of those computed, or None)."""
        preds = self.predictions
        if not 0 <= row < len(preds):
            return
        items = [(p.path, self.tr("Predicted: {0} ({1:.1%})").format(isolated(p.label), p.confidence) if p.label
                  else self.tr("Cannot read this image: {0}").format(p.error)) for p in preds]
        open_viewer(self, items, row, heat_maps)

    def relabel(self, how: Callable[[list[Any]], list[Any]], threshold: float) -> Any:
        """The classes again after the threshold changed to `threshold` (the scores stay): `how` relabels the
        predictions; the summary shown counts them anew. Returns the prediction of the row selected, or None."""
        if not self.predictions:
            return None
        self.predictions = how(self.predictions)
        if self.summary.isVisibleTo(self):
            self.summary.show_for(self.predictions, threshold, self.finished)
        self.model.predictions = list(self.predictions)  # its own list: batches are appended to it
        self.model.relabel()
        row = self.table.currentIndex().row()
        return self.predictions[row] if 0 <= row < len(self.predictions) else None

    def save_csv(self) -> None:
        path = save_file_name(self, self.tr("Save predictions"), str(Path(self.start_folder()) / "predictions.csv"),
                              self.tr("CSV files (*.csv)"))
        if not path:
            return
        from desktop_cls.core.inference.prediction_csv import write_predictions_csv

        try:
            write_predictions_csv(Path(path), self.predictions)
        except OSError as e:
            show_error(self, self.tr("CSV not saved"), self.tr("Cannot write {0}: {1}").format(path, e))

    def copy_into_folders(self) -> None:
        dest = QFileDialog.getExistingDirectory(self, self.tr("Copy into this folder (one sub-folder per class)"),
                                                self.start_folder())
        if not dest:
            return
        items = [(p.path, p.label) for p in self.predictions if p.label]

        def work(progress: Any, cancel: Any) -> tuple[int, list[Any]]:
            from desktop_cls.core.storage import NotCopied, check_folder_names, copy_into_folders

            check_folder_names(label for _path, label in items)  # a model file's class names: before any copy
            skipped: list[Any] = []
            for i, item in enumerate(items):  # one at a time: Cancel stops between two files
                cancel.raise_if_set()
                progress(i, len(items), "")
                try:
                    copy_into_folders([item], Path(dest))
                except NotCopied as e:  # a link among the images (or a FIFO): named below, the others copied
                    skipped.append(e)
            return len(items) - len(skipped), skipped

        def done(result: tuple[int, list[Any]]) -> None:
            n, skipped = result
            text = self.tr("Copied %n image(s) into {0} (existing files were kept; name clashes got a number).",
                           "", n).format(isolated(str(dest)))
            if not skipped:
                inform(self, self.tr("Copied"), text)
                return
            lines = [text, self.tr("Not copied:"), *[f"• {Path(e.path).name}: {e.why}" for e in skipped[:SHOWN]]]
            if len(skipped) > SHOWN:
                lines.append(self.tr("…and %n more file(s).", "", len(skipped) - SHOWN))
            show_error(self, self.tr("Some images were not copied"), "\n".join(lines))

        self.run_task("copy", work, done, error_title=self.tr("Copy failed"), status=self.tr("Copying images…"))

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    # ---- files and folders -------------------------------------------------------------------
    def classify_files(self, session: ClassifierSession, paths: list[str], threshold: float,
                       on_batch: Callable[[list[Any]], object], on_ended: Callable[[bool], object],
                       on_error: Callable[[str, str], object]) -> None:
        """A request on the classifier lane with its own cancel token and its own copy of the threshold. Its
        predictions come batch by batch to on_batch (plain data from the worker, a batch at a time); then
        on_ended(True), or on_ended(False) when it was cancelled or failed (the rows classified so far stay;
        a failure then goes to on_error). A newer request replaces it: the older one's late batches are dropped."""
        self.begin()
        if self.files_task is not None:
            self.files_task.cancel()
        files = self.files_asked = list(paths)

        def latest(fn: Callable[..., object]) -> Callable[..., None]:
            def call(*args: Any) -> None:
                if self.files_task is task:
                    fn(*args)
            return call

        def work(progress: Any, cancel: Any) -> list[Any]:
            return session.classify_files(files, threshold, progress, cancel, on_batch=progress.event)

        def failed(message: str, details: str) -> None:
            on_ended(False)
            on_error(message, details)

        task = self.files_task = self.tasks.start(
            "classify", work, latest(lambda _preds: on_ended(True)), latest(failed), lane=Lane.CLASSIFIER,
            on_progress=latest(lambda done, total, _what: self.show_progress(done, total)),
            on_cancelled=latest(lambda: on_ended(False)),
            on_event=latest(lambda e: on_batch(list(e.predictions)) if isinstance(e, FilesClassified) else None))

    def cancel(self) -> None:
        """Cancel pressed: the files request (its own token: pressed before it started, it never starts) and the
        video."""
        for task in (self.files_task, self.video_task):
            if task is not None:
                task.cancel()

    # ---- video files ---------------------------------------------------------------------------
    def classify_video(self, model: str, path: str, allow_code: bool, threshold: float,
                       on_stopped: Callable[[], object]) -> None:
        """Every frame through the model in a background task; the result is a plot over time and a CSV.
        ON_STOPPED: it failed or was cancelled (no plot comes)."""
        self._video_stopped, self.video_asked = on_stopped, [path]
        self._offer_again("")

        def work(progress: Any, cancel: Any) -> Any:
            from desktop_cls.core.inference.predictor import Predictor
            from desktop_cls.core.inference.video_predict import predict_video

            predictor = Predictor.load(model, allow_code=allow_code)
            return predict_video(predictor, path, threshold=threshold, progress=progress, cancel=cancel)

        self.progress.setRange(0, 0)
        self.summary.setVisible(False)
        self.busy.emit(True)
        self.video_task = self.tasks.start("video", work, on_done=self._video_done, on_error=self._video_failed,
                                           on_progress=lambda d, t, _w: self.show_progress(d, t),
                                           on_cancelled=self._video_cancelled)

    def _video_ended(self) -> None:
        self.video_task = None
        self.busy.emit(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)

    def _video_cancelled(self) -> None:
        self._video_ended()
        self._video_stopped()

    def _video_done(self, result: Any) -> None:
        self._video_ended()
        self.progress.setValue(1)
        self.video_results.show_result(result)
        self.stack.setCurrentIndex(1)
        self.video_done.emit()

    def _video_failed(self, message: str, details: str) -> None:
        self._video_ended()
        self._video_stopped()
        show_error(self, self.tr("Cannot classify this video"), message, details)
