"""Stopping a quick run: while its last layer is fitted a Stop is heard at once and the run ends stopped with no
model; once it saves its model (short, written whole) a Stop lets the save finish and the run ends finished."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.events import CancelledError, CancelToken, StageChanged
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.embeddings import fit_linear_head
from desktop_cls.core.training.linear_head import fit_head_cv
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder


def quick_cfg() -> TrainConfig:
    return TrainConfig(model="efficientnet_lite0", image_size=64, pretrained=True, method="quick", seed=0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_tiny_folder(tmp_path / "data", per_class=6, size=24)


class SetAtCheck(CancelToken):
    """A token the user sets just before its `at`-th check (as if Stop came during that step of the fit); counts
    every check, so a test sees how many steps ran after it was set."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at, self.checks = at, 0

    def raise_if_set(self) -> None:
        self.checks += 1
        if self.checks == self.at:
            self.set()
        super().raise_if_set()


def _features(n_per_class: int = 12, classes: int = 3, dims: int = 32) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(classes), n_per_class)
    return (rng.normal(size=(len(y), dims)) + y[:, None]).astype(np.float32), y


def test_a_stop_during_one_fit_of_the_head_is_heard_at_its_next_step() -> None:
    """The head's L-BFGS fit ran to its end (up to 100 iterations) before anything looked at the Stop."""
    x, y = _features()
    token = SetAtCheck(at=5)
    with pytest.raises(CancelledError):
        fit_linear_head(x, y, 3, cancel=token)
    assert token.checks == 5  # the check that saw the Stop was the last: no step after it


def test_a_stop_during_the_cross_validated_search_ends_it_without_the_fits_left() -> None:
    """Choosing the head's strength fits grid x folds heads (4 x 5 and the final one): seconds on many images."""
    x, y = _features()
    everything = SetAtCheck(at=10**9)  # never set: how many checks a whole search makes
    fit_head_cv(x, y, 3, (0.03, 0.1, 0.3, 1.0), folds=5, standardise=True, cancel=everything)
    token = SetAtCheck(at=everything.checks // 3)
    with pytest.raises(CancelledError):
        fit_head_cv(x, y, 3, (0.03, 0.1, 0.3, 1.0), folds=5, standardise=True, cancel=token)
    assert token.checks == everything.checks // 3


def _stop_at(stage: str, cancel: CancelToken, keys: list[str]) -> object:
    class StopAt:
        def on_stage(self, e: StageChanged) -> None:
            keys.append(e.key)
            if e.key == stage:
                cancel.set()

    return StopAt()


def test_a_quick_run_stopped_while_fitting_its_head_ends_stopped_with_no_model(folder: Path, tmp_path: Path) -> None:
    """Stop pressed during the fit did not stop the run: it fitted, saved and was listed as finished."""
    cancel, keys = CancelToken(), list[str]()
    res = fit(quick_cfg(), folder, out=tmp_path / "run", callbacks=[_stop_at("fitting", cancel, keys)], cancel=cancel)
    run = Path(res.run_dir)
    assert res.cancelled and res.epochs_done == 0
    assert keys[-1] == "fitting"  # it never reached "saving"
    info = json.loads((run / "run.json").read_text())
    assert (info["status"], info["stopped_by"]) == ("stopped", "user")
    # nothing of a model, half-written or whole: only the options and the status (and the process's lock file)
    assert sorted(p.name for p in run.iterdir()) == [".lock", "config.json", "run.json"]


def test_a_stop_once_the_model_is_being_saved_lets_the_save_finish(folder: Path, tmp_path: Path) -> None:
    """Saving is short and atomic: the page says the run ends once the model is saved, and so it does."""
    cancel, keys = CancelToken(), list[str]()
    res = fit(quick_cfg(), folder, out=tmp_path / "run", callbacks=[_stop_at("saving", cancel, keys)], cancel=cancel)
    run = Path(res.run_dir)
    assert not res.cancelled and res.epochs_done == 1 and (run / "model.safetensors").is_file()
    assert json.loads((run / "run.json").read_text())["status"] == "finished"
    assert keys[0] == "backbone" and keys[-2:] == ["fitting", "saving"]


@pytest.mark.parametrize("pooling", ["avgmax", "max"])
def test_the_label_pages_live_suggestions_hear_a_stop_during_their_fit(pooling: str) -> None:
    """Their refit is the quick run's (a cross-validated search for pictures): Stop waited for all of it."""
    from desktop_cls.core.training.live_suggestions import fit_suggester

    x, y = _features()
    token = SetAtCheck(at=3)
    with pytest.raises(CancelledError):
        fit_suggester(x, y, 3, pooling, cancel=token)
    assert token.checks == 3
