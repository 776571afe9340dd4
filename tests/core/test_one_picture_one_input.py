"""One picture, one network input: `predict` (a file, its small copy kept), `serve` (an upload, nothing kept),
a heat map and a thumbnail read a huge picture alike; a picture with a transparent colour (PNG tRNS) is
transparency at any size, as an alpha channel is; a model asking for a resize nothing applies is refused. The
picture is real clip art (a dove from openclipart); the thresholds for huge pictures are lowered so that the
dove is small and a 3x copy of it stands in for a 13,000 px drawing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data import imaging, picture_view, small_copies
from desktop_cls.core.data.imaging import decode_rgb, load_resized, load_rgb, resize_rgb
from desktop_cls.core.data.small_copies import SmallCopies
from desktop_cls.core.data.thumbnail_cache import decode_thumbnail
from desktop_cls.core.errors import ModelFileError
from desktop_cls.core.models.model_io import ModelMeta, read_meta

DOVE = Path("/usr/share/openclipart/png/animals/birds/dove_symbol.png")  # grey and alpha, 318 x 390
SIZE = (32, 32)


@pytest.fixture
def copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SmallCopies:
    """The dove is small, its 3x copy (954 x 1170) huge."""
    monkeypatch.setattr(small_copies, "REDUCE_ABOVE_PIXELS", 500_000)
    monkeypatch.setattr(picture_view, "REDUCE_ABOVE_PIXELS", 500_000)
    monkeypatch.setattr(small_copies, "SMALL_SIDE", 128)
    cache = SmallCopies(tmp_path / "small")
    monkeypatch.setattr(imaging, "SMALL_COPIES", cache)
    return cache


def dove() -> tuple[np.ndarray, np.ndarray]:
    """The dove's grey levels and where it is visible (alpha >= 128)."""
    if not DOVE.is_file():
        pytest.skip("openclipart-png is not installed")
    with Image.open(DOVE) as im:
        la = np.asarray(im.convert("LA"))
    return la[..., 0].copy(), la[..., 1] >= 128


