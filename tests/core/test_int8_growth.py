"""int8's adaptive recipe: past the most sensitive quarter, one more block in float at a time (in the
order measured once) until the agreement on images it was not calibrated on reaches the target, or the
bound is reached; each step is said. The figures it reaches are in docs/benchmarks.md, not here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference import export_onnx as eo
from desktop_cls.core.inference import int8_sensitivity as sens
from desktop_cls.core.models.model_io import ModelMeta

ERRORS = {"a": 0.01, "b": 0.08, "c": 0.03, "d": 0.0, "e": 0.02, "f": 0.05}  # ranked b f c e a; d costs nothing


class Judge:
    """Agreement as a function of how many blocks are kept, counting the candidates it is asked about."""

    def __init__(self, by_count: dict[int, float]) -> None:
        self.by_count = by_count
        self.asked: list[list[str]] = []

    def __call__(self, kept: list[str]) -> float:
        self.asked.append(kept)
        return self.by_count[len(kept)]


def test_it_stops_at_the_first_count_that_reaches_the_target() -> None:
    judge = Judge({2: 0.97, 3: 0.985, 4: 0.99, 5: 1.0})
    said: list[tuple[int, int, int, float]] = []
    got = sens.grow(ERRORS, 2, 5, judge, 0.99, progress=lambda *a: said.append(a))
    assert judge.asked == [["b", "f"], ["b", "f", "c"], ["b", "f", "c", "e"]]  # in the measured order, then stop
    assert got == sens.Growth(("b", "f", "c", "e"), 0.99, 3)
    assert said == [(1, 4, 2, 0.97), (2, 4, 3, 0.985), (3, 4, 4, 0.99)]  # step, most steps, blocks, agreement


def test_a_first_share_that_is_enough_is_not_grown() -> None:
    judge = Judge({2: 0.995})
    assert sens.grow(ERRORS, 2, 5, judge, 0.99) == sens.Growth(("b", "f"), 0.995, 1)
    assert len(judge.asked) == 1


def test_at_the_bound_it_keeps_the_best_with_the_fewest_blocks() -> None:
    judge = Judge({2: 0.96, 3: 0.98, 4: 0.97, 5: 0.98})
    got = sens.grow(ERRORS, 2, 5, judge, 0.99)
    assert [len(k) for k in judge.asked] == [2, 3, 4, 5]  # never past the bound
    assert got == sens.Growth(("b", "f", "c"), 0.98, 4)  # 5 blocks agree no better than 3


def test_the_bound_never_keeps_a_block_that_costs_nothing() -> None:
    judge = Judge({4: 0.9, 5: 0.9})
    got = sens.grow(ERRORS, 4, 6, judge, 0.99)  # "d" (error 0) is never kept: 5 blocks at most
    assert [len(k) for k in judge.asked] == [4, 5] and "d" not in got.kept


def test_cancel_is_heard_between_steps() -> None:
    token = CancelToken()

    def judge(kept: list[str]) -> float:
        token.set()
        return 0.5

    with pytest.raises(CancelledError):
        sens.grow(ERRORS, 1, 5, judge, 0.99, cancel=token)


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

    def judge(path: Path) -> float:
        judged.append(sum(n.op_type == "DequantizeLinear" for n in onnx.load(str(path)).graph.node))
        return 1.0 if len(judged) == 2 else 0.5  # the second candidate (one more block in float) is enough

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


def test_a_recipe_that_does_not_grow_is_never_judged(prepared: tuple[Path, ModelMeta, np.ndarray],
                                                     tmp_path: Path) -> None:
    model, meta, x = prepared
    asked: list[Path] = []
    search = eo.Int8Search(lambda p: asked.append(p) or 0.0)  # type: ignore[func-returns-value]
    kept = eo.write_int8(model, meta, x, eo.Int8Recipe(True, "MinMax", ("head",), 0.25), tmp_path / "q.onnx",
                         search=search)
    assert asked == [] and len(kept) == -(-len(search.errors) // 4)


def test_the_shipped_recipe_grows_from_a_quarter_to_at_most_half() -> None:
    (recipe,) = eo.INT8_RECIPES
    assert recipe.sensitive_share == 0.25 and recipe.grow_to == 0.5


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
