"""Export page: pick formats and a destination; each export is verified and its metadata shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..dialogs import show_error
from ..state import AppState
from ..tasks import TaskRunner
from ..widgets import button as _button

FORMAT_INFO = {
    "safetensors": "safetensors + JSON: weights for desktop_cls and any PyTorch code",
    "torchscript": "TorchScript: runs in C++ / mobile PyTorch without Python",
    "onnx": "ONNX: runs in ONNX Runtime, OpenCV, TensorRT, …",
}



class ExportPage(QWidget):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("exportModelEdit")
        self.model_edit.setAccessibleName("Model to export")
        self.model_edit.setPlaceholderText("Run folder (train a model first)")
        self.checks: dict[str, QCheckBox] = {}
        for fmt, text in FORMAT_INFO.items():
            c = QCheckBox(text)
            c.setObjectName(f"{fmt}Check")
            c.setChecked(fmt in ("safetensors", "onnx"))
            self.checks[fmt] = c
        self.dest_edit = QLineEdit(state.settings.last_export_dir or str(Path.home() / "desktop_cls_exports"))
        self.dest_edit.setObjectName("exportFolderEdit")
        self.dest_edit.setAccessibleName("Destination folder")
        browse = _button("Browse…", "exportBrowseButton")
        browse.clicked.connect(self._browse)
        self.name_edit = QLineEdit("model")
        self.name_edit.setObjectName("exportNameEdit")
        self.name_edit.setAccessibleName("File name")
        self.overwrite_check = QCheckBox("Replace existing files with the same name")
        self.overwrite_check.setObjectName("overwriteCheck")
        self.export_button = _button("▶ E&xport", "exportButton", "Export and verify each format")
        self.export_button.clicked.connect(self.export)
        self.open_button = _button("Open folder", "openExportFolderButton")
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.dest_edit.text())))
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setVisible(False)
        self.results = QTableWidget(0, 5)
        self.results.setObjectName("exportResults")
        self.results.setAccessibleName("Export results")
        self.results.setHorizontalHeaderLabels(["Format", "File", "Size", "Verified", "Max difference"])
        self.results.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_meta(r))
        self.meta_view = QPlainTextEdit()
        self.meta_view.setObjectName("exportMetadata")
        self.meta_view.setAccessibleName("Sidecar metadata")
        self.meta_view.setReadOnly(True)
        self.meta_view.setPlaceholderText("The metadata file written beside each model appears here.")
        self._exports: list[dict[str, Any]] = []

        form = QFormLayout()
        form.addRow("Model", self.model_edit)
        fmts = QVBoxLayout()
        for c in self.checks.values():
            fmts.addWidget(c)
        form.addRow("Formats", fmts)
        dest = QHBoxLayout()
        dest.addWidget(self.dest_edit, 1)
        dest.addWidget(browse)
        form.addRow("Folder", dest)
        form.addRow("File name", self.name_edit)
        form.addRow("", self.overwrite_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.hint = QLabel("No model yet — train one on the Train page; the best epoch is exported.")
        self.hint.setObjectName("exportHint")
        self.hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.results, 1)
        lay.addWidget(QLabel("Metadata (sidecar JSON)"))
        lay.addWidget(self.meta_view, 1)
        state.run_changed.connect(self._run_changed)
        state.core_ready.connect(lambda: self.export_button.setEnabled(True))
        self.export_button.setEnabled(state.core_loaded)

    def _run_changed(self, path: str) -> None:
        self.model_edit.setText(path)
        self.hint.setText(f"Exports the best epoch of {Path(path).name}. Each file is checked against the "
                          "trained model before it is reported done.")

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Export into", self.dest_edit.text())
        if path:
            self.dest_edit.setText(path)

    def export(self) -> None:
        model = self.model_edit.text().strip()
        formats = [f for f, c in self.checks.items() if c.isChecked()]
        dest = Path(self.dest_edit.text().strip()).expanduser()
        name = self.name_edit.text().strip() or "model"
        if not model:
            show_error(self, "No model", "Train a model first, or type the path of a run folder.")
            return
        if not formats:
            show_error(self, "No format", "Tick at least one format.")
            return
        overwrite = self.overwrite_check.isChecked()
        # The formats share one sidecar name each: model.onnx -> model.json would collide, so name per format.
        targets = {f: dest / (f"{name}.{f}" if f != "safetensors" else f"{name}.safetensors") for f in formats}
        if len(formats) > 1:
            targets = {f: dest / f / f"{name}{Path(str(targets[f])).suffix}" for f in formats}

        def work(progress: Any, cancel: Any) -> list[dict[str, Any]]:
            from desktop_cls.core.inference.export import export_model

            out = []
            for i, (fmt, target) in enumerate(targets.items()):
                cancel.raise_if_set()
                progress(i, len(targets), f"exporting {fmt}")
                res = export_model(model, fmt, target, overwrite=overwrite)
                d = res.to_dict()
                d["metadata"] = Path(res.sidecar).read_text(encoding="utf-8")
                out.append(d)
            progress(len(targets), len(targets), "export done")
            return out

        self.state.settings.last_export_dir = str(dest)
        self.state.settings_changed.emit(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.export_button.setEnabled(False)
        self.tasks.start("export", work, on_done=self._done, on_error=self._failed,
                         on_progress=self._progress,
                         on_cancelled=self._finish)

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finish(self) -> None:
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)

    def _failed(self, message: str, details: str) -> None:
        self._finish()
        show_error(self, "Export failed", message, details)

    def _done(self, results: list[dict[str, Any]]) -> None:
        self._finish()
        self._exports = results
        self.results.setRowCount(len(results))
        for r, d in enumerate(results):
            cells = [d["format"], d["path"], f"{d['size_bytes'] / 1e6:.2f} MB",
                     "✓ matches the trained model" if d["verified"] else "✗", f"{d['max_abs_diff']:.1e}"]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if c == 1:
                    it.setToolTip(d["path"])
                if c >= 2:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.results.setItem(r, c, it)
        if results:
            self.results.selectRow(0)
            self._show_meta(0)
        self.state.status_changed.emit("export", "done")

    def _show_meta(self, row: int) -> None:
        if 0 <= row < len(self._exports):
            self.meta_view.setPlainText(self._exports[row]["metadata"])
