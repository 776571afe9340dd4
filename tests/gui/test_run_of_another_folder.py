"""A run that ends after another folder was opened: its outcome says which folder it trained on, and its curves go
when the Train page shows the open folder's plan, so the two folders' runs never mix on one page (the run stays
under Past runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.events import EpochEnd
from desktop_cls.core.run_dir import MODEL
from desktop_cls.core.storage import default_runs_dir
from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.core.test_run_list import fake_run
from tests.gui.test_paused_training import FakeTask


def test_a_run_of_the_folder_before_says_so_and_leaves_with_the_open_folders_plan(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    run = fake_run(default_runs_dir(), "20261207-090000-fine-tune", dataset_root=str(first))
    (run / MODEL).write_bytes(b"weights")
    tp, state = window.train_page, window.state
    state.set_dataset(scan(first))
    monkeypatch.setattr(tp.training, "task", FakeTask())  # a run going on the first folder
    tp.model.started(str(first), None)
    tp.monitor.begin(3, None, False)
    tp.monitor.event(EpochEnd(epoch=1, epochs=3, train_loss=1.0, train_accuracy=0.5, val_loss=1.1, val_accuracy=0.5,
                              lr=0.1, seconds=1.0, images_per_s=10.0, is_best=True))
    state.set_dataset(scan(second))  # the user opens another folder while it trains: the run keeps its curves
    assert len(tp.monitor.plots.epochs) == 1
    tp.training._on_finished(FitResult(run_dir=str(run), classes=("cat", "dog", "fish"), epochs=3, epochs_done=3,
                                       best_val_accuracy=0.5, best_epoch=1, train_seconds=3.0))
    tp.training._on_done()
    label = tp.monitor.progress_label.text()
    assert "flowers" in label and "birds" not in label  # the outcome names the folder it trained on
    assert len(tp.monitor.plots.epochs) == 1  # the run's end is seen before the page moves on
    state.plan_changed.emit()  # the open folder's plan: what pressing Train would do with it
    assert "flowers" not in tp.monitor.progress_label.text() and len(tp.monitor.plots.epochs) == 0
    assert tp.monitor.log.toPlainText() == ""
