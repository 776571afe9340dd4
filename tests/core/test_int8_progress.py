"""An int8 export says what it does between writing the float file and measuring the blocks: preparing the
graph, then calibrating batch by batch (a fraction of the stage the window estimates the time left from);
Cancel is heard there too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference.export import FINE, STAGES, export_model
from desktop_cls.core.inference.export_onnx import _Batches
from desktop_cls.core.inference.int8_words import CALIBRATING, MEASURING

Report = tuple[int, int, str]


def test_the_calibration_reader_says_each_batch_it_gives() -> None:
    images = np.zeros((20, 3, 1, 1), np.float32)
    heard: list[tuple[int, int]] = []
    reader = _Batches(images, batch=8, fed=lambda done, total: heard.append((done, total)))
    while reader.get_next() is not None:
        pass
    assert heard == [(1, 3), (2, 3), (3, 3)]


def test_int8_reports_its_calibration_between_preparing_and_measuring(trained_run: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    said: list[Report] = []
    export_model(trained_run[0], "onnx-int8", tmp_path / "m.onnx", progress=lambda d, t, w: said.append((d, t, w)))
    texts = [w for _, _, w in said]
    preparing = next(i for i, w in enumerate(texts) if "preparing the network for quantization" in w)
    assert any("exporting the float network to ONNX first" in w for w in texts[:preparing])
    calibrating = [i for i, w in enumerate(texts) if "calibrating on" in w]
    assert calibrating and preparing < calibrating[0]
    first = said[calibrating[0]]
    assert first[1] == FINE != STAGES and 0 < first[0] < FINE  # a fraction of the stage, never read as a stage
    assert "batch 1 of" in first[2]
    done = [said[i][0] for i in calibrating]
    assert done == sorted(done) and done[-1] == round(FINE * CALIBRATING[1])  # the first recipe calibrates to its end
    measuring = [i for i, w in enumerate(texts) if "measuring what 8 bits cost" in w]
    if measuring:
        assert calibrating[0] < measuring[0]
    verifying = texts.index(next(w for w in texts if "verifying" in w))
    assert calibrating[-1] < verifying


def test_cancel_while_calibrating_stops_at_the_next_batch(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    token = CancelToken()
    calibrating: list[str] = []

    def sink(done: int, total: int, what: str) -> None:
        if "calibrating on" in what:
            calibrating.append(what)
            token.set()  # the user presses Cancel on seeing the first batch

    with pytest.raises(CancelledError):
        export_model(trained_run[0], "onnx-int8", tmp_path / "m", progress=sink, cancel=token)
    assert len(calibrating) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("count", [STAGES, 3, 9])
def test_measuring_and_growing_never_report_a_count_that_reads_as_a_stage(count: int) -> None:
    """Blocks measured and candidates grown are thousandths of the writing stage, whatever their count (four
    blocks once read as the export's four stages: "2 of 4" jumped the bar to verifying)."""
    from desktop_cls.core.inference.int8_sensitivity import Agreement
    from desktop_cls.core.inference.int8_words import said_grown, said_measured

    said: list[Report] = []
    measured = said_measured(lambda d, t, w: said.append((d, t, w)), STAGES, FINE)
    for done in range(count + 1):
        measured(done, count)
    grown = said_grown(lambda d, t, w: said.append((d, t, w)), STAGES, FINE)
    for step in range(1, count + 1):
        grown(step, count, step + 1, Agreement(290, 300))
    stages = [(d, w) for d, t, w in said if t == STAGES]
    assert [d for d, _ in stages] == [1, 1]  # only the writing stage, named again before each part
    assert "measuring" in stages[0][1] and "one more at a time" in stages[1][1]
    fine = [(d, t) for d, t, _ in said if t != STAGES]
    assert {t for _, t in fine} == {FINE} and fine[count] == (round(FINE * MEASURING[1]), FINE)
    assert fine[-1] == (FINE, FINE) and [d for d, _ in fine] == sorted(d for d, _ in fine)  # forward only
    texts = [w for _, t, w in said if t == FINE]
    assert f"block 2 of {count}" in texts[2] and f"candidate 2 of at most {count}" in texts[count + 2]


def test_images_judged_from_a_run_that_held_nothing_out_are_not_called_validation_images(tmp_path: Path) -> None:
    """A quick run that cross-validated holds nothing out: int8 is judged on one in two of the dataset, which
    the progress and the report called "validation images"."""
    from desktop_cls.core.inference import export_report
    from desktop_cls.core.inference.int8_sensitivity import Agreement, Growth
    from desktop_cls.core.inference.int8_words import judged, said_grown

    assert export_report.described("half", tmp_path).kind == "half"  # what gather_images hands on to int8
    said: list[Report] = []
    said_grown(lambda d, t, w: said.append((d, t, w)), STAGES, FINE, "half")(1, 3, 1, Agreement(290, 300))
    report = judged(Growth(("b",), Agreement(299, 300), 2, True), "half")
    for text in (said[-1][2], report):
        assert "validation" not in text and "300 images of the dataset, one in two" in text, text
    assert "300 validation images" in judged(Growth(("b",), Agreement(299, 300), 2, True), "val")
    assert "300 test images" in judged(Growth(("b",), Agreement(299, 300), 2, True), "test")
