"""Suggestions are never surer than the labeled images show them to be: the Label page's *Accept above 90 %*
moves files, so a confident mistake costs the user's data (docs/benchmarks.md, "Suggestions: how sure is sure")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.inference.calibration import CalibrationResult, softmax
from desktop_cls.core.inference.run_suggestions import model_suggestions
from desktop_cls.core.inference.sure_suggestions import UNCHECKED, precision_check
from desktop_cls.core.training import live_suggestions
from desktop_cls.core.training.embeddings import head_logits
from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, fit_head_cv
from desktop_cls.core.training.live_suggestions import fit_suggester, suggest_labels
from tests.conftest import make_tiny_folder

SIZE = 64  # the real backbone at a small input size: these are about the plumbing


def digits(per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """scikit-learn's digits as features: per_class labeled (seeded), the rest loose."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x, y = d.data.astype(np.float32), d.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    lab = np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in range(10)])
    rest = np.setdiff1d(np.arange(len(y)), lab)
    return x[lab], y[lab], x[rest], y[rest]


def oof(conf: list[float], right: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Two-class out-of-fold logits with these top confidences, right or wrong about label 0."""
    c = np.asarray(conf)
    logits = np.stack([np.log(c), np.log(1 - c)], 1)
    return logits, np.where(right, 0, 1)


def test_nothing_checked_is_never_sure() -> None:
    check = precision_check(None, np.array([0, 1, 1]))
    assert list(check.honest(np.array([0.99, 0.7, 0.3]))) == [UNCHECKED, UNCHECKED, 0.3]
    assert check.ceiling == UNCHECKED
    assert "2 labeled images" in check.note(0.9)


def test_a_confidence_is_capped_by_the_precision_measured_at_it() -> None:
    z, y = oof([0.99] * 9 + [0.95] + [0.6] * 10, [True] * 9 + [False] + [True] * 5 + [False] * 5)
    check = precision_check(z, y)
    # at >= 0.95: 9 of 10 right -> (9 + 1) / (10 + 2); at >= 0.99: 9 of 9 -> 10 / 11
    assert check.honest(np.array([0.99]))[0] == pytest.approx(10 / 11)
    assert check.honest(np.array([0.96]))[0] == pytest.approx(10 / 11)  # what the 0.99s earned, not more
    assert check.ceiling < 0.92
    assert check.note(0.95) and check.note(0.9) == ""
    assert "20 labeled images" in check.note(0.95) and "90%" in check.note(0.95)  # 90.9 % rounded down



def test_the_check_says_which_confidences_it_lowered() -> None:
    """A capped confidence is what the labeled images support, not the model's own: the Label page marks it."""
    z, y = oof([0.99] * 9 + [0.95] + [0.6] * 10, [True] * 9 + [False] + [True] * 5 + [False] * 5)
    check = precision_check(z, y)
    assert list(check.lowered(np.array([0.99, 0.96, 0.5]))) == [True, True, False]
    assert list(precision_check(None, np.array([0, 1])).lowered(np.array([0.9, 0.4]))) == [True, False]

@pytest.mark.parametrize("seed", range(5))
def test_above_any_threshold_the_checked_images_were_right_that_often(seed: int) -> None:
    rng = np.random.default_rng(seed)
    conf = rng.uniform(0.5, 1.0, 60)
    right = rng.uniform(size=60) < conf - 0.1  # overconfident by ten points
    z, y = oof(conf.tolist(), right.tolist())
    check = precision_check(z, y)
    conf = softmax(z).max(1)  # exactly as checked (log and exp move the last digit)
    shown = check.honest(conf)
    assert np.all(shown <= conf + 1e-12)
    order = np.argsort(conf)
    assert np.all(np.diff(shown[order]) >= -1e-12)  # the surest stay the surest
    for t in (0.6, 0.7, 0.8, 0.9):
        moved = shown >= t
        if moved.any():
            assert (right[moved].sum() + 1) / (moved.sum() + 2) >= t - 1e-9


def test_three_digits_a_class_give_no_sure_suggestion() -> None:
    """The head the live suggestions fitted until now called ~400 loose digits 90 % sure and was right about
    82 % of them; checked, none is called that sure."""
    x, y, x_loose, y_loose = digits(3, seed=3)
    before = fit_head_cv(x, y, 10, STANDARDISED_C_GRID, standardise=True)
    p = softmax(head_logits(x_loose, before.weight, before.bias))
    sure = p.max(1) >= 0.9
    assert sure.sum() > 100 and (p.argmax(1) == y_loose)[sure].mean() < 0.9  # the problem
    label, conf = fit_suggester(x, y, 10).suggest(x_loose)
    assert not (conf >= 0.9).any()
    assert np.array_equal(label, p.argmax(1))  # the same suggestions, told honestly


def test_enough_digits_give_sure_suggestions_that_hold() -> None:
    x, y, x_loose, y_loose = digits(20, seed=0)
    suggester = fit_suggester(x, y, 10)
    label, conf = suggester.suggest(x_loose)
    sure = conf >= 0.9
    assert sure.sum() > 500 and (label == y_loose)[sure].mean() >= 0.95
    assert suggester.check.note(0.9) == ""


def test_the_temperature_fitted_on_out_of_fold_logits_is_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    x, y, x_loose, _y = digits(20, seed=0)
    fitted: list[int] = []

    def calibrated(t: float) -> object:
        def calibrate(z: np.ndarray, labels: np.ndarray, cross_validated: bool = False) -> CalibrationResult:
            assert cross_validated and z.shape == (len(y), 10)  # the out-of-fold logits of every labelled image
            fitted.append(len(labels))
            return CalibrationResult(True, len(labels), temperature=t)
        return calibrate

    monkeypatch.setattr(live_suggestions, "calibrate_logits", calibrated(1.0))
    cool = fit_suggester(x, y, 10)
    monkeypatch.setattr(live_suggestions, "calibrate_logits", calibrated(3.0))
    warm = fit_suggester(x, y, 10)
    assert fitted == [200, 200] and warm.temperature == 3.0
    assert np.all(warm.suggest(x_loose)[1] < cool.suggest(x_loose)[1])


def test_live_suggestions_from_the_labelled_images(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "d", per_class=5, size=24)
    for i in range(2):
        shutil.copy(data / "fish" / f"fish_0{i}.png", data / f"loose_{i}.png")
    got = suggest_labels(data, ["loose_0.png", "loose_1.png"], image_size=SIZE)
    assert set(got.suggestions) == {"loose_0.png", "loose_1.png"}
    assert got.check is not None and got.check.labelled == 15
    assert all(label == "fish" and 0 < conf <= got.check.ceiling for label, conf in got.suggestions.values())
    assert got.check.ceiling <= 16 / 17  # 15 checked images, all right at best
    only_one_class = make_tiny_folder(tmp_path / "one", classes=("cat",), per_class=3, size=24)
    assert suggest_labels(only_one_class, [], image_size=SIZE).suggestions == {}


def test_a_quick_runs_suggestions_are_checked_on_its_cross_validated_predictions(tmp_path: Path) -> None:
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    data = make_tiny_folder(tmp_path / "d", per_class=6, size=24)
    cfg = TrainConfig(model="efficientnet_lite0", image_size=SIZE, pretrained=True, method="quick", seed=0)
    run = Path(fit(cfg, data, out=tmp_path / "run").run_dir)
    assert json.loads((run / "run.json").read_text())["cv_folds"] > 0
    shutil.copy(data / "dog" / "dog_00.png", data / "loose.png")
    made = model_suggestions(run, data, ["loose.png"])
    assert made.check is not None and made.check.labelled == 18
    assert made.suggestions["loose.png"][0] == "dog" and made.suggestions["loose.png"][1] <= 19 / 20
    elsewhere = make_tiny_folder(tmp_path / "other", per_class=2, size=24, seed=5)  # pictures it never learned
    shutil.copy(data / "loose.png", elsewhere / "loose.png")
    there = model_suggestions(run, elsewhere, ["loose.png"])  # checked on those: its predictions are held out
    assert there.check is not None and there.check.labelled == 6 and there.suggestions["loose.png"][1] <= 7 / 8
    copy = tmp_path / "copy"  # its own pictures under another folder: checked on their out-of-fold logits
    shutil.copytree(data, copy)
    again = model_suggestions(run, copy, ["loose.png"])
    assert again.check is not None and again.check.labelled == 18
    assert again.suggestions == made.suggestions
