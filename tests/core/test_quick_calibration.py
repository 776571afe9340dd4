"""Calibration of a quick-mode run: the temperature fitted on its cross-validated logits is the one the
saved model, Evaluate (expected calibration error on held-out images) and every export apply."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from desktop_cls.core.data.dataset import labeled_folder
from desktop_cls.core.data.image_cache import decode_samples
from desktop_cls.core.inference.calibration import CalibrationResult, softmax
from desktop_cls.core.inference.evaluation import evaluate
from desktop_cls.core.inference.export import export_model
from desktop_cls.core.inference.metrics import expected_calibration_error
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training import quick
from desktop_cls.core.training.run import fit
from tests.conftest import make_tiny_folder
from tests.core.test_quick_mode import quick_cfg

FITTED = 2.5


def test_the_fitted_temperature_is_used_by_evaluate_and_the_exports(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def calibrate(z: np.ndarray, y: np.ndarray, cross_validated: bool = False) -> CalibrationResult:
        seen.append(len(y))  # the cross-validated logits of every labelled image
        return CalibrationResult(True, len(y), FITTED, 0.2, 0.05)

    monkeypatch.setattr(quick, "calibrate_logits", calibrate)
    data = make_tiny_folder(tmp_path / "data", per_class=6, size=24)
    held_out = make_tiny_folder(tmp_path / "held_out", per_class=4, size=24, seed=7)
    run = Path(fit(quick_cfg(), data, out=tmp_path / "run").run_dir)
    assert seen == [18]
    meta = json.loads((run / "model.json").read_text())
    assert meta["mode"] == "quick" and meta["temperature"] == FITTED
    assert meta["ece_calibrated"] == 0.05

    predictor = Predictor.load(run, device="cpu")
    report = evaluate(predictor, held_out)  # a folder the run never saw: every image scored by the network
    assert report.split == "folder" and len(report.y_true) == 12
    decoded, _ = decode_samples(list(labeled_folder(held_out, predictor.classes).samples), predictor.meta.input_size)
    logits = predictor.logits(decoded.images)
    expected = softmax(logits, FITTED)
    np.testing.assert_allclose(report.probs, expected, atol=1e-5)
    assert report.report["ece"] == pytest.approx(expected_calibration_error(decoded.labels.numpy(), expected))
    assert report.report["ece"] != pytest.approx(  # the temperature changes the figure: it is really applied
        expected_calibration_error(decoded.labels.numpy(), softmax(logits, 1.0)))

    exported = export_model(run, "onnx", tmp_path / "m.onnx", data=held_out)
    assert json.loads(Path(exported.sidecar).read_text())["temperature"] == FITTED
    onnx_predictor = Predictor.load(exported.path, device="cpu")
    assert onnx_predictor.temperature == FITTED
    np.testing.assert_allclose(onnx_predictor.probabilities(decoded.images), expected, atol=1e-4)
    with torch.inference_mode():
        assert onnx_predictor.logits(decoded.images[:1]).shape == (1, 3)


def test_too_few_cross_validated_images_ask_for_more_images_not_a_larger_validation_share() -> None:
    """Cross-validation already validates every labeled image: raising the validation share changes nothing."""
    from desktop_cls.core.inference.calibration import calibrate_logits

    z, y = np.zeros((90, 3)), np.arange(90) % 3
    cross = calibrate_logits(z, y, cross_validated=True).message()
    assert "90 labeled images, all of them already cross-validated" in cross and "validation share" not in cross
    assert "raise the validation share" in calibrate_logits(z, y).message()
