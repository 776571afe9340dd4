"""Dialogs: errors with details (also written to the log file)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget


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

