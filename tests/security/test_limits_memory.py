"""Limits follow what an input costs in memory: decoded bytes per image (from the header, before
decoding), decoding in flight across workers, video frame size and a model file's input size. Above a
limit: a clear message naming it and the variable that raises it."""

from __future__ import annotations

import json
import shutil
import struct
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from desktop_cls.core.data.imaging import MAX_PIXELS, load_rgb
from desktop_cls.core.data.memory_limits import MAX_IMAGE_MB_ENV, DecodeBudget, decode_cost, max_image_bytes
from desktop_cls.core.errors import ImageLoadError, ModelFileError, UserError


def _png_header_only(path: Path, width: int, height: int, bit_depth: int = 16, colour_type: int = 6) -> Path:
    """A PNG that claims width x height 16-bit RGBA (the 777 KB bomb's header) with one empty IDAT."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def test_a_16_bit_rgba_bomb_under_the_pixel_limit_is_refused_from_its_header(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_PIXELS > 9_999 * 9_999  # the pixel limit alone lets it through
    bomb = _png_header_only(tmp_path / "bomb.png", 9_999, 9_999)

    def no_decoding(self: object) -> None:
        raise AssertionError("decoded before its cost was checked")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ImageLoadError, match=MAX_IMAGE_MB_ENV) as e:
        load_rgb(bomb)
    assert e.value.kind == "too_large" and decode_cost(9_999, 9_999, "RGBA") > max_image_bytes()


def test_the_per_image_limit_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "a.png"
    Image.fromarray(np.zeros((600, 600, 4), np.uint8), "RGBA").save(p)  # ~7 MB to decode and convert
    monkeypatch.setenv(MAX_IMAGE_MB_ENV, "2")
    with pytest.raises(ImageLoadError, match="over the 2 MB limit per image"):
        load_rgb(p)
    monkeypatch.setenv(MAX_IMAGE_MB_ENV, "64")
    assert load_rgb(p).size == (600, 600)


def test_decoding_in_flight_stays_within_the_budget() -> None:
    budget = DecodeBudget(100)
    first_in, second_in, release = threading.Event(), threading.Event(), threading.Event()
    peak: list[int] = []

    def decode(entered: threading.Event) -> None:
        with budget.hold(60):
            peak.append(budget.used)
            entered.set()
            release.wait(10)

    a = threading.Thread(target=decode, args=(first_in,))
    a.start()
    assert first_in.wait(10)
    b = threading.Thread(target=decode, args=(second_in,))
    b.start()
    assert not second_in.wait(0.2)  # 60 + 60 > 100: the second waits for the first
    release.set()
    a.join(10)
    b.join(10)
    assert second_in.is_set() and max(peak) == 60 and budget.used == 0


def test_video_frames_too_large_are_refused_before_decoding(tmp_path: Path) -> None:
    from desktop_cls.core.data.memory_limits import MAX_FRAME_MB_ENV
    from desktop_cls.core.data.video import check_frame_size

    with pytest.raises(UserError, match=MAX_FRAME_MB_ENV):
        check_frame_size(tmp_path / "huge.mkv", 12_000, 12_000)
    check_frame_size(tmp_path / "uhd.mkv", 7_680, 4_320)  # 8K UHD stays allowed


@pytest.mark.parametrize("side", [1_025, 4_096])
def test_a_model_file_cannot_ask_for_a_huge_input(tmp_path: Path, side: int, trained_run: tuple[Path, Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.core.models.model_io import MAX_SIDE_ENV, read_meta

    run, _ = trained_run
    meta = json.loads((run / "model.json").read_text())
    meta["input_size"], meta["image_size"] = [side, side], side
    p = tmp_path / "model.json"
    p.write_text(json.dumps(meta))
    shutil.copy(run / "model.safetensors", tmp_path / "model.safetensors")
    with pytest.raises(ModelFileError, match=MAX_SIDE_ENV):
        read_meta(p)
    monkeypatch.setenv(MAX_SIDE_ENV, str(side))
    assert read_meta(p).input_size == (side, side)


def test_a_decode_that_fits_takes_a_few_python_calls_to_hold_its_share() -> None:
    """Each thumbnail's decode holds its share of the budget, on a thread that takes the interpreter lock in turns
    with the UI thread: 14 calls into Python per hold before, 4 now."""
    import sys

    budget, calls = DecodeBudget(100), [0]

    def hold() -> None:
        with budget.hold(10):
            pass

    def profile(_frame: object, event: str, _arg: object) -> None:
        calls[0] += event == "call"

    hold()
    sys.setprofile(profile)
    hold()
    sys.setprofile(None)
    assert calls[0] <= 1 + 5 and budget.used == 0


def _onnx_with_external(folder: Path, floats: int) -> Path:
    """A 100-byte model.onnx whose one tensor lives in w.bin (a sparse file: no disk used), `floats` long."""
    import onnx
    from onnx import TensorProto, helper

    w = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[floats], data_location=TensorProto.EXTERNAL)
    for key, value in (("location", "w.bin"), ("offset", "0"), ("length", str(4 * floats))):
        w.external_data.add(key=key, value=value)
    graph = helper.make_graph([helper.make_node("Identity", ["W"], ["Y"])], "g", [],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [floats])], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save_model(model, str(folder / "model.onnx"))
    with open(folder / "w.bin", "wb") as f:
        f.truncate(4 * floats)
    return folder / "model.onnx"


def test_an_onnx_model_cannot_make_the_runtime_allocate_what_its_data_file_claims(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100-byte model.onnx beside a sparse 16 GB data file (a tar keeps it sparse) made ONNX Runtime allocate
    the 16 GB when the model was opened; a sparse model.onnx itself was read whole by onnx.load. Both are held to
    the weight files' limit (here lowered to 1 MB), before either library opens them."""
    from desktop_cls.core.inference import predictor

    monkeypatch.setattr(predictor, "MAX_TORCH_FILE_BYTES", 1 << 20)
    small = tmp_path / "small"
    small.mkdir()
    predictor.check_onnx_external_data(_onnx_with_external(small, 1000))  # 4 KB of data: fine
    big = tmp_path / "big"
    big.mkdir()
    with pytest.raises(ModelFileError, match="over the 1,048,576-byte limit"):
        predictor.check_onnx_external_data(_onnx_with_external(big, 1 << 19))  # 2 MB claimed
    sparse = tmp_path / "sparse.onnx"
    with open(sparse, "wb") as f:
        f.truncate(2 << 20)
    with pytest.raises(ModelFileError, match="over the 1,048,576-byte limit"):
        predictor.check_onnx_external_data(sparse)
