"""Dialogs: errors with details (also written to the log file) and the shortcuts list."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

SHORTCUTS = [
    ("Ctrl+O", "Open a dataset folder"),
    ("Ctrl+M", "Open a model or run"),
    ("Ctrl+1 … Ctrl+6", "Go to Data, Label, Train, Evaluate, Classify, Export"),
    ("Ctrl+T", "Start training"),
    ("Ctrl+P", "Pause or resume training"),
    ("Ctrl+.", "Stop training (keeps the last finished epoch)"),
    ("Ctrl+E", "Evaluate the current model"),
    ("1 … 9, 0", "Label page: put the image in a class (a class named 0 … 9 or A … Z has its own key)"),
    ("Enter", "Label page: accept the suggested class"),
    ("← / →", "Label page: previous / next image"),
    ("Delete", "Label page: move the image to the trash"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Label page: undo / redo (also after a restart)"),
    ("Enter / double-click", "Open a thumbnail, mistake, problem or result in the image viewer"),
    ("Viewer: ← / →, + / −, F, 1, Esc", "Previous / next, zoom, fit, actual size, close"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit"),
]


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> QMessageBox:
    """Non-blocking error box; details (a traceback) are folded away and logged."""
    if details:
        logging.getLogger("desktop_cls").error("%s: %s\n%s", title, message, details)
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    box.show()
    return box


def show_shortcuts(parent: QWidget | None) -> None:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in SHORTCUTS)
    box = QMessageBox(parent)
    box.setObjectName("shortcutsDialog")
    box.setWindowTitle("Keyboard shortcuts")
    box.setText(f"<table>{rows}</table>")
    box.setModal(False)
    box.show()
