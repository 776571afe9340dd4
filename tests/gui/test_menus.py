"""The menus: every action by its object name, language and theme choices, Undo/Redo for labeling, F1."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import cell, child, open_and_wait, saved_settings

ACTIONS = ("openFolderAction", "demoAction", "openModelAction", "quitAction", "undoAction", "redoAction",
           "preferencesAction", "languageSystem", "languageEn", "languageZh", "themeSystem", "themeLight",
           "themeDark", "goDataAction", "goLabelAction", "goTrainAction", "goEvaluateAction", "goClassifyAction",
           "goExportAction", "startTrainingAction", "pauseAction", "stopAction", "evaluateAction",
           "saveConfigAction", "shortcutsAction", "aboutAction")


@pytest.fixture
def with_unlabeled(tiny_folder: Path) -> Path:
    for i in range(4):
        shutil.copy(tiny_folder / "dog" / f"dog_0{i}.png", tiny_folder / f"new_{i}.png")
    return tiny_folder




def test_every_menu_action_exists_with_its_object_name(window: MainWindow) -> None:
    in_menus = {a.objectName() for m in window.menuBar().findChildren(QMenu) for a in m.actions()}
    for name in ACTIONS:
        action = child(window, QAction, name)
        assert action is not None, name
        assert name in in_menus, f"{name} is in no menu"
    for names in (("languageSystem", "languageEn", "languageZh"), ("themeSystem", "themeLight", "themeDark")):
        actions = [child(window, QAction, n) for n in names]
        group = actions[0].actionGroup()
        assert group is not None and group.isExclusive() and all(a.actionGroup() is group for a in actions)
        assert all(a.isCheckable() for a in actions) and sum(a.isChecked() for a in actions) == 1
    assert child(window, QAction, "languageZh").text() == "简体中文"
    prefs = child(window, QAction, "preferencesAction")
    assert prefs.menuRole() == QAction.MenuRole.PreferencesRole and not prefs.shortcut().isEmpty()
    undo = child(window, QAction, "undoAction")
    assert undo.shortcuts() == QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)


def test_language_choice_is_saved_and_a_restart_offered(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import restart

    offered: list[str] = []
    started: list[tuple[str, list[str]]] = []
    answer = [False]

    def offer(_w: object, text: str) -> bool:
        offered.append(text)
        return answer[0]

    monkeypatch.setattr(restart, "offer_restart", offer)
    def start(program: str, args: list[str], cwd: str = "") -> tuple[bool, int]:
        started.append((program, args))
        return True, 1

    monkeypatch.setattr(QProcess, "startDetached", start)
    child(window, QAction, "languageZh").trigger()
    assert saved_settings(window).language == "zh_CN" and len(offered) == 1
    assert started == [] and window.isVisible()  # "Later": nothing restarts
    child(window, QAction, "languageZh").trigger()  # the language in use already: nothing to offer
    assert len(offered) == 1
    answer[0] = True
    child(window, QAction, "languageEn").trigger()
    assert saved_settings(window).language == "en" and len(offered) == 2
    assert started == [restart.restart_command()] and started[0][0] == sys.executable
    assert not window.isVisible()  # closed as Quit closes it, then started again


def test_restart_waits_for_the_answer_about_a_running_training(window: MainWindow,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import restart

    started: list[object] = []
    asked: list[str] = []
    monkeypatch.setattr(restart, "offer_restart", lambda _w, _text: True)
    def start(*a: object) -> tuple[bool, int]:
        started.append(a)
        return True, 1

    monkeypatch.setattr(QProcess, "startDetached", start)
    def ask(_p: object, _t: str, text: str, *a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", ask)
    window.state.training = True
    child(window, QAction, "languageZh").trigger()
    window.state.training = False
    assert asked and "Training is running" in asked[0]
    assert started == [] and window.isVisible() and saved_settings(window).language == "zh_CN"


def test_restart_box_says_restart_now_or_later(qtbot: QtBot) -> None:
    from desktop_cls.gui.shell.restart import restart_box, restart_command

    box = restart_box(None, "Restart?")
    qtbot.addWidget(box)
    assert [b.text() for b in box.buttons()] == ["Restart now", "Later"]
    program, args = restart_command()
    # this very command, run again (under pytest-xdist a worker's own command line)
    assert program == sys.executable and args == list(getattr(sys, "orig_argv", sys.argv))[1:]


def test_a_restart_leaves_out_the_folder_the_app_was_started_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """It comes back to the dataset and model open at the time, not to the start's folder."""
    from desktop_cls.gui.shell import restart

    monkeypatch.setattr(restart, "_started_on", [])
    monkeypatch.setattr(sys, "orig_argv", [sys.executable, "-m", "desktop_cls", "gui", "/data/digits/train"])
    restart.started_on("/data/digits/train")
    assert restart.restart_command() == (sys.executable, ["-m", "desktop_cls", "gui"])


