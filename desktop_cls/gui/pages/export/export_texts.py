"""The Export page's sentences that depend on the model chosen: what is exported from it, and the line above exports
read back from its run folder. In the page's translation context."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.state import RunInfo

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def exported_what(model: str) -> str:
    """The line above the form: what is exported from the model chosen, in the words of how it was made (the quick
    method fits a last layer in one step: it has no epochs to choose the best of)."""
    if not model:
        return translate("ExportPage", "No model yet — train one on the Train page, then export it here.")
    name = isolated(Path(model).name)
    if RunInfo.read(model).quick:
        return translate("ExportPage", "Exports {0}, made by the quick method (a last layer fitted in one step, so "
                         "there are no epochs to choose from). Each file is checked against the trained model "
                         "before it is reported done.").format(name)
    if Path(model).is_file():
        return translate("ExportPage", "Exports the model file {0}. Each file is checked against it before it is "
                         "reported done.").format(name)
    return translate("ExportPage", "Exports the best epoch of {0}. Each file is checked against the trained model "
                     "before it is reported done.").format(name)


def kept_text(stale: bool) -> str:
    """The line above exports read back from the run's folder (the reasons follow when they are stale)."""
    if stale:
        return translate("ExportPage", "The last exports of this model, kept in its run folder, no longer match:")
    return translate("ExportPage", "The last exports of this model, kept in its run folder; their files are as "
                     "they were verified.")


def not_kept_text(why: str) -> str:
    return translate("ExportPage", "These exports could not be kept in the run folder for the next start: {0}").format(
        why)
