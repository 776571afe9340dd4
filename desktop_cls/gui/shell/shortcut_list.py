"""Help → Keyboard shortcuts: the list is read from the window's actual menu actions, so it never drifts.

Keys that belong to one page or to the image viewer (the class keys, arrows, Delete) are no menu
actions; they are declared once here, in PAGE_KEYS, and tests check each against the shortcuts the
page really binds. Keys are shown in the platform's own form (⌘Z on macOS) with
QKeySequence.toString(NativeText).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class PageKey:
    """A key that works on one page (or in the viewer); `keys` in QKeySequence's portable form, or
    `shown` for a range such as the class keys, written as it is shown."""

    where: object  # source texts (QT_TRANSLATE_NOOP, typed object), translated when shown
    what: object
    keys: tuple[str, ...] = ()
    shown: str = ""


LABEL = str(QT_TRANSLATE_NOOP("ShortcutList", "Label page"))
VIEWER = str(QT_TRANSLATE_NOOP("ShortcutList", "Image viewer"))
WEBCAM = QT_TRANSLATE_NOOP("ShortcutList", "Classify page, webcam")
ANYWHERE = QT_TRANSLATE_NOOP("ShortcutList", "Thumbnails and lists")
TRAIN = QT_TRANSLATE_NOOP("ShortcutList", "Train page, while training")
TASK = QT_TRANSLATE_NOOP("ShortcutList", "Any page, while its task runs")

# as the Label page's buttons draw them: Qt's Chinese catalogue names the arrow keys 左方向, 右方向
ARROWS = "←, →"

PAGE_KEYS: tuple[PageKey, ...] = (
    PageKey(LABEL, QT_TRANSLATE_NOOP("ShortcutList", "Put the image in a class (a class named 0 … 9 or A … Z "
                                                     "has its own key)"), shown="1 … 9, 0"),
    PageKey(LABEL, QT_TRANSLATE_NOOP("ShortcutList", "Accept the suggested class"), ("Return", "Enter")),
    PageKey(LABEL, QT_TRANSLATE_NOOP("ShortcutList", "Previous / next image"), ("Left", "Right"), ARROWS),
    PageKey(LABEL, QT_TRANSLATE_NOOP("ShortcutList", "Move the image to the trash (undoable)"), ("Delete",)),
    PageKey(WEBCAM, QT_TRANSLATE_NOOP("ShortcutList", "Capture one frame into a class"), shown="1 … 9"),
    PageKey(TRAIN, QT_TRANSLATE_NOOP("ShortcutList", "Pause or resume training (also Train → Pause / resume)"),
            ("Space",)),
    PageKey(TASK, QT_TRANSLATE_NOOP("ShortcutList", "Cancel the task whose progress the page shows"), shown="Esc"),
    PageKey(ANYWHERE, QT_TRANSLATE_NOOP("ShortcutList", "Open a thumbnail, mistake, problem or result in the "
                                                        "image viewer"), ("Return",)),
    PageKey(VIEWER, QT_TRANSLATE_NOOP("ShortcutList", "Previous / next image"), ("Left", "Right"), ARROWS),
    PageKey(VIEWER, QT_TRANSLATE_NOOP("ShortcutList", "Zoom in / out"), ("+", "-")),
    PageKey(VIEWER, QT_TRANSLATE_NOOP("ShortcutList", "Fit to the window / actual size"), ("F", "1")),
    PageKey(VIEWER, QT_TRANSLATE_NOOP("ShortcutList", "Close"), shown="Esc"),
)


@dataclass(frozen=True)
class ShortcutRow:
    keys: str  # as shown: native form, several joined by ", "
    what: str
    where: str  # the menu, or the page
    action: QAction | None = None


def plain_text(text: str) -> str:
    """A menu text without its mnemonic: "&Open folder…" -> "Open folder…", "A && B" -> "A & B", and
    "文件(&F)" -> "文件" (translations put the mnemonic in brackets after the word)."""
    text = re.sub(r"\s*\(&[^&\s]\)", "", text.replace("&&", "\x00"))
    return text.replace("&", "").replace("\x00", "&")


def _worth_showing(seq: QKeySequence) -> bool:
    """Not a keyboard's dedicated key (its own Undo or Open key), nor the old Alt+Backspace undo pair."""
    if seq.isEmpty():
        return False
    combo = seq[0]  # type: ignore[index]
    legacy = combo.key() == Qt.Key.Key_Backspace and bool(combo.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
    return combo.key() < Qt.Key.Key_Back and not legacy


def joined_keys(names: Iterable[str]) -> str:
    """Key names joined by ", ", each once: Chinese names Return and Enter both 回车."""
    return ", ".join(dict.fromkeys(n for n in names if n))


def shown_keys(sequences: list[QKeySequence]) -> str:
    """Native form, the keys a person would press (a binding may add a few nobody looks for)."""
    return joined_keys(s.toString(NATIVE) for s in sequences if _worth_showing(s))


def _menu_rows(menu: QMenu, where: str, rows: list[ShortcutRow]) -> None:
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            _menu_rows(sub, where, rows)
            continue
        keys = shown_keys(action.shortcuts())
        if keys:
            label = action.property("shortcutLabel") or plain_text(action.text())
            rows.append(ShortcutRow(keys, str(label), where, action))


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every menu action that has a key, in menu order, then the page keys."""
    rows: list[ShortcutRow] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            _menu_rows(menu, plain_text(top.text()), rows)
    for key in PAGE_KEYS:
        keys = key.shown or joined_keys(QKeySequence(k).toString(NATIVE) for k in key.keys)
        rows.append(ShortcutRow(keys, QCoreApplication.translate("ShortcutList", str(key.what)),
                                QCoreApplication.translate("ShortcutList", str(key.where))))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("What it does"), self.tr("Where")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # one Tab stop; the arrows move inside
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())  # wrap to the new width
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 62, self.fontMetrics().height() * 34)

    def refresh(self) -> None:
        """Read the actions again (Undo's text, a page's keys): what the window binds right now."""
        rows = shortcut_rows(self.window_)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate((row.keys, row.what, row.where)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeRowsToContents()


def show_shortcuts(window: QMainWindow) -> ShortcutsDialog:
    """The window's one shortcuts dialog, filled afresh, non-modal (it can stay open while working)."""
    dialog = window.findChild(ShortcutsDialog)
    if not isinstance(dialog, ShortcutsDialog):
        dialog = ShortcutsDialog(window)
    dialog.show()
    dialog.refresh()  # once shown: the rows wrap to the columns' real widths
    dialog.raise_()
    return dialog


def page_key_sequences(where: str) -> set[str]:
    """The portable sequences PAGE_KEYS declares for one place (tests compare them with the page's)."""
    return {QKeySequence(k).toString() for key in PAGE_KEYS if key.where == where for k in key.keys}