def test_theme_actions_change_the_palette_and_save_the_setting(window: MainWindow, keep_palette: None) -> None:
    from desktop_cls.gui.widgets.theme import is_dark

    child(window, QAction, "themeDark").trigger()
    assert is_dark() and saved_settings(window).theme == "dark"
    assert child(window, QAction, "themeDark").isChecked()
    child(window, QAction, "themeLight").trigger()
    assert not is_dark() and saved_settings(window).theme == "light"
    assert not child(window, QAction, "themeDark").isChecked()


def test_undo_and_redo_of_a_labeling_move(qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    undo, redo = child(window, QAction, "undoAction"), child(window, QAction, "redoAction")
    assert not undo.isEnabled() and not redo.isEnabled()
    names = ["new_0.png", "new_1.png", "new_2.png"]
    window.label_page.classes.assign_files("cat", [str(with_unlabeled / n) for n in names])
    assert all((with_unlabeled / "cat" / n).exists() for n in names)
    assert undo.isEnabled() and undo.text() == "&Undo move of 3 images to '\u2068cat\u2069'" and not redo.isEnabled()
    undo.trigger()
    assert all((with_unlabeled / n).exists() and not (with_unlabeled / "cat" / n).exists() for n in names)
    assert not undo.isEnabled() and redo.text() == "&Redo move of 3 images to '\u2068cat\u2069'"
    redo.trigger()
    assert all((with_unlabeled / "cat" / n).exists() for n in names) and not redo.isEnabled()
    # a step made on another page shows in the menu at once (the workspace tells the actions)
    workspace = window.state.workspace
    assert workspace is not None
    workspace.trash([with_unlabeled / "new_3.png"])
    assert undo.text() == "&Undo move of 1 image to the trash"
    workspace.rename_class("fish", "R&D")
    # "&" shown, not taken as a mnemonic
    assert undo.text() == "&Undo renaming of '\u2068fish\u2069' to '\u2068R&&D\u2069'"


def test_undo_offers_the_last_step_of_an_earlier_session(qtbot: QtBot, window: MainWindow,
                                                         with_unlabeled: Path) -> None:
    from desktop_cls.core.data.labeling import Workspace

    Workspace(with_unlabeled).assign([with_unlabeled / "new_0.png"], "fish")  # the app was closed since
    open_and_wait(qtbot, window, with_unlabeled)
    undo = child(window, QAction, "undoAction")
    assert undo.isEnabled() and undo.text() == "&Undo move of 1 image to '\u2068fish\u2069'"
    undo.trigger()
    assert (with_unlabeled / "new_0.png").exists() and not undo.isEnabled()


def test_ctrl_z_undoes_labeling_but_stays_with_a_text_field(qtbot: QtBot, window: MainWindow,
                                                            with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.label_page.classes.assign_files("cat", [str(with_unlabeled / "new_0.png")])
    window.show_page("evaluate")
    edit = window.evaluate_page.model_edit
    window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClicks(edit, "abc")
    QTest.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "" and (with_unlabeled / "cat" / "new_0.png").exists()  # the field's own undo
    window.show_page("label")
    qtbot.waitUntil(window.label_page.hasFocus)
    QTest.keyClick(window.label_page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (with_unlabeled / "new_0.png").exists()  # away from a field Ctrl+Z is Edit → Undo


def test_shortcut_list_comes_from_the_actions(window: MainWindow) -> None:
    from desktop_cls.gui.shell.shortcut_list import PAGE_KEYS, shortcut_rows, shown_keys

    rows = shortcut_rows(window)
    assert "Ctrl+Alt+J" not in [r.keys for r in rows]
    extra = QAction("Do a &new thing", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.menuBar().findChildren(QMenu)[0].addAction(extra)
    rows = shortcut_rows(window)
    row = next(r for r in rows if r.keys == QKeySequence("Ctrl+Alt+J").toString(QKeySequence.SequenceFormat.NativeText))
    assert row.what == "Do a new thing" and row.where == "File"
    actions = window.findChildren(QAction)
    shown = [r for r in rows if r.action is not None]
    assert len(shown) + len(PAGE_KEYS) == len(rows)
    for r in shown:  # every key listed is an action's, shown in the platform's form
        assert r.action in actions
        assert r.keys == shown_keys(r.action.shortcuts())
        assert r.action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in r.keys.split(", ")
    listed = {r.action.objectName() for r in shown if r.action is not None}
    assert {"openFolderAction", "undoAction", "redoAction", "preferencesAction", "shortcutsAction",
            "quitAction", "goExportAction", "evaluateAction"} <= listed
    undo_row = next(r for r in shown if r.action is not None and r.action.objectName() == "undoAction")
    assert undo_row.what == "Undo the last labeling step"


def test_plain_text_drops_the_mnemonic() -> None:
    from desktop_cls.gui.shell.shortcut_list import plain_text

    assert plain_text("&Open folder…") == "Open folder…"
    assert plain_text("R&&D && more") == "R&D & more"
    assert plain_text("文件(&F)") == "文件"
    assert plain_text("撤销将 3 个图像移到“R&&D”(&U)") == "撤销将 3 个图像移到“R&D”"


def test_declared_page_keys_are_the_ones_the_pages_bind(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from PIL import Image

    from desktop_cls.gui.shell.shortcut_list import LABEL, VIEWER, page_key_sequences
    from desktop_cls.gui.widgets.image_viewer import open_viewer

    def bound(widget: QWidget) -> set[str]:
        return {sc.key().toString() for sc in widget.findChildren(QShortcut) if sc.isEnabled()}

    assert page_key_sequences(LABEL) and page_key_sequences(LABEL) <= bound(window.label_page)
    picture = tmp_path / "a.png"
    Image.new("RGB", (8, 8)).save(picture)
    viewer = open_viewer(window.label_page, [(str(picture), "a")], 0)
    assert viewer is not None
    assert page_key_sequences(VIEWER) and page_key_sequences(VIEWER) <= bound(viewer)
    viewer.close()


def test_f1_shows_the_generated_list(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_cls.gui.shell.shortcut_list import ShortcutsDialog, shortcut_rows

    child(window, QAction, "shortcutsAction").trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == len(shortcut_rows(window))
    keys = [cell(dialog.table, r, 0) for r in range(dialog.table.rowCount())]
    assert QKeySequence("F1").toString(QKeySequence.SequenceFormat.NativeText) in keys
    dialog.close()



def test_undo_names_the_class_also_in_split_folders(tmp_path: Path) -> None:
    """A test image relabelled as 'cat' is "move of 1 image to 'cat'", not "to 'test'"."""
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.gui.shell.labeling_undo import describe_step
    from tests.conftest import make_tiny_folder

    root = tmp_path / "split"
    for split in ("train", "test"):
        make_tiny_folder(root / split, classes=("cat", "dog"), per_class=2)
    ws = Workspace(root)
    dog = sorted((root / "test" / "dog").iterdir())[0]
    assert describe_step(ws.assign([dog], "cat")) == "move of 1 image to '\u2068cat\u2069'"
    assert describe_step(ws.create_class("bird")) == "new class '\u2068bird\u2069'"
    assert describe_step(ws.rename_class("bird", "owl")) == "renaming of '\u2068bird\u2069' to '\u2068owl\u2069'"
    assert describe_step(ws.merge_classes("dog", "cat")) == "merge of '\u2068dog\u2069' into '\u2068cat\u2069'"
    assert describe_step(ws.delete_class("owl")) == "deletion of class '\u2068owl\u2069'"


def test_recent_runs_say_the_folder_each_was_trained_on_and_which_one_is_in_use(window: MainWindow) -> None:
    """A list of full run paths said neither which folder a run belongs to nor which run the pages use now."""
    from desktop_cls.core.storage import default_runs_dir
    from tests.core.test_run_list import fake_run

    flowers = fake_run(default_runs_dir(), "20261207-090000-quick", dataset_root="/data/flowers")
    birds = fake_run(default_runs_dir(), "20261207-080000-quick", dataset_root="/data/birds")
    window.state.settings.recent_runs = [str(flowers), str(birds)]
    window.state.set_run(str(birds))
    menus = window.menus
    menus._fill_recent_runs()
    actions = menus.recent_runs_menu.actions()
    assert [a.text() for a in actions] == ["\u206820261207-080000-quick\u2069 (trained on \u2068birds\u2069)",
                                           "\u206820261207-090000-quick\u2069 (trained on \u2068flowers\u2069)"]
    assert [a.isChecked() for a in actions] == [True, False] and actions[1].toolTip() == str(flowers)
    actions[1].trigger()
    assert window.state.run == str(flowers)
