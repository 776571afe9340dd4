"""The question before accepting the sure suggestions: the images themselves, each with its suggested class and
how sure the model is, in one virtual grid (thousands of images are thousands of rows of one model, never a
widget each; their thumbnails load lazily like every other grid's), each ticked, so the user can untick the
ones the model got wrong before anything moves. What is left ticked moves as one undoable step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from desktop_cls.gui.widgets.common import button
from desktop_cls.gui.widgets.image_viewer import open_viewer
from desktop_cls.gui.widgets.thumbnails import PATH_ROLE, ThumbnailGrid, ThumbnailModel

if TYPE_CHECKING:
    from desktop_cls.gui.pages.label.label_model import LabelModel

Plan = dict[str, list[str]]  # class -> file names (relative to the dataset folder)


class TickedThumbnails(ThumbnailModel):
    """Thumbnails that each carry a tick; only the unticked are remembered."""

    ticks_changed = Signal()

    def __init__(self, side: int = 96) -> None:
        super().__init__(side)
        self.unticked: set[str] = set()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable if index.isValid() else super().flags(index)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid():
            unticked = self.items[index.row()][0] in self.unticked
            return Qt.CheckState.Unchecked if unticked else Qt.CheckState.Checked
        return super().data(index, role)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        self.set_ticked([self.items[index.row()][0]], Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def set_ticked(self, paths: list[str], ticked: bool) -> None:
        """Tick or untick these paths (one repaint for all of them)."""
        if ticked:
            self.unticked.difference_update(paths)
        else:
            self.unticked.update(paths)
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1), [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()


class AcceptDialog(QDialog):
    """The sure suggestions as a grid of thumbnails captioned "class NN %", each ticked when they were checked
    (`checked`); chosen() is what is ticked when the user answers."""

    def __init__(self, parent: Any, root: Path, plan: Plan, shown: LabelModel, threshold: float,
                 checked: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("acceptSuggestionsDialog")
        self.setWindowTitle(self.tr("Accept suggestions?"))
        self.root, self.plan = root, plan
        self.model = TickedThumbnails()
        # grouped by class; in each class the least sure first: those are the ones worth a look
        suggestions = shown.suggestions
        names = sorted((n for v in plan.values() for n in v), key=lambda n: (suggestions[n][0], suggestions[n][1], n))
        self._name = {str(root / n): n for n in names}
        self.model.set_items([(str(root / n), shown.caption(n)) for n in names])  # as the strip captions them
        self.view = ThumbnailGrid()
        self.view.setObjectName("acceptSuggestionsGrid")
        self.view.setAccessibleName(self.tr("Images to move"))
        self.model.configure_view(self.view)
        self.view.setDragEnabled(False)
        # seen large on a double-click (not on Enter: that is the dialog's Move button)
        self.view.doubleClicked.connect(lambda idx: open_viewer(self, self.model.items, idx.row()))
        if not checked:  # nothing showed how often these are right: the user picks each
            self.model.unticked.update(p for p, _c in self.model.items)
        intro = QLabel((self.tr("These images are at least {0:.0%} sure to belong to the class under each one. "
                                "Untick any the model got wrong (click its box, or select several and press "
                                "Untick selected; double-click one to see it large); the ticked ones move, and one "
                                "Ctrl+Z puts them all back.") if checked else
                        self.tr("No labeled image could check how often these suggestions are right, so none is "
                                "ticked. Tick only those you have looked at and found right (click its box, or "
                                "select several and press Tick selected; double-click one to see it large); the "
                                "ticked ones move, and one Ctrl+Z puts them all back."))
                       .format(threshold))
        intro.setObjectName("acceptSuggestionsIntro")
        intro.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("acceptSuggestionsCount")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.move_button = QPushButton()  # its text says how many: _update_count
        self.buttons.addButton(self.move_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.move_button.setObjectName("moveSuggestedButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.view, 1)
        lay.addLayout(self._tools())
        lay.addWidget(self.buttons)
        self.move_button.setDefault(True)  # once in the dialog: a button outside one has no dialog to be default of
        self.model.ticks_changed.connect(self._update_count)
        self._update_count()
        self.resize(self.fontMetrics().averageCharWidth() * 100, self.fontMetrics().height() * 36)

    def _tools(self) -> QHBoxLayout:
        """Tick or untick all or the selected images at once (thousands need more than a click each), and the count."""
        tools = QHBoxLayout()
        for text, name, slot in [(self.tr("Tick all"), "tickAllButton", lambda: self._tick(None, True)),
                                 (self.tr("Untick selected"), "untickSelectedButton", lambda: self._pick(False)),
                                 (self.tr("Tick selected"), "tickSelectedButton", lambda: self._pick(True)),
                                 (self.tr("Untick all"), "untickAllButton", lambda: self._tick(None, False))]:
            b = button(text, name)
            b.setAutoDefault(False)  # Enter stays Move, wherever the focus is
            b.clicked.connect(slot)
            tools.addWidget(b)
        tools.addStretch(1)
        tools.addWidget(self.count)
        return tools

    def _tick(self, paths: list[str] | None, ticked: bool) -> None:
        self.model.set_ticked([p for p, _c in self.model.items] if paths is None else paths, ticked)

    def _pick(self, ticked: bool) -> None:
        self._tick([i.data(PATH_ROLE) for i in self.view.selectionModel().selectedIndexes()], ticked)

    def ticked(self) -> int:
        return len(self.model.items) - len(self.model.unticked)

    def _update_count(self) -> None:
        n, total = self.ticked(), len(self.model.items)
        self.count.setText(self.tr("%n image(s) of {0} ticked", "", n).format(total))
        self.move_button.setText(self.tr("Move %n image(s)", "", n))
        self.move_button.setEnabled(n > 0)

    def chosen(self) -> Plan:
        """The plan less the unticked images (classes left with none are dropped)."""
        gone = {self._name[p] for p in self.model.unticked}
        kept = {cls: [n for n in names if n not in gone] for cls, names in self.plan.items()}
        return {cls: names for cls, names in kept.items() if names}

    def done(self, result: int) -> None:
        self.model.shutdown()  # no thumbnail request outlives the question
        super().done(result)
