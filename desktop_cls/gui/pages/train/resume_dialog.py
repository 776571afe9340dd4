"""*Resume a run…*: the runs that can continue, each with its dataset, how far it got and how it stopped
(core.run_list), and Browse… for a run folder elsewhere."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import isolated
from desktop_cls.core.run_list import RunSummary
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.literal_text import literal


class ResumeDialog(QDialog):
    """chosen() is the run folder picked (from the list or with Browse…), or None."""

    def __init__(self, runs: list[RunSummary], browse_from: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Resume a run"))
        self._browse_from = browse_from
        self._chosen: str | None = None
        self.runs_tree = QTreeWidget()
        self.runs_tree.setObjectName("resumableRunsList")
        self.runs_tree.setAccessibleName(self.tr("Runs that can continue"))
        self.runs_tree.setRootIsDecorated(False)
        self.runs_tree.setHeaderLabels([self.tr("Run"), self.tr("Dataset"), self.tr("Epochs done"),
                                        self.tr("Status")])
        items = [self._item(run) for run in runs]
        self.runs_tree.addTopLevelItems(items)
        for column in range(4):
            self.runs_tree.resizeColumnToContents(column)
        self._fit_columns()
        if items:
            self.runs_tree.setCurrentItem(items[0])
        self.runs_tree.itemDoubleClicked.connect(lambda _item, _col: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.browse_button = buttons.addButton(self.tr("Browse…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.browse_button.setObjectName("browseRunButton")
        self.browse_button.setToolTip(self.tr("Choose a run folder that is not listed"))
        self.browse_button.clicked.connect(self.browse)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Resume"))
        self.ok_button.setEnabled(bool(runs))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Runs that were stopped or interrupted, newest first:") if runs else
                                self.tr("No stopped or interrupted run to continue here; Browse… for another "
                                        "folder.")))
        layout.addWidget(self.runs_tree)
        layout.addWidget(buttons)

    def _fit_columns(self) -> None:
        """Open wide enough for every column (a run's name, dataset, epochs, status), up to most of the screen."""
        tree = self.runs_tree
        wanted = tree.header().length() + 2 * tree.frameWidth() + tree.verticalScrollBar().sizeHint().width()
        screen = self.screen().availableGeometry().width() if self.screen() is not None else wanted
        tree.setMinimumWidth(min(wanted, screen * 9 // 10))

    def _item(self, run: RunSummary) -> QTreeWidgetItem:
        from desktop_cls.core.run_status import status_text

        done = (self.tr("{0} of {1}").format(run.epochs_done, run.epochs) if run.epochs is not None
                else str(run.epochs_done))
        dataset = Path(run.dataset).name if run.dataset else "?"
        item = QTreeWidgetItem([run.name, dataset, done, status_text(run.status, run.stopped_by)])
        item.setToolTip(1, literal(run.dataset or ""))
        item.setData(0, Qt.ItemDataRole.UserRole, run.path)
        return item

    def accept(self) -> None:
        item = self.runs_tree.currentItem()
        if self._chosen is None and item is not None:
            self._chosen = str(item.data(0, Qt.ItemDataRole.UserRole))
        if self._chosen is not None:
            super().accept()

    def browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose a run folder to continue"), self._browse_from)
        if path:
            self._chosen = path
            super().accept()

    def chosen(self) -> str | None:
        return self._chosen


def choose_run_to_resume(parent: QWidget) -> str | None:
    """The dialog over the app's runs folder; the run folder chosen, or None."""
    from desktop_cls.core.run_list import resumable_runs
    from desktop_cls.core.storage import default_runs_dir

    dialog = ResumeDialog(resumable_runs(), str(default_runs_dir()), parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


def resumable_config(parent: QWidget, run: str) -> TrainConfig | None:
    """The options of a run that can continue here; None after telling the user why it cannot (another window or
    process trains it, or its config.json is unreadable)."""
    from desktop_cls.core.run_dir import run_in_use

    translate = QCoreApplication.translate  # the Train page's texts, in its context
    if run_in_use(Path(run)):
        show_error(parent, translate("TrainPage", "Cannot resume"), translate(
            "TrainPage", "{run} is in use: another window or process is training it. Wait for that training to end.")
            .format(run=isolated(str(run))))
        return None
    try:
        return TrainConfig.load(Path(run) / "config.json")
    except UserError as e:
        show_error(parent, translate("TrainPage", "Cannot resume"), e.for_gui())
        return None
