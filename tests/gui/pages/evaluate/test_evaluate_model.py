"""The Evaluate page's model, without a window: the images scored by default, and when a result shown is stale."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_cls.core.inference.saved_evaluation import kept_epoch
from desktop_cls.gui.pages.evaluate.evaluate_model import EvaluateModel
from desktop_cls.gui.state import Tag


def test_the_default_images_are_the_open_datasets_unless_the_run_knows_other_classes() -> None:
    default = EvaluateModel.default_folder
    assert default("/data/open", True, "/data/trained") == "/data/open"
    assert default("/data/open", False, "/data/trained") == "/data/trained"  # a run of other classes: its own
    assert default("/data/open", False, None) == "/data/open"  # its own folder is gone: the open one
    assert default(None, True, "/data/trained") == "/data/trained"
    assert default(None, True, None) == ""


def test_a_result_is_stale_for_another_run_or_other_default_images() -> None:
    model = EvaluateModel()
    assert not model.stale("/runs/1", "", "/data/a")  # nothing shown
    model.shows({"accuracy": 0.9}, "/data/a", "/runs/1")
    assert model.tag == Tag("/data/a", "/runs/1") and model.result == {"accuracy": 0.9}
    assert not model.stale("/runs/1", "", "/data/a")
    assert model.stale("/runs/2", "", "/data/a")  # another run chosen
    assert model.stale("/runs/1", "", "/data/b")  # another dataset opened, no folder chosen
    assert not model.stale("/runs/1", "/elsewhere", "/data/b")  # a folder chosen by hand: the result stays its
    model.clear()
    assert model.result is None and model.tag is None


def test_the_kept_epoch_is_read_from_a_run_folder_only(tmp_path: Path) -> None:
    from desktop_cls.core.run_dir import CONFIG, RUN_INFO

    assert kept_epoch(str(tmp_path / "model.onnx")) is None
    run = tmp_path / "run"
    run.mkdir()
    (run / CONFIG).write_text("{}", encoding="utf-8")
    (run / RUN_INFO).write_text(json.dumps({"best_epoch": 4, "epochs_done": 6}), encoding="utf-8")
    assert kept_epoch(str(run)) == (4, 6)
    (run / RUN_INFO).write_text(json.dumps({"best_epoch": 0, "epochs_done": 6}), encoding="utf-8")
    assert kept_epoch(str(run)) is None  # no epoch was kept (a quick run)
    (run / RUN_INFO).write_text("not json", encoding="utf-8")
    assert kept_epoch(str(run)) is None


def test_the_empty_page_says_why_the_result_went() -> None:
    model = EvaluateModel()
    assert model.why_empty("/runs/1", "/data/a") == ""  # nothing was shown: what Evaluate does
    model.shows({"accuracy": 0.9}, "/data/a", "/runs/1")
    assert model.why_empty("/runs/1", "/data/a") == ""  # a result is shown
    model.take_down()
    assert model.tag is None and model.result is None and model.taken_down == Tag("/data/a", "/runs/1")
    assert model.why_empty("/runs/2", "/data/a") == "model"  # another model was chosen
    assert model.why_empty("/runs/1", "/data/b") == "images"  # the same model, other images
    assert model.why_empty("/runs/1", "/data/a") == ""  # back to what it was of: nothing to explain
    assert model.why_empty(None, "/data/a") == ""
    model.shows({"accuracy": 0.8}, "/data/a", "/runs/2")
    assert model.taken_down is None  # a new result: the one taken down is forgotten
