"""The Train page's list of past runs: check runs to compare their curves, double-click one to use it.

Runs are grouped by the dataset they were trained on, the open dataset's first; a group is headed by its folder's
name when there is more than one. A label too long for the list has its name shortened in the middle (its model,
accuracy and status stay in view, however narrow the list) and is shown whole in its tooltip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
)

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.train.run_without_model import no_model_text
from desktop_cls.gui.widgets.dialogs import inform
from desktop_cls.gui.widgets.literal_text import literal

if TYPE_CHECKING:
    from desktop_cls.core.run_list import RunSummary


MAX_RUNS_LISTED = 50
TAIL_ROLE = Qt.ItemDataRole.UserRole + 1  # the label's end never shortened: "quicknet · 78.1% · chosen model"


def keep_tail(text: str, tail: str, room: int, width: Callable[[str], int],
              elide: Callable[[str, int], str]) -> str:
    """text in room, shortening only what comes before tail (eliding the whole label in the middle cut the
    accuracy: "20261207-1855….1% · chosen model")."""
    if width(text) <= room or not tail or not text.endswith(tail):
        return text
    return elide(text[:len(text) - len(tail)], max(0, room - width(tail))) + tail


class _KeepTailDelegate(QStyledItemDelegate):
    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        tail = index.data(TAIL_ROLE)
        widget = option.widget
        if isinstance(tail, str) and tail and widget is not None:
            room = widget.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget).width()
            fm = option.fontMetrics
            option.text = keep_tail(option.text, tail, room - 6, fm.horizontalAdvance,  # 6: the text's margins
                                    lambda t, w: fm.elidedText(t, Qt.TextElideMode.ElideMiddle, w))


class PastRuns(QGroupBox):
    """Reads the runs folder on refresh(); the checked runs' metrics are read once per change of selection."""

    comparisons_changed = Signal(object)  # list of (label, epochs, validation accuracies)
    run_chosen = Signal(str)  # run folder

    def __init__(self) -> None:
        super().__init__(self.tr("Past runs (check, double-click)"))  # short: the title sets a minimum width
        self.setToolTip(self.tr("Check runs to compare their accuracy curves; double-click one to use it for "
                                "evaluation, classification and export"))
        self.runs_list = QListWidget()
        self.runs_list.setObjectName("pastRunsList")
        self.runs_list.setAccessibleName(self.tr("Past runs: check to compare"))
        self.runs_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # no status behind it
        self.runs_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.runs_list.setItemDelegate(_KeepTailDelegate(self.runs_list))
        self.summaries: list[RunSummary] = []  # as last read from the runs folder, newest first
        self.dataset: str | None = None  # the open dataset: its runs come first
        self.chosen: str | None = None  # the run Evaluate, Classify and Export use: marked in the list
        self.runs_list.itemChanged.connect(lambda _i: self._compare())
        self.runs_list.itemDoubleClicked.connect(self._chosen)
        self.empty = QLabel(self.tr("No runs yet — each training is kept here: check runs to compare their "
                                    "accuracy curves, double-click one to use its model."))
        self.empty.setObjectName("pastRunsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addWidget(self.empty)
        lay.addWidget(self.runs_list)
        self.runs_list.hide()

    def refresh(self) -> None:
        """Read the runs folder again (after a run ended)."""
        from desktop_cls.core.run_list import run_summaries

        self.summaries = run_summaries(newest=MAX_RUNS_LISTED)
        self._fill()

    def show_for(self, dataset: str | None) -> None:
        """Another dataset is open: its runs come first (the runs read last time, regrouped)."""
        if dataset != self.dataset:
            self.dataset = dataset
            self._fill()

    def show_chosen(self, run: str | None) -> None:
        """Another run became the model the other pages use: the list says which one it is."""
        if run != self.chosen:
            self.chosen = run
            self._fill()

    def _fill(self) -> None:
        rl = self.runs_list
        checked = {rl.item(i).data(Qt.ItemDataRole.UserRole) for i in range(rl.count())
                   if rl.item(i).checkState() == Qt.CheckState.Checked}
        rl.blockSignals(True)
        rl.clear()
        groups = group_by_dataset(self.summaries, self.dataset)
        for folder, runs in groups:
            if len(groups) > 1:
                rl.addItem(self._header(folder))
            for run in runs:
                rl.addItem(self._item(run, run.path in checked))
        rl.blockSignals(False)
        rl.setVisible(rl.count() > 0)
        self.empty.setVisible(rl.count() == 0)
        self._compare()

    def _header(self, folder: str | None) -> QListWidgetItem:
        """A group's heading: the dataset its runs were trained on (not a run: nothing to check or choose)."""
        name = isolated(Path(folder).name) if folder else ""
        is_open = folder is not None and folder == _folder(self.dataset)
        text = (self.tr("Runs of {0}, the open dataset").format(name) if is_open
                else self.tr("Runs of {0}").format(name) if folder else self.tr("Runs of an unknown dataset"))
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setToolTip(literal(folder or ""))
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        return item

    def _item(self, run: RunSummary, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(self._label(run))
        name = self._label_parts(run)[0]  # it ends with the model's name, which stays in view with what follows
        item.setData(TAIL_ROLE, item.text()[len(name) - len(run.model or "?"):])
        item.setToolTip(literal(self._tip(run, item.text())))  # names of the user's folders, never markup
        item.setData(Qt.ItemDataRole.UserRole, run.path)
        if _same(run.path, self.chosen):
            font = QFont(item.font())
            font.setBold(True)
            item.setFont(font)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def _tip(self, run: RunSummary, label: str) -> str:
        """Why a run cannot be used, else the whole label (however narrow the list) and the folder it trained on."""
        if run.in_use:
            return self.tr("Another window or process is training this run right now; it cannot be resumed until "
                           "that training ends.")
        if run.problem:
            return run.problem  # why a damaged run cannot be read
        tip = self.no_model_text(run) if not run.has_model else self.tr("{run}\nTrained on {folder}").format(
            run=label, folder=isolated(run.dataset)) if run.dataset else label
        if _same(run.path, self.chosen):
            return self.tr("Evaluate, Classify and Export use this run's model.") + "\n" + tip
        return tip

    def _chosen(self, item: QListWidgetItem) -> None:
        run = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(run, str):  # a group's heading
            return
        summary = next((s for s in self.summaries if s.path == run), None)
        if summary is not None and not summary.has_model:  # Evaluate, Classify and Export could not open it
            inform(self, self.tr("No model in this run"), self.no_model_text(summary))
            return
        self.run_chosen.emit(run)

    def no_model_text(self, run: RunSummary) -> str:
        return no_model_text(run)

    def _label(self, run: RunSummary) -> str:
        """Name, model (unless the name ends with it), best accuracy, and the status unless the run finished (a
        stopped run is not done)."""
        name, tail = self._label_parts(run)
        return " · ".join([name, *tail])

    def _label_parts(self, run: RunSummary) -> tuple[str, list[str]]:
        """(name and model, what follows it: accuracy and status)."""
        from desktop_cls.core.run_status import RunStatus, status_text

        name = run.name if run.model and run.name.endswith("-" + run.model) else f"{run.name} · {run.model or '?'}"
        parts: list[str] = []
        if run.best_val_accuracy is not None:
            parts.append(f"{run.best_val_accuracy:.1%}")
        if run.status is not RunStatus.FINISHED:
            parts.append(status_text(run.status, run.stopped_by))
        if run.in_use:
            parts.append(self.tr("in use"))
        elif not run.has_model:
            parts.append(self.tr("no model"))
        if _same(run.path, self.chosen):
            parts.append(self.tr("chosen model"))
        return name, parts

    def _compare(self) -> None:
        from desktop_cls.core.run_dir import read_metrics

        runs = []
        for i in range(self.runs_list.count()):
            item = self.runs_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                rows = [r for r in read_metrics(Path(item.data(Qt.ItemDataRole.UserRole)))
                        if r.get("val_accuracy") is not None]
                runs.append((item.text(), [r["epoch"] for r in rows], [r["val_accuracy"] for r in rows]))
        self.comparisons_changed.emit(runs)


def group_by_dataset(runs: list[RunSummary], open_dataset: str | None) -> list[tuple[str | None, list[RunSummary]]]:
    """(dataset folder, its runs) with the open dataset's group first, then the others by their newest run; the
    runs keep their order (newest first)."""
    groups: dict[str | None, list[RunSummary]] = {}
    for run in runs:
        groups.setdefault(_folder(run.dataset), []).append(run)
    first = _folder(open_dataset)
    return sorted(groups.items(), key=lambda group: group[0] != first or first is None)


def _folder(path: str | None) -> str | None:
    return str(Path(path)) if path else None


def _same(run: str, chosen: str | None) -> bool:
    if chosen is None:
        return False
    try:
        return run == chosen or Path(run).resolve() == Path(chosen).resolve()
    except OSError:
        return False
