"""Frames skip PIL yet the model sees what it would see from the same picture saved as a file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_cls.core.data.frames import frame_to_rgb, resize_frame, resize_frames
from desktop_cls.core.data.imaging import load_resized
from desktop_cls.core.inference.predictor import Predictor


def _as_file(arr: np.ndarray, tmp_path: Path, mode: str | None = None) -> Path:
    p = tmp_path / f"frame_{arr.shape}.png"
    Image.fromarray(arr, mode).save(p)
    return p


@pytest.mark.parametrize(("shape", "size"), [((480, 640, 3), (32, 32)), ((20, 24, 3), (32, 32)),
                                             ((300, 200, 3), (64, 48)), ((16, 16, 3), (16, 16))])
def test_frame_resize_matches_the_file_path_within_one_level(tmp_path: Path, shape: tuple[int, ...],
                                                             size: tuple[int, int]) -> None:
    rng = np.random.default_rng(0)
    arr = np.asarray(Image.fromarray(rng.integers(0, 255, (shape[0] // 4 + 1, shape[1] // 4 + 1, 3), np.uint8))
                     .resize((shape[1], shape[0])))  # smooth-ish, like a camera picture
    from_file = load_resized(_as_file(arr, tmp_path), size).astype(int)
    from_frame = resize_frame(arr, size).astype(int)
    assert from_frame.shape == (*size, 3)
    assert np.abs(from_file - from_frame).max() <= 1


def test_gray_and_transparent_frames_look_like_their_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    gray = rng.integers(0, 255, (30, 30), np.uint8)
    assert np.abs(load_resized(_as_file(gray, tmp_path, "L"), (30, 30)).astype(int)
                  - resize_frame(gray, (30, 30)).astype(int)).max() <= 1
    rgba = rng.integers(0, 255, (30, 30, 4), np.uint8)
    assert np.abs(load_resized(_as_file(rgba, tmp_path, "RGBA"), (30, 30)).astype(int)
                  - resize_frame(rgba, (30, 30)).astype(int)).max() <= 1
    opaque = rgba.copy()
    opaque[:, :, 3] = 255
    assert np.array_equal(frame_to_rgb(opaque), opaque[:, :, :3])


def test_bad_frames_are_refused() -> None:
    with pytest.raises(ValueError, match="H x W x 3"):
        frame_to_rgb(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        frame_to_rgb(np.zeros((4, 4, 3), np.float32))


def test_frames_of_different_sizes_batch_together() -> None:
    batch = resize_frames([np.zeros((10, 12, 3), np.uint8), np.full((50, 40, 3), 200, np.uint8)], (8, 8))
    assert tuple(batch.shape) == (2, 3, 8, 8) and int(batch[1].min()) == 200 and int(batch[0].max()) == 0


def test_a_large_frame_is_classified_like_its_file(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, data = trained_run
    pred = Predictor.load(run)
    big = np.asarray(Image.open(data / "dog" / "dog_03.png").convert("RGB").resize((120, 90)))
    from_frame = pred.predict_arrays([big])[0]
    from_file = pred.predict_paths([_as_file(big, tmp_path)])[0]
    assert from_frame.label == from_file.label
    assert from_frame.confidence == pytest.approx(from_file.confidence, abs=0.02)
