"""The Label page's class keys stay with their classes while the user labels and across restarts (kept in the
dataset folder), and the class counts follow every step at once (an undo too), not only when the folder is read
again."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.class_keys import KeyMemory, class_keys
from desktop_cls.gui.pages.label.label_view import grid_place
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.class_button import ClassDropButton
from tests.gui.conftest import open_and_wait, opened_workspace


@pytest.fixture
def with_unlabeled(tiny_folder: Path) -> Path:
    for i in range(6):
        shutil.copy(tiny_folder / "dog" / f"dog_0{i % 4}.png", tiny_folder / f"new_{i}.png")
    return tiny_folder


def captions(window: MainWindow) -> dict[str, str]:
    """Class -> the caption of its button (the key shown before the name)."""
    grid = window.label_page.view.class_buttons
    buttons = [item.widget() for item in (grid.itemAt(i) for i in range(grid.count())) if item is not None]
    return {b.class_name: b.text() for b in buttons if isinstance(b, ClassDropButton)}


def test_a_class_made_later_takes_the_next_free_key_and_the_others_keep_theirs() -> None:
    memory = KeyMemory()
    assert memory.keys("/data", ["cat", "dog", "fish"]) == {"1": "cat", "2": "dog", "3": "fish"}
    assert memory.keys("/data", ["ant", "cat", "dog", "fish"]) == {"1": "cat", "2": "dog", "3": "fish", "4": "ant"}
    assert class_keys(["ant", "cat", "dog", "fish"])["1"] == "ant"  # (a fresh start numbers in class order)
    renamed = memory.keys("/data", ["ant", "dog", "fish", "kitty"])  # cat renamed: its key goes with the new name
    assert renamed == {"1": "kitty", "2": "dog", "3": "fish", "4": "ant"}
    merged = memory.keys("/data", ["ant", "fish", "kitty"])  # dog merged away or deleted: its key is free again
    assert merged == {"1": "kitty", "3": "fish", "4": "ant"}
    assert memory.keys("/data", ["ant", "bee", "fish", "kitty"])["2"] == "bee"
    assert memory.keys("/other", ["b", "a"]) == {"b": "b", "a": "a"}  # another folder: its own keys
    assert memory.keys("/data", ["ant", "bee", "fish", "kitty", "z"])["z"] == "z"  # a letter class: its letter


def test_keys_do_not_renumber_when_a_class_is_added_before_the_others(qtbot: QtBot, window: MainWindow,
                                                                      with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    QTest.keyClick(lp, Qt.Key.Key_1)  # classes: cat, dog, fish -> 1 = cat
    assert (with_unlabeled / "cat" / "new_0.png").exists()
    lp.do(opened_workspace(window).create_class, "ant")  # as New class… does; "ant" sorts first
    qtbot.waitUntil(lambda: "ant" in lp.model.classes, timeout=10_000)
    assert captions(window) == {"ant": "4  ant", "cat": "1  cat", "dog": "2  dog", "fish": "3  fish"}
    QTest.keyClick(lp, Qt.Key.Key_1)  # muscle memory: still cat
    assert (with_unlabeled / "cat" / "new_1.png").exists() and not (with_unlabeled / "ant" / "new_1.png").exists()
    QTest.keyClick(lp, Qt.Key.Key_4)
    assert (with_unlabeled / "ant" / "new_2.png").exists()
    lp.do(opened_workspace(window).rename_class, "cat", "kitty")  # its key goes with it
    qtbot.waitUntil(lambda: "kitty" in lp.model.classes, timeout=10_000)
    assert captions(window)["kitty"] == "1  kitty" and captions(window)["ant"] == "4  ant"
    QTest.keyClick(lp, Qt.Key.Key_1)
    assert (with_unlabeled / "kitty" / "new_3.png").exists()


def test_the_counts_are_right_at_once_after_an_undo_of_a_burst_of_labels(qtbot: QtBot, window: MainWindow,
                                                                        with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    lp.reread.timer.setInterval(3_600_000)  # the folder is not read again meanwhile: the page's own counts show
    window.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    before = lp.classes.counts()
    assert before is not None
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_2):
        QTest.keyClick(lp, key)
    after_burst = lp.classes.counts()
    assert after_burst == {**before, "cat": before["cat"] + 2, "dog": before["dog"] + 1}
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the dog label goes
    assert lp.classes.counts() == {**before, "cat": before["cat"] + 2}
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lp.classes.counts() == {**before, "cat": before["cat"] + 1}
    item = lp.classes.class_list.item(lp.model.classes.index("cat"))
    assert item.text() == f"cat ({before['cat'] + 1})"
    QTest.keyClick(lp, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert lp.classes.counts() == {**before, "cat": before["cat"] + 2}  # and a redo
    assert lp.reread.timer.isActive()  # (the folder is still read again later, as after any step)


def test_a_renamed_class_keeps_its_button_and_key_and_the_other_buttons_are_left_alone(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    """A rename renames its own button; the others are the same widgets, where they were (making every button and
    shortcut again after each class step held the window)."""
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    lp.reread.timer.setInterval(3_600_000)
    buttons = {b.class_name: b for b in lp.view.findChildren(ClassDropButton)}
    shortcuts = list(lp.view.key_shortcuts)
    lp.do(opened_workspace(window).rename_class, "cat", "kitty")
    qtbot.waitUntil(lambda: "kitty" in lp.model.classes, timeout=10_000)
    after = {b.class_name: b for b in lp.view.findChildren(ClassDropButton)}
    assert after["dog"] is buttons["dog"] and after["fish"] is buttons["fish"]
    assert after["kitty"] is buttons["cat"] and after["kitty"].text() == "1  kitty"
    assert lp.view.key_shortcuts == shortcuts
    assert captions(window) == {"kitty": "1  kitty", "dog": "2  dog", "fish": "3  fish"}
    grid = lp.view.class_buttons
    places = {b.class_name: grid_place(grid, grid.indexOf(b)) for b in after.values()}
    assert places == {"dog": (0, 0), "fish": (0, 1), "kitty": (0, 2)}  # in class order
    lp.do(opened_workspace(window).delete_class, "dog")
    qtbot.waitUntil(lambda: "dog" not in lp.model.classes, timeout=10_000)
    laid_out = [item.widget() for item in (grid.itemAt(i) for i in range(grid.count())) if item is not None]
    assert laid_out == [buttons["fish"], buttons["cat"]]  # the deleted class's button went; the others moved up


def test_the_counts_follow_a_class_renamed_deleted_and_brought_back(qtbot: QtBot, window: MainWindow,
                                                                    with_unlabeled: Path) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    lp.reread.timer.setInterval(3_600_000)  # the folder is not read again meanwhile: the page's own counts show
    ws = opened_workspace(window)
    lp.assign_current("cat")
    before = lp.classes.counts()
    assert before is not None
    lp.do(ws.rename_class, "cat", "kitty")
    assert lp.classes.counts() == {"dog": before["dog"], "fish": before["fish"], "kitty": before["cat"]}
    lp.do(ws.delete_class, "dog")
    assert lp.classes.counts() == {"fish": before["fish"], "kitty": before["cat"]}
    lp.undo()  # dog comes back from the trash with its images
    assert lp.classes.counts() == {"dog": before["dog"], "fish": before["fish"], "kitty": before["cat"]}
    lp.undo()  # and cat its name
    assert lp.classes.counts() == before
    texts = [lp.classes.class_list.item(i).text() for i in range(lp.classes.class_list.count())]
    assert texts == [f"{name} ({before[name]})" for name in ("cat", "dog", "fish")]


def test_a_read_of_the_folder_that_began_before_a_label_does_not_take_its_count_back(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    lp.reread.timer.setInterval(3_600_000)
    asked: list[str] = []
    monkeypatch.setattr(window.state, "reread_dataset", lambda: asked.append("read"))
    before = lp.classes.counts()
    read_before = window.state.dataset
    assert before is not None and read_before is not None
    lp.reread.timer.timeout.emit()  # a moment after a step: the folder is read again (a slow read begins)
    assert asked == ["read"]
    lp.assign_current("cat")  # meanwhile a label: the read may have listed cat's folder before the image came
    assert lp.classes.counts() == {**before, "cat": before["cat"] + 1}
    window.state.set_dataset(dataclasses.replace(read_before))  # that read lands: it has not seen the label
    assert lp.classes.counts() == {**before, "cat": before["cat"] + 1}
    item = lp.classes.class_list.item(lp.model.classes.index("cat"))
    assert item.text() == f"cat ({before['cat'] + 1})"
    assert lp.reread.timer.isActive()  # (the folder is read again after the label, and that read counts)
    lp.reread.timer.timeout.emit()
    window.state.set_dataset(dataclasses.replace(read_before, samples=read_before.samples[:1]))
    assert lp.classes.counts() == dict.fromkeys(before, 0) | {read_before.classes[read_before.samples[0].label]: 1}


def test_the_keys_come_back_after_a_restart_with_renames_and_deletes_carried(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    """Keys followed class order again after a restart, so the key the fingers learned filed into another class;
    and a renamed class took the lowest free key, which is its own only when no lower one was free."""
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    lp = window.label_page
    ws = opened_workspace(window)
    lp.assign_current("cat")  # the first step: the folder gets its state folder, where the keys are kept
    for step, *names in ((ws.create_class, "ant"), (ws.delete_class, "dog"), (ws.rename_class, "fish", "eel"),
                         (ws.rename_class, "cat", "kitty")):
        lp.do(step, *names)
    qtbot.waitUntil(lambda: lp.model.classes == ["ant", "eel", "kitty"], timeout=10_000)
    kept = {"ant": "4  ant", "eel": "3  eel", "kitty": "1  kitty"}  # key 2 is free: dog was deleted
    assert captions(window) == kept
    window.shutdown()

    again = MainWindow(load_core=False)  # a restart: nothing of the first window's memory is left
    qtbot.addWidget(again, before_close_func=lambda win: win.shutdown())
    again.show()
    again.wait_until_core_loaded()
    open_and_wait(qtbot, again, with_unlabeled)
    again.show_page("label")
    assert captions(again) == kept  # not 1 ant, 2 eel, 3 kitty as in class order
    again.activateWindow()
    qtbot.waitUntil(again.label_page.hasFocus)
    QTest.keyClick(again.label_page, Qt.Key.Key_1)
    assert (with_unlabeled / "kitty" / "new_1.png").exists()
    again.label_page.do(opened_workspace(again).rename_class, "kitty", "cat")  # after a restart a rename carries too
    qtbot.waitUntil(lambda: "cat" in again.label_page.model.classes, timeout=10_000)
    assert captions(again)["cat"] == "1  cat"
    again.shutdown()


def test_a_keys_file_that_is_not_the_apps_is_ignored_and_opening_writes_nothing(
        qtbot: QtBot, window: MainWindow, with_unlabeled: Path) -> None:
    state = with_unlabeled / ".desktop_cls"
    state.mkdir()
    (state / "keys.json").write_text('{"version": 1, "keys": {"1": "../../etc", "2": "cat", "q": "dog"}}')
    open_and_wait(qtbot, window, with_unlabeled)
    window.show_page("label")
    assert captions(window) == {"cat": "1  cat", "dog": "2  dog", "fish": "3  fish"}  # class order, as on a fresh start
    assert (state / "keys.json").read_text().startswith('{"version": 1, "keys": {"1": "../../etc"')  # not rewritten
