"""Dialogs: errors with details (also written to the log file), and every message box, as plain text."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QMessageBox, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.core.storage import write_atomic


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> QMessageBox:
    """Non-blocking error box; details (a traceback) are folded away and logged."""
    if details:
        logging.getLogger("desktop_cls").error("%s: %s\n%s", title, message, details)
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a file's name in it is text: `<a href=…>` in a name was a link
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setModal(False)
    fit_title(box)
    box.show()
    return box


def existing_folder(path: str | Path | None) -> str:
    """Where a folder dialog can open for `path`: the path itself or its nearest existing parent folder, else the
    home folder. Qt opens a dialog given a missing folder in the working directory (the source checkout, the
    demo folder), which says nothing about where the user is choosing."""
    if path:
        here = Path(path).expanduser()
        if here.is_absolute():
            for folder in (here, *here.parents):
                if folder.is_dir():
                    return str(folder)
    return str(Path.home())


Button = QMessageBox.StandardButton
_ICONS = {"information": QMessageBox.Icon.Information, "warning": QMessageBox.Icon.Warning,
          "question": QMessageBox.Icon.Question}


def answer(box: QMessageBox, kind: str) -> QMessageBox.StandardButton:
    """The user's answer to a modal box of `kind` (one place, so tests answer for the user)."""
    return QMessageBox.StandardButton(box.exec())


def message(parent: QWidget | None, title: str, text: str, kind: str = "information",
            buttons: QMessageBox.StandardButton = Button.Ok,
            default: QMessageBox.StandardButton = Button.NoButton) -> QMessageBox.StandardButton:
    """A modal message box whose text is plain text: QMessageBox's static functions let Qt guess (AutoText), and a
    file or class name with markup in it (`<b>`, `<a href=…>`) was drawn as markup, or hid the rest of the text."""
    return answer(message_box(parent, title, text, kind, buttons, default), kind)


def message_box(parent: QWidget | None, title: str, text: str, kind: str = "information",
                buttons: QMessageBox.StandardButton = Button.Ok,
                default: QMessageBox.StandardButton = Button.NoButton) -> QMessageBox:
    """The box `message` shows, not yet shown: for a caller that changes its text while it is open."""
    box = QMessageBox(_ICONS[kind], title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    fit_title(box)
    return box


def inform(parent: QWidget | None, title: str, text: str) -> None:
    message(parent, title, text, "information")


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message(parent, title, text, "warning")


def ask(parent: QWidget | None, title: str, text: str, default: QMessageBox.StandardButton = Button.NoButton) -> bool:
    """Yes or No; True for Yes. `default`: the button Enter presses (NoButton: Qt's choice, Yes)."""
    return message(parent, title, text, "question", Button.Yes | Button.No, default) == Button.Yes


def close_errors(window: QWidget) -> None:
    """Close the error boxes shown over WINDOW (they are its children): they spoke of a dataset that is no longer
    open ("… is still open" named the one before; a bad file named one of its files)."""
    for box in window.findChildren(QMessageBox, "errorDialog"):
        box.close()


TITLE_BAR_EXTRAS = 120  # px a window manager's title bar keeps for the window's icon and its buttons


def title_width(title: str, font: QFont) -> int:
    """About how wide a dialog must be for the window manager to show its title in full (titles are often
    drawn bold)."""
    bold = QFont(font)
    bold.setBold(True)
    return QFontMetrics(bold).horizontalAdvance(title) + TITLE_BAR_EXTRAS


def fit_title(dialog: QWidget) -> None:
    """Make dialog at least as wide as its title needs: a small question box showed "Rena… class?"."""
    dialog.setMinimumWidth(max(dialog.minimumWidth(), title_width(dialog.windowTitle(), dialog.font())))


def _plain_label(dialog: QInputDialog, text: str) -> None:
    """The dialog's question as plain text ("Rename class '<b>x</b>' to:" names the class as written)."""
    dialog.setLabelText(text)
    for label in dialog.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)


def ask_item(parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0) -> tuple[str, bool]:
    """QInputDialog.getItem (a choice from a fixed list), wide enough for its title."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    _plain_label(dialog, label)
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(False)
    if 0 <= current < len(items):
        dialog.setTextValue(items[current])
    fit_title(dialog)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue(), ok


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """QInputDialog.getText, wide enough for its title."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    _plain_label(dialog, label)
    dialog.setTextValue(text)
    fit_title(dialog)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue(), ok


def save_image(parent: QWidget | None, image: QImage, path: str) -> bool:
    """`image` in `path` (its format from the suffix), written atomically: a link or a second name (hard link) of
    another file there is replaced, never written through (QImage.save opened the name and truncated what it
    found), and a failed write keeps the old file. An error box names the file when it cannot be written."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    try:
        if not image.save(buf, (Path(path).suffix.lstrip(".") or "png").upper()):  # type: ignore[call-overload]
            raise OSError(QCoreApplication.translate("Dialogs", "the image could not be encoded"))
        write_atomic(Path(path), bytes(data.data()))
    except OSError as e:
        show_error(parent, QCoreApplication.translate("Dialogs", "Image not saved"),
                   QCoreApplication.translate("Dialogs", "Cannot write {0}: {1}").format(isolated(str(path)), e))
        return False
    return True


def save_file_name(parent: QWidget | None, title: str, start: str, filters: str, suffix: str = "") -> str:
    """Where to save a file, asked with the file dialog ("" when cancelled); `suffix` is added to a name typed
    without one. The dialog asks before replacing a file it sees, but not before replacing a link whose target is
    gone (no file to it) nor a file named by the suffix added after it: those are asked here, and a No saves
    nothing. The writers replace the name itself (write_atomic), never writing through a link."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, start, filters)
    if not path:
        return ""
    named = path + suffix if suffix and not Path(path).suffix else path
    dangling = os.path.islink(named) and not os.path.exists(named)
    if not dangling and (named == path or not os.path.lexists(named)):
        return named
    if dangling:
        text = QCoreApplication.translate("Dialogs", "{0} is a link to {1}, which is no longer there. Replace the "
                                          "link with the new file?").format(isolated(named),
                                                                            isolated(os.readlink(named)))
    else:
        text = QCoreApplication.translate("Dialogs", "{0} already exists. Replace it?").format(isolated(named))
    return named if ask(parent, title, text, Button.No) else ""
