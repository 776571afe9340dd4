"""A run folder from someone else keeps exports.json, whose `dest` the Export page used to put in its destination
field whatever it named: ~/.config/autostart became the place the next export writes into. The folder is offered
only when it is safe to write into on a file's word (a real folder, not a system or hidden one, inside the run or
the user's own export folders, or holding the kept export's files unchanged); the exports are listed all the same."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from desktop_cls.core.inference import saved_exports as sx
from tests.core.test_kept_results import _exported, make_run
from tests.gui.conftest import keep_palette, no_unexpected_dialogs, window  # noqa: F401 - fixtures

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop_cls.gui.shell.main_window import MainWindow



def _kept_naming(run: Path, made_in: Path, named: Path) -> None:
    """The run keeps an export made in MADE_IN, its file edited to name NAMED as the folder and its files there."""
    sx.keep_exports(str(run), made_in, [_exported(made_in)])
    text = (run / sx.EXPORTS).read_text(encoding="utf-8")
    (run / sx.EXPORTS).write_text(text.replace(json.dumps(str(made_in.resolve()))[1:-1],
                                               json.dumps(str(named))[1:-1]), encoding="utf-8")


def test_a_kept_folder_in_a_hidden_folder_of_the_home_is_never_offered(tmp_path: Path, home: Path) -> None:
    run, autostart = make_run(tmp_path), home.resolve() / ".config" / "autostart"
    sx.keep_exports(str(run), autostart, [_exported(autostart)])  # even with its files there, as kept
    saved = sx.load_exports(str(run), [str(tmp_path / "mine")])
    assert saved.dest == str(autostart) and len(saved.exports) == 1 and saved.stale == ()  # still listed
    assert saved.offer == ""


def test_a_kept_folder_elsewhere_without_the_exports_files_is_not_offered(tmp_path: Path, home: Path) -> None:
    run, elsewhere = make_run(tmp_path), home.resolve() / "bin"
    _kept_naming(run, tmp_path / "exports", elsewhere)  # the files named there were never written by the app
    saved = sx.load_exports(str(run), [str(tmp_path / "mine")])
    assert saved.dest == str(elsewhere) and len(saved.exports) == 1 and saved.stale
    assert saved.offer == ""


@pytest.mark.skipif(os.name == "nt", reason="links need privileges on Windows")
def test_a_kept_folder_through_a_link_is_not_offered(tmp_path: Path, home: Path) -> None:
    run, mine = make_run(tmp_path), tmp_path.resolve() / "mine"
    mine.mkdir()
    (mine / "link").symlink_to(home, target_is_directory=True)
    _kept_naming(run, tmp_path / "exports", mine / "link")  # inside the user's folder, but leading to the home
    assert sx.load_exports(str(run), [str(mine)]).offer == ""


def test_the_folder_the_app_exported_into_is_offered(tmp_path: Path, home: Path) -> None:
    """The usual case: the user's own export (window or CLI) into a folder of theirs, its files there; or a folder
    inside the run or one of the user's export folders, even once its files are gone."""
    run, exported = make_run(tmp_path), tmp_path.resolve() / "headless"
    sx.keep_exports(str(run), exported, [_exported(exported)])
    assert sx.load_exports(str(run)).offer == str(exported)
    shutil.rmtree(exported)
    assert sx.load_exports(str(run)).offer == ""  # gone: nothing shows the app wrote there
    assert sx.load_exports(str(run), [str(tmp_path)]).offer == str(exported)
    inside = run.resolve() / "exports"
    sx.keep_exports(str(run), inside, [_exported(inside)])
    shutil.rmtree(inside)
    assert sx.load_exports(str(run)).offer == str(inside)


def test_the_export_page_keeps_its_own_folder_when_the_kept_one_is_hidden(
        qtbot: QtBot, home: Path, window: MainWindow, tmp_path: Path) -> None:  # noqa: F811 - the fixture imported
    """The window: the kept export is listed, the destination stays the page's own."""
    run = make_run(tmp_path)
    autostart = home.resolve() / ".config" / "autostart"
    sx.keep_exports(str(run), autostart, [_exported(autostart)])
    xp = window.export_page
    own = xp.dest_edit.text()
    window.state.set_run(str(run))
    qtbot.waitUntil(lambda: xp.results.table.rowCount() == 2, timeout=30_000)
    assert xp.dest_edit.text() == own != str(autostart)
