"""Start the app again: a new language is loaded at start, so after choosing one the app offers to restart.

The window is closed first, the way Quit closes it (settings saved, a running training asked about),
and only when it did close is the same command started again, detached, so it outlives this process.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QProcess, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

_started_on: list[str] = []  # the folder named on the command line, if any


def started_on(folder: str) -> None:
    """The folder the app was started on: a restart leaves it out and reopens what is open by then."""
    _started_on[:] = [folder]


def restart_command() -> tuple[str, list[str]]:
    """(program, arguments) that started this process: the bundle's executable, or Python with its
    own options (`-m desktop_cls`, a script) and the app's arguments, less the folder it was started on
    (the new process reopens the dataset and model open at the time, as a plain start does)."""
    if getattr(sys, "frozen", False):
        program, arguments = sys.executable, sys.argv[1:]
    else:
        original = getattr(sys, "orig_argv", None)  # keeps "-m desktop_cls", which sys.argv has lost
        program, arguments = sys.executable, list(original[1:] if original else sys.argv)
    return program, [a for a in arguments if a not in _started_on]


def restart_box(parent: QWidget | None, text: str) -> QMessageBox:
    """The question, with the answers spelled out: Restart now / Later."""
    box = QMessageBox(parent)
    box.setObjectName("restartDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("Restart", "Restart desktop_cls?"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name in it is text, never markup
    box.setText(text)
    now = box.addButton(QCoreApplication.translate("Restart", "Restart now"), QMessageBox.ButtonRole.AcceptRole)
    now.setObjectName("restartNowButton")
    later = box.addButton(QCoreApplication.translate("Restart", "Later"), QMessageBox.ButtonRole.RejectRole)
    later.setObjectName("restartLaterButton")
    box.setDefaultButton(now)
    return box


def offer_restart(parent: QWidget | None, text: str) -> bool:
    """Ask; True when the user chose Restart now."""
    box = restart_box(parent, text)
    box.exec()
    clicked = box.clickedButton()
    return clicked is not None and clicked.objectName() == "restartNowButton"


def restart_app(window: QWidget) -> bool:
    """Close the window as Quit does, then start the same command again; False when the window stayed
    open (the user kept a running training) or the new process could not be started."""
    if not window.close():
        return False
    from desktop_cls.gui.shell.single_instance import release_held

    release_held()  # the new process is the app from now on, not a second start handing over to this one
    program, arguments = restart_command()
    started, _pid = QProcess.startDetached(program, arguments, os.getcwd())
    return bool(started)
