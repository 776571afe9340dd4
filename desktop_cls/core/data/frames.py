"""In-memory frames (webcam, video, clipboard) to model input with no PIL round-trip.

torch's antialiased bilinear resize on uint8 matches PIL's BILINEAR (what files and training use) to
within 1/255 per pixel and is about 10x faster on a 640x480 frame, which keeps live classification
off the critical path. Files keep the PIL path: its draft-mode JPEG decode is the fastest there.

A frame the file path would see otherwise takes the file path's view (imaging.resize_array): one with
transparent pixels (a video with an alpha channel) is cut to its visible part and letterboxed on white,
and one over REDUCE_ABOVE_PIXELS (an 8K video) is first reduced by the same whole factors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from desktop_cls.core.data.imaging import resize_array
from desktop_cls.core.data.picture_view import REDUCE_ABOVE_PIXELS


def checked_frame(frame: np.ndarray) -> np.ndarray:
    """The frame as an array, or ValueError: a gray, RGB or RGBA uint8 array."""
    arr = np.asarray(frame)
    if arr.dtype != np.uint8:
        raise ValueError(f"expected a uint8 array, got {arr.dtype}")
    if arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4)):
        return arr
    raise ValueError(f"expected an H x W x 3 RGB array, got shape {arr.shape}")


def frame_to_rgb(frame: np.ndarray) -> np.ndarray:
    """H x W x 3 uint8 from a gray, RGB or RGBA uint8 array; transparency shows white, as for files."""
    arr = checked_frame(frame)
    if arr.ndim == 2:
        return np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim == 3 and arr.shape[2] == 3:
        return arr
    alpha = arr[:, :, 3:4]  # RGBA
    if alpha.min() == 255:
        return arr[:, :, :3]
    a = alpha.astype(np.uint16)
    return ((arr[:, :, :3].astype(np.uint16) * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def as_file_would(arr: np.ndarray) -> bool:
    """A frame whose file would not simply be stretched: transparent pixels, or over REDUCE_ABOVE_PIXELS."""
    transparent = arr.ndim == 3 and arr.shape[2] == 4 and int(arr[:, :, 3].min()) < 255
    return transparent or arr.shape[0] * arr.shape[1] > REDUCE_ABOVE_PIXELS


def resize_frames(frames: Sequence[np.ndarray], size: tuple[int, int]) -> torch.Tensor:
    """N x 3 x H x W uint8, each frame made size=(H, W) like files are."""
    out = torch.empty((len(frames), 3, *size), dtype=torch.uint8)
    for i, f in enumerate(frames):
        arr = checked_frame(f)
        if as_file_would(arr):
            out[i] = torch.tensor(resize_array(arr, size)).permute(2, 0, 1)  # a copy: PIL's pixels are read-only
            continue
        rgb = frame_to_rgb(arr)
        if not (rgb.flags.c_contiguous and rgb.flags.writeable):
            rgb = np.array(rgb)  # torch wants memory it may write to; Qt frames are read-only views
        x = torch.from_numpy(rgb).permute(2, 0, 1)
        if tuple(x.shape[1:]) != tuple(size):
            x = F.interpolate(x[None], size=size, mode="bilinear", antialias=True, align_corners=False)[0]
        out[i] = x
    return out


def resize_frame(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """One frame as the model sees it, H x W x 3 uint8 (for heatmaps)."""
    return resize_frames([frame], size)[0].permute(1, 2, 0).numpy()
