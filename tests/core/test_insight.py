"""Learning-rate finder, Grad-CAM, calibration, PR/ROC curves, unknown threshold, TensorBoard."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from desktop_cls.core.inference.calibration import fit_temperature, softmax
from desktop_cls.core.inference.explain import explain_image, occlusion, overlay
from desktop_cls.core.inference.metrics import average_precision, expected_calibration_error, pr_curve, roc_curve
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.training.config import Augmentation, TrainConfig
from desktop_cls.core.training.lr_finder import find_lr
from desktop_cls.core.training.run import fit


def test_lr_finder_recommends_a_sane_rate(tiny_folder: Path) -> None:
    res = find_lr(TrainConfig(model="simple_cnn", batch_size=4, image_size=16, optimizer="sgd"), tiny_folder,
                  start_lr=1e-6, end_lr=10.0, steps=80)
    assert 1e-5 <= res.recommended_lr <= 1.0
    assert len(res.lrs) == len(res.losses) > 10
    assert all(a < b for a, b in zip(res.lrs, res.lrs[1:], strict=False))


def quadrant_folder(root: Path, n: int = 40, size: int = 32) -> Path:
    """Class 'marked' has a white square in the top-left quadrant; both classes have a white
    square somewhere in the bottom half too, so only the top-left tells them apart."""
    rng = np.random.default_rng(0)
    for cls in ("marked", "plain"):
        for i in range(n):
            img = rng.integers(0, 60, (size, size, 3)).astype(np.uint8)
            y, x = rng.integers(size // 2, size - 8), rng.integers(0, size - 8)
            img[y:y + 6, x:x + 6] = 255
            if cls == "marked":
                y, x = rng.integers(1, size // 2 - 7), rng.integers(1, size // 2 - 7)
                img[y:y + 6, x:x + 6] = 255
            p = root / cls / f"{i:03d}.png"
            p.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(img).save(p)
    return root


@pytest.mark.slow
def test_grad_cam_highlights_the_region_that_decides(tmp_path: Path) -> None:
    data = quadrant_folder(tmp_path / "quad")
    cfg = TrainConfig(epochs=12, batch_size=16, image_size=32, val_fraction=0.2, seed=0,
                      augmentation=Augmentation(hflip=False, random_resized_crop=False))
    res = fit(cfg, data, out=tmp_path / "run")
    assert res.best_val_accuracy is not None and res.best_val_accuracy >= 0.85
    pred = Predictor.load(res.run_dir)
    marked = pred.classes.index("marked")
    inside, outside = [], []
    for path in sorted((data / "marked").iterdir())[:10]:
        img = np.asarray(Image.open(path).convert("RGB"))
        heat = explain_image(pred, img, class_index=marked).heatmap
        assert heat.shape == (32, 32)
        inside.append(heat[:16, :16].mean())
        outside.append(heat[16:, :].mean())
    assert np.mean(inside) > 1.5 * np.mean(outside)


def test_occlusion_fallback_finds_the_decisive_patch() -> None:
    def probs(batch: torch.Tensor) -> np.ndarray:  # "class 1" = brightness of the top-left corner
        score = batch[:, :, :8, :8].float().mean(dim=(1, 2, 3)).numpy() / 255
        return np.stack([1 - score, score], axis=1)

    img = torch.zeros(1, 3, 24, 24, dtype=torch.uint8)
    img[:, :, :8, :8] = 255
    heat = occlusion(probs, img, class_index=1).heatmap
    assert heat[:8, :8].mean() > 3 * heat[12:, 12:].mean()


def test_overlay_keeps_the_image_size() -> None:
    rgb = np.zeros((50, 70, 3), dtype=np.uint8)
    out = overlay(rgb, np.ones((8, 8), dtype=np.float32))
    assert out.shape == (50, 70, 3) and out.max() > 0


def test_temperature_scaling_lowers_ece_of_an_overconfident_model() -> None:
    rng = np.random.default_rng(0)
    n, c = 2000, 5
    labels = rng.integers(0, c, n)
    logits = rng.normal(0, 1, (n, c))
    correct = rng.random(n) < 0.6  # 60 % accurate ...
    logits[np.arange(n), np.where(correct, labels, (labels + 1) % c)] += 2.0
    logits *= 6.0  # ... but shouting 99 % sure
    before = expected_calibration_error(labels, softmax(logits))
    t = fit_temperature(logits, labels)
    after = expected_calibration_error(labels, softmax(logits, t))
    assert t > 2 and after < before / 3


def test_a_flawless_validation_set_does_not_make_every_prediction_certain() -> None:
    rng = np.random.default_rng(1)
    n, c = 120, 10
    labels = rng.integers(0, c, n)
    logits = rng.normal(0, 1, (n, c))
    logits[np.arange(n), labels] += 8.0  # every validation image right, with a clear margin
    assert (logits.argmax(axis=1) == labels).all()
    t = fit_temperature(logits, labels)
    mean_conf = softmax(logits, t).max(axis=1).mean()
    assert t > 0.05 * 1.5  # the unconstrained fit would run to the lower bound
    assert mean_conf == pytest.approx((n + 1) / (n + 2), abs=1e-6)
    wrong = labels.copy()
    wrong[:30] = (labels[:30] + 1) % c  # a quarter wrong: the cap is not what decides
    t_wrong = fit_temperature(logits, wrong)
    assert softmax(logits, t_wrong).max(axis=1).mean() < (90 + 1) / (n + 2)


def test_training_stores_the_temperature_for_every_consumer(calibrated_digits_run: tuple[Path, list[str]],
                                                           tmp_path: Path) -> None:
    from desktop_cls.core.inference.export import export_model

    run, _ = calibrated_digits_run
    meta = json.loads((run / "model.json").read_text())
    assert meta["temperature"] > 0 and "ece_calibrated" in meta
    assert Predictor.load(run).temperature == pytest.approx(meta["temperature"])
    res = export_model(run, "onnx", tmp_path / "m")
    assert json.loads(Path(res.sidecar).read_text())["temperature"] == pytest.approx(meta["temperature"])
    assert Predictor.load(res.path).temperature == pytest.approx(meta["temperature"])


def test_pr_and_roc_curves_by_hand() -> None:
    y = np.array([1, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.7, 0.1])
    precision, recall, _ = pr_curve(y, s)
    assert recall.tolist() == [0, 0.5, 0.5, 1, 1]
    assert precision[1:].tolist() == pytest.approx([1, 0.5, 2 / 3, 0.5])
    _fpr, _tpr, auc = roc_curve(y, s)
    assert auc == pytest.approx(0.75)
    assert average_precision(y, s) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_threshold_gives_unknown(trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    pred = Predictor.load(run)
    sure = pred.predict_paths([data / "cat"], threshold=0.0)
    unsure = pred.predict_paths([data / "cat"], threshold=1.01)
    assert all(p.label != "unknown" for p in sure)
    assert all(p.label == "unknown" and p.top_k for p in unsure)


def test_tensorboard_scalars_are_written(tiny_folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    res = fit(TrainConfig(model="simple_cnn", epochs=2, batch_size=4, image_size=16), tiny_folder,
              out=tmp_path / "run")
    acc = EventAccumulator(str(Path(res.run_dir) / "tensorboard"))
    acc.Reload()
    tags = acc.Tags()["scalars"]
    assert "epoch/accuracy/val" in tags and "epoch/loss/train" in tags
    assert [e.step for e in acc.Scalars("epoch/loss/train")] == [1, 2]


def _digits_run(tmp_path: Path, per_class: int, val_fraction: float) -> tuple[Path, list[str]]:
    from desktop_cls.core.events import BaseCallback
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit
    from tests.conftest import make_digits_folder

    notices: list[str] = []

    class Notices(BaseCallback):
        def on_notice(self, event: object) -> None:
            notices.append(str(getattr(event, "message", "")))

    data = make_digits_folder(tmp_path / "digits", per_class=per_class)
    cfg = TrainConfig(model="simple_cnn", epochs=3, batch_size=16, image_size=16, seed=0, val_fraction=val_fraction)
    res = fit(cfg, data, out=tmp_path / "run", callbacks=[Notices()])
    return Path(res.run_dir), notices


def test_too_few_validation_images_are_not_used_to_calibrate(tmp_path: Path) -> None:
    """20 validation images (scikit-learn digits): no temperature is fitted, and the log says why."""
    run, notices = _digits_run(tmp_path, per_class=12, val_fraction=0.2)
    meta = json.loads((run / "model.json").read_text())
    assert sum(1 for _ in (tmp_path / "digits").rglob("*.png")) == 120
    assert meta["temperature"] == 1.0 and "ece_calibrated" not in meta
    said = [n for n in notices if "calibrat" in n]
    assert len(said) == 1 and "not calibrated" in said[0] and "20 validation image" in said[0], said
    assert "too few" in said[0]


@pytest.fixture(scope="module")
def calibrated_digits_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """120 validation images of scikit-learn digits: enough to calibrate."""
    return _digits_run(tmp_path_factory.mktemp("calibrated"), per_class=40, val_fraction=0.3)


def test_enough_validation_images_are_calibrated(calibrated_digits_run: tuple[Path, list[str]]) -> None:
    from desktop_cls.core.inference.calibration import MIN_CALIBRATION_IMAGES

    run, notices = calibrated_digits_run
    meta = json.loads((run / "model.json").read_text())
    said = [n for n in notices if "calibrat" in n]
    assert len(said) == 1 and "calibrated on 120 validation images" in said[0], said
    assert MIN_CALIBRATION_IMAGES <= 120 and meta["temperature"] != 1.0 and "ece_calibrated" in meta


def test_a_temperature_on_the_search_bound_is_not_applied(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """A model confidently wrong on every image drives the fit to the top of the range: not applied."""
    import shutil

    import torch

    from desktop_cls.core.inference.calibration import HI_T, calibrate_run, fit_temperature
    from desktop_cls.core.models.model_io import load_native
    from desktop_cls.core.models.preprocessing import normalize, to_float

    run = tmp_path / "run"
    shutil.copytree(trained_run[0], run)
    before = (run / "model.json").read_text()
    model, meta = load_native(run / "model.safetensors")
    x = torch.stack([torch.from_numpy(np.asarray(Image.open(p).convert("RGB").resize(meta.input_size))).permute(2, 0, 1)
                     for p in sorted(trained_run[1].rglob("*.png"))] * 4)
    with torch.inference_mode():
        logits = model(normalize(to_float(x), meta.mean, meta.std))
    wrong = (logits.argmax(dim=1) + 1) % len(meta.classes)
    assert fit_temperature(logits.numpy(), wrong.numpy()) > HI_T / 1.01  # the premise: it runs to the bound
    result = calibrate_run(run, [(x, wrong)], torch.device("cpu"), meta.mean, meta.std)
    assert not result.applied and "edge of the range" in result.reason
    assert (run / "model.json").read_text() == before


def test_too_few_validation_images_leave_the_logits_uncalibrated() -> None:
    """Every recipe (epochs or the quick head) calibrates through one rule: 36 images are too few."""
    import numpy as np

    from desktop_cls.core.inference.calibration import calibrate_logits

    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(36, 3)), rng.integers(0, 3, 36)
    res = calibrate_logits(z, y)
    assert not res.applied and res.temperature == 1.0 and "too few" in res.message()
    z_many, y_many = rng.normal(size=(400, 3)) * 4, rng.integers(0, 3, 400)
    z_many[np.arange(400), y_many] += 6.0
    assert calibrate_logits(z_many, y_many).applied


def test_a_temperature_that_would_raise_the_shown_calibration_error_is_not_applied() -> None:
    """The fit minimises the loss; the app shows the calibration error. Logits whose labels were drawn from their own
    softmax are calibrated already: a fit that would raise their error is left out and says why, while
    overconfident logits (the same, times 3) are still calibrated, and every applied fit lowers the error."""
    import numpy as np

    from desktop_cls.core.inference.calibration import calibrate_logits, softmax

    outcomes = set()
    for seed in range(12):
        rng = np.random.default_rng(seed)
        z = rng.normal(size=(300, 4)) * 2
        y = np.array([rng.choice(4, p=p) for p in softmax(z)])
        own = calibrate_logits(z, y)
        assert own.applied == (own.ece_after < own.ece_before)
        if not own.applied:
            assert own.already_calibrated and "already as well calibrated" in own.message()
        outcomes.add(own.applied)
        sharp = calibrate_logits(z * 3, y)
        assert sharp.applied and sharp.ece_after < sharp.ece_before and sharp.temperature > 2
    assert outcomes == {True, False}  # both cases met: the rule was tested, not assumed
