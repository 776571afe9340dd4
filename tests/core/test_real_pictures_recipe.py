"""The parts of the real-pictures recipe on small data: the Lite1/Lite2 backbones, the head whose strength
cross-validation picks, and the backbone choice from the images and the measured speed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from desktop_cls.core.models.efficientnet_lite import EfficientNetLite0
from desktop_cls.core.training.backbone_choice import (
    DEFAULT_SPEED,
    FEATURE_BUDGET_S,
    choose_backbone,
    measured_speeds,
    record_speed,
)
from desktop_cls.core.training.linear_head import cv_folds_for, fit_head_cv

LITE = ("efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2")


@pytest.mark.parametrize("model", ["efficientnet_lite1", "efficientnet_lite2"])
def test_lite_weights_load_strictly_and_see_a_photo(model: str) -> None:
    from desktop_cls.core.models.efficientnet_lite_family import efficientnet_lite, weights_available

    if not weights_available(model):
        pytest.skip(f"{model} weights not installed")
    from desktop_cls.core.models.efficientnet_lite import imagenet_classes
    from tests.core.test_efficientnet_lite import _sample_photo

    net = efficientnet_lite(model, 1000, pretrained=True).eval()
    with torch.no_grad():
        top5 = net(_sample_photo("china.jpg", 260)).topk(5).indices[0].tolist()
    names = {imagenet_classes()[i] for i in top5}
    assert names & {"palace", "pagoda, pagoda tree", "monastery", "stupa, tope", "church, church building",
                    "bell cote, bell cot", "triumphal arch", "dome", "castle"}, names


def test_lite2_fits_build_model_and_folds_like_lite0() -> None:
    from desktop_cls.core.models.architectures import build_model

    net = build_model("efficientnet_lite2", 3, 64).eval()
    assert isinstance(net, EfficientNetLite0)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert net(x).shape == (2, 3)
        assert torch.allclose(net.features(x), net.fused_for_inference().features(x), atol=1e-4)


def test_wrong_weights_for_lite2_are_refused(tmp_path: Path) -> None:
    from desktop_cls.core.errors import UserError
    from desktop_cls.core.models.efficientnet_lite import EfficientNetLite0
    from desktop_cls.core.models.efficientnet_lite_family import efficientnet_lite

    f = tmp_path / "lite0.pth"
    torch.save(EfficientNetLite0(1000).state_dict(), f)
    with pytest.raises(UserError, match="do not fit efficientnet_lite2"):
        efficientnet_lite("efficientnet_lite2", 4, weights_file=str(f))


def _blobs(per_class: int, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1, (3, 20))
    y = np.repeat(np.arange(3), per_class)
    return (centres[y] + rng.normal(0, noise, (len(y), 20))).astype(np.float32), y


def test_cv_head_picks_strong_regularisation_for_noisy_features() -> None:
    """Noise far larger than the signal: the out-of-fold loss prefers the smallest C, clean data a larger one."""
    x, y = _blobs(10, noise=6.0)
    noisy = fit_head_cv(x, y, 3)
    x, y = _blobs(10, noise=0.2)
    clean = fit_head_cv(x, y, 3)
    assert noisy.c < clean.c
    assert noisy.cv_logits is not None and noisy.cv_logits.shape == (30, 3)
    assert set(noisy.cv_loss) == {0.1, 0.3, 1.0, 3.0, 10.0}
    assert noisy.weight.shape == (3, 20) and noisy.bias.shape == (3,)


def test_cv_head_without_enough_images_fits_once() -> None:
    x, y = _blobs(1, noise=0.1)
    assert cv_folds_for(y) == 0
    fit = fit_head_cv(x, y, 3)
    assert fit.cv_logits is None and fit.cv_loss == {} and fit.c == 1.0


def test_small_scans_keep_lite0_whatever_the_speed() -> None:
    c = choose_backbone((32, 32), 200, speeds={m: 1000.0 for m in LITE}, available=LITE)
    assert c.model == "efficientnet_lite0" and c.image_size == 224


def test_pictures_get_lite2_when_its_features_fit_the_budget() -> None:
    fast = choose_backbone((400, 300), 200, speeds={}, available=LITE)
    assert 200 / DEFAULT_SPEED["efficientnet_lite2"] <= FEATURE_BUDGET_S
    assert (fast.model, fast.image_size) == ("efficientnet_lite2", 260)
    assert "typical for a 2-core CPU" in fast.reason


def test_a_slow_computer_or_many_images_fall_back_to_a_lighter_backbone() -> None:
    slow = {"efficientnet_lite2": 2.0, "efficientnet_lite1": 3.0, "efficientnet_lite0": 4.0}
    c = choose_backbone((400, 300), 200, speeds=slow, available=LITE)
    assert c.model == "efficientnet_lite0" and "measured on this computer" in c.reason
    assert choose_backbone((400, 300), 200, speeds={}, available=("efficientnet_lite0",)).model == "efficientnet_lite0"


def test_speed_rises_at_once_and_a_busy_run_lowers_it_a_little(tmp_path: Path) -> None:
    f = tmp_path / "speed.json"
    record_speed("efficientnet_lite2", 10.0, f)
    record_speed("efficientnet_lite2", 20.0, f)
    record_speed("not_a_model", 5.0, f)
    assert measured_speeds(f) == {"efficientnet_lite2": 20.0}
    record_speed("efficientnet_lite2", 4.0, f)  # other programs busy: a quarter of the way down
    assert measured_speeds(f) == {"efficientnet_lite2": 16.0}
    f.write_text(json.dumps({"efficientnet_lite2": "fast", "efficientnet_lite0": -1}))
    assert measured_speeds(f) == {}
    f.write_text("{broken")
    assert measured_speeds(f) == {}


def _transparent_drawing(path: Path, canvas: tuple[int, int] = (300, 100)) -> Path:
    """A red 20 x 20 square in the left part of a wide transparent canvas."""
    from PIL import Image

    arr = np.zeros((canvas[1], canvas[0], 4), dtype=np.uint8)
    arr[40:60, 30:50] = (255, 0, 0, 255)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr, "RGBA").save(path)
    return path


def test_a_transparent_drawing_is_cut_to_its_visible_part_and_letterboxed(tmp_path: Path) -> None:
    from desktop_cls.core.data.imaging import load_resized, load_rgb

    p = _transparent_drawing(tmp_path / "d.png")
    assert load_rgb(p).size == (300, 100)  # the image itself stays whole (viewers, overlays)
    view = load_resized(p, (32, 32))
    assert view[16, 16].tolist() == [255, 0, 0]  # the square fills the view
    assert view[2, 2].tolist() == [255, 0, 0]  # square box: no margin left


def test_a_wide_transparent_drawing_keeps_its_shape(tmp_path: Path) -> None:
    from PIL import Image

    from desktop_cls.core.data.imaging import load_resized

    arr = np.zeros((100, 300, 4), dtype=np.uint8)
    arr[40:60, 20:280] = (0, 0, 255, 255)  # a 260 x 20 bar: letterboxed, white above and below
    Image.fromarray(arr, "RGBA").save(tmp_path / "bar.png")
    view = load_resized(tmp_path / "bar.png", (26, 26))
    assert view[13, 13].tolist() == [0, 0, 255]
    assert view[2, 13].tolist() == [255, 255, 255] and view[23, 13].tolist() == [255, 255, 255]


def test_an_opaque_picture_is_stretched_as_before(tmp_path: Path) -> None:
    from PIL import Image

    from desktop_cls.core.data.imaging import load_resized

    arr = np.zeros((100, 300, 4), dtype=np.uint8)
    arr[..., 3] = 255
    arr[:, :150, 0] = 255  # left half red, right half black, fully opaque
    Image.fromarray(arr, "RGBA").save(tmp_path / "o.png")
    view = load_resized(tmp_path / "o.png", (20, 20))
    assert view[10, 2].tolist() == [255, 0, 0] and view[10, 17].tolist() == [0, 0, 0]


def test_a_big_picture_is_reduced_before_the_rest_of_the_work() -> None:
    from PIL import Image

    from desktop_cls.core.data.picture_view import reduce_for

    big = Image.new("RGB", (6000, 4000))
    small = reduce_for(big, 260)
    assert min(small.size) >= 2 * 260 and small.size[0] < 3000
    assert reduce_for(Image.new("RGB", (600, 500)), 260).size == (600, 500)  # nothing to gain
    assert reduce_for(Image.new("RGB", (4000, 3000)), 260).size == (4000, 3000)  # a photo: resized as it is
    pal = reduce_for(Image.new("P", (6000, 4000)), 100)
    assert pal.mode == "RGB" and min(pal.size) >= 200


def test_standardisation_folds_into_the_head_exactly() -> None:
    from desktop_cls.core.training.linear_head import STANDARDISED_C_GRID, standardised

    x, y = _blobs(8, noise=1.0)
    x = x * np.linspace(0.1, 50, 20).astype(np.float32) + 3.0  # features of very different scales
    fit = fit_head_cv(x, y, 3, STANDARDISED_C_GRID, standardise=True)
    xs, _mean, _scale = standardised(x)
    inner = fit_head_cv(xs, y, 3, STANDARDISED_C_GRID)
    np.testing.assert_allclose(x @ fit.weight.T + fit.bias, xs @ inner.weight.T + inner.bias, atol=1e-3)
    assert fit.c == inner.c


def test_avg_and_max_pooled_side_by_side_save_and_load(tmp_path: Path) -> None:
    from desktop_cls.core.models.architectures import build_model
    from desktop_cls.core.models.model_io import ModelMeta, load_native, save_native

    net = build_model("efficientnet_lite0", 3, 64, pooling="avgmax").eval()
    assert isinstance(net, EfficientNetLite0)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert net.features(x).shape == (2, 2560)
        meta = ModelMeta("efficientnet_lite0", ("a", "b", "c"), 64, (64, 64), (0.5,) * 3, (0.5,) * 3,
                         pooling="avgmax")
        save_native(net, meta, tmp_path / "m.safetensors")
        back, meta2 = load_native(tmp_path / "m.safetensors")
        assert meta2.pooling == "avgmax"
        torch.testing.assert_close(back.eval()(x), net(x))


def test_the_recipe_picks_lite2_for_pictures_and_lite0_for_scans() -> None:
    from desktop_cls.core.training.backbone_choice import installed
    from desktop_cls.core.training.choices import choose_image_size, choose_pooling
    from desktop_cls.core.training.methods import choose_method

    if not installed("efficientnet_lite2"):
        pytest.skip("Lite2 weights not installed")
    pictures = choose_method({"a": 20, "b": 20}, (400, 300))
    assert (pictures.model, pictures.name) == ("efficientnet_lite2", "quick")
    assert "EfficientNet-Lite2 (260 px)" in pictures.reason
    assert choose_image_size("efficientnet_lite2", (400, 300)).value == 260
    assert choose_pooling((400, 300), "efficientnet_lite2").pooling == "avgmax"
    assert choose_method({"a": 20, "b": 20}, (32, 32)).model == "efficientnet_lite0"


def test_a_quick_run_on_pictures_fits_the_standardised_head_and_says_its_strength(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_cls.core.training.quick as quick
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.core.training.choices import PoolingChoice
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit
    from tests.conftest import make_tiny_folder

    class Notes:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def on_notice(self, notice: object) -> None:
            self.lines.append(str(getattr(notice, "message", "")))

    # Lite0 stands in for Lite2: the same code path (avg + max pooled, standardised head), a fraction of the time
    monkeypatch.setattr(quick, "choose_pooling", lambda typical, model: PoolingChoice("avgmax", "pictures"))
    data = make_tiny_folder(tmp_path / "d", per_class=6, size=100)
    cfg = TrainConfig(model="efficientnet_lite0", image_size=64, pretrained=True, method="quick", seed=0)
    notes = Notes()
    res = fit(cfg, data, out=tmp_path / "run", callbacks=[notes])
    assert any("head strength C = " in n for n in notes.lines), notes.lines
    assert any("decoding the images" in n and "the network" in n for n in notes.lines)
    assert res.best_val_accuracy is not None and res.best_val_accuracy >= 0.9
    pred = Predictor.load(res.run_dir, device="cpu")
    assert pred.meta.pooling == "avgmax"
    out = pred.predict_paths(sorted((data / "dog").glob("*.png")))
    assert sum(p.label == "dog" for p in out) >= 5
