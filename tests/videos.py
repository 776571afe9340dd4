"""Synthetic video files for tests: solid colour frames the tiny test models know (red cat, blue fish)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

RED, GREEN, BLUE = (230, 40, 40), (40, 230, 40), (40, 40, 230)  # cat, dog, fish in tests.conftest


def write_video(path: Path, colours: list[tuple[int, int, int]], frames_each: int = 15, fps: int = 20,
                size: tuple[int, int] = (64, 48)) -> Path:
    import av

    w, h = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for colour in colours:
            arr = np.empty((h, w, 3), np.uint8)
            arr[:] = colour
            for _ in range(frames_each):
                for packet in stream.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def write_audio_only(path: Path) -> Path:
    """A valid media file with no pictures (a second of silence)."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=8000)
        samples = np.zeros((1, 1024), dtype=np.float32)
        for i in range(8):
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate = 8000
            frame.pts = i * 1024
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path
