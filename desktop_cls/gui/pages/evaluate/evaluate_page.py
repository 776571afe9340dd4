"""Evaluate page: per-class metrics, a clickable confusion heatmap and the misclassified gallery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError
from desktop_cls.gui.pages.evaluate.mistakes_gallery import MistakesGallery
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.state import AppState, Badge, PageKey, Tag
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.common import read_only_table
from desktop_cls.gui.widgets.confusion_view import HEAT_ROLE, ConfusionMatrixView
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.insight_views import (
    PlotLegend,
    curves_plot,
    draw_curves,
    draw_reliability,
    reliability_plot,
    with_legend,
)
from desktop_cls.gui.work.tasks import TaskRunner


def _kept_epoch(model: str) -> tuple[int, int] | None:
    """(epoch of the saved model, epochs trained) for a run folder, so the accuracy can be matched to training."""
    from desktop_cls.core import run_dir as rd

    run = Path(model)
    if not rd.is_run_dir(run):
        return None
    try:
        info = rd.read_run_info(run)
    except UserError:
        return None
    best, done = info.get("best_epoch"), info.get("epochs_done")
    return (best, done) if isinstance(best, int) and isinstance(done, int) and best > 0 else None


class EvaluatePage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "eval")
        self.result: dict[str, Any] | None = None
        self.result_tag: Tag | None = None  # (images, model) the result was computed for
        self.model_path = ""

        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("evalModelEdit")
        self.model_edit.setAccessibleName(self.tr("Model to evaluate"))
        self.model_edit.setPlaceholderText(self.tr("Run folder or exported model (train one first)"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("evalFolderEdit")
        self.folder_edit.setAccessibleName(self.tr("Labeled folder"))
        self.folder_edit.setPlaceholderText(self.tr("Labeled folder (default: the dataset's validation images)"))
        browse = _button(self.tr("Folder…"), "evalBrowseButton", self.tr("Choose a labeled folder to evaluate on"))
        browse.clicked.connect(self._browse)
        self.eval_button = _button(self.tr("▶ &Evaluate"), "evaluateButton",
                                   self.tr("Score the model on labeled images (Ctrl+E)"))
        self.eval_button.clicked.connect(self.evaluate)
        # Ctrl+E is the window's Train → Evaluate action, which works from any field and any page
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Model")))
        top.addWidget(self.model_edit, 2)
        top.addWidget(QLabel(self.tr("Images")))
        top.addWidget(self.folder_edit, 2)
        top.addWidget(browse)
        top.addWidget(self.eval_button)

        self.summary = QLabel()
        self.summary.setObjectName("evalSummary")
        self.summary.setWordWrap(True)

        self.metrics_table = read_only_table(QTableWidget(), "metricsTable", self.tr("Per-class metrics"), [
            self.tr("Class"), self.tr("Precision"), self.tr("Recall"), self.tr("F1"), self.tr("Images")],
            select_rows=False)

        self.confusion = ConfusionMatrixView()
        self.confusion.setObjectName("confusionView")
        self.confusion.setAccessibleName(self.tr("Confusion matrix: rows are true classes, columns predicted; "
                                                 "select a cell to see its images"))
        self.confusion.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.confusion.currentCellChanged.connect(lambda r, c, _r, _c: self.show_cell(r, c))
        self.confusion.cellClicked.connect(self.show_cell)
        save_cm = _button(self.tr("Save matrix as PNG…"), "saveConfusionButton")
        save_cm.clicked.connect(lambda: self._save_png(self.confusion, "confusion-matrix.png"))
        save_table = _button(self.tr("Save metrics as PNG…"), "saveMetricsButton")
        save_table.clicked.connect(lambda: self._save_png(self.metrics_table, "metrics.png"))

        self.mistakes = MistakesGallery(state, tasks)
        self.reliability = reliability_plot()
        self.ece_label = QLabel()
        self.ece_label.setObjectName("eceLabel")
        self.ece_label.setWordWrap(True)
        self.curves = curves_plot()
        self.curves_legend = PlotLegend(self.curves, "curvesLegend")

        metrics_box = QWidget()
        ll = QVBoxLayout(metrics_box)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.summary)
        ll.addWidget(self.metrics_table, 1)
        ll.addWidget(save_table)
        confusion_box = QWidget()
        ml = QVBoxLayout(confusion_box)
        ml.setContentsMargins(0, 0, 0, 0)
        cm_title = QLabel(self.tr("Confusion matrix (rows: true class, columns: predicted; select a cell to see its "
                                  "images)"))
        cm_title.setWordWrap(True)
        ml.addWidget(cm_title)
        ml.addWidget(self.confusion, 1)
        ml.addWidget(save_cm)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(metrics_box)
        left.addWidget(confusion_box)
        calibration = QWidget()
        cl = QVBoxLayout(calibration)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.ece_label)
        cl.addWidget(self.reliability, 1)
        right = QTabWidget()
        right.setObjectName("evaluateTabs")
        right.addTab(self.mistakes, self.tr("Images"))
        right.addTab(calibration, self.tr("Calibration"))
        right.addTab(with_legend(self.curves, self.curves_legend), self.tr("Curves"))
        self.right_tabs = right
        empty_text = self.tr("No evaluation yet — train a model on the Train page, then press Evaluate to see "
                             "accuracy, the confusion matrix and the misclassified images.")
        self.empty_text = empty_text
        self.set_body(empty_text, left, right, top=top)
        state.run_changed.connect(self._on_run)
        state.dataset_changed.connect(lambda _ix: self._follow_state())
        state.core_ready.connect(self._update_enabled)
        self._update_enabled()

    def page_actions(self) -> list[PageAction]:
        return [PageAction("evaluateAction", self.tr("&Evaluate the model"), lambda: self.evaluate(), "Ctrl+E",
                           shows_page=True)]

    def _on_run(self, run: str) -> None:
        self.model_edit.setText(run)
        self._follow_state()

    def default_folder(self) -> str:
        """The images Evaluate scores when no folder is chosen: the open dataset's, unless the model was trained
        on other classes; then its own dataset's (a resumed run of another folder is scored where it belongs)."""
        ds = self.state.dataset
        if ds is not None and self.state.run_mismatch() is None:
            return ds.root
        return self.state.run_dataset() or (ds.root if ds is not None else "")

    def _follow_state(self) -> None:
        """Name the default images; a result of another model or other default images is not shown as this one's."""
        ds, folder = self.state.dataset, self.default_folder()
        if ds is not None and folder == ds.root:
            text = (self.tr("Labeled folder (default: test images of {0})") if ds.held_out_split() == "test"
                    else self.tr("Labeled folder (default: validation images of {0})"))
            self.folder_edit.setPlaceholderText(text.format(Path(ds.root).name))
        elif folder:
            self.folder_edit.setPlaceholderText(self.tr("Labeled folder (default: the images the model was trained "
                                                        "on, in {0})").format(Path(folder).name))
        shown, run, chosen = self.result_tag, self.state.run, self.folder_edit.text().strip()
        if shown is not None and (shown.run != run or (not chosen and shown.dataset != folder)):
            self.clear_result(self.tr("The results shown were of {old}. Press Evaluate (Ctrl+E) to score {new}.")
                              .format(old=Path(shown.run or "").name, new=Path(run or "").name))

    def clear_result(self, why: str) -> None:
        self.result, self.result_tag = None, None
        self.metrics_table.setRowCount(0)
        self.confusion.set_classes([])
        self.summary.setText("")
        self.ece_label.setText("")
        self.reliability.clear()
        self.curves.clear()
        self.mistakes.set_result([], [], "")
        self.empty.set_text(why)
        self.show_content(False)

    def _update_enabled(self) -> None:
        self.eval_button.setEnabled(self.state.core_loaded)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Labeled folder to evaluate on"), self.start_folder())
        if path:
            self.folder_edit.setText(path)

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

        def work(progress: Any, cancel: Any) -> dict[str, Any]:
            from desktop_cls.core.inference.evaluation import evaluate
            from desktop_cls.core.inference.predictor import Predictor

            ev = evaluate(Predictor.load(model, allow_code=False), folder, progress=progress, cancel=cancel)
            d = ev.to_dict()
            pred = ev.probs.argmax(axis=1) if len(ev.probs) else []
            d["_samples"] = [(p, int(t), int(k), float(ev.probs[i, k]))
                             for i, (p, t, k) in enumerate(zip(ev.paths, ev.y_true, pred, strict=True))]
            d["_curves"] = ev.curves()
            d["_model"] = model
            d["_folder"] = folder
            d["_epoch"] = _kept_epoch(model)
            return d

        self.eval_button.setEnabled(False)
        self.run_task("evaluate", work, self._show, status=self.tr("Evaluating…"), on_error=self._failed,
                      on_cancelled=self._finish)

    def _finish(self) -> None:
        self._update_enabled()

    def _failed(self, message: str, details: str) -> None:
        self._finish()
        show_error(self, self.tr("Evaluation failed"), message, details)

    def _show(self, d: dict[str, Any]) -> None:
        self._finish()
        self.result = d
        samples = d.pop("_samples")
        classes = d["classes"]
        self.summary.setText(self._summary(d, d.pop("_epoch", None)))
        average = {"macro": self.tr("macro average"), "weighted": self.tr("weighted average")}
        rows = list(d["per_class"].items()) + [(average.get(k, k), v) for k, v in d["averages"].items()]
        present = sum(1 for m in d["per_class"].values() if m["support"])
        self.metrics_table.setRowCount(len(rows))
        for r, (name, m) in enumerate(rows):
            self.metrics_table.setItem(r, 0, QTableWidgetItem(name))
            for c, key in enumerate(("precision", "recall", "f1"), 1):
                it = QTableWidgetItem("—" if m[key] is None else f"{m[key]:.3f}")
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r < len(d["per_class"]) and not m["support"]:
                    it.setToolTip(self._absent_tip(name, d["split"], m[key] is not None))
                elif r >= len(d["per_class"]) and present < len(d["per_class"]):
                    it.setToolTip(self.tr("Over the {0} classes that have images here; a class without "
                                          "images is left out").format(present))
                self.metrics_table.setItem(r, c, it)
            s = QTableWidgetItem(f"{m['support']:,}")
            s.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.metrics_table.setItem(r, 4, s)
        self._fit_metrics_columns()
        cm = d["confusion_matrix"]
        self.confusion.set_classes(classes)
        for i, row in enumerate(cm):
            total = max(sum(row), 1)
            for j, v in enumerate(row):
                it = QTableWidgetItem(str(v))
                it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                it.setData(HEAT_ROLE, v / total)  # coloured from the palette when painted
                it.setToolTip(self.tr("%n image(s) of '{0}' predicted as '{1}'", "", v).format(classes[i], classes[j]))
                self.confusion.setItem(i, j, it)
        self.confusion.fit()
        curves = d.pop("_curves")
        self.model_path = d.pop("_model")
        self.result_tag = Tag(d.pop("_folder", None), self.model_path)
        draw_reliability(self.reliability, curves["reliability"])
        draw_curves(self.curves, curves)
        self.curves_legend.sync()
        ece = d.get("ece")
        self.ece_label.setText(self.tr(
            "Expected calibration error: <b>{0:.1%}</b> — the average gap between how sure the model is and how "
            "often it is right (bars: accuracy per confidence bin; orange: share of images; dashed: perfect).")
            .format(ece) if ece is not None and ece == ece else "")
        self.show_content()
        self.mistakes.set_result(classes, samples, self.model_path)
        self.state.set_status(PageKey.EVALUATE, Badge.DONE)

    def _fit_metrics_columns(self) -> None:
        """The figures as narrow as they can be, and room for every class name in full beside them."""
        table = self.metrics_table
        for c in range(1, 5):
            table.resizeColumnToContents(c)
        fm = table.fontMetrics()
        names = max((fm.horizontalAdvance(item.text()) for r in range(table.rowCount())
                     if (item := table.item(r, 0)) is not None), default=0)
        names = min(names, fm.averageCharWidth() * 24)  # a very long name is elided rather than widen the window
        figures = sum(table.columnWidth(c) for c in range(1, 5))
        frame = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(names + 16 + figures + frame)

    def _absent_tip(self, name: str, split: str, predicted: bool) -> str:
        """Why a class's score is a dash (or a plain 0), and that the averages leave it out."""
        where = {"validation": self.tr("the validation images"), "val": self.tr("the validation images"),
                 "test": self.tr("the test images")}.get(split, self.tr("the evaluated images"))
        tip = self.tr("No images of '{0}' among {1}: it has no recall, and the macro average leaves it "
                      "out.").format(name, where)
        if predicted:
            tip += " " + self.tr("The model did predict it, wrongly each time: those are false positives.")
        return tip

    def _split_words(self, split: str) -> str:
        return {"validation": self.tr("validation images"), "val": self.tr("validation images"),
                "test": self.tr("test images")}.get(split, self.tr("images"))

    def _summary(self, d: dict[str, Any], kept: tuple[int, int] | None) -> str:
        """Accuracy, on how many images of which split, top-k, the epoch of the model and a warning for few images."""
        n = d["num_images"]
        where = self._split_words(d["split"])
        text = self.tr("<b>Accuracy {acc:.1%}</b> on {n:,} {where}").format(acc=d["accuracy"], n=n, where=where)
        topk = next((k for k in d if k.startswith("top") and k.endswith("_accuracy")), None)
        if topk:
            k = topk.removeprefix("top").removesuffix("_accuracy")
            text += self.tr(" · top-{k} accuracy {acc:.1%}").format(k=k, acc=d[topk])
        if kept:
            text += " " + self.tr("· model of epoch {0} of {1} (the best on validation, as training reported)").format(
                *kept)
        text += self.tr(".")
        if n < 50:
            text += self.tr(" ⚠ Few images: treat this as a rough estimate.")
        return text

    def show_cell(self, row: int, col: int) -> None:
        """Fill the gallery with the images of one confusion cell (all mistakes when row < 0)."""
        self.mistakes.show_cell(row, col)

    def _save_png(self, widget: QWidget, default: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as PNG"), str(Path(self.start_folder()) / default),
                                              self.tr("PNG images (*.png)"))
        if path:
            widget.grab().save(path, "PNG")

    def shutdown(self) -> None:
        self.mistakes.model.shutdown()
