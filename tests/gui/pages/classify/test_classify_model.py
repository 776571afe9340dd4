"""The Classify page's decisions without a window: files wait for the model, the newest camera frame only goes
to an idle model, the threshold relabels from kept scores, and a late heat map is not shown on another image."""

from __future__ import annotations

from desktop_cls.core.inference.predictor import Prediction
from desktop_cls.gui.pages.classify.classify_model import ClassifyModel


def _pred(path: str, top: float) -> Prediction:
    return Prediction(path, "cat", top, (("cat", top), ("dog", 1 - top)))


def test_files_asked_for_before_the_model_is_ready_wait_for_it_once() -> None:
    m = ClassifyModel()
    assert not m.ask_files(["a.png"])
    assert not m.ask_files(["b.png", "c"])  # the latest request wins
    assert m.model_loaded() == ["b.png", "c"]
    assert m.model_loaded() is None  # handed over once
    assert m.ask_files(["d.png"]) and m.pending_files is None
    m.loading("run")
    assert not m.ask_files(["e.png"]) and m.pending_files == ["e.png"]
    m.load_failed()
    assert not m.loaded and m.pending_files == ["e.png"]


def test_only_one_frame_is_in_flight_and_every_frame_is_counted() -> None:
    m = ClassifyModel()
    assert not m.frame_arrived()  # no model yet: shown, not classified
    m.model_loaded()
    assert m.frame_arrived()
    assert [m.frame_arrived() for _ in range(5)] == [False] * 5  # busy: no backlog
    assert m.frame_label() is None
    m.frame_classified(_pred("", 0.8), None)
    m.frame_ended()
    assert m.frame_arrived()
    assert (m.frames_shown, m.frames_classified) == (8, 1)
    assert m.frame_label() == ("cat", 0.8)
    m.frame_classified(Prediction("", None, 0.0, error="bad frame"), None)
    assert m.frame_label() is None


def test_the_threshold_relabels_from_the_kept_scores_and_comes_back() -> None:
    m = ClassifyModel()
    preds = [_pred("a", 0.9), _pred("b", 0.6)]
    m.set_threshold(70)
    assert m.threshold == 0.7
    low = m.relabel(preds)
    assert [p.label for p in low] == ["cat", "unknown"]
    m.set_threshold(0)
    assert [p.label for p in m.relabel(low)] == ["cat", "cat"]


def test_a_heat_map_belongs_to_the_row_shown_only() -> None:
    m = ClassifyModel()
    preds = [_pred("a.png", 0.9), _pred("b.png", 0.9)]
    assert m.heatmap_fits(preds, 1, "b.png")
    assert not m.heatmap_fits(preds, 0, "b.png")  # the user moved on before it arrived
    assert not m.heatmap_fits(preds, 2, "b.png") and not m.heatmap_fits([], 0, "a.png")


def test_loading_another_model_says_the_results_shown_are_not_its() -> None:
    m = ClassifyModel()
    assert m.loading("runs/a")  # the first model: nothing shown was made by it
    m.model_loaded()
    assert not m.loading("runs/a")  # the same one again (the field left, a reload): the rows are its own
    assert m.loading("runs/b") and m.model_path == "runs/b" and not m.loaded
