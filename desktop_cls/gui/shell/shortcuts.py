"""Window shortcuts that work whatever has the focus.

A text field claims some Ctrl keys for itself before any shortcut sees them (on Linux a line edit
takes Ctrl+E for "end of line", Ctrl+K, Ctrl+A …), so Ctrl+E did nothing on the Evaluate page, which
opens with the focus in its model field. The guard lets the window's own shortcuts (menu actions)
through; plain keys, Shift+letters and the editing keys (copy, paste, undo, select all) stay with the
field, so typing is never taken over.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

# the editing keys a field keeps; resolved when used (key bindings need the running application)
EDITING = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.Cut,
           QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.SelectAll)
WINDOW_CONTEXTS = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                     | Qt.KeyboardModifier.MetaModifier)


def _is_command(event: QKeyEvent) -> bool:
    """Ctrl/Alt/Meta combinations and function keys: never text a field would type."""
    return bool(event.modifiers() & COMMAND_MODIFIERS) or Qt.Key.Key_F1 <= event.key() <= Qt.Key.Key_F35


class WindowShortcutGuard(QObject):
    """Event filter on the widget that has the focus (a ShortcutOverride goes to it): one for the window's own
    shortcuts is refused on the field's behalf, so the shortcut fires. A filter on the whole application ran
    Python for every event the app handled (a tenth of the UI thread's busy time while a large folder was
    checked), and each call waited for the interpreter lock the workers held."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.watched: QWidget | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._follow_focus)
        self._follow_focus(None, app.focusWidget())

    def _follow_focus(self, old: QWidget | None, new: QWidget | None) -> None:
        if self.watched is not None and shiboken6.isValid(self.watched):
            self.watched.removeEventFilter(self)
        self.watched = None
        if new is not None and new.window() is self.window:
            new.installEventFilter(self)
            self.watched = new

    def sequences(self) -> set[str]:
        out: set[str] = set()
        for action in self.window.findChildren(QAction):
            if action.isEnabled() and action.shortcutContext() in WINDOW_CONTEXTS:
                out.update(s.toString() for s in action.shortcuts() if not s.isEmpty())
        for key in EDITING:
            out.difference_update(s.toString() for s in QKeySequence.keyBindings(key))
        return out

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not _is_command(event) or not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        pressed = QKeySequence(event.keyCombination()).toString()
        if pressed in self.sequences():
            event.ignore()  # not the field's: the shortcut map goes on and triggers the action
            return True
        return False
