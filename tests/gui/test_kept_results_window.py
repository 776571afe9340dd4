"""After a restart the reopened run shows its last evaluation and its last exports again, read from its folder;
marked stale, with the button that runs them again, once the model or an exported file changed; a hostile kept file
is said above the empty page, and nothing of it is shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from desktop_cls.cli import main
from desktop_cls.core.inference import saved_evaluation as se
from desktop_cls.core.run_dir import MODEL
from desktop_cls.gui.settings import Settings
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import cell
from tests.gui.test_restored_state import reopened


def _own_run(trained_run: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shared run (this test writes its kept results into it), trained on the shared images."""
    run = tmp_path / "run"
    shutil.copytree(trained_run[0], run)
    return run, trained_run[1]


def _restarted(qtbot: QtBot, run: Path, data: Path, **settings: Any) -> MainWindow:
    return reopened(qtbot, Settings(recent_folders=[str(data)], recent_runs=[str(run)], **settings))


def _row(table: QTableWidget, row: int) -> list[str]:
    return [cell(table, row, c) for c in range(table.columnCount())]


def test_the_last_evaluation_comes_back_after_a_restart_and_goes_stale_with_the_model(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = _own_run(trained_run, tmp_path)
    window.open_dataset(str(data))
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=60_000)
    window.state.set_run(str(run))
    ev = window.evaluate_page
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    summary, shown = ev.metrics.summary.text(), len(ev.mistakes._evaluated)
    matrix = (ev.model.result or {})["confusion_matrix"]
    window.shutdown()

    restarted = _restarted(qtbot, run, data)
    again = restarted.evaluate_page
    qtbot.waitUntil(lambda: again.model.result is not None, timeout=60_000)
    assert again.metrics.summary.text() == summary and (again.model.result or {})["confusion_matrix"] == matrix
    assert len(again.mistakes._evaluated) == shown and again.metrics.table.rowCount() == 3 + 2
    assert again.kept.isVisibleTo(again) and not again.kept.stale
    assert not again.kept.again_button.isVisibleTo(again)
    restarted.shutdown()

    (run / MODEL).write_bytes((run / MODEL).read_bytes() + b"\0")  # trained again since, say
    restarted = _restarted(qtbot, run, data)
    stale = restarted.evaluate_page
    qtbot.waitUntil(lambda: stale.model.result is not None, timeout=60_000)
    assert stale.kept.stale and "the model was trained again or replaced since" in stale.kept.label.text()
    assert stale.kept.again_button.isVisibleTo(stale)
    restarted.shutdown()


