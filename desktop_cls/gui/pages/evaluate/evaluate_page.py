"""Evaluate page: per-class metrics, a clickable confusion heatmap and the misclassified gallery.

The numbers are the MetricsPanel's, the calibration the CalibrationTab's; which images are scored by default and
whether the result shown still belongs to the chosen run are the page model's (evaluate_model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.gui.filing import after_filing
from desktop_cls.gui.pages.evaluate import evaluate_texts as texts
from desktop_cls.gui.pages.evaluate.calibration_tab import CalibrationTab
from desktop_cls.gui.pages.evaluate.evaluate_model import EvaluateModel, evaluation
from desktop_cls.gui.pages.evaluate.kept_reading import KeptReading
from desktop_cls.gui.pages.evaluate.metrics_panel import MetricsPanel
from desktop_cls.gui.pages.evaluate.mistakes_gallery import MistakesGallery
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.state import AppState, PageKey
from desktop_cls.gui.widgets.confusion_view import ConfusionMatrixView, titled
from desktop_cls.gui.widgets.dialogs import save_file_name, save_image, show_error
from desktop_cls.gui.widgets.insight_views import CurvesOnShow, PlotLegend, curves_plot, with_legend
from desktop_cls.gui.widgets.kept_banner import KeptBanner
from desktop_cls.gui.work.tasks import TaskRunner


class EvaluatePage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "eval")
        self.model = EvaluateModel()
        self.model_edit = QLineEdit()
        self.folder_edit = QLineEdit()
        self.confusion = ConfusionMatrixView()
        self.mistakes = MistakesGallery(state, tasks)
        self.calibration = CalibrationTab()
        self.curves = curves_plot()
        self.curves_legend = PlotLegend(self.curves, "curvesLegend")
        self.kept = KeptBanner("keptEvaluation", self.tr("Evaluate again"), lambda: self.evaluate())
        self.reading = KeptReading(self)
        self.build()

    def page_actions(self) -> list[PageAction]:
        """Evaluate is also the Train menu's (Ctrl+E works from any field and any page); the rest are buttons."""
        return [PageAction("evaluateAction", self.tr("&Evaluate the model"), lambda: self.evaluate(), "Ctrl+E",
                           self.tr("Score the model on labeled images"), shows_page=True, button="evaluateButton",
                           button_text=self.tr("▶ Ev&aluate")),
                PageAction("evalBrowseAction", self.tr("Folder…"), lambda: self._browse(),
                           tip=self.tr("Choose a labeled folder to evaluate on"), button="evalBrowseButton",
                           in_menu=False),
                PageAction("saveConfusionAction", self.tr("Save matrix as PNG…"),
                           lambda: self._save_png(self.confusion, "confusion-matrix.png"),
                           button="saveConfusionButton", in_menu=False),
                PageAction("saveMetricsAction", self.tr("Save metrics as PNG…"),
                           lambda: self._save_png(self.metrics.table, "metrics.png"),
                           button="saveMetricsButton", in_menu=False)]

    def build_controls(self) -> QLayout | None:
        """Model, images and Evaluate; the confusion matrix answers a click with the cell's images."""
        self.model_edit.setObjectName("evalModelEdit")
        self.model_edit.setAccessibleName(self.tr("Model to evaluate"))
        self.model_edit.setPlaceholderText(self.tr("Run folder or exported model (train one first)"))
        self.folder_edit.setObjectName("evalFolderEdit")
        self.folder_edit.setAccessibleName(self.tr("Labeled folder"))
        self.folder_edit.setPlaceholderText(self.tr("Default: the dataset's validation images"))
        self.metrics = MetricsPanel(self.buttons["saveMetricsButton"])
        self.confusion.setObjectName("confusionView")
        self.confusion.setAccessibleName(self.tr("Confusion matrix: rows are true classes, columns predicted; "
                                                 "select a cell to see its images"))
        self.confusion.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.confusion.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.confusion.currentCellChanged.connect(lambda r, c, _r, _c: self.show_cell(r, c))
        self.confusion.cellClicked.connect(self.show_cell)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Model")))
        top.addWidget(self.model_edit, 2)
        top.addWidget(QLabel(self.tr("Images")))
        top.addWidget(self.folder_edit, 2)
        top.addWidget(self.buttons["evalBrowseButton"])
        top.addWidget(self.buttons["evaluateButton"])
        return top

    def build_body(self, top: QLayout | None) -> None:
        """The numbers above the matrix on the left; images, calibration and curves in tabs on the right."""
        title = self.tr("Confusion matrix (rows: true class, columns: predicted; select a cell to see its images)")
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.metrics)
        left.addWidget(titled(self.confusion, title, self.buttons["saveConfusionButton"]))
        self.right_tabs = right = QTabWidget()
        right.setObjectName("evaluateTabs")
        right.addTab(self.mistakes, self.tr("Images"))
        right.addTab(self.calibration, self.tr("Calibration"))
        right.addTab(curves_tab := with_legend(self.curves, self.curves_legend), self.tr("Curves"))
        self.curves_on_show = CurvesOnShow(self.curves, self.curves_legend, right, curves_tab)
        self.set_body(texts.waiting_text(None), left, right, top=top)
        cast(QVBoxLayout, self.layout()).insertWidget(1, self.kept)  # under the controls, with or without a result

    def connect_state(self) -> None:
        self.state.run_changed.connect(self._on_run)
        self.state.dataset_changed.connect(lambda _ix: self._images_changed())
        self.state.core_ready.connect(self._update_enabled)
        self.folder_edit.editingFinished.connect(self._follow_state)
        self._update_enabled()

    def _on_run(self, run: str) -> None:
        self.model_edit.setText(run)
        self.kept.leave(run)
        self._follow_state()

    def _images_changed(self) -> None:
        self._follow_state()
        self.reading.recheck()

    def default_folder(self) -> str:
        """The images Evaluate scores when no folder is chosen (EvaluateModel.default_folder)."""
        ds = self.state.dataset
        return self.model.default_folder(ds.root if ds is not None else None, self.state.run_mismatch() is None,
                                         self.state.run_dataset())

    def _follow_state(self) -> None:
        """Name the default images; a result of another model or other default images is not shown as this one's;
        with none shown, the one the run's folder keeps of these images is read back."""
        folder, run = self.default_folder(), self.state.run
        if (hint := texts.images_hint(self.state.dataset, folder, self.state.run_info)) is not None:
            self.folder_edit.setPlaceholderText(hint[0])
            self.folder_edit.setToolTip(hint[1])
        if self.model.tag is not None and self.model.stale(run, self.folder_edit.text().strip(), folder):
            self.model.take_down()
            self.clear_result("")
        if self.model.tag is None:
            self.empty.set_text(self.empty_text(run, self.folder_edit.text().strip() or folder))
        self.reading.read_back()

    def empty_text(self, run: str | None, folder: str) -> str:
        gone = self.model.taken_down
        return texts.empty_text(self.model.why_empty(run, folder), run, folder, gone.run if gone is not None else None)

    def clear_result(self, why: str) -> None:
        self.model.clear()
        self.kept.clear()
        self.metrics.clear()
        self.confusion.set_classes([])
        self.calibration.clear()
        self.curves_on_show.clear()
        self.mistakes.set_result([], [], "")
        self.empty.set_text(why)
        self.show_content(False)

    def _update_enabled(self) -> None:
        self.buttons["evaluateButton"].setEnabled(self.state.core_loaded)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Labeled folder to evaluate on"), self.start_folder())
        if path:
            self.folder_edit.setText(path)
            self._follow_state()  # the run's kept evaluation of these images, if it keeps one

    @after_filing("evaluate")  # (the keys still being filed move images it reads)
    def evaluate(self) -> None:
        model = self.model_edit.text().strip() or (self.state.run or "")
        folder = self.folder_edit.text().strip() or self.default_folder()
        if not model:
            show_error(self, self.tr("No model"),
                       self.tr("Train a model first, or open one with File → Open model (Ctrl+M)."))
            return
        if not folder:
            show_error(self, self.tr("No images"),
                       self.tr("Open a dataset on the Data page or choose a labeled folder."))
            return
        if self.busy():
            return
        self.buttons["evaluateButton"].setEnabled(False)
        self.kept.next_read()  # a kept result read meanwhile is not shown over this one
        if self.folder_edit.text().strip():  # chosen: its kept evaluation comes back after a restart
            self.state.settings.remember_eval_folder(str(Path(folder).expanduser().resolve()))
            self.state.settings_changed.emit(True)
        self.run_task("evaluate", evaluation(model, folder), self.show_result, status=self.tr("Evaluating…"),
                      on_error=self._failed, on_cancelled=self._update_enabled)

    def _failed(self, message: str, details: str) -> None:
        self._update_enabled()
        show_error(self, self.tr("Evaluation failed"), message, details)

    def show_result(self, d: dict[str, Any]) -> None:
        """An evaluation's result (the task's dict; its "_" keys are taken out) on every tab, tagged; not when
        another dataset or model was chosen while it ran (it would be shown under their names)."""
        self._update_enabled()
        samples, curves, kept = d.pop("_samples"), d.pop("_curves"), d.pop("_epoch", None)
        model_path, not_kept = d.pop("_model"), d.pop("_not_kept", "")
        self.model.shows(d, d.pop("_folder", None), model_path)
        folder = self.folder_edit.text().strip() or self.default_folder()
        if self.model.moved_on(self.model_edit.text().strip() or (self.state.run or ""), folder):
            self.model.take_down()
            self.clear_result(self.empty_text(self.state.run, folder))
            return
        classes = d["classes"]
        self.metrics.show_result(d, kept)
        self.confusion.show_counts(classes, d["confusion_matrix"])
        self.calibration.show_result(curves["reliability"], d.get("ece"))
        self.curves_on_show.show(curves)
        self.show_content()
        self.kept.show_note(texts.not_kept_text(not_kept), model_path) if not_kept else self.kept.clear()
        self.mistakes.set_result(classes, samples, model_path)
        self.state.step_done_with(PageKey.EVALUATE, model_path)

    def show_cell(self, row: int, col: int) -> None:
        """Fill the gallery with the images of one confusion cell (all mistakes when row < 0)."""
        self.mistakes.show_cell(row, col)

    def _save_png(self, widget: QWidget, default: str) -> None:
        path = save_file_name(self, self.tr("Save as PNG"), str(Path(self.start_folder()) / default),
                              self.tr("PNG images (*.png)"))
        if path:
            save_image(self, widget.grab().toImage(), path)

    def shutdown(self) -> None:
        self.mistakes.model.shutdown()
