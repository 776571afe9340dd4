"""int8's adaptive recipe: past the most sensitive quarter, one more block in float at a time (in the
order measured once) until the agreement on images it was not calibrated on is shown, by its one-sided
Wilson lower bound, to reach the target, or the bound is reached; each step is said. The figures it reaches
are in docs/benchmarks.md, not here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference import export_onnx as eo
from desktop_cls.core.inference import int8_sensitivity as sens
from desktop_cls.core.inference.export_report import BOUND_TARGET, agreement_lower_bound
from desktop_cls.core.models.model_io import ModelMeta

ERRORS = {"a": 0.01, "b": 0.08, "c": 0.03, "d": 0.0, "e": 0.02, "f": 0.05}  # ranked b f c e a; d costs nothing


def of300(agreed: int) -> sens.Agreement:
    return sens.Agreement(agreed, 300)


class Judge:
    """Agreement (of 300 images) as a function of how many blocks are kept, counting the candidates asked about."""

    def __init__(self, by_count: dict[int, int]) -> None:
        self.by_count = by_count
        self.asked: list[list[str]] = []

    def __call__(self, kept: list[str]) -> sens.Agreement:
        self.asked.append(kept)
        return of300(self.by_count[len(kept)])


def test_the_lower_bound_is_wilsons_one_sided_95_percent_bound() -> None:
    """99 of 100 agreeing promises about 95.6 % on further images; 300 of 300 still less than 99 %."""
    assert agreement_lower_bound(99, 100) == pytest.approx(0.9564, abs=2e-4)
    assert agreement_lower_bound(300, 300) == pytest.approx(0.9911, abs=2e-4) and agreement_lower_bound(300, 300) < 1
    assert agreement_lower_bound(297, 300) < BOUND_TARGET <= agreement_lower_bound(298, 300)  # 99.0 % of 300 is not
    assert agreement_lower_bound(30, 30) < BOUND_TARGET  # thirty images cannot show it, however many agree
    assert agreement_lower_bound(0, 0) == 0.0
    assert sens.Agreement(297, 300).lower_bound() == agreement_lower_bound(297, 300)


def test_it_stops_at_the_first_count_whose_lower_bound_reaches_the_target() -> None:
    judge = Judge({2: 291, 3: 297, 4: 298, 5: 300})  # 97 %, 99 % (the old stop), 99.3 %
    said: list[tuple[int, int, int, sens.Agreement]] = []
    got = sens.grow(ERRORS, 2, 5, judge, BOUND_TARGET, progress=lambda *a: said.append(a))
    assert judge.asked == [["b", "f"], ["b", "f", "c"], ["b", "f", "c", "e"]]  # in the measured order, then stop
    assert got == sens.Growth(("b", "f", "c", "e"), of300(298), 3, True)
    assert said == [(1, 4, 2, of300(291)), (2, 4, 3, of300(297)), (3, 4, 4, of300(298))]  # step, steps, blocks


def test_a_first_share_that_is_enough_is_not_grown() -> None:
    judge = Judge({2: 299})
    assert sens.grow(ERRORS, 2, 5, judge, BOUND_TARGET) == sens.Growth(("b", "f"), of300(299), 1, True)
    assert len(judge.asked) == 1


def test_at_the_bound_it_keeps_the_most_blocks_not_the_luckiest_share() -> None:
    """Below the target throughout, the candidate with the smallest error (the most blocks in float) is
    shipped, not the one whose share of a few hundred images happened to be highest."""
    judge = Judge({2: 288, 3: 297, 4: 294, 5: 296})
    got = sens.grow(ERRORS, 2, 5, judge, BOUND_TARGET)
    assert [len(k) for k in judge.asked] == [2, 3, 4, 5]  # never past the bound
    assert got == sens.Growth(("b", "f", "c", "e", "a"), of300(296), 4, False)


def test_the_bound_never_keeps_a_block_that_costs_nothing() -> None:
    judge = Judge({4: 270, 5: 270})
    got = sens.grow(ERRORS, 4, 6, judge, BOUND_TARGET)  # "d" (error 0) is never kept: 5 blocks at most
    assert [len(k) for k in judge.asked] == [4, 5] and "d" not in got.kept


def test_cancel_is_heard_between_steps() -> None:
    token = CancelToken()

    def judge(kept: list[str]) -> sens.Agreement:
        token.set()
        return of300(150)

    with pytest.raises(CancelledError):
        sens.grow(ERRORS, 1, 5, judge, BOUND_TARGET, cancel=token)


@pytest.fixture(scope="module")
def prepared(trained_run: tuple[Path, Path],
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModelMeta, np.ndarray]:
    """The tiny run's fp32 model, ready to quantize (exported once for this file's tests)."""
    import torch

    from desktop_cls.core.inference.export_report import gather_images, preprocess
    from desktop_cls.core.models.model_io import load_native

    model, meta = load_native(trained_run[0] / "model.safetensors")
    base = tmp_path_factory.mktemp("int8_growth")
    fp32, ready = base / "fp32.onnx", base / "prepared.onnx"
    x = preprocess(gather_images(trained_run[0] / "model.safetensors", meta).calibration, meta)
    eo.write_fp32(model.float().eval(), meta, torch.from_numpy(x[:2]), fp32)
    eo.prepare_for_quantization(fp32, ready)
    return ready, meta, x


def test_growing_reuses_the_measured_errors_and_ships_the_chosen_candidate(
        prepared: tuple[Path, ModelMeta, np.ndarray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quantization passes counted: one to calibrate, one per block probed (only when no errors were
    measured yet) and one per growth step; the file written is the candidate the judge accepted."""
    import onnx

    model, meta, x = prepared
    passes: list[Path] = []
    real = eo._quantize

    def counted(*args: object, **kwargs: object) -> None:
        passes.append(Path(str(args[5])))  # out
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(eo, "_quantize", counted)
    recipe = eo.Int8Recipe(True, "MinMax", ("head",), 0.25, grow_to=1.0)
    search = eo.Int8Search()  # no judge: the fixed quarter, and the errors measured
    eo.write_int8(model, meta, x, recipe, tmp_path / "a.onnx", search=search)
    blocks = len(search.errors)
    assert blocks >= 3 and len(passes) == 1 + blocks + 1
    ranked = sens.most_sensitive(search.errors, 1.0)
    first = -(-blocks // 4)
    judged: list[int] = []

    def judge(path: Path) -> sens.Agreement:
        judged.append(sum(n.op_type == "DequantizeLinear" for n in onnx.load(str(path)).graph.node))
        return of300(300 if len(judged) == 2 else 150)  # the second candidate (one more block in float) is enough

    passes.clear()
    said: list[tuple[int, int, int, float]] = []
    grown = eo.Int8Search(judge, errors=search.errors, grown=lambda *a: said.append(a))
    kept = eo.write_int8(model, meta, x, recipe, tmp_path / "b.onnx", search=grown)
    assert len(passes) == 1 + 2  # calibration (ranges of this call), two steps, no probe
    assert kept == tuple(ranked[:first + 1])
    assert [s[:3] for s in said] == [(1, len(ranked) - first + 1, first), (2, len(ranked) - first + 1, first + 1)]
    shipped = sum(n.op_type == "DequantizeLinear" for n in onnx.load(str(tmp_path / "b.onnx")).graph.node)
    assert judged[0] > judged[1] == shipped  # the accepted candidate, with fewer int8 nodes than the first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.onnx", "b.onnx"]  # no candidate, probe or ranges left
    assert grown.settled == [sens.Growth(kept, of300(300), 2, True)]  # what the export's report says it measured


def test_a_recipe_that_does_not_grow_is_never_judged(prepared: tuple[Path, ModelMeta, np.ndarray],
                                                     tmp_path: Path) -> None:
    model, meta, x = prepared
    asked: list[Path] = []
    search = eo.Int8Search(lambda p: asked.append(p) or of300(0))  # type: ignore[func-returns-value]
    kept = eo.write_int8(model, meta, x, eo.Int8Recipe(True, "MinMax", ("head",), 0.25), tmp_path / "q.onnx",
                         search=search)
    assert asked == [] and len(kept) == -(-len(search.errors) // 4)


def test_the_shipped_recipe_grows_from_a_quarter_to_at_most_60_percent() -> None:
    (recipe,) = eo.INT8_RECIPES
    assert recipe.sensitive_share == 0.25 and recipe.grow_to == 0.6 and recipe.method == "MinMax"
    assert recipe.under_fp16  # and never to a file as large as the fp16 export (pictures: 14 blocks, 13.96 MB)


def test_the_recipe_is_not_judged_on_the_images_it_calibrated_on() -> None:
    """A folder too small to halve calibrates on its measurement images: there the agreement would
    flatter every candidate, so the export keeps the first share instead of growing on it."""
    import torch

    from desktop_cls.core.inference import export as export_mod
    from desktop_cls.core.inference.export_report import ExportImages

    a = torch.zeros((4, 3, 8, 8), dtype=torch.uint8)
    b = a.clone()
    b[0, 0, 0, 0] = 1
    labels = np.zeros(4, dtype=np.int64)
    assert export_mod._same_images(ExportImages(a, labels, a.clone(), "same"))
    assert not export_mod._same_images(ExportImages(a, labels, b, "other images"))
    assert not export_mod._same_images(ExportImages(a, labels, a[:2], "fewer"))


def test_the_report_says_how_many_images_chose_the_blocks_and_what_they_promise() -> None:
    from desktop_cls.core.inference import int8_words

    met = int8_words.judged(sens.Growth(("b",), of300(298), 2, True))
    assert "300 validation images" in met and "99.3%" in met and "98.0%" in met and "95%" in met
    assert "short of" not in met
    short = int8_words.judged(sens.Growth(("b", "f"), of300(297), 3, False))
    assert "99.0%" in short and "97.5%" in short and "short of the 98%" in short
    assert int8_words.judged(None) == ""  # a recipe that did not grow says nothing it did not measure


def test_the_shipped_recipe_calibrates_with_the_moving_average_of_min_max(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    """Measured steadier than plain min-max (docs/benchmarks.md): what onnxruntime is asked for."""
    import onnxruntime.quantization as ortq

    asked: dict[str, object] = {}
    monkeypatch.setattr(ortq, "quantize_static", lambda *a, **kw: asked.update(kw))
    (recipe,) = eo.INT8_RECIPES
    eo._quantize(tmp_path / "m.onnx", np.zeros((2, 3, 8, 8), np.float32), recipe, tmp_path / "r.json", None,
                 tmp_path / "q.onnx")
    assert asked["calibrate_method"] == ortq.CalibrationMethod.MinMax
    assert asked["extra_options"] == {"CalibStridedMinMax": 1, "CalibMovingAverage": True}
    assert eo.calibration_options(eo.Int8Recipe(True, "MinMax")) == {"CalibStridedMinMax": 1}
    assert recipe.calibration != eo.Int8Recipe(True, "MinMax").calibration  # never sharing one cached range file
    assert "minmax (moving average)" in recipe.describe()


def test_moving_average_ranges_are_narrower_than_the_extremes(prepared: tuple[Path, ModelMeta, np.ndarray],
                                                              tmp_path: Path) -> None:
    """onnxruntime applies it: each activation's range is the mean of the batches' ranges, inside the extremes."""
    import json

    model, _meta, x = prepared
    width: dict[bool, dict[str, float]] = {}
    for moving in (False, True):
        recipe = eo.Int8Recipe(True, "MinMax", moving_average=moving)
        eo._quantize(model, x[:32], recipe, tmp_path / f"r{moving}.json", None, tmp_path / f"q{moving}.onnx")
        data = json.loads((tmp_path / f"r{moving}.json").read_text())["data"]  # onnxruntime's calibration cache
        width[moving] = {k: v["highest"]["data"][0] - v["lowest"]["data"][0] for k, v in data.items()}
    widths = [(width[True][k], width[False][k]) for k in width[False]]
    assert all(m <= e + 1e-6 for m, e in widths) and any(m < e - 1e-6 for m, e in widths)


def test_growth_under_fp16_stops_before_the_file_is_as_large_as_the_fp16_one(
        prepared: tuple[Path, ModelMeta, np.ndarray], tmp_path: Path) -> None:
    """Never met, the growth runs to its bound: with under_fp16 that bound is the size of the fp16 file."""
    from dataclasses import replace

    model, meta, x = prepared
    recipe = eo.Int8Recipe(True, "MinMax", ("head",), 0.01, grow_to=1.0, under_fp16=True)
    capped = eo.Int8Search(lambda p: of300(0))
    kept = eo.write_int8(model, meta, x, recipe, tmp_path / "capped.onnx", search=capped)
    free = eo.Int8Search(lambda p: of300(0), errors=capped.errors)
    everything = eo.write_int8(model, meta, x, replace(recipe, under_fp16=False), tmp_path / "all.onnx", search=free)
    assert len(kept) < len(everything) == len(capped.errors)
    assert (tmp_path / "capped.onnx").stat().st_size < model.stat().st_size / 2 < (tmp_path / "all.onnx").stat().st_size
