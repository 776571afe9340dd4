"""Window shortcuts work while a text field has the focus, and typing stays typing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait

CTRL = Qt.KeyboardModifier.ControlModifier


def _focus(qtbot: QtBot, window: MainWindow, widget: QWidget) -> None:
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


class LinuxDesktopLineEdit(QLineEdit):
    """A line edit as on GNOME/KDE (X11 key scheme: Ctrl+E = end of line), which claims Ctrl+E in its
    ShortcutOverride; the offscreen platform's scheme has no such binding."""

    def event(self, e: QEvent) -> bool:
        if (e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent)
                and e.key() == Qt.Key.Key_E and e.modifiers() == CTRL):
            e.accept()
            return True
        return super().event(e)


def test_ctrl_e_works_in_a_field_that_claims_it(qtbot: QtBot, window: MainWindow,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(window.evaluate_page, "evaluate", lambda: calls.append("evaluate"))
    window.show_page("evaluate")
    edit = LinuxDesktopLineEdit(window.evaluate_page)
    edit.show()
    _focus(qtbot, window, edit)
    QTest.keyClick(edit, Qt.Key.Key_E, CTRL)
    assert calls == ["evaluate"]
    QTest.keyClick(edit, Qt.Key.Key_K, CTRL)  # not a window shortcut: the field's business
    assert calls == ["evaluate"]


def test_ctrl_e_evaluates_with_the_focus_in_a_line_edit(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                        trained_run: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(window.evaluate_page, "evaluate", lambda: calls.append("evaluate"))
    window.show_page("evaluate")
    edit = window.evaluate_page.model_edit
    _focus(qtbot, window, edit)
    QTest.keyClick(edit, Qt.Key.Key_E, CTRL)
    assert calls == ["evaluate"]
    # from a field on another page too: it goes to the Evaluate page
    window.show_page("export")
    name = window.export_page.name_edit
    _focus(qtbot, window, name)
    QTest.keyClick(name, Qt.Key.Key_E, CTRL)
    assert calls == ["evaluate", "evaluate"] and window.stack.current_page() is window.evaluate_page


def test_page_switch_and_train_keys_work_from_a_spin_box(qtbot: QtBot, window: MainWindow, tiny_folder: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.gui.conftest import choose_method

    open_and_wait(qtbot, window, tiny_folder)
    window.show_page("train")
    choose_method(window.train_page.form, "scratch")  # quick mode has no epochs to edit
    spin = window.train_page.form.epochs_spin
    _focus(qtbot, window, spin)
    QTest.keyClick(spin, Qt.Key.Key_4, CTRL)
    assert window.stack.current_page() is window.evaluate_page


def test_typing_and_editing_keys_stay_with_the_field(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page("evaluate")
    edit = window.evaluate_page.model_edit
    _focus(qtbot, window, edit)
    QTest.keyClicks(edit, "run 2")
    QTest.keyClick(edit, Qt.Key.Key_A, CTRL)  # select all, not a window action
    QTest.keyClick(edit, Qt.Key.Key_X, CTRL)
    assert edit.text() == "" and window.stack.current_page() is window.evaluate_page
    QTest.keyClick(edit, Qt.Key.Key_Z, CTRL)  # the field's own undo
    assert edit.text() == "run 2"


def test_the_shortcut_list_names_each_key_once_in_chinese(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    """Qt's Chinese catalogue calls both Return and Enter 回车: the F1 list said "回车, 回车"."""
    from PySide6.QtCore import QLocale

    from desktop_cls.gui.shell.language import install_language
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.shell.shortcut_list import joined_keys, shortcut_rows

    assert joined_keys(["回车", "回车", "Ctrl+S", ""]) == "回车, Ctrl+S"
    assert joined_keys(["Return", "Enter"]) == "Return, Enter"
    before = QLocale()
    try:
        install_language("zh_CN")
        w = MainWindow(load_core=False)
        qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
        rows = shortcut_rows(w)
        for row in rows:
            names = row.keys.split(", ")
            assert len(names) == len(set(names)), row
        # the arrows as the Label page's buttons draw them, not Qt's 左方向, 右方向
        assert [r.keys for r in rows if r.what == "上一个 / 下一个图像"] == ["←, →", "←, →"]
    finally:
        install_language("en")
        QLocale.setDefault(before)


def test_the_guard_sees_the_focused_widgets_events_not_the_whole_apps(qtbot: QtBot, window: MainWindow) -> None:
    """A filter on the application ran Python (and took the interpreter lock) for every event the window
    handled; the guard follows the focus instead, the one widget a ShortcutOverride goes to."""
    from PySide6.QtCore import QCoreApplication, QObject

    from desktop_cls.gui.shell.shortcuts import WindowShortcutGuard

    seen: list[QObject] = []

    class Counting(WindowShortcutGuard):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            seen.append(watched)
            return super().eventFilter(watched, event)

    guard = Counting(window)
    window.show_page("export")
    name = window.export_page.name_edit
    _focus(qtbot, window, name)
    assert guard.watched is name
    other = window.evaluate_page  # not the focus: its events pass no Python filter
    for _ in range(20):
        QCoreApplication.sendEvent(other, QEvent(QEvent.Type.User))
    assert other not in seen
    QCoreApplication.sendEvent(name, QEvent(QEvent.Type.User))
    assert seen and seen[-1] is name  # the filter does run where it watches
