"""Evaluate page: per-class metrics, a clickable confusion heatmap and the misclassified gallery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError

from ..confusion_view import HEAT_ROLE, ConfusionMatrixView
from ..dialogs import show_error
from ..image_viewer import open_viewer
from ..insight_views import (
    PlotLegend,
    curves_plot,
    draw_curves,
    draw_reliability,
    reliability_plot,
    with_legend,
)
from ..state import AppState
from ..tasks import Task, TaskRunner
from ..thumbnails import ThumbnailModel
from ..widgets import button as _button
from ..widgets import rgb_array_to_qimage, split_with_empty_state

HEATMAP_LIMIT = 60
VIEWER_HEATMAP_SIDE = 1600  # px: heat maps kept for the viewer are at most this large


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


class EvaluatePage(QWidget):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.task: Task | None = None
        self.result: dict[str, Any] | None = None
        self.samples: list[tuple[str, int, int, float]] = []  # path, true, predicted, confidence
        self.shown: list[tuple[str, int, int, float]] = []
        self.model_path = ""

        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("evalModelEdit")
        self.model_edit.setAccessibleName("Model to evaluate")
        self.model_edit.setPlaceholderText("Run folder or exported model (train one first)")
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("evalFolderEdit")
        self.folder_edit.setAccessibleName("Labeled folder")
        self.folder_edit.setPlaceholderText("Labeled folder (default: the dataset's validation images)")
        browse = _button("Folder…", "evalBrowseButton")
        browse.clicked.connect(self._browse)
        self.eval_button = _button("▶ &Evaluate", "evaluateButton", "Score the model on labeled images (Ctrl+E)")
        self.eval_button.clicked.connect(self.evaluate)
        # Ctrl+E is the window's Train → Evaluate action, which works from any field and any page
        top = QHBoxLayout()
        top.addWidget(QLabel("Model"))
        top.addWidget(self.model_edit, 2)
        top.addWidget(QLabel("Images"))
        top.addWidget(self.folder_edit, 2)
        top.addWidget(browse)
        top.addWidget(self.eval_button)

        self.progress = QProgressBar()
        self.progress.setObjectName("evalProgress")
        self.progress.setVisible(False)
        self.summary = QLabel()
        self.summary.setObjectName("evalSummary")
        self.summary.setWordWrap(True)

        self.metrics_table = QTableWidget(0, 5)
        self.metrics_table.setObjectName("metricsTable")
        self.metrics_table.setAccessibleName("Per-class metrics")
        self.metrics_table.setHorizontalHeaderLabels(["Class", "Precision", "Recall", "F1", "Images"])
        self.metrics_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.metrics_table.verticalHeader().setVisible(False)
        self.metrics_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        self.confusion = ConfusionMatrixView()
        self.confusion.setObjectName("confusionView")
        self.confusion.setAccessibleName("Confusion matrix: rows are true classes, columns predicted; "
                                         "select a cell to see its images")
        self.confusion.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.confusion.currentCellChanged.connect(lambda r, c, _r, _c: self.show_cell(r, c))
        self.confusion.cellClicked.connect(self.show_cell)
        save_cm = _button("Save matrix as PNG…", "saveConfusionButton")
        save_cm.clicked.connect(lambda: self._save_png(self.confusion, "confusion-matrix.png"))
        save_table = _button("Save metrics as PNG…", "saveMetricsButton")
        save_table.clicked.connect(lambda: self._save_png(self.metrics_table, "metrics.png"))

        self.gallery_label = QLabel("Misclassified images, most confident mistakes first")
        self.gallery_label.setWordWrap(True)
        self.gallery_model = ThumbnailModel(side=96)
        self.gallery = QListView()
        self.gallery.setObjectName("misclassifiedGallery")
        self.gallery.setAccessibleName("Misclassified images")
        self.gallery_model.configure_view(self.gallery)
        self.gallery.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.gallery.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.gallery.customContextMenuRequested.connect(self._gallery_menu)
        self.gallery.activated.connect(lambda idx: self.view_mistake(idx.row()))  # double-click or Enter
        self.heatmap_pictures: dict[str, QImage] = {}  # large overlays for the viewer, by path
        self.show_all_button = _button("Show all mistakes", "showAllMistakesButton")
        self.show_all_button.clicked.connect(lambda: self.show_cell(-1, -1))
        self.heatmap_check = QCheckBox("Show where the model looked (heatmaps)")
        self.heatmap_check.setObjectName("galleryHeatmapCheck")
        self.heatmap_check.toggled.connect(self._toggle_heatmaps)
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
        cm_title = QLabel("Confusion matrix (rows: true class, columns: predicted; select a cell to see its images)")
        cm_title.setWordWrap(True)
        ml.addWidget(cm_title)
        ml.addWidget(self.confusion, 1)
        ml.addWidget(save_cm)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(metrics_box)
        left.addWidget(confusion_box)
        mistakes = QWidget()
        rl = QVBoxLayout(mistakes)
        rl.setContentsMargins(0, 0, 0, 0)
        hl = QHBoxLayout()
        hl.addWidget(self.gallery_label, 1)
        hl.addWidget(self.show_all_button)
        rl.addLayout(hl)
        rl.addWidget(self.heatmap_check)
        rl.addWidget(self.gallery, 1)
        calibration = QWidget()
        cl = QVBoxLayout(calibration)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.ece_label)
        cl.addWidget(self.reliability, 1)
        right = QTabWidget()
        right.setObjectName("evaluateTabs")
        right.addTab(mistakes, "Images")
        right.addTab(calibration, "Calibration")
        right.addTab(with_legend(self.curves, self.curves_legend), "Curves")
        self.right_tabs = right
        empty_text = ("No evaluation yet — train a model on the Train page, then press Evaluate "
                      "to see accuracy, the confusion matrix and the misclassified images.")
        self.content, self.empty = split_with_empty_state(empty_text, left, right)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.progress)
        lay.addWidget(self.content, 1)
        state.run_changed.connect(self.model_edit.setText)
        state.dataset_changed.connect(lambda ix: self.folder_edit.setPlaceholderText(
            f"Labeled folder (default: validation images of {Path(ix.root).name})"))
        state.core_ready.connect(self._update_enabled)
        self._update_enabled()

    def _update_enabled(self) -> None:
        self.eval_button.setEnabled(self.state.core_loaded)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Labeled folder to evaluate on")
        if path:
            self.folder_edit.setText(path)

    def evaluate(self) -> None:
        model = self.model_edit.text().strip() or (self.state.run or "")
        folder = self.folder_edit.text().strip() or (self.state.dataset.root if self.state.dataset else "")
        if not model:
            show_error(self, "No model", "Train a model first, or open one with File → Open model (Ctrl+M).")
            return
        if not folder:
            show_error(self, "No images", "Open a dataset on the Data page or choose a labeled folder.")
            return
        if self.task is not None and self.task.is_running():
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
            d["_epoch"] = _kept_epoch(model)
            return d

        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.eval_button.setEnabled(False)
        self.task = self.tasks.start("evaluate", work, on_done=self._show, on_error=self._failed,
                                     on_progress=self._progress, on_cancelled=self._finish)

    def _progress(self, done: int, total: int, what: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish(self) -> None:
        self.progress.setVisible(False)
        self._update_enabled()

    def _failed(self, message: str, details: str) -> None:
        self._finish()
        show_error(self, "Evaluation failed", message, details)

    def _show(self, d: dict[str, Any]) -> None:
        self._finish()
        self.result = d
        self.samples = d.pop("_samples")
        self.heatmap_pictures = {}
        classes = d["classes"]
        n = d["num_images"]
        where = {"validation": "validation images", "test": "test images", "val": "validation images",
                 "folder": "images"}.get(d["split"], "images")
        warn = " ⚠ Few images: treat this as a rough estimate." if n < 50 else ""
        topk = next((k for k in d if k.startswith("top") and k.endswith("_accuracy")), None)
        extra = f" · {topk.replace('_accuracy', '').replace('top', 'top-')} accuracy {d[topk]:.1%}" if topk else ""
        kept = d.pop("_epoch", None)
        epoch = (" " + self.tr("· model of epoch {0} of {1} (the best on validation, as training reported)")
                 .format(*kept)) if kept else ""
        self.summary.setText(f"<b>Accuracy {d['accuracy']:.1%}</b> on {n:,} {where}{extra}{epoch}.{warn}")
        rows = list(d["per_class"].items()) + [(f"{k} average", v) for k, v in d["averages"].items()]
        self.metrics_table.setRowCount(len(rows))
        for r, (name, m) in enumerate(rows):
            self.metrics_table.setItem(r, 0, QTableWidgetItem(name))
            for c, key in enumerate(("precision", "recall", "f1"), 1):
                it = QTableWidgetItem(f"{m[key]:.3f}")
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.metrics_table.setItem(r, c, it)
            s = QTableWidgetItem(f"{m['support']:,}")
            s.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.metrics_table.setItem(r, 4, s)
        for c in range(1, 5):
            self.metrics_table.resizeColumnToContents(c)
        cm = d["confusion_matrix"]
        self.confusion.set_classes(classes)
        for i, row in enumerate(cm):
            total = max(sum(row), 1)
            for j, v in enumerate(row):
                it = QTableWidgetItem(str(v))
                it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                it.setData(HEAT_ROLE, v / total)  # coloured from the palette when painted
                it.setToolTip(f"{v} image(s) of '{classes[i]}' predicted as '{classes[j]}'")
                self.confusion.setItem(i, j, it)
        self.confusion.fit()
        curves = d.pop("_curves")
        self.model_path = d.pop("_model")
        draw_reliability(self.reliability, curves["reliability"])
        draw_curves(self.curves, curves)
        self.curves_legend.sync()
        ece = d.get("ece")
        self.ece_label.setText(
            f"Expected calibration error: <b>{ece:.1%}</b> — the average gap between how sure the model is and how "
            "often it is right (bars: accuracy per confidence bin; orange: share of images; dashed: perfect)."
            if ece is not None and ece == ece else "")
        self.content.setCurrentIndex(1)
        self.show_cell(-1, -1)
        self.state.status_changed.emit("evaluate", "done")

    def show_cell(self, row: int, col: int) -> None:
        """Fill the gallery with the images of one confusion cell (all mistakes when row < 0)."""
        if self.result is None:
            return
        classes = self.result["classes"]
        if row < 0:
            chosen = [s for s in self.samples if s[1] != s[2]]
            self.gallery_label.setText(f"{len(chosen)} misclassified image(s), most confident mistakes first")
        else:
            chosen = [s for s in self.samples if s[1] == row and s[2] == col]
            self.gallery_label.setText(f"{len(chosen)} image(s) of '{classes[row]}' predicted as '{classes[col]}'")
        chosen.sort(key=lambda s: -s[3])
        self.shown = chosen
        self.gallery_model.set_items([(path, f"{classes[t]} → {classes[k]} {conf:.0%}") for path, t, k, conf in chosen])

    def selected_paths(self) -> list[str]:
        return [self.gallery_model.items[i.row()][0] for i in self.gallery.selectedIndexes()]

    def _gallery_menu(self, pos: Any) -> None:
        """Fix labels in place: move the selected images to the right class, or to the trash (undoable)."""
        if self.result is None or not self.selected_paths():
            return
        menu = QMenu(self)
        move = menu.addMenu("Move to class")
        for cls in self.result["classes"]:
            move.addAction(cls).triggered.connect(lambda _=False, c=cls: self.fix_selected(c))
        menu.addAction("Move to trash").triggered.connect(lambda _=False: self.fix_selected(None))
        menu.exec(self.gallery.viewport().mapToGlobal(pos))

    def fix_selected(self, class_name: str | None) -> None:
        ws = self.state.workspace
        paths = self.selected_paths()
        if ws is None or not paths:
            show_error(self, "Cannot fix labels", "Open the dataset on the Data page first.")
            return
        try:
            if class_name is None:
                ws.trash(paths)
            else:
                ws.assign(paths, class_name)
        except UserError as e:
            show_error(self, "Cannot fix labels", e.for_gui())
            return
        gone = set(paths)
        self.samples = [s for s in self.samples if s[0] not in gone]
        self.shown = [s for s in self.shown if s[0] not in gone]
        self.gallery_model.set_items([it for it in self.gallery_model.items if it[0] not in gone])
        what = "trashed" if class_name is None else f"moved to '{class_name}'"
        self.gallery_label.setText(f"{len(gone)} image(s) {what} — Ctrl+Z on the Label page undoes it; "
                                   "evaluate again to update the numbers")

    def _toggle_heatmaps(self, on: bool) -> None:
        if not on:
            self.gallery_model.drop_cached()
            self.heatmap_pictures = {}
            return
        if self.result is None or not self.shown:
            return
        paths = [s[0] for s in self.shown[:HEATMAP_LIMIT]]
        model = self.model_path

        def work(progress: Any, cancel: Any) -> list[tuple[str, Any]]:
            from desktop_cls.core.inference.explain import explain_file
            from desktop_cls.core.inference.predictor import Predictor

            predictor = Predictor.load(model)
            out = []
            for i, path in enumerate(paths):
                cancel.raise_if_set()
                try:
                    out.append((path, explain_file(predictor, path)[3]))
                except Exception:  # an unreadable file keeps its plain thumbnail
                    continue
                progress(i + 1, len(paths), "computing heatmaps")
            return out

        self.tasks.start("heatmaps", work, on_done=self._heatmaps_done,
                         on_error=lambda m, d: show_error(self, "Heatmaps failed", m, d))

    def _heatmaps_done(self, overlays: list[tuple[str, Any]]) -> None:
        if not self.heatmap_check.isChecked():
            return
        for path, picture in overlays:
            full = rgb_array_to_qimage(picture)
            if max(full.width(), full.height()) > VIEWER_HEATMAP_SIDE:  # bounded memory for 60 photos
                full = full.scaled(VIEWER_HEATMAP_SIDE, VIEWER_HEATMAP_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            self.heatmap_pictures[path] = full
            self.gallery_model.set_override(path, full)  # scaled to the thumbnail's device pixels there

    def view_mistake(self, row: int) -> None:
        """The gallery's images large, with their heat maps when those are shown."""
        if self.result is None:
            return
        classes = self.result["classes"]
        items = [(path, self.tr("True class: {0} · predicted: {1} ({2:.0%})").format(classes[t], classes[k], conf))
                 for path, t, k, conf in self.shown]
        open_viewer(self, items, row, self.heatmap_pictures if self.heatmap_check.isChecked() else None)

    def _save_png(self, widget: QWidget, default: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save as PNG", default, "PNG (*.png)")
        if path:
            widget.grab().save(path, "PNG")
