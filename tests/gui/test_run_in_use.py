"""The Train page shows a run another process trains in, and refuses to resume it."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow


def test_a_run_in_use_is_shown_and_not_resumed(qtbot: QtBot, window: MainWindow,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core import run_dir as rd
    from desktop_cls.core.storage import default_runs_dir
    from desktop_cls.gui.pages.train import resume_dialog

    run = default_runs_dir() / "busy-run"
    run.mkdir(parents=True)
    (run / rd.CONFIG).write_text(json.dumps({"model": "simple_cnn"}))
    (run / rd.RUN_INFO).write_text(json.dumps({"status": "running", "model": "simple_cnn"}))
    rd.claim_run(run)  # as another training would
    try:
        page = window.train_page
        page.refresh_runs()
        items = [page.past_runs.runs_list.item(i) for i in range(page.past_runs.runs_list.count())]
        busy = next(it for it in items if it.data(Qt.ItemDataRole.UserRole) == str(run))
        assert busy.text().endswith("in use") and "training this run" in busy.toolTip()
        errors: list[str] = []
        monkeypatch.setattr(resume_dialog, "show_error", lambda _p, title, text, *a: errors.append(text))
        window.state.core_loaded = True
        page.resume(str(run))
        assert errors and "in use" in errors[0] and page.training.task is None
    finally:
        rd.release_run(run)
    page.refresh_runs()
    items = [page.past_runs.runs_list.item(i) for i in range(page.past_runs.runs_list.count())]
    assert not any(it.text().endswith("in use") for it in items)
