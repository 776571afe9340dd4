"""Classify a video frame by frame: the top class over time, as rows for a CSV and as segments to read."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop_cls.core.data.video import iter_frames, video_info
from desktop_cls.core.events import CancelToken, ProgressFn, no_progress
from desktop_cls.core.i18n import _
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.names import csv_cell
from desktop_cls.core.storage import write_atomic

CSV_COLUMNS = ("frame", "time_s", "label", "confidence")


@dataclass(frozen=True)
class VideoPrediction:
    """Plain arrays (they cross threads): one entry per classified frame."""

    path: str
    fps: float
    classes: tuple[str, ...]
    frames: np.ndarray  # frame numbers
    times: np.ndarray  # seconds from the start
    class_index: np.ndarray  # top class per frame (index into classes; -1 = below the threshold)
    confidence: np.ndarray
    expected: int = 0  # frames the container announced for this step (0: it did not say)

    @property
    def incomplete(self) -> bool:
        """Fewer frames decoded than the file announced: a truncated or damaged video (a cut .mkv
        decodes its first frames and then just ends, without an error)."""
        return bool(self.expected) and len(self.frames) < expected_minimum(self.expected)

    def shortfall_message(self) -> str:
        return _("{path}: only {decoded} of the {expected} frames the file announces could be decoded; the "
                 "file looks truncated or damaged, and the rest of the video was not classified").format(
            path=self.path, decoded=len(self.frames), expected=self.expected)

    def label(self, i: int) -> str:
        k = int(self.class_index[i])
        return self.classes[k] if k >= 0 else "unknown"

    def segments(self) -> list[dict[str, Any]]:
        """Runs of frames with the same top class: what a person reads ('0.0-2.4 s: cat')."""
        out: list[dict[str, Any]] = []
        start = 0
        for i in range(1, len(self.frames) + 1):
            if i == len(self.frames) or self.class_index[i] != self.class_index[start]:
                out.append({"label": self.label(start), "start_s": float(self.times[start]),
                            "end_s": float(self.times[i - 1]), "frames": i - start,
                            "mean_confidence": float(self.confidence[start:i].mean())})
                start = i
        return out

    def rows(self) -> list[dict[str, Any]]:
        return [{"frame": int(f), "time_s": float(t), "label": self.label(i), "confidence": float(c)}
                for i, (f, t, c) in enumerate(zip(self.frames, self.times, self.confidence, strict=True))]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "fps": self.fps, "classes": list(self.classes), "frames": self.rows(),
                "segments": self.segments(), "expected_frames": self.expected, "incomplete": self.incomplete}

    def csv_bytes(self) -> bytes:
        """UTF-8 with a byte-order mark, like the image predictions' CSV (spreadsheets read it right)."""
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(CSV_COLUMNS)
        for r in self.rows():
            w.writerow([r["frame"], f"{r['time_s']:.3f}", csv_cell(r["label"]), f"{r['confidence']:.6f}"])
        return buf.getvalue().encode("utf-8-sig")

    def write_csv(self, path: Path) -> int:
        write_atomic(Path(path), self.csv_bytes())
        return len(self.frames)


def predict_video(predictor: Predictor, path: str | Path, every: int = 1, batch_size: int = 32,
                  threshold: float = 0.0, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> VideoPrediction:
    """Every `every`-th frame through the model, decoded and classified in batches."""
    info = video_info(path)
    total = max(1, info.frames // every) if info.frames else 0
    frames: list[int] = []
    times: list[float] = []
    index: list[int] = []
    conf: list[float] = []
    pending: list[tuple[int, float, np.ndarray]] = []  # frames already at the model's size: 32 full
    # frames of a 12,000-pixel video held 14 GB

    def flush() -> None:
        probs = predictor.probabilities(_batch(predictor, [a for _n, _t, a in pending]))
        best = probs.argmax(axis=1)
        top = probs[np.arange(len(best)), best]
        for (n, t, _a), k, p in zip(pending, best, top, strict=True):
            frames.append(n)
            times.append(t)
            index.append(int(k) if p >= threshold else -1)
            conf.append(float(p))
        pending.clear()
        progress(len(frames), max(total, len(frames)), _("classifying frames"))

    from desktop_cls.core.data.frames import resize_frame

    for n, t, full in iter_frames(path, every=every, cancel=cancel):
        pending.append((n, t, resize_frame(full, predictor.meta.input_size)))
        del full
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return VideoPrediction(info.path, info.fps, predictor.classes, np.asarray(frames, dtype=np.int64),
                           np.asarray(times, dtype=np.float64), np.asarray(index, dtype=np.int64),
                           np.asarray(conf, dtype=np.float64), expected=total)


def expected_minimum(expected: int) -> int:
    """Containers state their frame count from the duration, give or take a frame or two."""
    return expected - max(2, expected // 50)


def _batch(predictor: Predictor, arrays: list[np.ndarray]) -> Any:
    from desktop_cls.core.data.frames import resize_frames

    return resize_frames(arrays, predictor.meta.input_size)
