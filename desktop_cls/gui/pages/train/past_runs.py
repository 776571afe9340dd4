"""The Train page's list of past runs: check runs to compare their curves, double-click one to use it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

if TYPE_CHECKING:
    from desktop_cls.core.run_list import RunSummary


MAX_RUNS_LISTED = 50


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
        self.runs_list.itemChanged.connect(lambda _i: self._compare())
        self.runs_list.itemDoubleClicked.connect(
            lambda item: self.run_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
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
        from desktop_cls.core.run_list import run_summaries

        rl = self.runs_list
        checked = {rl.item(i).data(Qt.ItemDataRole.UserRole) for i in range(rl.count())
                   if rl.item(i).checkState() == Qt.CheckState.Checked}
        rl.blockSignals(True)
        rl.clear()
        for run in run_summaries(newest=MAX_RUNS_LISTED):
            item = QListWidgetItem(self._label(run))
            if run.in_use:
                item.setToolTip(self.tr("Another window or process is training this run right now; it cannot be "
                                        "resumed until that training ends."))
            elif run.problem:
                item.setToolTip(run.problem)  # why a damaged run cannot be read
            item.setData(Qt.ItemDataRole.UserRole, run.path)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if run.path in checked else Qt.CheckState.Unchecked)
            rl.addItem(item)
        rl.blockSignals(False)
        rl.setVisible(rl.count() > 0)
        self.empty.setVisible(rl.count() == 0)
        self._compare()

    def _label(self, run: RunSummary) -> str:
        """Name, model, best accuracy, and the status unless the run finished (a stopped run is not done)."""
        from desktop_cls.core.run_status import RunStatus, status_text

        parts = [run.name, run.model or "?"]
        if run.best_val_accuracy is not None:
            parts.append(f"{run.best_val_accuracy:.1%}")
        if run.status is not RunStatus.FINISHED:
            parts.append(status_text(run.status, run.stopped_by))
        if run.in_use:
            parts.append(self.tr("in use"))
        return " · ".join(parts)

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
