"""A run's suggestions in a folder it did not learn from are checked on that folder's labeled images it did not
learn, and never on one it did, whatever its name: a folder copied from the one it learned holds the same pictures
(the Label page showed "birds 100%" for a model of another folder, nothing checked). The model is a stand-in:
this is about which pictures check it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.same_content import UNREADABLE, same_content
from desktop_cls.core.inference import other_folder_check as ofc
from desktop_cls.core.inference.cross_validated import save_cross_validated
from desktop_cls.core.inference.other_folder_check import other_folder_check
from desktop_cls.core.inference.predictor import Prediction
from desktop_cls.core.inference.sure_suggestions import UNCHECKED
from tests.conftest import make_tiny_folder

CLASSES = ("cat", "dog", "fish")


class StandIn:
    """Predicts every picture as `says` (its class) `sure` sure; remembers what it was asked."""

    classes = CLASSES
    temperature = 1.0

    def __init__(self, says: str = "cat", sure: float = 0.95) -> None:
        self.says, self.sure = says, sure
        self.asked: list[str] = []

    def predict_paths(self, paths: Sequence[str], **_kw: object) -> list[Prediction]:
        self.asked += [str(p) for p in paths]
        return [Prediction(str(p), self.says, self.sure) for p in paths]


def trained_on(folder: Path, run: Path, oof: bool) -> dict[str, object]:
    """A run folder as training leaves it (its folder's fingerprint; out-of-fold logits, each saying its class
    0.9 sure, when `oof`: then, as a quick run that cross-validated, it says it held nothing out); its run.json."""
    index = scan(folder, val_fraction=0.2, seed=0)
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"val_fraction": 0.2}))
    info = {"dataset_root": index.root, "dataset_fingerprint": index.fingerprint, "val_fraction": 0.0 if oof else 0.2,
            "seed": 0}
    (run / "run.json").write_text(json.dumps(info))
    if oof:
        labels = np.array([s.label for s in index.samples])
        logits = np.log(np.where(np.eye(3)[labels] == 1, 0.9, 0.05))
        save_cross_validated(run, index.root, [s.path for s in index.samples], labels, logits, 5)
    return info


@pytest.fixture
def learned(tmp_path: Path) -> Path:
    return make_tiny_folder(tmp_path / "learned", per_class=4, size=12)


def other_folder(tmp_path: Path, learned: Path) -> Path:
    """Three pictures copied from the learned folder (one filed under another class), six it never saw."""
    other = make_tiny_folder(tmp_path / "other", per_class=2, size=12, seed=7)
    shutil.copy(learned / "cat" / "cat_00.png", other / "cat" / "copied_cat.png")
    shutil.copy(learned / "dog" / "dog_01.png", other / "dog" / "copied_dog.png")
    shutil.copy(learned / "fish" / "fish_02.png", other / "cat" / "refiled_fish.png")  # the user says: a cat
    return other


def test_pictures_it_learned_count_by_their_out_of_fold_prediction_the_others_are_predicted(
        tmp_path: Path, learned: Path) -> None:
    info = trained_on(learned, tmp_path / "run", oof=True)
    other = other_folder(tmp_path, learned)
    model = StandIn("cat", 0.95)
    check = other_folder_check(model, tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert sorted(Path(p).name for p in model.asked) == sorted(f"{c}_0{i}.png" for c in CLASSES for i in range(2))
    assert check.checked and check.labelled == 9
    # never seen: 6 predictions 95 % sure, 2 right (the cats); learned: 3 out-of-fold ones 90 % sure, 2 right
    # (the refiled fish is a cat here: its out-of-fold "fish" is wrong)
    assert check.confidences == pytest.approx([0.9] * 3 + [0.95] * 6)
    assert check.precision[0] == pytest.approx((4 + 1) / (9 + 2))  # at or above 90 %: all nine
    assert check.precision[-1] == pytest.approx((2 + 1) / (6 + 2))  # at 95 %: the six predicted
    assert check.note(0.9) and "9 labeled images" in check.note(0.9)


def test_pictures_it_learned_without_an_out_of_fold_prediction_check_nothing(tmp_path: Path, learned: Path) -> None:
    info = trained_on(learned, tmp_path / "run", oof=False)  # validated on a held-out split: no out-of-fold logits
    other = other_folder(tmp_path, learned)
    model = StandIn("cat", 0.99)
    check = other_folder_check(model, tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert check.labelled == 6 and len(model.asked) == 6
    copy = tmp_path / "copy"  # the learned folder copied whole: every labelled picture is one it learned
    shutil.copytree(learned, copy)
    model = StandIn("cat", 0.99)
    check = other_folder_check(model, tmp_path / "run", info, copy)  # type: ignore[arg-type]
    assert model.asked == [] and not check.checked
    assert check.honest(np.array([0.99]))[0] == UNCHECKED
    assert "learned all of them" in check.note(0.9) and str(learned.resolve()) in check.note(0.9)


def test_nothing_is_checked_when_what_it_learned_cannot_be_told(tmp_path: Path, learned: Path) -> None:
    info = trained_on(learned, tmp_path / "run", oof=True)
    other = other_folder(tmp_path, learned)
    shutil.move(learned / "dog" / "dog_03.png", other / "dog" / "moved_dog.png")  # the folder changed since
    model = StandIn()
    check = other_folder_check(model, tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert model.asked == [] and not check.checked and check.ceiling == UNCHECKED
    assert "has changed since it was trained" in check.note(0.9) and "50%" in check.note(0.9)
    no_record = other_folder_check(model, tmp_path / "run", None, other)  # type: ignore[arg-type]
    assert not no_record.checked and "no training record" in no_record.note(0.9)
    shutil.rmtree(learned)
    assert not other_folder_check(model, tmp_path / "run", info, other).checked  # type: ignore[arg-type]


def test_at_most_a_sample_of_the_labelled_pictures_is_predicted(tmp_path: Path, learned: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    info = trained_on(learned, tmp_path / "run", oof=True)
    other = make_tiny_folder(tmp_path / "other", per_class=4, size=12, seed=7)
    monkeypatch.setattr(ofc, "MAX_CHECKED", 5)
    model = StandIn()
    check = other_folder_check(model, tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert len(model.asked) == 5 and check.labelled == 5
    again = StandIn()
    other_folder_check(again, tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert again.asked == model.asked  # the same sample each time


def test_same_content_compares_bytes_not_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.data import same_content as sc

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x.png").write_bytes(b"same bytes")
    (a / "y.png").write_bytes(b"other byte")  # the same size, other bytes
    (a / "z.png").write_bytes(b"short")
    (b / "renamed.png").write_bytes(b"same bytes")
    (b / "w.png").write_bytes(b"third one!")
    mine = [str(a / n) for n in ("x.png", "y.png", "z.png", "gone.png")]
    read: list[str] = []
    real = sc.content_hash

    def hashed(path: str) -> str:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(sc, "content_hash", hashed)
    assert same_content(mine, [str(b / "renamed.png"), str(b / "w.png")]) == {str(a / "x.png"): str(b / "renamed.png")}
    assert "z.png" not in read  # no file of its size on the other side: never read

    def unreadable_w(path: str) -> str:
        if path.endswith("w.png"):
            raise PermissionError(path)
        return real(path)

    monkeypatch.setattr(sc, "content_hash", unreadable_w)  # w.png could be y.png: they cannot be told apart
    assert same_content(mine, [str(b / "renamed.png"), str(b / "w.png")]) == {
        str(a / "x.png"): str(b / "renamed.png"), str(a / "y.png"): UNREADABLE}


def test_once_its_folder_changed_the_pictures_it_recorded_tell_what_it_learned(tmp_path: Path,
                                                                            learned: Path) -> None:
    from desktop_cls.core.data.same_content import content_hash
    from desktop_cls.core.inference.trained_on import RECORD, save_trained_on

    info = trained_on(learned, tmp_path / "run", oof=False)
    save_trained_on(tmp_path / "run", [content_hash(str(p)) for p in learned.rglob("*.png")])  # as training does
    other = other_folder(tmp_path, learned)
    shutil.move(learned / "dog" / "dog_03.png", other / "dog" / "moved_dog.png")  # the folder changed since
    model = StandIn("cat", 0.95)
    check = other_folder_check(model, tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert sorted(Path(p).name for p in model.asked) == sorted(f"{c}_0{i}.png" for c in CLASSES for i in range(2))
    assert check.checked and check.labelled == 6  # the three copies and the moved picture: left out
    (tmp_path / "run" / RECORD).write_bytes(b"not a record")  # damaged: nothing tells, and the check says why
    check = other_folder_check(StandIn(), tmp_path / "run", info, other)  # type: ignore[arg-type]
    assert not check.checked and "was not read" in check.note(0.9)


def test_a_copy_of_a_picture_it_held_out_is_predicted_when_it_recorded_what_it_trained_on(tmp_path: Path,
                                                                                         learned: Path) -> None:
    """With its folder as trained, the run's record (trained_on.bin) says which of its pictures it trained on: a
    copy of one of its validation pictures was never learned, so it checks the suggestions like any other."""
    from desktop_cls.core.data.same_content import content_hash
    from desktop_cls.core.inference.trained_on import save_trained_on

    info = trained_on(learned, tmp_path / "run", oof=False)
    index = scan(learned, val_fraction=0.2, seed=0)
    save_trained_on(tmp_path / "run", [content_hash(s.path) for s in index.samples if s.split == "train"])
    held_out = next(Path(s.path) for s in index.samples if s.split == "val")
    trained = next(Path(s.path) for s in index.samples if s.split == "train")
    other = make_tiny_folder(tmp_path / "other", per_class=2, size=12, seed=7)
    shutil.copy(held_out, other / held_out.parent.name / "copy_of_held_out.png")
    shutil.copy(trained, other / trained.parent.name / "copy_of_trained.png")
    model = StandIn("cat", 0.95)
    check = other_folder_check(model, tmp_path / "run", info, other)  # type: ignore[arg-type]
    asked = {Path(p).name for p in model.asked}
    assert "copy_of_held_out.png" in asked and "copy_of_trained.png" not in asked
    assert check.checked and check.labelled == 7
