"""A run that saved no model (a quick run stopped before its fit ended, a fine-tune stopped before its first epoch)
is listed as "no model" in Past runs, and double-clicking it says so instead of making it the chosen run, whose model
Evaluate, Classify and Export could not open."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.run_dir import MODEL
from desktop_cls.core.storage import default_runs_dir
from desktop_cls.gui.pages.train.past_runs import PastRuns
from tests.core.test_run_list import fake_run


def _runs() -> dict[str, Path]:
    base = default_runs_dir()
    runs = {"quick": fake_run(base, "a-quick-stopped", checkpoint=False, method="quick", status="cancelled"),
            "early": fake_run(base, "b-stopped-before-epoch-1", checkpoint=False, status="cancelled"),
            "resumable": fake_run(base, "c-stopped-with-checkpoint", status="stopped", epochs_done=2),
            "done": fake_run(base, "d-finished", status="completed", epochs_done=15, best_val_accuracy=0.9)}
    (runs["done"] / MODEL).write_bytes(b"weights")
    return runs


def _item(past: PastRuns, run: Path) -> QListWidgetItem:
    items = [past.runs_list.item(i) for i in range(past.runs_list.count())]
    return next(it for it in items if it.data(Qt.ItemDataRole.UserRole) == str(run))


def test_runs_without_a_model_are_listed_as_such_and_not_chosen(qtbot: QtBot, isolated_user_dirs: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _runs()
    past = PastRuns()
    qtbot.addWidget(past)
    past.refresh()
    for key in ("quick", "early", "resumable"):
        assert _item(past, runs[key]).text().endswith("no model"), key
    assert "no model" not in _item(past, runs["done"]).text()
    assert "quick run was stopped" in _item(past, runs["quick"]).toolTip()

    chosen: list[str] = []
    past.run_chosen.connect(chosen.append)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: said.append(text))
    for key in ("quick", "early", "resumable"):
        past.runs_list.itemDoubleClicked.emit(_item(past, runs[key]))
    assert chosen == [] and len(said) == 3
    quick, early, resumable = said
    assert quick.startswith("\u2068a-quick-stopped\u2069 saved no model") and "Train again" in quick
    assert "before its first epoch" in early and "Train again" in early and "Resume" not in early
    assert "Resume it" in resumable  # it can go on from its checkpoint

    past.runs_list.itemDoubleClicked.emit(_item(past, runs["done"]))
    assert chosen == [str(runs["done"])] and len(said) == 3


def test_no_model_is_said_in_chinese(qtbot: QtBot, isolated_user_dirs: Path, language: object) -> None:
    runs = _runs()
    language("zh_CN")  # type: ignore[operator]
    past = PastRuns()
    qtbot.addWidget(past)
    past.refresh()
    text, tip = _item(past, runs["quick"]).text(), _item(past, runs["quick"]).toolTip()
    assert "no model" not in text and "模型" in text and "saved no model" not in tip
