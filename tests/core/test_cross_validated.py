"""A run that learned from every labeled image is evaluated on its own dataset by its out-of-fold predictions,
never by scoring the images it learned (that said 100 % where cross-validation had said 86 %)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.errors import UserError
from desktop_cls.core.inference.cross_validated import CV_FILE, load_cross_validated
from desktop_cls.core.inference.evaluation import evaluate
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder, write_image
from tests.core.test_quick_mode import quick_cfg


def _noise_folder(root: Path, per_class: int = 6, seed: int = 3) -> Path:
    """Labels a linear head can memorise but not predict: the seen images score 100 %, unseen ones do not."""
    rng = np.random.default_rng(seed)
    for c in ("a", "b", "c"):
        for i in range(per_class):
            write_image(root / c / f"{c}_{i}.png", rng.integers(0, 256, (24, 24, 3), dtype=np.uint8))
    return root


@pytest.fixture(scope="module")
def noise_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("cv")
    data = _noise_folder(base / "data")
    res = fit(quick_cfg(), data, out=base / "run")
    return Path(res.run_dir), data


def test_evaluating_on_its_own_dataset_shows_the_cross_validated_figure(noise_run: tuple[Path, Path]) -> None:
    run, data = noise_run
    info = json.loads((run / "run.json").read_text())
    assert info["validation"] == "5-fold cross-validation"
    ev = evaluate(Predictor.load(run, device="cpu"), data)
    assert ev.split == "cross-validation" and ev.report["num_images"] == 18
    assert ev.report["accuracy"] == pytest.approx(info["best_val_accuracy"])  # what training reported
    assert ev.report["accuracy"] < 0.9  # noise: scoring the learned images instead would say 100 %
    assert {Path(p).relative_to(data).parts[0] for p in ev.paths} == {"a", "b", "c"}
    assert len(ev.misclassified()) == round(18 * (1 - ev.report["accuracy"]))


def test_a_copy_of_its_folder_holds_only_pictures_it_learned(noise_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = noise_run
    other = shutil.copytree(data, tmp_path / "copy")  # scored, it said 100 % of pictures it had learned
    with pytest.raises(UserError, match=r"every labeled image .* is one the model learned from"):
        evaluate(Predictor.load(run, device="cpu"), other)
    fresh = _noise_folder(tmp_path / "fresh", per_class=2, seed=9)  # pictures it never saw: scored the usual way
    ev = evaluate(Predictor.load(run, device="cpu"), fresh)
    assert ev.split == "folder" and ev.report["num_images"] == 6 and ev.left_out == 0 and ev.note == ""


def test_images_moved_or_deleted_since_training_are_left_out(noise_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = noise_run
    moved = shutil.copytree(data, tmp_path / "data")
    (moved / "a" / "a_0.png").rename(moved / "b" / "a_0.png")  # relabelled since: its stored label is stale
    (moved / "c" / "c_1.png").unlink()
    cv = load_cross_validated(run, moved, 3)
    assert cv is not None and len(cv.paths) == 16
    assert str(moved / "a" / "a_0.png") not in cv.paths and all(Path(p).is_file() for p in cv.paths)


@pytest.mark.parametrize("bad", ["/etc/passwd", "../outside.png", "a/../../x.png", "", 7])
def test_a_path_in_the_file_is_a_relative_name_or_the_file_is_ignored(tmp_path: Path, bad: object) -> None:
    run, folder = tmp_path / "run", tmp_path / "data"
    write_image(folder / "a" / "ok.png", np.zeros((4, 4, 3), np.uint8))
    run.mkdir()
    good = {"folds": 2, "paths": ["a/ok.png"], "labels": [0], "logits": [[1.0, 0.0]]}
    (run / CV_FILE).write_text(json.dumps(good))
    assert load_cross_validated(run, folder, 2) is not None
    (run / CV_FILE).write_text(json.dumps({**good, "paths": [bad]}))
    assert load_cross_validated(run, folder, 2) is None


@pytest.mark.parametrize("change", [{"labels": [5]}, {"logits": [[1.0]]}, {"logits": [["x", 0]]},
                                    {"folds": "2"}, {"paths": []}])
def test_malformed_rows_make_the_file_ignored(tmp_path: Path, change: dict[str, object]) -> None:
    run, folder = tmp_path / "run", tmp_path / "data"
    write_image(folder / "a" / "ok.png", np.zeros((4, 4, 3), np.uint8))
    run.mkdir()
    (run / CV_FILE).write_text(json.dumps({"folds": 2, "paths": ["a/ok.png"], "labels": [0], "logits": [[1.0, 0.0]],
                                           **change}))
    assert load_cross_validated(run, folder, 2) is None


def test_a_link_in_place_of_the_file_is_not_followed(tmp_path: Path) -> None:
    run, folder = tmp_path / "run", make_tiny_folder(tmp_path / "data", per_class=1)
    run.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"folds": 2, "paths": ["cat/cat_00.png"], "labels": [0],
                                     "logits": [[1.0, 0.0, 0.0]]}))
    (run / CV_FILE).symlink_to(elsewhere)
    assert load_cross_validated(run, folder, 3) is None


def test_the_command_line_says_how_it_was_measured(noise_run: tuple[Path, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli.parser import main

    run, data = noise_run
    assert main(["eval", str(run), str(data)]) == 0
    out = capsys.readouterr().out
    assert "by 5-fold cross-validation on 18 images" in out and "had not" in out


def test_images_the_cross_validation_has_no_prediction_for_are_counted_in_the_note(tmp_path: Path) -> None:
    """A class renamed on the Label page after a quick run: evaluating the run on its folder said "94.8 % by
    5-fold cross-validation on 58 images" of the 78 there, with nothing about the 20 of the renamed class."""
    data = _noise_folder(tmp_path / "data")
    run = Path(fit(quick_cfg(), data, out=tmp_path / "run").run_dir)
    assert evaluate(Predictor.load(run, device="cpu"), data).note == ""  # as trained: every image scored
    (data / "c").rename(data / "gear")  # the class the run knows as "c"
    write_image(data / "a" / "new.png", np.full((24, 24, 3), 7, np.uint8))  # added since training
    ev = evaluate(Predictor.load(run, device="cpu"), data)
    assert ev.split == "cross-validation" and ev.report["num_images"] == 12
    assert "7 labeled images of this folder are not scored" in ev.note


def test_a_class_the_model_does_not_know_is_named_in_the_note(noise_run: tuple[Path, Path], tmp_path: Path) -> None:
    """After a class was renamed (tools -> gear) a run trained before said "Accuracy 90.9 % on 11 images" of its
    folder, nothing about the 20 of 'gear' left out: the problem was recorded, and neither front end shows those."""
    run, _data = noise_run
    fresh = _noise_folder(tmp_path / "fresh", per_class=2, seed=9)
    rng = np.random.default_rng(1)
    for i in range(3):
        write_image(fresh / "gear" / f"g{i}.png", rng.integers(0, 256, (24, 24, 3), dtype=np.uint8))
    ev = evaluate(Predictor.load(run, device="cpu"), fresh)
    assert ev.split == "folder" and ev.report["num_images"] == 6
    assert "gear" in ev.note and "left out" in ev.note
