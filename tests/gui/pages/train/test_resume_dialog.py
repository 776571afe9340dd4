"""Past runs show how a run stopped; *Resume a run…* lists the runs that can continue, with their dataset,
epochs and status, and keeps Browse… for a folder elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_cls.core.run_list import resumable_runs
from desktop_cls.core.storage import default_runs_dir
from tests.core.test_run_list import fake_run


def test_past_runs_say_a_run_closed_with_the_app_was_stopped(qtbot: QtBot) -> None:
    from desktop_cls.gui.pages.train.past_runs import PastRuns

    fake_run(default_runs_dir(), "a-finished", status="finished", epochs_done=15, best_val_accuracy=0.9, weights=True)
    fake_run(default_runs_dir(), "b-quit", status="stopped", stopped_by="quit", epochs_done=3,
             best_val_accuracy=0.8, weights=True)
    runs = PastRuns()
    qtbot.addWidget(runs)
    runs.refresh()
    labels = {runs.runs_list.item(i).text().split(" · ")[0]: runs.runs_list.item(i).text()
              for i in range(runs.runs_list.count())}
    assert labels["a-finished"] == "a-finished · quicknet · 90.0%"
    assert labels["b-quit"] == "b-quit · quicknet · 80.0% · stopped: the app was closed"


def test_the_resume_dialog_lists_resumable_runs_and_browses_for_others(qtbot: QtBot, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.pages.train.resume_dialog import ResumeDialog

    fake_run(tmp_path, "a-finished", status="finished", epochs_done=15)
    quit_run = fake_run(tmp_path, "b-quit", status="stopped", stopped_by="quit", epochs_done=3)
    dialog = ResumeDialog(resumable_runs(tmp_path), str(tmp_path))
    qtbot.addWidget(dialog)
    tree = dialog.runs_tree
    assert tree.topLevelItemCount() == 1
    item = tree.topLevelItem(0)
    assert item is not None
    row = [item.text(c) for c in range(4)]
    assert row == ["b-quit", "digits", "3 of 15", "stopped: the app was closed"]
    dialog.accept()
    assert dialog.chosen() == str(quit_run)
    other = ResumeDialog([], str(tmp_path))
    qtbot.addWidget(other)
    assert not other.ok_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: "/elsewhere/run")
    other.browse_button.click()
    assert other.chosen() == "/elsewhere/run"


def test_the_resume_dialog_opens_wide_enough_to_show_every_column(qtbot: QtBot, tmp_path: Path) -> None:
    """A run's name (date, time and model) with its dataset, epochs and status: all readable when the dialog
    opens, not cut behind a horizontal scroll bar."""
    from desktop_cls.gui.pages.train.resume_dialog import ResumeDialog

    fake_run(tmp_path, "20261207-160532-efficientnet_lite2", status="stopped", stopped_by="quit", epochs_done=1)
    dialog = ResumeDialog(resumable_runs(tmp_path), str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.runs_tree
    assert tree.header().length() <= tree.viewport().width()
    assert not tree.horizontalScrollBar().isVisible()
