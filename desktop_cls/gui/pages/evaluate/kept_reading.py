"""The Evaluate page's readings of the evaluation a run's folder keeps, off the UI thread: with nothing shown, the
last one is read back (after a restart); with one shown, a change of its images on disk (a rescan, a label) reads it
again, so the result is marked stale with the reasons rather than said to match what is there now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QLineEdit

from desktop_cls.gui.pages.evaluate.evaluate_model import EvaluateModel, kept_evaluation
from desktop_cls.gui.pages.evaluate.evaluate_texts import elsewhere_text, kept_text
from desktop_cls.gui.state import AppState, Tag
from desktop_cls.gui.widgets.kept_banner import KeptBanner


class ReadingPage(Protocol):
    """What of the Evaluate page a reading uses (the page imports this module, not the other way round)."""

    state: AppState
    model: EvaluateModel
    kept: KeptBanner
    folder_edit: QLineEdit

    def default_folder(self) -> str: ...

    def show_result(self, d: dict[str, Any]) -> None: ...

    def run_task(self, name: str, fn: Any, on_done: Callable[[Any], object]) -> Any: ...


class KeptReading:
    def __init__(self, page: ReadingPage) -> None:
        self.page = page

    def _now(self) -> tuple[str | None, str, tuple[str, ...], bool]:
        """(run, default images, the run's classes, whether a folder is chosen instead of the default images)."""
        page = self.page
        info = page.state.run_info
        return (page.state.run, page.default_folder(), info.classes if info is not None else (),
                bool(page.folder_edit.text().strip()))

    def read_back(self) -> None:
        """Nothing shown: the evaluation the run's folder keeps of the images asked for (the folder typed, or the
        default images), once for each (images, run)."""
        page = self.page
        run, folder, classes, _chosen = self._now()
        images = page.folder_edit.text().strip() or folder
        if page.model.read_kept(run, images, bool(classes)):
            read = page.kept.next_read()
            page.run_task("kept evaluation", kept_evaluation(run or "", images, classes, self._chosen()),
                          lambda saved: self._read(saved, read))

    def _chosen(self) -> list[str]:
        """The folders the user chose in the app: a kept evaluation of one of them may be walked and shown."""
        settings = self.page.state.settings
        return [*settings.eval_folders, *settings.recent_folders]

    def _read(self, saved: Any, read: int) -> None:
        """The run's kept evaluation (SavedEvaluation), marked stale with the reasons when it no longer matches, or
        why its file was refused; not once a result came or the run or the images changed. One of a folder the user
        chose before is shown with that folder in the field; one of a folder never chosen here is only named."""
        page = self.page
        run, folder, _classes, _chosen = self._now()
        typed = page.folder_edit.text().strip()
        if not page.kept.latest(read) or page.model.tag is not None or page.model.kept_asked != Tag(
                typed or folder, run):
            return
        if saved.result is not None:
            if saved.folder:  # (asked with the field empty; asked once: a field the user empties stays so)
                page.folder_edit.setText(saved.folder)
            page.show_result(saved.result)
            page.kept.show_kept(kept_text(bool(saved.stale)), saved.stale, run or "")
        elif saved.folder or saved.note:
            page.kept.show_note(elsewhere_text(saved.folder) if saved.folder else saved.note, run or "")

    def recheck(self) -> None:
        """The images changed: a result shown of the default images is compared again with what was kept of them."""
        run, folder, classes, chosen = self._now()
        if not run or chosen or self.page.model.tag != Tag(folder, run):
            return
        read = self.page.kept.next_read()
        self.page.run_task("kept evaluation", kept_evaluation(run, folder, classes, self._chosen()),
                           lambda saved: self._rechecked(saved, read))

    def _rechecked(self, saved: Any, read: int) -> None:
        """Marked stale with the reasons; a result marked stale before that matches again (the images were put
        back) is said to match."""
        run, folder, _classes, chosen = self._now()
        if not self.page.kept.latest(read) or saved.result is None or saved.folder or chosen \
                or self.page.model.tag != Tag(folder, run):
            return
        if saved.stale or self.page.kept.stale:
            self.page.kept.show_kept(kept_text(bool(saved.stale)), saved.stale, run or "")
