"""Video files: decoded frame by frame (PyAV), classified, written as CSV; bad files get a clear message."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.data.video import is_video_name, iter_frames, video_info
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.inference.video_predict import predict_video
from tests.videos import BLUE, RED, write_audio_only, write_video

pytest.importorskip("av")


def test_every_frame_is_decoded_in_order_with_its_time(tmp_path: Path) -> None:
    video = write_video(tmp_path / "clip.mp4", [RED, BLUE], frames_each=10, fps=20)
    info = video_info(video)
    assert info.fps == 20 and (info.width, info.height) == (64, 48) and info.frames == 20
    frames = list(iter_frames(video))
    assert [n for n, _, _ in frames] == list(range(20))
    assert [t for _, t, _ in frames] == pytest.approx([n / 20 for n in range(20)])
    assert frames[0][2].shape == (48, 64, 3) and frames[0][2].dtype == np.uint8
    assert np.abs(frames[0][2][24, 32].astype(int) - RED).max() < 15
    assert np.abs(frames[-1][2][24, 32].astype(int) - BLUE).max() < 15
    assert [n for n, _, _ in iter_frames(video, every=3)] == [0, 3, 6, 9, 12, 15, 18]


def test_the_top_class_follows_the_video(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    run, _ = trained_run
    video = write_video(tmp_path / "clip.mp4", [RED, BLUE, RED], frames_each=8, fps=10)
    seen: list[int] = []
    vp = predict_video(Predictor.load(run), video, batch_size=5, progress=lambda d, t, w: seen.append(d))
    assert len(vp.frames) == 24 and seen[-1] == 24 and seen == sorted(seen)
    labels = [vp.label(i) for i in range(24)]
    assert labels == ["cat"] * 8 + ["fish"] * 8 + ["cat"] * 8
    segs = vp.segments()
    assert [(s["label"], s["frames"]) for s in segs] == [("cat", 8), ("fish", 8), ("cat", 8)]
    assert segs[1]["start_s"] == pytest.approx(0.8) and segs[1]["end_s"] == pytest.approx(1.5)
    rows = list(csv.reader(io.StringIO(vp.csv_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["frame", "time_s", "label", "confidence"]
    assert rows[9][:3] == ["8", "0.800", "fish"] and 0 < float(rows[9][3]) <= 1
    # the same frames through the file path agree (frames are resized like files)
    every_other = predict_video(Predictor.load(run), video, every=2)
    assert list(every_other.frames) == list(range(0, 24, 2))
    assert [every_other.label(i) for i in range(12)] == labels[::2]


def test_threshold_marks_unsure_frames_unknown(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    video = write_video(tmp_path / "clip.mp4", [RED], frames_each=4)
    vp = predict_video(Predictor.load(trained_run[0]), video, threshold=1.01)
    assert {vp.label(i) for i in range(4)} == {"unknown"}


@pytest.mark.parametrize("make,needle", [
    (lambda d: d / "missing.mp4", "video not found"),
    (lambda d: (d / "junk.mp4").write_bytes(b"this is not a video" * 10) and d / "junk.mp4", "cannot read"),
    (lambda d: (d / "empty.mp4").write_bytes(b"") or d / "empty.mp4", "cannot read"),
    (lambda d: write_audio_only(d / "sound.m4a"), "no video stream"),
])
def test_bad_videos_give_a_clear_message(tmp_path: Path, make: object, needle: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(UserError, match=needle) as e:
        list(iter_frames(path))
    assert path.name in str(e.value)


@pytest.mark.parametrize("content", [b"this is not a video" * 10, b""])
def test_a_file_that_is_no_video_is_explained_in_the_user_s_language(tmp_path: Path, content: bytes) -> None:
    """FFmpeg's English ("[Errno 1094995529] Invalid data found when processing input: '…'") stood in the middle
    of the Chinese sentence, with its number and the path a second time; it is now a detail at the end."""
    from desktop_cls.core import i18n

    path = tmp_path / "junk.mp4"
    path.write_bytes(content)
    i18n.set_language("zh_CN")
    with pytest.raises(UserError) as e:
        list(iter_frames(path))
    message = str(e.value)
    said, _sep, detail = message.partition("（详情：")
    assert said.startswith(f"无法将 {path} 作为视频读取") and "Invalid data" not in said and "Errno" not in said
    assert detail == "Invalid data found when processing input）" and message.count(str(path)) == 1


def test_a_video_with_zero_frames_says_so(tmp_path: Path) -> None:
    """A transport stream cut after its headers: a video stream is declared, no frame can be decoded."""
    import av

    full = tmp_path / "full.ts"
    with av.open(str(full), "w", format="mpegts") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), "rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    cut = tmp_path / "cut.ts"
    cut.write_bytes(full.read_bytes()[:3 * 188])  # PAT, PMT and the start of the first picture
    with pytest.raises(UserError, match=r"cut\.ts contains no video frames"):
        list(iter_frames(cut))


def test_video_prediction_can_be_cancelled(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    video = write_video(tmp_path / "clip.mp4", [RED], frames_each=40)
    token = CancelToken()
    with pytest.raises(CancelledError):
        predict_video(Predictor.load(trained_run[0]), video, batch_size=4,
                      progress=lambda d, t, w: token.set(), cancel=token)


def test_video_names() -> None:
    assert is_video_name("a/B.MP4") and is_video_name("x.webm") and not is_video_name("x.png")
