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


def _with_model(name: str, folder: Path) -> Path:
    run = fake_run(default_runs_dir(), name, dataset_root=str(folder))
    (run / MODEL).write_bytes(b"weights")
    return run


def test_a_run_of_the_folder_before_waits_for_it_instead_of_becoming_the_open_folders_model(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run is saved and listed, but Evaluate, Classify, Export and the Label page's suggestions of the folder
    open now keep their model; the run becomes the model when its own folder is open again."""
    from desktop_cls.core.events import PauseToken

    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    theirs = str(_with_model("20261207-080000-quick", second))
    run = str(_with_model("20261207-090000-fine-tune", first))
    tp, state = window.train_page, window.state
    state.set_dataset(scan(first))
    with monkeypatch.context() as m:  # a run going on the first folder (the page holds a Task; this one waits)
        m.setattr(tp.training.tasks, "start", lambda *a, **k: FakeTask())
        tp.training._launch(None, PauseToken(), 3)
    state.set_dataset(scan(second))  # the user opens another folder, and its model, while it trains
    state.set_run(theirs)
    tp.training._on_finished(FitResult(run_dir=run, classes=("cat", "dog", "fish"), epochs=3, epochs_done=3,
                                       best_val_accuracy=0.5, best_epoch=1, train_seconds=3.0))
    tp.training._on_done()
    assert state.run == theirs and window.evaluate_page.model_edit.text() == theirs
    assert state.run_dataset() == str(second)
    assert state.settings.recent_runs[:2] == [theirs, run]  # a restart reopens the model as it was left
    assert state.last_run_of(str(first)) == run  # Open recent → flowers offers it
    assert "becomes the model when" in tp.monitor.log.toPlainText()
    state.set_dataset(scan(first))  # flowers open again (from the Data page too)
    assert state.run == run and window.evaluate_page.model_edit.text() == run


def test_a_run_waits_for_its_folder_while_another_is_being_opened_and_is_chosen_when_that_fails(
        tmp_path: Path) -> None:
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState, RunInfo

    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    run = str(_with_model("20261207-090000-fine-tune", first))
    state = AppState(Settings())
    state.set_dataset(scan(first))
    state.begin_opening(str(second))  # the folder open is going
    assert not state.offer_run(run, RunInfo.read(run), stopped=False, started_on=str(first))
    assert state.run is None and state.waits_for(run) == str(first)
    state.opening_failed()  # the first folder stays open after all: its run is its model
    assert state.run == run and state.waits_for(run) is None


def test_a_run_of_another_folder_resumed_here_is_chosen_as_before(tmp_path: Path) -> None:
    """The user resumed a run of another folder with this one open and stayed: it is the model they asked for."""
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState, RunInfo

    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    run = str(_with_model("20261207-090000-fine-tune", first))
    state = AppState(Settings())
    state.set_dataset(scan(second))
    assert state.offer_run(run, RunInfo.read(run), stopped=False, started_on=state.folder_in_view())
    assert state.run == run


def test_a_run_of_its_folder_chosen_meanwhile_is_not_replaced_by_the_waiting_one(tmp_path: Path) -> None:
    """The user picked a run of that folder in Past runs after the other one ended: reopening the folder keeps it."""
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState, RunInfo

    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    older, run = (str(_with_model(name, first)) for name in ("20261207-080000-quick", "20261207-090000-fine-tune"))
    state = AppState(Settings())
    state.set_dataset(scan(first))
    state.set_dataset(scan(second))
    assert not state.offer_run(run, RunInfo.read(run), stopped=False, started_on=str(first))
    assert state.waits_for(run) == str(first)
    state.set_run(older)  # double-clicked in Past runs
    assert state.waits_for(run) is None
    state.set_dataset(scan(first))
    assert state.run == older


def test_a_folder_opened_from_the_data_page_comes_with_its_own_last_run_also_after_a_restart(tmp_path: Path) -> None:
    """The run that waited for its folder is not remembered across a restart: opening that folder (Open folder, the
    path field, a drop) still makes its last run the model, not the run of the folder open before."""
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    mine, theirs = str(_with_model("20261207-090000-quick", first)), str(_with_model("20261207-080000-quick", second))
    state = AppState(Settings(recent_folders=[str(second)], recent_runs=[theirs, mine]))  # as a restart finds them
    state.set_dataset(scan(second))
    state.set_run(theirs)
    state.set_dataset(scan(first))
    assert state.run == mine and state.run_dataset() == str(first)
    state.set_run(theirs)  # the user picks the other folder's run in Past runs: reading this folder again keeps it
    state.set_dataset(scan(first))
    assert state.run == theirs


def test_a_model_file_or_a_run_chosen_for_the_folder_being_opened_stays(tmp_path: Path) -> None:
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    first, second = (make_tiny_folder(tmp_path / name, per_class=3) for name in ("flowers", "birds"))
    mine, theirs = str(_with_model("20261207-090000-quick", first)), str(_with_model("20261207-080000-quick", second))
    exported = tmp_path / "model.onnx"
    exported.write_bytes(b"onnx")
    state = AppState(Settings(recent_runs=[theirs, mine]))
    state.set_run(str(exported))  # File → Open model: a file knows no folder, and it is the user's choice
    state.set_dataset(scan(first))
    assert state.run == str(exported)
    restarted = AppState(Settings(recent_folders=[str(first)], recent_runs=[theirs, mine]))
    restarted.begin_opening(str(first))  # a restart reopens the folder and the model as it was left
    restarted.set_run(theirs)
    restarted.choose_run_when_open(str(first), theirs)
    restarted.set_dataset(scan(first))
    assert restarted.run == theirs
