"""Export page: pick formats and a destination; each export is verified, measured and shown side by side.

The table answers "which file should I ship?" with numbers: size, the latency of one image on this
computer, agreement with the trained model and accuracy on the run's validation images. The web format is
a folder with an offline page; the Serve box below the form serves the model over HTTP.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.gui.pages.export.serve_panel import ServePanel
from desktop_cls.gui.pages.page import Page
from desktop_cls.gui.state import AppState, Badge, PageKey
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.common import read_only_table
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.work.tasks import TaskRunner

SUFFIXES = {"safetensors": ".safetensors", "torchscript": ".torchscript", "onnx": ".onnx", "onnx-int8": ".onnx",
            "onnx-fp16": ".onnx", "openvino": ".xml", "web": "-web"}  # web: a folder
COLUMNS = (QT_TRANSLATE_NOOP("ExportPage", "Format"), QT_TRANSLATE_NOOP("ExportPage", "Size"),
           QT_TRANSLATE_NOOP("ExportPage", "One image"), QT_TRANSLATE_NOOP("ExportPage", "Agreement"),
           QT_TRANSLATE_NOOP("ExportPage", "Accuracy"), QT_TRANSLATE_NOOP("ExportPage", "File"))


def format_info() -> dict[str, str]:
    translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
    return {
        "safetensors": translate("ExportPage", "safetensors + JSON: weights for desktop_cls and any PyTorch code"),
        "torchscript": translate("ExportPage", "TorchScript: runs in C++ / mobile PyTorch without Python"),
        "onnx": translate("ExportPage", "ONNX: runs in ONNX Runtime, OpenCV, TensorRT, …"),
        "onnx-int8": translate("ExportPage", "ONNX int8: about 4× smaller, faster on CPUs; calibrated on your "
                               "training images"),
        "onnx-fp16": translate("ExportPage", "ONNX fp16: half the size, for GPUs and accelerators that prefer it"),
        "openvino": translate("ExportPage", "OpenVINO (.xml + .bin): Intel CPUs, GPUs and NPUs"),
        "web": translate("ExportPage", "Web page: classifies images and the webcam in any browser, offline "
                         "(a folder to open or put on a web server)"),
    }


def web_runtime_present() -> bool:
    """ONNX Runtime Web's files ship with releases; a source checkout fetches them (python dev.py web-runtime)."""
    from desktop_cls.resources_path import resources_dir

    return (resources_dir() / "web" / "onnxruntime-web" / "VERSION").is_file()


def export_targets(formats: list[str], dest: Path, name: str) -> dict[str, Path]:
    """One format: dest/name.ext; several: dest/<format>/name.ext (ONNX variants and sidecars never collide)."""
    if len(formats) == 1:
        return {formats[0]: dest / f"{name}{SUFFIXES[formats[0]]}"}
    return {f: dest / f / f"{name}{SUFFIXES[f]}" for f in formats}


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def _size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


