"""A run the user stops half way does not quietly become the model Evaluate, Classify and Export use: the tester's
95.8 % quick run was replaced by a fine-tune stopped at 70.8 %. A stopped run is chosen only when no model of its
dataset is; otherwise the Train page says which model is still in use and offers the stopped one."""

from __future__ import annotations

from desktop_cls.core.run_dir import MODEL
from desktop_cls.core.storage import default_runs_dir
from desktop_cls.core.training.fit_result import FitResult
from desktop_cls.gui.settings import Settings
from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.state import AppState, RunInfo
from tests.core.test_run_list import fake_run


def _run(name: str, dataset: str = "/data/digits", model: bool = True, status: str = "finished") -> str:
    run = fake_run(default_runs_dir(), name, dataset_root=dataset, status=status)
    if model:
        (run / MODEL).write_bytes(b"weights")
    return str(run)


def test_a_stopped_run_does_not_replace_a_model_of_its_dataset() -> None:
    state = AppState(Settings())
    quick, stopped = _run("quick-95"), _run("fine-tune-70", status="stopped")
    assert state.offer_run(quick, RunInfo.read(quick), stopped=False) and state.run == quick
    assert not state.offer_run(stopped, RunInfo.read(stopped), stopped=True)
    assert state.run == quick  # still the model in use
    finished = _run("fine-tune-done")
    assert state.offer_run(finished, RunInfo.read(finished), stopped=False) and state.run == finished


def test_a_stopped_run_is_chosen_when_nothing_of_its_dataset_is() -> None:
    state = AppState(Settings())
    first = _run("first-stopped", status="stopped")
    assert state.offer_run(first, RunInfo.read(first), stopped=True) and state.run == first  # nothing else
    assert state.offer_run(first, RunInfo.read(first), stopped=True)  # the chosen run itself, resumed and stopped
    clipart = _run("clipart-stopped", dataset="/data/clipart", status="stopped")
    assert state.offer_run(clipart, RunInfo.read(clipart), stopped=True)  # the chosen model is another dataset's
    gone = _run("model-gone", dataset="/data/clipart", model=False)
    state.set_run(gone)
    again = _run("clipart-again", dataset="/data/clipart", status="stopped")
    assert state.offer_run(again, RunInfo.read(again), stopped=True)  # the chosen run has no model left


def _stopped(run: str) -> FitResult:
    return FitResult(run_dir=run, classes=("0", "1"), epochs=10, epochs_done=3, best_val_accuracy=0.708,
                     best_epoch=3, train_seconds=30.0, cancelled=True)


def test_the_train_page_says_which_model_is_in_use_and_offers_the_stopped_one(window: MainWindow) -> None:
    quick, stopped = _run("20261207-050638-quick"), _run("20261207-051246-fine-tune", status="stopped")
    window.state.set_run(quick)
    training, monitor = window.train_page.training, window.train_page.monitor
    training._on_finished(_stopped(stopped))
    assert window.state.run == quick and window.evaluate_page.model_edit.text() == quick
    assert "Evaluate, Classify and Export still use \u206820261207-050638-quick\u2069" in monitor.log.toPlainText()
    label = monitor.progress_label
    assert label.text().startswith("Stopped at epoch 3 of 10") and "Use this stopped run instead" in label.text()

    label.linkActivated.emit("#use")  # the user takes up the offer
    assert window.state.run == stopped and window.evaluate_page.model_edit.text() == stopped
    assert "Use this stopped run" not in label.text() and label.text().startswith("Stopped at epoch 3 of 10")
