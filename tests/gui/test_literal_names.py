"""Names from someone else's folders are shown as written, never as markup or mnemonics: a class `<img src=x>`, a
file `<b>new.png`, a dataset folder `<i>set` and a class `R&D` on every page, the status bar, the tooltips, the class
buttons and the menus. (Qt draws a label's or a tooltip's text as rich text when it looks like it, and takes one '&' in
a button's or an action's text for a shortcut key.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import Qt  # (its Qt has mightBeRichText)
from PySide6.QtWidgets import QAbstractButton, QInputDialog, QLabel, QListWidget, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets import dialogs
from desktop_cls.gui.widgets.literal_text import action_text, literal, plain_label
from tests.conftest import make_tiny_folder
from tests.gui.conftest import dataset_line, open_and_wait

MARKUP = ("<img src=x>", "<b>new", "<i>set")  # as written in the folder's names


def _raw_markup(text: str) -> bool:
    return any(m in text for m in MARKUP)


def _shown_as_markup(window: QWidget) -> list[str]:
    """Every label, tooltip and button text under `window` that shows a name's markup as markup, or hides its '&'."""
    found = []
    for label in window.findChildren(QLabel):
        if _raw_markup(label.text()) and label.textFormat() != Qt.TextFormat.PlainText:
            found.append(f"label {label.objectName() or label.text()!r}: {label.textFormat()}")
    for widget in [window, *window.findChildren(QWidget)]:
        if _raw_markup(widget.toolTip()) and Qt.mightBeRichText(widget.toolTip()):
            found.append(f"tooltip of {widget.objectName() or type(widget).__name__}: {widget.toolTip()!r}")
    for view in window.findChildren(QListWidget):
        tips = [view.item(i).toolTip() for i in range(view.count())]
        found += [f"item tooltip of {view.objectName()}: {t!r}" for t in tips if _raw_markup(t)]
    for table in window.findChildren(QTableWidget):
        tips = [it.toolTip() for r in range(table.rowCount()) for c in range(table.columnCount())
                if (it := table.item(r, c)) is not None]
        found += [f"item tooltip of {table.objectName()}: {t!r}" for t in tips if _raw_markup(t)]
    for button in window.findChildren(QAbstractButton):
        if "R&D" in button.text().replace("R&&D", ""):
            found.append(f"button {button.objectName()}: {button.text()!r} (shown 'RD', Alt+D presses it)")
    return found


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    root = make_tiny_folder(tmp_path / "<i>set", classes=("<img src=x>", "R&D"), per_class=3)
    shutil.copy(root / "R&D" / "R&D_00.png", root / "<b>new.png")  # an image to label, its name markup
    return root


def test_names_with_markup_are_shown_literally_on_every_page(qtbot: QtBot, window: MainWindow,
                                                             hostile_folder: Path) -> None:
    open_and_wait(qtbot, window, hostile_folder)
    assert dataset_line(window).startswith("<i>set: ")
    for page in ("data", "label", "train", "classify", "export"):
        window.show_page(page)
        qtbot.wait(10)
        assert _shown_as_markup(window) == [], page
    lp = window.label_page
    assert lp.view.caption.text().startswith("\u2068<b>new.png")  # the text itself is the file's name (isolated)
    thumbs = window.dataset_page.thumb_model
    tips = [thumbs.data(thumbs.index(r), Qt.ItemDataRole.ToolTipRole) for r in range(thumbs.rowCount())]
    assert tips and not any(_raw_markup(t) for t in tips) and any("&lt;img src=x&gt;" in t for t in tips)
    capture = window.classify_page.findChild(QLabel, "captureHeading")
    assert capture is not None and "<i>set" in capture.text() and capture.textFormat() == Qt.TextFormat.PlainText


def test_past_runs_tooltips_name_a_folder_with_markup_as_written(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from desktop_cls.core.run_dir import MODEL
    from desktop_cls.core.storage import default_runs_dir
    from desktop_cls.gui.pages.train.past_runs import PastRuns
    from tests.core.test_run_list import fake_run

    folder = "/data/<img src=x>"
    run = fake_run(default_runs_dir(), "<b>run", status="completed", dataset_root=folder)
    (run / MODEL).write_bytes(b"weights")
    past = PastRuns()
    qtbot.addWidget(past)
    past.refresh()
    past.show_for("/data/other")  # two groups: a heading names the folder
    assert _shown_as_markup(past) == []
    tips = [past.runs_list.item(i).toolTip() for i in range(past.runs_list.count())]
    assert any("Trained on \u2068/data/&lt;img src=x&gt;\u2069" in t for t in tips), tips


def test_the_move_to_class_menu_shows_an_ampersand_in_a_class_name(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QMenu

    from tests.gui.pages.evaluate.test_mistake_captions import gallery_of

    gallery = gallery_of(qtbot, ["R&D", "Q&A", "cat"])
    select = QItemSelectionModel.SelectionFlag.ClearAndSelect
    gallery.view.selectionModel().select(gallery.model.index(0, 0), select)
    menu = gallery.fix_menu()
    assert menu is not None
    move = menu.actions()[0].menu()
    assert isinstance(move, QMenu)
    # shown 'R&D', 'Q&A' (isolated)
    assert [a.text() for a in move.actions()] == ["\u2068R&&D\u2069 (labeled)", "\u2068Q&&A\u2069 (predicted)", "cat"]


def test_the_helpers_show_text_as_written(qtbot: QtBot) -> None:
    label = plain_label("<a href='x'>link</a>")
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert action_text("R&D <b>") == "R&&D <b>" and literal("cat") == "cat"
    assert "&lt;b&gt;x&lt;/b&gt;" in literal("<b>x</b>")


def test_a_question_naming_a_class_shows_its_markup(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rename, merge and delete ask in an input dialog whose question names the class."""
    seen: list[Qt.TextFormat] = []

    def answered(dialog: QInputDialog) -> int:
        seen.extend(lab.textFormat() for lab in dialog.findChildren(QLabel) if "<img" in lab.text())
        return 0

    monkeypatch.setattr(QInputDialog, "exec", answered)
    dialogs.ask_text(None, "Rename class", "New name for <img src=x>:", "<img src=x>")
    assert seen == [Qt.TextFormat.PlainText]