def test_a_hostile_kept_evaluation_is_said_and_nothing_of_it_shown(
        qtbot: QtBot, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = _own_run(trained_run, tmp_path)
    (run / "evaluation.json").write_text(json.dumps({"kind": "desktop_cls evaluation", "version": 1,
                                                     "report": {"classes": ["<b>cat</b>"]}}), encoding="utf-8")
    restarted = _restarted(qtbot, run, data)
    ev = restarted.evaluate_page
    qtbot.waitUntil(lambda: ev.kept.isVisibleTo(ev), timeout=60_000)
    assert ev.model.result is None and ev.metrics.table.rowCount() == 0
    assert str(run / "evaluation.json") in ev.kept.label.text() and ev.kept.again_button.isVisibleTo(ev)
    ev.state.set_run(str(run))  # the same run chosen again: what was said of its file stays
    assert ev.kept.isVisibleTo(ev)
    other = tmp_path / "other"
    shutil.copytree(trained_run[0], other)
    ev.state.set_run(str(other))  # another run: the word about the first one's file goes
    assert not ev.kept.isVisibleTo(ev)
    restarted.shutdown()


def test_the_last_exports_come_back_after_a_restart_and_go_stale_with_their_files(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = _own_run(trained_run, tmp_path)
    window.state.set_run(str(run))
    xp = window.export_page
    for fmt, check in xp.checks.items():
        check.setChecked(fmt == "safetensors")
    xp.dest_edit.setText(str(tmp_path / "exports"))
    xp.export()
    qtbot.waitUntil(lambda: xp.buttons["exportButton"].isEnabled() and xp.results.table.rowCount() == 2,
                    timeout=120_000)
    cells = _row(xp.results.table, 1)
    metadata = xp.results.meta_view.toPlainText()
    window.shutdown()

    restarted = _restarted(qtbot, run, data)
    again = restarted.export_page
    qtbot.waitUntil(lambda: again.results.table.rowCount() == 2, timeout=60_000)
    assert _row(again.results.table, 1) == cells
    assert again.results.meta_view.toPlainText() == metadata and not again.kept.stale
    exported = Path(again.results.model.exports[0]["path"])
    exported.unlink()
    other = tmp_path / "other"
    shutil.copytree(trained_run[0], other)
    again.state.set_run(str(other))  # another model, then this one again: its exports are read back, now stale
    again.state.set_run(str(run))
    qtbot.waitUntil(lambda: again.kept.stale, timeout=60_000)
    assert f"{exported} is gone" in again.kept.label.text() and again.results.table.rowCount() == 2
    assert again.kept.again_button.isVisibleTo(again)
    restarted.shutdown()


def test_an_evaluation_and_an_export_made_headless_are_shown_after_a_start(
        qtbot: QtBot, trained_run: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`desktop-cls eval` and `export` keep what the window reads back: the evaluation of the run's images and the
    export, with the Export page's folder set to the one they were written into (so "Open folder" opens it) until
    the user types another."""
    run, data = _own_run(trained_run, tmp_path)
    assert main(["eval", str(run), str(data), "--device", "cpu", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    exported_into = tmp_path / "headless"
    assert main(["export", str(run), "--format", "safetensors", "--out", str(exported_into)]) == 0
    # the last export made in the window went elsewhere: the folder field starts there
    restarted = _restarted(qtbot, run, data, last_export_dir=str(tmp_path / "elsewhere"))
    ev, xp = restarted.evaluate_page, restarted.export_page
    qtbot.waitUntil(lambda: ev.model.result is not None and xp.results.table.rowCount() == 2, timeout=60_000)
    assert (ev.model.result or {})["confusion_matrix"] == printed["confusion_matrix"] and not ev.kept.stale
    assert xp.dest_edit.text() == str(exported_into.resolve()) and not xp.kept.stale
    typed = str(tmp_path / "typed")
    xp.dest_edit.clear()
    qtbot.keyClicks(xp.dest_edit, typed)
    other = tmp_path / "other"
    shutil.copytree(run, other)  # another run keeping exports, then this one again: the folder typed stays
    xp.state.set_run(str(other))
    qtbot.waitUntil(lambda: xp.kept.about == str(other), timeout=60_000)
    xp.state.set_run(str(run))
    qtbot.waitUntil(lambda: xp.kept.about == str(run) and xp.results.table.rowCount() == 2, timeout=60_000)
    assert xp.dest_edit.text() == typed
    restarted.shutdown()


def test_an_evaluation_on_a_chosen_folder_comes_back_with_that_folder_after_a_restart(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = _own_run(trained_run, tmp_path)
    picked = make_tiny_folder(tmp_path / "picked", per_class=3)
    window.open_dataset(str(data))
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=60_000)
    window.state.set_run(str(run))
    ev = window.evaluate_page
    ev.folder_edit.setText(str(picked))
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    matrix, scored = (ev.model.result or {})["confusion_matrix"], (ev.model.result or {})["num_images"]
    chosen = window.state.settings.eval_folders
    assert chosen == [str(picked.resolve())]
    window.shutdown()

    restarted = _restarted(qtbot, run, data, eval_folders=chosen)
    again = restarted.evaluate_page
    qtbot.waitUntil(lambda: again.model.result is not None, timeout=60_000)
    assert again.folder_edit.text() == str(picked.resolve()) and not again.kept.stale
    shown = again.model.result or {}
    assert shown["confusion_matrix"] == matrix and shown["num_images"] == scored
    reads = again.kept.next_read()
    again.folder_edit.clear()  # the user goes back to the default images: that result goes and is not read again
    again.folder_edit.editingFinished.emit()
    assert again.model.result is None and again.kept.latest(reads) and again.folder_edit.text() == ""
    restarted.shutdown()


def test_an_evaluation_on_a_folder_never_chosen_in_the_app_is_named_and_shown_once_chosen(
        qtbot: QtBot, trained_run: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A run evaluated headless on another folder, or from someone else naming any folder: that folder is named,
    not walked, until the user chooses it."""
    run, data = _own_run(trained_run, tmp_path)
    elsewhere = make_tiny_folder(tmp_path / "elsewhere", per_class=3)
    assert main(["eval", str(run), str(elsewhere), "--device", "cpu", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    walked: list[str] = []
    walk = se.folder_state

    def counted(folder: str | Path) -> dict[str, Any] | None:
        walked.append(str(folder))
        return walk(folder)

    monkeypatch.setattr(se, "folder_state", counted)

    restarted = _restarted(qtbot, run, data)
    ev = restarted.evaluate_page
    qtbot.waitUntil(lambda: ev.kept.isVisibleTo(ev), timeout=60_000)
    assert ev.model.result is None and ev.folder_edit.text() == "" and walked == []
    assert str(elsewhere.resolve()) in ev.kept.label.text() and "choose that folder" in ev.kept.label.text()
    ev.folder_edit.setText(str(elsewhere))  # the user chooses it
    ev.folder_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    assert walked == [str(elsewhere)] and not ev.kept.stale
    assert ev.model.result is not None and ev.model.result["num_images"] == printed["num_images"]
    restarted.shutdown()


def test_an_evaluation_shown_goes_stale_when_its_images_change_on_disk(
        qtbot: QtBot, window: MainWindow, trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = _own_run(trained_run, tmp_path)
    images = tmp_path / "images"
    shutil.copytree(data, images)
    window.open_dataset(str(images))
    qtbot.waitUntil(lambda: window.state.dataset is not None, timeout=60_000)
    window.state.set_run(str(run))
    ev = window.evaluate_page
    ev.evaluate()
    qtbot.waitUntil(lambda: ev.model.result is not None, timeout=60_000)
    assert not ev.kept.stale
    first, second = sorted(p for p in images.iterdir() if p.is_dir())[:2]
    moved = next(p for p in sorted(first.iterdir()) if p.is_file())
    moved.rename(second / moved.name)  # relabelled outside the app
    window.dataset_page.rescan()
    qtbot.waitUntil(lambda: ev.kept.stale, timeout=60_000)  # the result stays, marked: not said to match
    assert "images were added, removed, moved or changed since" in ev.kept.label.text()
    assert ev.model.result is not None and ev.kept.again_button.isVisibleTo(ev)
    (second / moved.name).rename(moved)  # put back: the images are as they were scored again
    window.dataset_page.rescan()
    qtbot.waitUntil(lambda: not ev.kept.stale, timeout=60_000)
    assert "the model and the images are as they were then" in ev.kept.label.text()
