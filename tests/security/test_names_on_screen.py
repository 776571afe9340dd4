"""Names from a folder someone else made are text on screen too: a run folder or a file named with markup
(`<a href=…>`, `<img src=…>`) or a text-direction override is shown as the characters it holds, never rendered.
Qt's labels and message boxes guess rich text from any tag in the first line, and a message box opens the links in
it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR
from tests.conftest import make_tiny_folder
from tests.gui.conftest import no_unexpected_dialogs  # noqa: F401 - a fixture
from tests.gui.test_crash_safe_state import interrupted_run
from tests.security.conftest import needs_symlinks, tree_snapshot

HOSTILE = 'evil<a href="x-scheme:run">Resume here\u202eabc'  # (a name holds no /: the tag stays open)


def test_an_interrupted_run_with_markup_and_a_bidi_override_in_its_name_is_named_as_text(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The banner rendered the name's link and let U+202E reverse the rest of its own sentence."""
    from desktop_cls.gui.shell.main_window import MainWindow

    run = interrupted_run(tmp_path)
    run = run.rename(run.with_name(HOSTILE))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    label = w.interrupted_banner.label
    assert w.interrupted_banner.isVisible() and label.textFormat() == Qt.TextFormat.PlainText
    isolated = '\u2068evil<a href="x-scheme:run">Resume hereabc\u2069'  # its override out, the name isolated
    assert f"Training run “{isolated}” was interrupted" in label.text() and "\u202e" not in label.text()
    w.shutdown()


def test_an_error_naming_a_file_shows_its_name_as_text(qtbot: QtBot) -> None:
    from desktop_cls.gui.widgets.dialogs import show_error

    box = show_error(None, "Cannot label", f"/data/shared/{HOSTILE}.png is a link")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText and HOSTILE in box.text()


@needs_symlinks
def test_a_repair_notice_naming_a_forged_step_shows_the_names_as_text(
        qtbot: QtBot, tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forged journal step names any path it likes; the notice that says it was refused rendered a tag in it."""
    from PySide6.QtWidgets import QMessageBox

    from desktop_cls.gui.shell.main_window import MainWindow
    from tests.gui.conftest import open_and_wait

    root = make_tiny_folder(tmp_path / "shared", classes=("cat", "dog"), per_class=2)
    link = 'home<a href="x-scheme:run">Repair'
    os.symlink(victim, root / link)
    (root / STATE_DIR).mkdir()
    (root / STATE_DIR / JOURNAL).write_text(json.dumps(
        {"type": "begin", "id": 1, "kind": "assign", "description": "x",
         "moves": [[f"{link}/secret.txt", "cat/secret.txt"]]}) + "\n")
    before = tree_snapshot(victim)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: shown.append(text))
    w = MainWindow(load_core=False)
    qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
    w.show()
    open_and_wait(qtbot, w, root)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert '<a href="x-scheme:run">Repair' in " ".join(shown)  # as the characters it holds: the box is plain text
    assert tree_snapshot(victim) == before
    w.shutdown()
