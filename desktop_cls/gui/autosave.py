"""Settings written as they change, so a crash or power cut loses at most the last change.

Recent folders and runs are written at once; edits that come in bursts (typing in a field, dragging the
window) are written once they pause for DELAY_MS. Each write is atomic (core.storage.write_json): a
reader, or the next start after a crash, sees the old file or the new one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

DELAY_MS = 500


class SettingsAutosave(QObject):
    def __init__(self, save: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.writes = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.flush)

    def changed(self, now: bool = False) -> None:
        """Something in the settings changed: write it now, or once the burst it belongs to pauses."""
        if now:
            self.flush()
        else:
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        self.writes += 1
        self._save()

    def pending(self) -> bool:
        return self._timer.isActive()



def on_any_edit(root: QWidget, edited: Callable[..., object]) -> None:
    """Call edited whenever a field, box or check under root changes (the Train form's options are settings)."""
    for spin in root.findChildren(QSpinBox):
        spin.valueChanged.connect(edited)
    for dspin in root.findChildren(QDoubleSpinBox):
        dspin.valueChanged.connect(edited)
    for other in root.findChildren(QAbstractSpinBox):  # date/time and custom spin boxes
        if not isinstance(other, QSpinBox | QDoubleSpinBox):
            other.editingFinished.connect(edited)
    for combo in root.findChildren(QComboBox):
        combo.currentIndexChanged.connect(edited)
    for edit in root.findChildren(QLineEdit):
        if not isinstance(edit.parent(), QAbstractSpinBox | QComboBox):  # their own line edits
            edit.textChanged.connect(edited)
    for check in root.findChildren(QAbstractButton):
        if check.isCheckable():
            check.toggled.connect(edited)