def keyed_doves(folder: Path, scale: int = 1) -> dict[str, Path]:
    """The dove with a transparent colour, as 8-bit grey, RGB and 16-bit grey PNGs, and the same pictures with
    an alpha channel instead ('alpha_grey', 'alpha_rgb')."""
    grey, visible = dove()
    if scale > 1:
        grey, visible = (np.kron(a, np.ones((scale, scale), a.dtype)) for a in (grey, visible))
    grey |= 1  # odd grey levels only (a change nobody sees): the even level 0 is free to be transparent
    key = 0
    grey[~visible] = key
    alpha = np.where(visible, 255, 0).astype(np.uint8)
    rgb = np.stack([grey, grey // 2, 255 - grey], axis=-1)
    rgb[~visible] = (255, 0, 255)  # magenta, which the dove never is (its red would be 0)
    folder.mkdir(parents=True, exist_ok=True)
    out = {name: folder / f"{name}.png" for name in ("grey", "rgb", "grey16", "alpha_grey", "alpha_rgb")}
    Image.fromarray(grey, "L").save(out["grey"], transparency=key, compress_level=1)
    Image.fromarray(rgb, "RGB").save(out["rgb"], transparency=(255, 0, 255), compress_level=1)
    Image.fromarray(grey.astype(np.uint16) * 257).save(out["grey16"], transparency=key * 257)
    Image.fromarray(np.stack([grey, alpha], axis=-1), "LA").save(out["alpha_grey"], compress_level=1)
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(out["alpha_rgb"], compress_level=1)
    return out


def test_a_transparent_colour_is_transparency_as_an_alpha_channel_is(tmp_path: Path) -> None:
    """A small clip-art PNG whose background is one transparent colour is cut to its visible part and letterboxed
    on white, exactly as the same picture with an alpha channel: the colour itself is never seen."""
    doves = keyed_doves(tmp_path)
    with Image.open(doves["grey16"]) as im:
        assert im.mode.startswith("I;16") and "transparency" in im.info
    for keyed, same in (("grey", "alpha_grey"), ("rgb", "alpha_rgb"), ("grey16", "alpha_grey")):
        assert np.array_equal(load_resized(doves[keyed], SIZE), load_resized(doves[same], SIZE)), keyed
    view = load_resized(doves["rgb"], SIZE)
    assert (view[:, 0] == 255).all() and (view[:, -1] == 255).all()  # a tall dove: white bars left and right
    thumb = np.asarray(load_rgb(doves["rgb"]))
    assert not ((thumb == (255, 0, 255)).all(axis=-1)).any()  # the thumbnail shows white, not magenta


def test_a_transparent_colour_looks_the_same_small_and_huge(tmp_path: Path, copies: SmallCopies) -> None:
    """A huge picture is reduced before it is seen; its transparent colour must survive that as it does in a
    small one, so both are the same dove letterboxed on white."""
    small, huge = keyed_doves(tmp_path / "small"), keyed_doves(tmp_path / "huge", scale=3)
    for name in ("grey", "rgb"):
        a = load_resized(small[name], SIZE).astype(int)
        b = load_resized(huge[name], SIZE).astype(int)
        assert np.abs(a - b).mean() < 4, name
        assert np.array_equal(b, load_resized(huge[f"alpha_{name}"], SIZE).astype(int)), name


def test_an_upload_of_a_huge_picture_is_the_file_predict_reads(tmp_path: Path, copies: SmallCopies) -> None:
    """`serve` decodes an upload with nothing kept; `predict` keeps the small copy of a huge file and reads it the
    next time. All three give the network the same pixels, and the thumbnail still looks like the picture."""
    dove()  # or skipped
    with Image.open(DOVE) as im:
        big = im.resize((im.width * 3, im.height * 3), Image.Resampling.NEAREST)
    path = tmp_path / "dove_x3.png"
    big.save(path, compress_level=1)
    served = resize_rgb(decode_rgb(path.read_bytes(), "upload.png", draft_size=SIZE), SIZE)
    first = load_resized(path, SIZE)
    assert copies.get(str(path)) is not None  # decoded once, its small copy kept
    again = load_resized(path, SIZE)
    assert np.array_equal(first, served) and np.array_equal(again, served)
    thumb = decode_thumbnail(str(path), 64)
    whole = load_rgb(path)  # every pixel, nothing reduced
    whole.thumbnail((64, 64))
    assert (thumb.width, thumb.height) == whole.size
    seen = np.frombuffer(thumb.rgb, np.uint8).reshape(thumb.height, thumb.width, 3).astype(int)
    assert np.abs(seen - np.asarray(whole, int)).mean() < 8  # thin lines a little lighter, as in any reduction


def test_a_model_that_asks_for_center_crop_is_refused_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    """Nothing applies a centre crop: a model from elsewhere that asks for one would be shown stretched pictures
    it never learnt from, so it is refused with what to do, not silently misread."""
    meta = ModelMeta("resnet18", ("cat", "dog"), 16, (16, 16))
    sidecar = tmp_path / "their_model.json"
    sidecar.write_text(json.dumps({**meta.to_dict(), "resize": "center_crop"}), encoding="utf-8")
    with pytest.raises(ModelFileError) as refused:
        read_meta(sidecar)
    message = str(refused.value)
    assert str(sidecar) in message and "center_crop" in message and '"stretch"' in message
    sidecar.write_text(json.dumps(meta.to_dict()), encoding="utf-8")
    assert read_meta(sidecar).resize == "stretch"


def test_a_heat_map_explains_the_picture_predict_classifies(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """`predict --explain` reads the file as `predict` does (a JPEG decoded at the reduced scale the input size
    allows), so the confidence it prints is the one `predict` gives."""
    from desktop_cls.core.inference.explain import explain_file
    from desktop_cls.core.inference.predictor import Predictor

    sklearn = pytest.importorskip("sklearn.datasets")
    scans = sklearn.load_digits().images[:16]  # 8 x 8 handwritten digits, 4 x 4 of them side by side
    sheet = np.rint(scans.reshape(4, 4, 8, 8).transpose(0, 2, 1, 3).reshape(32, 32) * (255 / 16)).astype(np.uint8)
    path = tmp_path / "digits.jpg"
    Image.fromarray(np.stack([sheet, 255 - sheet, sheet // 2], axis=-1)).resize((256, 256)).save(path, quality=90)
    predictor = Predictor.load(trained_run[0])
    [predicted] = predictor.predict_paths([path], top_k=len(predictor.classes))
    _explanation, label, confidence, overlay = explain_file(predictor, str(path))
    assert overlay.shape == (256, 256, 3)
    assert abs(confidence - dict(predicted.top_k)[label]) < 1e-6
