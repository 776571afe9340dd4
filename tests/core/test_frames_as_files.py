"""A frame the file path would not simply stretch is seen as its file is: a frame with transparent pixels (a video
with an alpha channel) cut to its visible part and letterboxed on white, a frame over 16 megapixels (an 8K video)
reduced by the same whole factors first. Bit for bit the pixels `load_resized` gives its PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data.frames import resize_frame, resize_frames
from desktop_cls.core.data.imaging import load_resized
from desktop_cls.core.data.picture_view import REDUCE_ABOVE_PIXELS


def _png(arr: np.ndarray, path: Path) -> Path:
    Image.fromarray(arr).save(path, compress_level=1)
    return path


def _clip_art(h: int, w: int) -> np.ndarray:
    """A drawing in the lower right of a transparent, wide canvas, with a soft edge."""
    rng = np.random.default_rng(3)
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[h // 2:h - 2, w // 2:w - 5, :3] = rng.integers(0, 256, (h - 2 - h // 2, w - 5 - w // 2, 3))
    rgba[h // 2:h - 2, w // 2:w - 5, 3] = 255
    rgba[h // 2 - 1, w // 2:w - 5] = (10, 200, 10, 128)
    return rgba


@pytest.mark.parametrize("size", [(32, 32), (48, 24)])
def test_a_transparent_frame_is_cut_and_letterboxed_like_its_file(tmp_path: Path, size: tuple[int, int]) -> None:
    rgba = _clip_art(60, 120)
    from_file = load_resized(_png(rgba, tmp_path / "art.png"), size)
    assert np.array_equal(resize_frame(rgba, size), from_file)
    assert (from_file[0] == 255).all()  # letterboxed: the drawing's shape kept, white above it


def _big(h: int, w: int) -> np.ndarray:
    """A smooth picture with fine stripes, whose view depends on how it is reduced."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.uint32)
    return np.stack([(xx * 255 // w), (yy * 255 // h), ((xx // 3 + yy // 3) % 2) * 255], axis=-1).astype(np.uint8)


@pytest.mark.parametrize("shape", [(4100, 4200), (1700, 9500)])  # reduced twice / once (a shorter side < 2048)
def test_a_frame_over_16_megapixels_is_reduced_like_its_file(tmp_path: Path, shape: tuple[int, int]) -> None:
    arr = _big(*shape)
    assert arr.shape[0] * arr.shape[1] > REDUCE_ABOVE_PIXELS
    from_file = load_resized(_png(arr, tmp_path / "big.png"), (64, 64))
    from_frame = resize_frames([arr, arr[:200, :300]], (64, 64))  # a small frame beside it keeps its own path
    assert np.array_equal(from_frame[0].permute(1, 2, 0).numpy(), from_file)


def test_a_video_with_an_alpha_channel_is_seen_like_its_frames_as_files(tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    from desktop_cls.core.data.video import iter_frames

    rgba = _clip_art(48, 64)
    path = tmp_path / "art.mov"
    with av.open(str(path), "w") as out:  # PNG frames in QuickTime: lossless, alpha kept
        stream = out.add_stream("png", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "rgba"
        for _ in range(2):
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgba, format="rgba")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    frames = [f for _n, _t, f in iter_frames(path)]
    assert len(frames) == 2 and np.array_equal(frames[0], rgba)  # the alpha channel comes along
    assert np.array_equal(resize_frame(frames[0], (32, 32)), load_resized(_png(rgba, tmp_path / "art.png"), (32, 32)))