class ExportPage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "export")
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("exportModelEdit")
        self.model_edit.setAccessibleName(self.tr("Model to export"))
        self.model_edit.setPlaceholderText(self.tr("Run folder (train a model first)"))
        self.checks = self._format_checks()
        self.dest_edit = QLineEdit(state.settings.last_export_dir or str(Path.home() / "desktop_cls_exports"))
        self.dest_edit.setObjectName("exportFolderEdit")
        self.dest_edit.setAccessibleName(self.tr("Destination folder"))
        self.browse_button = _button(self.tr("Browse…"), "exportBrowseButton")
        self.browse_button.clicked.connect(self._browse)
        self.name_edit = QLineEdit("model")
        self.name_edit.setObjectName("exportNameEdit")
        self.name_edit.setAccessibleName(self.tr("File name"))
        self.overwrite_check = QCheckBox(self.tr("Replace existing files with the same name"))
        self.overwrite_check.setObjectName("overwriteCheck")
        self.export_button = _button(self.tr("▶ E&xport"), "exportButton",
                                     self.tr("Export, verify and measure each format"))
        self.export_button.clicked.connect(self.export)
        self.cancel_button = self.status_line.cancel_button
        self.cancel_button.setObjectName("exportCancelButton")
        self.cancel_button.setToolTip(self.tr("Stop exporting"))
        self.open_button = _button(self.tr("Open folder"), "openExportFolderButton")
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.dest_edit.text())))
        self.progress = self.status_line.bar
        self.results = read_only_table(QTableWidget(), "exportResults", self.tr("Export results"),
                                       [self.tr(str(c)) for c in COLUMNS], stretch=len(COLUMNS) - 1)
        agreement = self.results.horizontalHeaderItem(3)
        if agreement is not None:
            agreement.setToolTip(self.tr("How often the export picks the same class as the trained model"))
        self.results.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_details(r))
        self.measured_label = QLabel(self.tr("Each export is compared with the trained model on the run's "
                                             "held-out images (validation, else test); the figures appear here."))
        self.measured_label.setObjectName("exportMeasuredLabel")
        self.measured_label.setWordWrap(True)
        self.details = self._details_tabs(tasks)
        self._exports: list[dict[str, Any]] = []
        self._dest = Path()
        self._layout()
        state.run_changed.connect(self._run_changed)
        state.core_ready.connect(lambda: self.export_button.setEnabled(True))
        self.export_button.setEnabled(state.core_loaded)

    def _format_checks(self) -> dict[str, QCheckBox]:
        """One check box per format; those this copy cannot write are off and say why."""
        checks: dict[str, QCheckBox] = {}
        self.openvino_available = importlib.util.find_spec("openvino") is not None
        for fmt, text in format_info().items():
            c = QCheckBox(text)
            c.setObjectName(f"{fmt.replace('-', '_')}Check")
            c.setChecked(fmt in ("safetensors", "onnx", "onnx-int8"))
            checks[fmt] = c
        if not self.openvino_available:
            ov = checks["openvino"]
            ov.setChecked(False)
            ov.setEnabled(False)
            ov.setToolTip(self.tr("OpenVINO is not installed with this copy (pip install openvino); it also "
                                  "reads the ONNX file directly"))
        if not web_runtime_present():
            checks["web"].setEnabled(False)
            checks["web"].setToolTip(self.tr("This copy lacks ONNX Runtime Web; in a source checkout run "
                                             "python dev.py web-runtime"))
        return checks

    def _details_tabs(self, tasks: TaskRunner) -> QTabWidget:
        """The selected export's example script and metadata, and the Serve box."""
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.snippet_view = QPlainTextEdit()
        self.snippet_view.setObjectName("exportSnippet")
        self.snippet_view.setAccessibleName(self.tr("Example script"))
        self.snippet_view.setReadOnly(True)
        self.snippet_view.setFont(mono)
        self.snippet_view.setPlaceholderText(self.tr("A short script that uses the selected model without "
                                                     "desktop_cls is written beside it and shown here."))
        self.meta_view = QPlainTextEdit()
        self.meta_view.setObjectName("exportMetadata")
        self.meta_view.setAccessibleName(self.tr("Sidecar metadata"))
        self.meta_view.setReadOnly(True)
        self.meta_view.setFont(mono)
        self.meta_view.setPlaceholderText(self.tr("The metadata file written beside each model appears here."))
        details = QTabWidget()
        details.setObjectName("exportDetailsTabs")
        details.addTab(self.snippet_view, self.tr("Use it elsewhere"))
        details.addTab(self.meta_view, self.tr("Metadata (sidecar JSON)"))
        self.serve_panel = ServePanel(tasks, self.model_edit.text)
        # a tab beside the files' uses, not a box under the form: the page stays within a 640 px high screen
        details.addTab(self.serve_panel, self.tr("Serve over HTTP"))
        return details

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_edit)
        fmts = QVBoxLayout()
        for c in self.checks.values():
            fmts.addWidget(c)
        form.addRow(self.tr("Formats"), fmts)
        dest = QHBoxLayout()
        dest.addWidget(self.dest_edit, 1)
        dest.addWidget(self.browse_button)
        form.addRow(self.tr("Folder"), dest)
        form.addRow(self.tr("File name"), self.name_edit)
        form.addRow("", self.overwrite_check)
        buttons = QHBoxLayout()
        for b in (self.export_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.hint = QLabel(self.tr("No model yet — train one on the Train page; the best epoch is exported."))
        self.hint.setObjectName("exportHint")
        self.hint.setWordWrap(True)
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.results, 1)
        tl.addWidget(self.measured_label)
        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(table_box)
        split.addWidget(self.details)
        for pane in (table_box, self.details):  # small screens (640 px high) squeeze the panes, not the window
            pane.setMinimumHeight(60)
        self.set_column(split, self.hint, form, buttons)

    def _run_changed(self, path: str) -> None:
        self.model_edit.setText(path)
        self.hint.setText(self.tr("Exports the best epoch of {0}. Each file is checked against the trained model "
                                  "before it is reported done.").format(Path(path).name))

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Export into"), self.dest_edit.text())
        if path:
            self.dest_edit.setText(path)

    def export(self) -> None:
        model = self.model_edit.text().strip()
        formats = [f for f, c in self.checks.items() if c.isChecked() and c.isEnabled()]
        dest = Path(self.dest_edit.text().strip()).expanduser()
        name = self.name_edit.text().strip() or "model"
        if not model:
            show_error(self, self.tr("No model"), self.tr("Train a model first, or type the path of a run folder."))
            return
        if not formats:
            show_error(self, self.tr("No format"), self.tr("Tick at least one format."))
            return
        overwrite = self.overwrite_check.isChecked()
        targets = export_targets(formats, dest, name)
        self._dest = dest  # the File column shows each file relative to it (format subfolders included)

        def work(progress: Any, cancel: Any) -> list[dict[str, Any]]:
            from desktop_cls.core.inference.export import export_model, measurement_images
            from desktop_cls.core.inference.export_web import export_web

            progress(0, len(targets) + 1, QCoreApplication.translate("ExportPage", "reading the held-out images"))
            images = measurement_images(model, cancel=cancel)
            out = []
            for i, (fmt, target) in enumerate(targets.items()):
                cancel.raise_if_set()
                progress(i + 1, len(targets) + 1, QCoreApplication.translate("ExportPage", "exporting {0}").format(fmt))
                res = export_web(model, target, overwrite=overwrite, images=images, cancel=cancel) if fmt == "web" \
                    else export_model(model, fmt, target, overwrite=overwrite, images=images, cancel=cancel)
                d = res.to_dict()
                d["metadata"] = Path(res.sidecar).read_text(encoding="utf-8")
                d["snippet_text"] = Path(res.snippet).read_text(encoding="utf-8") if res.snippet else ""
                out.append(d)
            progress(len(targets) + 1, len(targets) + 1, QCoreApplication.translate("ExportPage", "export done"))
            return out

        self.state.settings.last_export_dir = str(dest)
        self.state.settings_changed.emit(True)
        self.export_button.setEnabled(False)
        self.run_task("export", work, self._done, status=self.tr("Exporting…"), on_error=self._failed,
                      on_cancelled=self._finish)

    def _finish(self) -> None:
        self.export_button.setEnabled(True)

    def _failed(self, message: str, details: str) -> None:
        self._finish()
        show_error(self, self.tr("Export failed"), message, details)

    def _rows(self, results: list[dict[str, Any]]) -> list[tuple[list[str], dict[str, Any] | None]]:
        first = results[0]
        ref = [self.tr("trained model (PyTorch, fp32)"), "", f"{first['reference_latency_ms']:.2f} ms",
               "100 %", _pct(first["reference_accuracy"]), self.tr("the run's model")]
        rows: list[tuple[list[str], dict[str, Any] | None]] = [(ref, None)]
        for d in results:
            agree = _pct(d["top1_agreement"]) + (" ⚠" if d.get("warning") else "")
            rows.append(([d["format"], _size(d["size_bytes"]), f"{d['latency_ms']:.2f} ms", agree,
                          _pct(d["accuracy"]), " + ".join(self._shown_path(f) for f in d["files"]) or d["path"]], d))
        return rows

    def _shown_path(self, file: str) -> str:
        """A file as the user finds it in the export folder: 'onnx-int8/model.onnx', not 'model.onnx'."""
        path = Path(file)
        return path.relative_to(self._dest).as_posix() if path.is_relative_to(self._dest) else path.name

    def _show_all_rows(self) -> None:
        """Give the table the height of all its rows (one per format and the trained model) where the page
        has it, taken from the details below."""
        table = self.results
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        label = self.measured_label
        need = (table.horizontalHeader().height() + 2 * table.frameWidth() + rows
                + table.horizontalScrollBar().sizeHint().height() + label.heightForWidth(max(label.width(), 200)) + 8)
        sizes = self.split.sizes()
        total, keep = sum(sizes), self.details.minimumHeight()
        if total > 0 and sizes[0] < need:
            self.split.setSizes([min(need, total - keep), max(keep, total - need)])

    def _done(self, results: list[dict[str, Any]]) -> None:
        self._finish()
        self._exports = results
        rows = self._rows(results) if results else []
        self.results.setRowCount(len(rows))
        for r, (cells, d) in enumerate(rows):
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if d is not None and c == len(COLUMNS) - 1:
                    it.setToolTip(d["path"])
                if d is not None and c == 3 and d.get("warning"):
                    it.setToolTip(d["warning"])
                if d is not None and c == 0 and d.get("quantization"):
                    it.setToolTip(d["quantization"])
                if 1 <= c <= 4:
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.results.setItem(r, c, it)
        self.results.resizeColumnsToContents()
        self._show_all_rows()
        if results:
            first = results[0]
            if first["num_images"]:
                self.measured_label.setText(self.tr("Measured on {0}, one image at a time on this computer. "
                                                    "Agreement: how often the export picks the same class as "
                                                    "the trained model.").format(first["images"]))
            else:
                self.measured_label.setText(self.tr("Verified on random inputs only: {0}.").format(first["images"]))
            self.results.selectRow(1)
            self._show_details(1)
        self.state.set_status(PageKey.EXPORT, Badge.DONE)

    def shutdown(self) -> None:
        self.serve_panel.shutdown()
        super().shutdown()

    def _show_details(self, row: int) -> None:
        i = row - 1  # row 0 is the trained model
        if 0 <= i < len(self._exports):
            d = self._exports[i]
            self.meta_view.setPlainText(d["metadata"])
            self.snippet_view.setPlainText(d["snippet_text"] or self.tr(
                "safetensors is for desktop_cls (desktop-cls predict MODEL IMAGE) and PyTorch code that builds "
                "the same architecture; pick ONNX or OpenVINO to use the model elsewhere."))
