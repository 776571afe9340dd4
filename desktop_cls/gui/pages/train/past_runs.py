"""The Train page's list of past runs: check runs to compare their curves, double-click one to use it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QGroupBox, QListWidget, QListWidgetItem, QVBoxLayout

from desktop_cls.core.errors import UserError

MAX_RUNS_LISTED = 50
# run.json's status words (identifiers in the file), in the user's words in the list
STATUS_WORDS = {
    "starting": str(QT_TRANSLATE_NOOP("PastRuns", "starting")),
    "running": str(QT_TRANSLATE_NOOP("PastRuns", "running")),
    "completed": str(QT_TRANSLATE_NOOP("PastRuns", "completed")),
    "stopped_early": str(QT_TRANSLATE_NOOP("PastRuns", "stopped early")),
    "cancelled": str(QT_TRANSLATE_NOOP("PastRuns", "stopped")),
    "cancelled_before_first_epoch": str(QT_TRANSLATE_NOOP("PastRuns", "stopped before the first epoch")),
    "failed": str(QT_TRANSLATE_NOOP("PastRuns", "failed")),
    "interrupted": str(QT_TRANSLATE_NOOP("PastRuns", "interrupted")),
}


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
        QVBoxLayout(self).addWidget(self.runs_list)

    def refresh(self) -> None:
        from desktop_cls.core.run_dir import list_runs, read_run_info, run_in_use, run_status

        rl = self.runs_list
        checked = {rl.item(i).data(Qt.ItemDataRole.UserRole) for i in range(rl.count())
                   if rl.item(i).checkState() == Qt.CheckState.Checked}
        rl.blockSignals(True)
        rl.clear()
        for run in list_runs()[:MAX_RUNS_LISTED]:
            try:
                info = read_run_info(run)
            except UserError as e:  # listed, so the user sees it, but it cannot be compared or resumed
                damaged = QListWidgetItem(f"{run.name} · " + self.tr("damaged"))
                damaged.setToolTip(str(e))
                damaged.setData(Qt.ItemDataRole.UserRole, str(run))
                rl.addItem(damaged)
                continue
            acc = info.get("best_val_accuracy")
            status = run_status(run, info)
            outcome = f"{acc:.1%}" if isinstance(acc, float) else self.tr(STATUS_WORDS.get(status, status))
            model = info.get("model")
            label = f"{run.name} · {model if isinstance(model, str) else '?'} · {outcome}"
            busy = run_in_use(run)
            if busy:
                label += " · " + self.tr("in use")
            item = QListWidgetItem(label)
            if busy:
                item.setToolTip(self.tr("Another window or process is training this run right now; it cannot be "
                                        "resumed until that training ends."))
            item.setData(Qt.ItemDataRole.UserRole, str(run))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if str(run) in checked else Qt.CheckState.Unchecked)
            rl.addItem(item)
        rl.blockSignals(False)
        self._compare()

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
