"""A run records the content of the pictures it trained on, and evaluating it on another folder leaves out the
copies of those pictures (same bytes, any name) and says how many: a folder copied from the training folder
scored the model on pictures it had learned. Without the record (an older run) the training folder answers while
it is as trained; otherwise the evaluation says its score may include pictures the model learned. A record from
someone else is read bounded, and a hostile one is refused with a message, never followed, never hung on."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.cli import main
from desktop_cls.core import run_dir as rd
from desktop_cls.core.data import same_content as sc
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.same_content import content_hash
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken
from desktop_cls.core.inference.evaluation import evaluate
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.inference.trained_on import (
    DIGEST_BYTES,
    MAGIC,
    RECORD,
    RecordRefused,
    read_trained_on,
    save_trained_on,
)
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.run import fit, resume
from tests.conftest import make_tiny_folder, write_image
from tests.core.test_trainer import CancelAfterEpoch

FAST = TrainConfig(model="simple_cnn", epochs=1, batch_size=8, image_size=16, seed=0, device="cpu")


def recorded(run: Path) -> set[str]:
    digests = read_trained_on(run)
    assert digests is not None
    raw = np.ascontiguousarray(digests).tobytes()
    return {raw[i:i + DIGEST_BYTES].hex() for i in range(0, len(raw), DIGEST_BYTES)}


def split_of(data: Path, part: str) -> list[str]:
    return [s.path for s in scan(data, val_fraction=FAST.val_fraction, seed=FAST.seed).split(part)]


@pytest.fixture
def tiny_run(tmp_path: Path) -> tuple[Path, Path]:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    return Path(fit(FAST, data, out=tmp_path / "run").run_dir), data


def with_copies(tmp_path: Path, data: Path) -> Path:
    """Nine pictures the run never saw, four of its training pictures under other names (one filed under
    another class) and one of its validation pictures (held out: it is scored like the new ones)."""
    other = make_tiny_folder(tmp_path / "other", per_class=3, seed=7)
    train = sorted(split_of(data, "train"))
    cats = [p for p in train if Path(p).parent.name == "cat"]
    shutil.copy(cats[0], other / "cat" / "holiday.png")
    shutil.copy(cats[1], other / "cat" / "IMG_0001.png")
    shutil.copy(next(p for p in train if Path(p).parent.name == "dog"), other / "dog" / "renamed.png")
    shutil.copy(next(p for p in train if Path(p).parent.name == "fish"), other / "cat" / "refiled.png")
    shutil.copy(split_of(data, "val")[0], other / "dog" / "held_out_copy.png")
    return other


def test_a_run_records_the_content_of_each_training_picture_and_nothing_else(tiny_run: tuple[Path, Path]) -> None:
    run, data = tiny_run
    assert recorded(run) == {content_hash(p) for p in split_of(data, "train")}
    raw = (run / RECORD).read_bytes()  # digests only, sorted, each once: no name that could be taken for a path
    assert raw.startswith(MAGIC) and len(raw) == len(MAGIC) + DIGEST_BYTES * len(split_of(data, "train"))


def test_evaluating_leaves_out_copies_of_its_training_pictures_and_says_how_many(
        tiny_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = tiny_run
    other = with_copies(tmp_path, data)
    ev = evaluate(Predictor.load(run, device="cpu"), other)
    assert ev.split == "folder" and ev.left_out == 4 and ev.report["num_images"] == 10
    assert not {Path(p).name for p in ev.paths} & {"holiday.png", "IMG_0001.png", "renamed.png", "refiled.png"}
    assert "held_out_copy.png" in {Path(p).name for p in ev.paths}
    assert ev.note == "4 images the model learned from were left out (copies of its training images)."
    assert ev.to_dict()["learned_left_out"] == 4
    assert evaluate(Predictor.load(run, device="cpu"), data).split == "validation"  # its own folder: as before
    shutil.rmtree(data / "fish")  # the training folder changed since: the record still tells
    assert evaluate(Predictor.load(run, device="cpu"), other).left_out == 4


def test_the_command_line_prints_the_note(tiny_run: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    run, data = tiny_run
    other = with_copies(tmp_path, data)
    assert main(["eval", str(run), str(other), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "on 10 images of the folder" in out and "4 images the model learned from were left out" in out
    assert main(["eval", str(run), str(other), "--device", "cpu", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["learned_left_out"] == 4 and d["num_images"] == 10 and "left out" in d["note"]


def test_a_folder_of_nothing_but_its_pictures_is_refused_with_a_reason(tiny_run: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    run, data = tiny_run
    only = tmp_path / "only_learned"
    for p in split_of(data, "train"):
        (only / Path(p).parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(p, only / Path(p).parent.name / f"copy_{Path(p).name}")
    with pytest.raises(UserError, match="is one the model learned from"):
        evaluate(Predictor.load(run, device="cpu"), only)


def test_an_older_run_without_the_record_is_answered_by_its_folder_while_it_is_as_trained(
        tiny_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = tiny_run
    other = with_copies(tmp_path, data)
    (run / RECORD).unlink()
    ev = evaluate(Predictor.load(run, device="cpu"), other)
    assert ev.left_out == 4 and "may include" not in ev.note
    write_image(data / "cat" / "added_since.png", np.zeros((16, 16, 3), np.uint8))  # the folder changed since
    ev = evaluate(Predictor.load(run, device="cpu"), other)
    assert ev.left_out == 0 and ev.report["num_images"] == 14
    assert "cannot be told" in ev.note and "the score may include images it learned" in ev.note
    assert str(data.resolve()) in ev.note


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link_to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))


def _out_of_order(path: Path) -> None:
    path.write_bytes(MAGIC + b"\xff" * DIGEST_BYTES + b"\x00" * DIGEST_BYTES)


def _torn(path: Path) -> None:
    path.write_bytes(MAGIC + b"\x01" * (DIGEST_BYTES + 3))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX's")
@pytest.mark.parametrize("make,why", [(_fifo, "not a regular file"), (_link_to_dev_zero, "was not read"),
                                      (_garbage, "not a record of this app's"), (_out_of_order, "not in order"),
                                      (_torn, "not a record of this app's")])
def test_a_hostile_record_is_refused_with_a_message_and_the_folder_answers(
        tiny_run: tuple[Path, Path], tmp_path: Path, make: object, why: str) -> None:
    run, data = tiny_run
    other = with_copies(tmp_path, data)
    (run / RECORD).unlink()
    make(run / RECORD)  # type: ignore[operator]
    with pytest.raises(RecordRefused, match=why):
        read_trained_on(run)
    ev = evaluate(Predictor.load(run, device="cpu"), other)
    assert ev.left_out == 4 and "the record of the images the model learned) was not read" in ev.note


def test_an_oversized_record_is_refused_before_it_is_read(tiny_run: tuple[Path, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run, data = tiny_run
    limit = 2 * (run / "model.json").stat().st_size  # the run's other files stay readable
    monkeypatch.setenv("DESKTOP_CLS_MAX_FILE_MB", str(limit / 2**20))
    save_trained_on(run, [f"{i:040x}" for i in range(limit // 10)])  # a well-formed record, 2-4 times the limit
    assert (run / "trained_on.bin").stat().st_size > limit
    with pytest.raises(RecordRefused, match="DESKTOP_CLS_MAX_FILE_MB"):
        read_trained_on(run)
    shutil.rmtree(data / "fish")  # and the folder no longer tells either
    fresh = make_tiny_folder(tmp_path / "fresh", per_class=2, seed=11)
    ev = evaluate(Predictor.load(run, device="cpu"), fresh)
    assert ev.left_out == 0 and "was not read" in ev.note and "may include images it learned" in ev.note


def test_resume_keeps_the_record_and_adds_what_it_learns_since(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    token = CancelToken()
    part = fit(FAST.replace(epochs=3), data, out=tmp_path / "run", callbacks=[CancelAfterEpoch(1, token)],
               cancel=token)
    run = Path(part.run_dir)
    before = recorded(run)
    write_image(data / "dog" / "new_dog.png", np.full((16, 16, 3), (40, 230, 40), np.uint8))
    resume(run, epochs=2)
    assert recorded(run) == before | {content_hash(p) for p in split_of(data, "train")}


def test_an_older_run_resumed_gets_a_record_only_when_its_folder_is_as_it_started(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=6)
    token = CancelToken()
    run = Path(fit(FAST.replace(epochs=4), data, out=tmp_path / "run", callbacks=[CancelAfterEpoch(1, token)],
                   cancel=token).run_dir)
    (run / RECORD).unlink()
    resume(run, epochs=2)  # unchanged: what it learned before is what it learns now
    assert recorded(run) == {content_hash(p) for p in split_of(data, "train")}
    (run / RECORD).unlink()
    write_image(data / "cat" / "added.png", np.zeros((16, 16, 3), np.uint8))
    resume(run, epochs=3)  # changed: what its first epochs learned cannot be told, so no record claims it
    assert read_trained_on(run) is None and rd.is_run_dir(run)


def test_a_quick_run_records_what_it_learned_from_the_digests_its_feature_cache_computed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.core.test_quick_mode import quick_cfg

    data = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    hashed: list[str] = []
    real = sc.file_digest

    def counted(path: str | Path, length: int) -> str:
        hashed.append(str(path))
        return real(path, length)

    monkeypatch.setattr(sc, "file_digest", counted)
    run = Path(fit(quick_cfg(), data, out=tmp_path / "run").run_dir)
    pictures = [s.path for s in scan(data, val_fraction=0.0).samples]
    assert sorted(hashed) == sorted(pictures)  # each picture read once, for the cache and the record alike
    assert json.loads((run / "run.json").read_text())["cv_folds"]  # cross-validated: it learned every picture
    assert recorded(run) == {content_hash(p) for p in pictures}
