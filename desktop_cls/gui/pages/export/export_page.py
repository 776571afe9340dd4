"""Export page: pick formats and a destination; each export is verified, measured and shown side by side.

The results below the form (ExportResults) answer "which file should I ship?" with numbers: size, the latency
of one image on this computer, agreement with the trained model and accuracy on the run's validation images.
The web format is a folder with an offline page; the Serve tab serves the model over HTTP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
)

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.export.export_formats import (
    chosen,
    export_targets,
    format_checks,
    format_grid,
    format_name,
    ticks_to_remember,
)
from desktop_cls.gui.pages.export.export_progress import ExportBegun, ExportNotKept, ExportProgress, FormatExported
from desktop_cls.gui.pages.export.export_results import ExportResults
from desktop_cls.gui.pages.export.export_results_model import default_export_dir, kept_exports
from desktop_cls.gui.pages.export.export_texts import exported_what, kept_text, not_kept_text
from desktop_cls.gui.pages.export.serve_panel import ServePanel
from desktop_cls.gui.pages.page import Page, PageAction
from desktop_cls.gui.state import AppState, PageKey
from desktop_cls.gui.widgets.dialogs import existing_folder, show_error
from desktop_cls.gui.widgets.kept_banner import KeptBanner
from desktop_cls.gui.widgets.literal_text import plain_label
from desktop_cls.gui.work.tasks import TaskRunner


class ExportPage(Page):
    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__(state, tasks, "export")
        self.checks = format_checks(state.settings.export_formats)
        self.serve_panel = ServePanel(tasks, lambda: self.model_edit.text())
        self.results = ExportResults(self.serve_panel)
        self.kept = KeptBanner("keptExports", self.tr("Export again"), lambda: self.export())
        self.dest_chosen = False  # the user typed or browsed a folder: kept exports no longer set it
        self.build()

    def page_actions(self) -> list[PageAction]:
        """Button-only commands: the window's menus have no Export menu."""
        return [PageAction("exportAction", self.tr("▶ E&xport"), lambda: self.export(),
                           tip=self.tr("Export, verify and measure each format"), button="exportButton", in_menu=False),
                PageAction("openExportFolderAction", self.tr("Open folder"), lambda: self._open_folder(),
                           button="openExportFolderButton", in_menu=False),
                PageAction("exportBrowseAction", self.tr("Browse…"), lambda: self._browse(),
                           button="exportBrowseButton", in_menu=False)]

    def build_controls(self) -> QLayout:
        """The form: the model, the formats, the folder and file name, and whether to replace files."""
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("exportModelEdit")
        self.model_edit.setAccessibleName(self.tr("Model to export"))
        self.model_edit.setPlaceholderText(self.tr("Run folder (train a model first)"))
        self.dest_edit = QLineEdit(self.state.settings.last_export_dir or default_export_dir())
        self.dest_edit.setObjectName("exportFolderEdit")
        self.dest_edit.setAccessibleName(self.tr("Destination folder"))
        self.name_edit = QLineEdit("model")
        self.name_edit.setObjectName("exportNameEdit")
        self.name_edit.setAccessibleName(self.tr("File name"))
        self.overwrite_check = QCheckBox(self.tr("Replace existing files with the same name"))
        self.overwrite_check.setObjectName("overwriteCheck")
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_edit)
        form.addRow(self.tr("Formats"), format_grid(self.checks))
        # where the files go on one line, as a path reads: the page keeps its height for the results and Serve
        dest = QHBoxLayout()
        dest.addWidget(self.dest_edit, 3)
        dest.addWidget(self.buttons["exportBrowseButton"])
        name_label = QLabel(self.tr("File name"))
        name_label.setBuddy(self.name_edit)
        dest.addWidget(name_label)
        dest.addWidget(self.name_edit, 1)
        form.addRow(self.tr("Folder"), dest)
        return form

    def build_body(self, top: QLayout | None) -> None:
        cancel = self.status_line.cancel_button
        cancel.setObjectName("exportCancelButton")
        cancel.setToolTip(self.tr("Stop exporting"))
        buttons = QHBoxLayout()
        for name in ("exportButton", "openExportFolderButton"):
            buttons.addWidget(self.buttons[name])
        buttons.addWidget(self.overwrite_check)  # beside the button that would replace them
        buttons.addStretch(1)
        self.hint = plain_label(exported_what(""))  # names the run
        self.hint.setObjectName("exportHint")
        self.hint.setWordWrap(True)
        self.set_column(self.results, self.hint, *([top] if top is not None else []), buttons, self.kept)

    def connect_state(self) -> None:
        self.state.run_changed.connect(self._show_model)
        self.model_edit.editingFinished.connect(lambda: self._show_model(self.model_edit.text().strip()))
        self.dest_edit.textEdited.connect(lambda _text: setattr(self, "dest_chosen", True))  # typed: kept results
        self.state.core_ready.connect(lambda: self.buttons["exportButton"].setEnabled(True))
        self.buttons["exportButton"].setEnabled(self.state.core_loaded)
        for check in self.checks.values():
            check.toggled.connect(self._remember_formats)

    def _remember_formats(self) -> None:
        """The ticks come back after a restart, as the export folder does."""
        settings = self.state.settings
        settings.export_formats = ticks_to_remember(self.checks, settings.export_formats)
        self.state.settings_changed.emit(False)

    def _show_model(self, path: str) -> None:
        """Another model chosen (a new run, or a path typed): the line above says what is exported from it, and
        the rows, figures, script and metadata of another model's exports go until this one is exported."""
        self.model_edit.setText(path)
        self.hint.setText(exported_what(path))
        self.serve_panel.model_changed(path)
        self.kept.leave(path)
        if self.results.model.made_from_other(path):
            self.results.clear()
        if path and not self.results.model.exports and not self.busy():
            read = self.kept.next_read()
            own = [self.state.settings.last_export_dir, default_export_dir()]
            self.run_task("kept exports", kept_exports(path, own), lambda saved: self._kept(saved, path, read))

    def _kept(self, saved: Any, model: str, read: int) -> None:
        """The exports the run's folder keeps (saved_exports.SavedExports), shown as the last ones and marked stale
        with the reasons when their files changed; not once another model was chosen, an export began or a newer
        reading was asked for."""
        if not self.kept.latest(read) or model != self.model_edit.text().strip() or self.results.model.exports:
            return
        if saved.exports:
            self.results.show_results(list(saved.exports), Path(saved.dest), model)
            if not self.dest_chosen and saved.offer:  # "Open folder" opens the rows' folder, when it is safe to
                self.dest_edit.setText(saved.offer)  # write into (else the page's own folder stays)
            self.kept.show_kept(kept_text(bool(saved.stale)), saved.stale, model)
        elif saved.note:
            self.kept.show_note(saved.note, model)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Export into"), existing_folder(self.dest_edit.text()))
        if path:
            self.dest_edit.setText(path)
            self.dest_chosen = True

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.dest_edit.text()))

    def export(self) -> None:
        model = self.model_edit.text().strip()
        formats = chosen(self.checks)
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

        def work(progress: Any, cancel: Any) -> list[dict[str, Any]]:
            from desktop_cls.core.inference.saved_exports import keep_exports

            results = _export_all(model, targets, overwrite, progress, cancel)
            if why := keep_exports(model, dest, results):  # for the next start
                progress.event(ExportNotKept(why))
            return results

        self.state.settings.last_export_dir = str(dest)
        self.state.settings_changed.emit(True)
        self.buttons["exportButton"].setEnabled(False)

        def event(e: object) -> None:
            """The last export's rows go once this one may go (a refusal keeps them); each new one comes as it is
            verified, its files relative to dest. None shows once another model was chosen."""
            if model != self.model_edit.text().strip():
                return
            if isinstance(e, ExportBegun):
                self.results.show_results([], dest, model)
                self.kept.clear()
                self.kept.next_read()  # the kept exports read meanwhile are not shown over these
            elif isinstance(e, ExportNotKept):
                self.kept.show_note(not_kept_text(e.why), model)
            elif isinstance(e, FormatExported):
                self.results.add_result(e.result)

        self.run_task("export", work, lambda results: self._done(results, dest, model), status=self.tr("Exporting…"),
                      on_error=self._failed, on_cancelled=self._finish, on_event=event)

    def _finish(self) -> None:
        self.buttons["exportButton"].setEnabled(True)

    def _failed(self, message: str, details: str) -> None:
        self._finish()
        show_error(self, self.tr("Export failed"), message, details)

    def _done(self, results: list[dict[str, Any]], dest: Path, model: str) -> None:
        self._finish()
        if model == self.model_edit.text().strip():  # not after another model was chosen meanwhile (its step
            self.results.show_results(results, dest, model)  # is not done by this export either)
            self.state.step_done_with(PageKey.EXPORT, model)
        elif results:  # its rows are not this model's, but its files were written: say where
            self.hint.setText(exported_what(self.model_edit.text().strip()) + " " + self.tr(
                "The export of {0} finished while another model was chosen: its files are in {1}.").format(
                isolated(Path(model).name), isolated(str(dest))))

    def shutdown(self) -> None:
        self.serve_panel.shutdown()
        super().shutdown()


def _export_all(model: str, targets: dict[str, Path], overwrite: bool, progress: Any,
                cancel: Any) -> list[dict[str, Any]]:
    """On the worker: measure once, then write, verify and measure each format; each format's plain dict goes to
    the page as soon as it is verified (FormatExported), and all of them come back at the end."""
    from desktop_cls.core.inference.export import STAGES, export_model, measurement_images
    from desktop_cls.core.inference.export_web import check_destinations, export_web
    from desktop_cls.core.inference.saved_exports import shown_export

    check_destinations(model, targets, overwrite)  # refused before anything is read, written or cleared
    progress.event(ExportBegun())
    steps = ExportProgress([format_name(f) for f in targets], STAGES, progress)
    steps.reading()
    images = measurement_images(model, cancel=cancel)
    out = []
    for i, (fmt, target) in enumerate(targets.items()):
        cancel.raise_if_set()
        steps.begin(i)
        res = export_web(model, target, overwrite=overwrite, images=images, progress=steps, cancel=cancel) \
            if fmt == "web" else export_model(model, fmt, target, overwrite=overwrite, images=images,
                                              progress=steps, cancel=cancel)
        d = shown_export(res)
        out.append(d)
        progress.event(FormatExported(d))
    steps.done()
    return out

