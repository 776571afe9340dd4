"""The Train page's model, without a window: when Train can be pressed, and which run's curves and log stay."""

from __future__ import annotations

from desktop_cls.gui.pages.train.train_model import Readiness, TrainPageModel
from desktop_cls.gui.state import Tag


def test_train_waits_for_a_running_run_then_the_engine_then_a_dataset() -> None:
    from types import SimpleNamespace
    from typing import Any

    readiness = TrainPageModel.readiness
    a: Any = SimpleNamespace(root="/data/a", classes=("cat", "dog"))
    pile: Any = SimpleNamespace(root="/data/pile", classes=())
    assert readiness(True, True, a) == Readiness.RUNNING
    assert readiness(False, False, a) == Readiness.LOADING
    assert readiness(False, True, None) == Readiness.NO_DATASET
    assert readiness(False, True, a) == Readiness.READY
    assert readiness(False, True, a, opening="/data/b") == Readiness.OPENING  # not the one read before
    assert readiness(False, True, None, opening="/data/b") == Readiness.OPENING
    assert readiness(False, True, pile) == Readiness.NO_CLASSES  # nothing labeled yet
    one: Any = SimpleNamespace(root="/data/one", classes=("cat",))
    assert readiness(False, True, one) == Readiness.ONE_CLASS  # it would call everything a cat


def test_a_finished_run_of_another_dataset_is_cleared_when_the_dataset_changes() -> None:
    model = TrainPageModel()
    model.started("/data/a", None)
    model.finished("/data/a", "/runs/1")
    assert model.shown == Tag("/data/a", "/runs/1")
    assert not model.dataset_changed(False, "/data/a")  # the same dataset read again: the run stays
    assert model.dataset_changed(False, "/data/b") and model.shown is None
    assert not model.dataset_changed(False, "/data/a")  # nothing shown: nothing to clear


def test_a_running_run_keeps_its_curves_whatever_is_opened() -> None:
    model = TrainPageModel()
    model.started("/data/a", None)
    assert not model.dataset_changed(True, "/data/b")
    assert model.shown == Tag("/data/a", None)


def test_a_resumed_run_is_shown_as_of_the_dataset_it_trained_on() -> None:
    """Resumed while another folder is open: its outcome belongs to its own dataset, not the open one."""
    model = TrainPageModel()
    model.started("/data/open", "/runs/old")
    model.finished("/data/fonts", "/runs/old")
    assert not model.shows_outcome_for(False, "/data/open")  # the open dataset's line says what Train would do
    assert model.shows_outcome_for(False, "/data/fonts")
    assert model.dataset_changed(False, "/data/open")


def test_the_progress_line_is_the_runs_while_it_goes() -> None:
    model = TrainPageModel()
    assert not model.shows_outcome_for(False, "/data/a") and not model.shows_outcome_for(False, None)
    assert model.shows_outcome_for(True, None)
