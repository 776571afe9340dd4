"""The Train page's pause control: the Pause button's words and tooltip, and Space, which pauses and resumes training
(UX: "Ctrl+T train, Space pause") as Ctrl+P does.

Only while a run goes: otherwise Space is the focused control's own (a check box ticks, a button clicks). A text
field, spin box or editable combo box keeps its Space too: the key types there, it never pauses the run."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

NATIVE = QKeySequence.SequenceFormat.NativeText


def types_text(widget: QWidget | None) -> bool:
    """Whether Space typed into this widget is text (a field, a spin box, an editable combo box); a read-only log
    is no field."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, QAbstractSpinBox)


class PauseControl(QObject):
    """Space on `page` pauses or resumes while a run goes; the button reads Pause or Resume and names both keys.
    `page` is the Train page: its `training` (running_changed, paused_changed), `toggle_pause` and pause button."""

    def __init__(self, page: QWidget, training: QObject, toggle: Callable[[], None], button: QAbstractButton) -> None:
        super().__init__(page)
        self.toggle, self.button = toggle, button
        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), page)
        self.shortcut.setObjectName("spacePauseShortcut")
        self.shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.shortcut.setAutoRepeat(False)  # a held key must not pause and resume again and again
        self.shortcut.activated.connect(self._pressed)
        self.shortcut.setEnabled(False)
        keys = (QKeySequence("Ctrl+P").toString(NATIVE), QKeySequence(Qt.Key.Key_Space).toString(NATIVE))
        button.setToolTip(self.tr("Pause or resume ({0} or {1})").format(*keys))
        training.running_changed.connect(self.shortcut.setEnabled)  # type: ignore[attr-defined]
        training.paused_changed.connect(self._show_paused)  # type: ignore[attr-defined]

    def _show_paused(self, paused: bool) -> None:
        self.button.setText(self.tr("Resume") if paused else self.tr("Pause"))

    def _pressed(self) -> None:
        if not types_text(QApplication.focusWidget()):
            self.toggle()
