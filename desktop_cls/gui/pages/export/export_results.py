"""The Export page's lower half: the table that answers "which file should I ship?" with numbers (size, the
latency of one image on this computer, agreement with the trained model, accuracy on the run's held-out
images), what they were measured on, and below it the selected export's example script and metadata beside
the Serve box. Texts keep the page's translation context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.inference.int8_text import shown_quantization
from desktop_cls.gui.pages.export.export_formats import format_name
from desktop_cls.gui.pages.export.export_results_model import ExportResultsModel
from desktop_cls.gui.widgets.common import read_only_table
from desktop_cls.gui.widgets.literal_text import literal

COLUMNS = (QT_TRANSLATE_NOOP("ExportPage", "Format"), QT_TRANSLATE_NOOP("ExportPage", "Size"),
           QT_TRANSLATE_NOOP("ExportPage", "One image"), QT_TRANSLATE_NOOP("ExportPage", "Agreement"),
           QT_TRANSLATE_NOOP("ExportPage", "Accuracy"), QT_TRANSLATE_NOOP("ExportPage", "File"))
ONE_IMAGE, AGREEMENT, ACCURACY, FILE = 2, 3, 4, len(COLUMNS) - 1
MIN_ROWS = 2  # the trained model and a format stay in sight however small the window
DETAIL_LINES = 3  # and as many lines of the selected export's script or metadata
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def _text_view(name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setReadOnly(True)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setPlaceholderText(placeholder)
    return view


def _not_measured() -> str:
    return translate("ExportPage", "Each export is compared with the trained model on the run's held-out images "
                     "(validation, else test; a run that held none out: one in two images of its dataset); the "
                     "figures appear here.")


class ExportResults(QSplitter):
    def __init__(self, serve_panel: QWidget) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.model = ExportResultsModel()
        self.table = read_only_table(QTableWidget(), "exportResults", translate("ExportPage", "Export results"),
                                     [translate("ExportPage", str(c)) for c in COLUMNS], stretch=FILE)
        agreement = self.table.horizontalHeaderItem(AGREEMENT)
        if agreement is not None:
            agreement.setToolTip(translate("ExportPage", "How often the export picks the same class as the trained "
                                           "model"))
        one_image = self.table.horizontalHeaderItem(ONE_IMAGE)
        if one_image is not None:
            one_image.setToolTip(translate("ExportPage", "One image on this computer; in brackets, that time against "
                                           "the trained model's, the two timed side by side, run for run"))
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self.show_details(r))
        self.measured_label = QLabel(_not_measured())
        self.measured_label.setObjectName("exportMeasuredLabel")
        self.measured_label.setWordWrap(True)
        self.snippet_view = _text_view("exportSnippet", translate("ExportPage", "Example script"), translate(
            "ExportPage", "A short script that uses the selected model without desktop_cls is written beside it "
            "and shown here."))
        self.meta_view = _text_view("exportMetadata", translate("ExportPage", "Sidecar metadata"), translate(
            "ExportPage", "The metadata file written beside each model appears here."))
        self.details = QTabWidget()
        self.details.setObjectName("exportDetailsTabs")
        self.details.addTab(self.snippet_view, translate("ExportPage", "Use it elsewhere"))
        self.details.addTab(self.meta_view, translate("ExportPage", "Metadata (sidecar JSON)"))
        # a tab beside the files' uses, not a box under the form: the page stays within a 640 px high screen;
        # the pane keeps room for all of the box (below), which scrolls only in a pane lower than that
        serve_tab = QScrollArea()
        serve_tab.setObjectName("serveTab")
        serve_tab.setWidgetResizable(True)
        serve_tab.setFrameShape(QFrame.Shape.NoFrame)
        serve_tab.setWidget(serve_panel)
        self.details.addTab(serve_tab, translate("ServePanel", "Serve over HTTP (this computer only)"))
        self.serve_panel = serve_panel
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.measured_label)
        self.addWidget(table_box)
        self.addWidget(self.details)
        # on small screens (640 px high) the table keeps all its rows (squeezed to its header, it hid every
        # finished format) and the details a few lines under their tabs (squeezed to the tabs, they showed
        # nothing); the page scrolls for the rest. The table's pane has the rows and the line under it at its
        # width, so the two never overlap however many lines the line wraps to.
        self.details.setMinimumHeight(self._details_height(DETAIL_LINES))
        serve_panel.installEventFilter(self)  # its rows change (a word that another model is chosen)
        self.table.setMinimumHeight(self._rows_height(MIN_ROWS))
        self.table_box = table_box
        table_box.installEventFilter(self)
        self.setCollapsible(0, False)
        self.setCollapsible(1, False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table_box and event.type() == QEvent.Type.Resize:
            self._fit_table_box()
        elif watched is self.serve_panel and event.type() == QEvent.Type.LayoutRequest:
            self.details.setMinimumHeight(self._details_height(DETAIL_LINES))
        return super().eventFilter(watched, event)

    def _fit_table_box(self) -> None:
        """The table's pane as high as all the table's rows (one per format and the trained model; at least two)
        and the line under it wrapped at the pane's width: a splitter asks its panes for their minimum only, which
        counted a wrapped line as one line. Where the window is lower, the page scrolls."""
        box, table, label = self.table_box, self.table, self.measured_label
        layout = box.layout()
        spacing = layout.spacing() if layout is not None else 0
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        rows = max(rows, MIN_ROWS * table.verticalHeader().defaultSectionSize())
        need = (table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + rows
                + table.horizontalScrollBar().sizeHint().height() + max(spacing, 0)
                + label.heightForWidth(max(box.width(), 1)))
        if box.minimumHeight() != need:
            box.setMinimumHeight(need)

    def _details_height(self, lines: int) -> int:
        """The details' height showing their tabs and `lines` lines of the script or metadata, and all of the Serve
        box: Start and the port were half scrolled away in a pane as low as three lines of script."""
        view = self.snippet_view
        tabs = self.details.tabBar().sizeHint().height() + 12
        return tabs + max(2 * view.frameWidth() + lines * view.fontMetrics().lineSpacing(),
                          self.serve_panel.minimumSizeHint().height())

    def show_results(self, results: list[dict[str, Any]], dest: Path, source: str = "") -> None:
        """The exports of `source` just written into `dest`, after the trained model's row; the first export
        selected."""
        self.model.set_results(results, dest, source)
        self._fill(select=True)

    def clear(self) -> None:
        """Nothing exported from the model now chosen: no rows, no figures, no script or metadata of another."""
        self.show_results([], Path())

    def add_result(self, result: dict[str, Any]) -> None:
        """One format verified: its row appears now, before the other formats are done; the first is selected."""
        self.model.add(result)
        self._fill(select=len(self.model.exports) == 1)

    def _fill(self, select: bool) -> None:
        results = self.model.exports
        rows = self.model.rows(translate("ExportPage", "trained model (PyTorch, fp32)"),
                               translate("ExportPage", "the run's model"), format_name)
        self._name_accuracy()
        self.table.setRowCount(len(rows))
        for r, (cells, d) in enumerate(rows):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, self._cell(text, c, d))
        for c in range(FILE if rows else 0):  # the file column takes the rest (sizing it to its text would stop that)
            self.table.resizeColumnToContents(c)  # no rows (an export starts): the columns keep their widths
        if not results:  # none yet: the figures, script and metadata of the last ones go with their rows
            self.measured_label.setText(_not_measured())
            self._fit_table_box()
            self.snippet_view.clear()
            self.meta_view.clear()
            return
        used, images = self.model.measured_on()
        text = translate("ExportPage", "Measured on {0}, one image at a time on this computer.").format(images) \
            if used else translate("ExportPage", "Verified on random inputs only: {0}.").format(images)
        if self.model.learned_from():
            text = translate("ExportPage", "The accuracy here is not a held-out one: the model may have learned "
                             "these images, so it can be higher than the accuracy the Train and Evaluate pages "
                             "report on images it did not learn. {0}").format(text)
        self.measured_label.setText(text)
        self._fit_table_box()
        if select:
            self.table.selectRow(1)
            self.show_details(1)

    def _name_accuracy(self) -> None:
        """The accuracy column says on which images it was measured where they are no held-out ones: 97 % on
        images the model learned from read as the same measure as the 80 % the Train page reports."""
        item = self.table.horizontalHeaderItem(ACCURACY)
        if item is None:
            return
        learned = self.model.learned_from()
        item.setText(translate("ExportPage", "Accuracy on images it may have learned") if learned
                     else translate("ExportPage", str(COLUMNS[ACCURACY])))
        item.setToolTip(translate("ExportPage", "Not a held-out accuracy: none of the run's images were held out, "
                                  "so these are images the model may have learned from") if learned else
                        translate("ExportPage", "How often the model picks the labeled class of the images named "
                                  "under the table"))

    def _cell(self, text: str, column: int, d: dict[str, Any] | None) -> QTableWidgetItem:
        """A cell; an export's file, agreement warning and quantisation are told in its tool tips."""
        it = QTableWidgetItem(text)
        tips = {FILE: d.get("path") if d else None, 0: shown_quantization(d) if d else None,
                AGREEMENT: self.model.warning(d) if d else None}  # the warning in the reader's language
        if tips.get(column):
            it.setToolTip(literal(str(tips[column])))  # a path or a warning naming a class
        if 1 <= column <= 4:
            it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return it

    def _rows_height(self, rows: int) -> int:
        """The table's height showing its header and `rows` rows."""
        table = self.table
        return (table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                + rows * table.verticalHeader().defaultSectionSize())

    def show_details(self, row: int) -> None:
        d = self.model.export_at(row)
        if d is not None:
            self.meta_view.setPlainText(d["metadata"])
            self.snippet_view.setPlainText(d["snippet_text"] or translate(
                "ExportPage", "safetensors is for desktop_cls (desktop-cls predict MODEL IMAGE) and PyTorch code "
                "that builds the same architecture; pick ONNX or OpenVINO to use the model elsewhere."))
