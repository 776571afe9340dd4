"""Video files, decoded frame by frame with PyAV (FFmpeg).

Not Qt Multimedia: its player runs in real time and may drop frames, and the command line has no
event loop. PyAV decodes every frame, faster than real time, with no display.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.core.data.memory_limits import MAX_FRAME_MB_ENV, max_frame_bytes
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken
from desktop_cls.core.i18n import _

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv",
                            ".3gp", ".ogv", ".ts", ".mts"})


def is_video_name(name: str | os.PathLike[str]) -> bool:
    return Path(name).suffix.lower() in VIDEO_SUFFIXES


@dataclass(frozen=True, slots=True)
class VideoInfo:
    path: str
    fps: float
    frames: int  # as the container states it; 0 when it does not say (then decoding tells)
    duration_s: float
    width: int
    height: int


def _av() -> Any:
    try:
        import av
    except ImportError:
        raise UserError(_("reading video files needs PyAV; install it with: pip install av")) from None
    return av


def _open(path: Path) -> Any:
    av = _av()
    if not path.is_file():
        raise UserError(_("video not found: {path}").format(path=path))
    try:
        container = av.open(str(path), "r")
    except (av.FFmpegError, OSError, ValueError) as e:
        raise UserError(_unreadable(path, e, av)) from None
    if not container.streams.video:
        container.close()
        raise UserError(_("{path} has no video stream (audio only?); choose a video file").format(path=path))
    return container


def _unreadable(path: Path, error: BaseException, av: Any) -> str:
    """Why FFmpeg could not open PATH, in the user's words: its own English ("[Errno 1094995529] Invalid data
    found when processing input: '…'") only as a detail at the end, without the number and the path again."""
    detail = getattr(error, "strerror", None) or (str(error).splitlines() or [type(error).__name__])[0]
    if isinstance(error, av.InvalidDataError):  # junk, an empty file, a file cut off before its headers
        return _("cannot read {path} as a video: it is not a video file, or it is damaged or incomplete; choose "
                 "another file (detail: {detail})").format(path=path, detail=detail)
    return _("cannot read {path} as a video ({error}); is it a video file, and is it complete?").format(
        path=path, error=detail)


def video_info(path: str | Path) -> VideoInfo:
    p = Path(path).expanduser()
    container = _open(p)
    try:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 25.0
        duration = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else (
            container.duration / 1_000_000 if container.duration else 0.0)
        frames = int(stream.frames or round(duration * fps))
        return VideoInfo(str(p), fps, frames, duration, stream.codec_context.width, stream.codec_context.height)
    finally:
        container.close()


def check_frame_size(path: Path, width: int, height: int) -> None:
    """Refuse, before decoding, frames larger than the frame memory limit (a 12,000 x 12,000 video
    held 14 GB of frames); the message names the limit and the variable that raises it."""
    need = max(width, 0) * max(height, 0) * 3
    if need > max_frame_bytes():
        raise UserError(_("{path}: its {width}x{height} frames need {need:,} MB each, over the {limit:,} MB "
                          "limit for one video frame; set {env} to a larger number of MB to read it").format(
            path=path, width=width, height=height, need=need // 2**20, limit=max_frame_bytes() // 2**20,
            env=MAX_FRAME_MB_ENV))


def _has_alpha(frame: Any) -> bool:
    return any(c.is_alpha for c in frame.format.components)


def iter_frames(path: str | Path, every: int = 1, cancel: CancelToken | None = None
                ) -> Iterator[tuple[int, float, np.ndarray]]:
    """(frame number, time in seconds, H x W x 3 uint8 RGB) for every `every`-th frame, in order; H x W x 4 RGBA
    for a frame with an alpha channel (PNG, QuickTime Animation, FFV1, ProRes 4444...), which is transparency
    as in a picture file: its visible part is what the network sees (frames.resize_frames).

    A file that turns out damaged part-way ends with a UserError naming it and the frame reached.
    """
    if every < 1:
        raise UserError(_("every {every} frames is not a step").format(every=every),
                        cli_fix=_("use --every 1 or more (1 = every frame)"),
                        gui_fix=_("classify every frame or every few frames (1 or more)"))
    p = Path(path).expanduser()
    av = _av()
    container = _open(p)
    n = 0
    try:
        stream = container.streams.video[0]
        check_frame_size(p, stream.codec_context.width, stream.codec_context.height)
        stream.thread_type = "AUTO"
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 25.0
        base = stream.time_base or Fraction(1, 1)
        start = stream.start_time or 0
        try:
            for frame in container.decode(stream):
                if cancel is not None:
                    cancel.raise_if_set()
                if n % every == 0:
                    t = float((frame.pts - start) * base) if frame.pts is not None else n / fps
                    yield n, max(0.0, t), frame.to_ndarray(format="rgba" if _has_alpha(frame) else "rgb24")
                n += 1
        except av.FFmpegError as e:
            raise UserError(_("{path} is damaged after frame {count} ({error}); the frames before it "
                              "were read").format(
                    path=p, count=n, error=str(e).splitlines()[0])) from None
    finally:
        container.close()
    if n == 0:
        raise UserError(_("{path} contains no video frames; choose another file").format(path=p))
