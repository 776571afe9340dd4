"""Names and special files: undecodable names, FIFOs, 16-bit depth, sidecar ranges, bomb limit, pickles."""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.data.imaging import MAX_PIXELS, load_rgb
from desktop_cls.core.errors import ImageLoadError, ModelFileError
from desktop_cls.core.models.model_io import load_native
from desktop_cls.core.models.weight_files import load_state_dict_file
from tests.conftest import make_tiny_folder

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX names and FIFOs")


def fs_name(parent: Path, raw: bytes) -> Path:
    """A child whose name is raw bytes (not valid UTF-8), as Python hands it over."""
    return parent / os.fsdecode(raw)


@posix_only
def test_undecodable_names_are_named_skipped_and_training_goes_on(tmp_path: Path) -> None:
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    data = make_tiny_folder(tmp_path / "ds", classes=("cat", "dog"), per_class=6)
    shutil.copytree(data / "cat", fs_name(data, b"caf\xe9"))  # Latin-1 folder name
    shutil.copy(data / "dog" / "dog_00.png", fs_name(data / "dog", b"\xff\xfe.png"))
    index = scan(data)
    assert index.classes == ("cat", "dog") and len(index.samples) == 12
    bad = {p.path: p for p in index.problems if p.kind == "bad_name"}
    assert set(bad) == {str(data / "caf\\xe9"), str(data / "dog" / "\\xff\\xfe.png")}
    json.dumps([p.to_dict() for p in index.problems], ensure_ascii=False).encode("utf-8")  # printable
    res = fit(TrainConfig(epochs=1, batch_size=8, image_size=16, calibrate=False), index, out=tmp_path / "run")
    assert res.epochs_done == 1
    problems = json.loads((tmp_path / "run" / "problems.json").read_text(encoding="utf-8"))
    assert {p["kind"] for p in problems} == {"bad_name"}


@posix_only
def test_fifo_is_reported_not_read(tmp_path: Path, trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.core.inference.predictor import Predictor

    data = make_tiny_folder(tmp_path / "ds", classes=("cat", "dog"), per_class=3)
    os.mkfifo(data / "cat" / "x.png")
    index = scan(data, verify="full")
    assert [(p.path, p.kind) for p in index.problems] == [(str(data / "cat" / "x.png"), "not_a_file")]
    assert "named pipe" in index.problems[0].message and len(index.samples) == 6
    with pytest.raises(ImageLoadError) as e:
        load_rgb(data / "cat" / "x.png")  # would block for ever inside open()
    assert e.value.kind == "not_a_file"
    run, _ = trained_run
    preds = Predictor.load(run).predict_paths([data])
    assert len(preds) == 7 and [p.error is not None for p in preds].count(True) == 1
    assert "named pipe" in next(p.error for p in preds if p.error)


@pytest.mark.parametrize(("value", "expected"), [(255, 1), (256, 1), (32768, 128), (65535, 255), (0, 0)])
def test_sixteen_bit_images_scale_by_bit_depth_not_content(tmp_path: Path, value: int, expected: int) -> None:
    arr = np.full((4, 4), value, dtype=np.uint16)
    arr[0, 0] = 0
    p = tmp_path / "g16.png"
    Image.fromarray(arr).save(p)
    out = np.asarray(load_rgb(p))
    assert out[1, 1].tolist() == [expected] * 3 and out[0, 0].tolist() == [0, 0, 0]


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header that claims width x height pixels, with no pixel data worth decoding."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [16_000, 23_000])  # over our limit; over twice it (Pillow's own error)
def test_bomb_message_cites_our_limit(tmp_path: Path, side: int) -> None:
    p = tmp_path / "bomb.png"
    p.write_bytes(png_claiming(side, side))
    with pytest.raises(ImageLoadError) as e:
        load_rgb(p)
    assert e.value.kind == "too_large" and f"{MAX_PIXELS:,}" in e.value.message
    assert "480,000,000" not in e.value.message and "480000000" not in e.value.message


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("image_size", 200, "image_size"),
    ("image_size", "16", "image_size"),
    ("temperature", 1e-300, "temperature"),
    ("temperature", 1e300, "temperature"),
    ("temperature", True, "temperature"),
    ("mean", [0.5, float("nan"), 0.5], "mean"),
    ("std", [1e-30, 1, 1], "std"),
    ("input_size", [16, True], "input_size"),
    ("classes", ["a", "a", "b"], "twice"),
    ("classes", ["a", "", "b"], "classes"),
    ("schema_version", True, "schema_version"),
    ("dataset_fingerprint", [1], "dataset_fingerprint"),
    ("model", "", "model"),
])
def test_every_sidecar_field_is_range_checked(trained_run: tuple[Path, Path], tmp_path: Path, field: str,
                                              value: object, needle: str) -> None:
    run, _ = trained_run
    shutil.copy(run / "model.safetensors", tmp_path / "m.safetensors")
    meta = json.loads((run / "model.json").read_text())
    meta[field] = value
    if field == "classes":
        meta["num_classes"] = len(value)  # type: ignore[arg-type]
    (tmp_path / "m.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match=needle):
        load_native(tmp_path / "m.safetensors")


def test_pickle_refusal_is_said_once_in_our_words(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("true",))

    torch.save({"w": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(ModelFileError) as e:
        load_state_dict_file(tmp_path / "evil.pt")
    text = str(e.value)
    assert "could run code" in text and "system" in text
    assert "weights_only" not in text and "PyTorch 2.6" not in text and "\n" not in text


def test_zero_byte_checkpoint_says_why(tmp_path: Path) -> None:
    (tmp_path / "last.pt").write_bytes(b"")
    (tmp_path / "cut.pt").write_bytes(b"PK\x03\x04")
    for name in ("last.pt", "cut.pt"):
        with pytest.raises(ModelFileError) as e:
            load_state_dict_file(tmp_path / name)
        assert not str(e.value).rstrip().endswith(":") and len(str(e.value).split(": ", 1)[1]) > 10


def test_pickle_refusal_prints_no_torch_warning(tmp_path: Path) -> None:
    import pickle
    import subprocess

    class Plant:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("code ran",))

    with open(tmp_path / "evil.pt", "wb") as f:
        pickle.dump({"model": {"w": Plant()}}, f, protocol=4)  # protocol 4: torch warns about it
    code = ("import sys\nfrom desktop_cls.core.models.weight_files import load_state_dict_file\n"
            "try:\n    load_state_dict_file(sys.argv[1])\nexcept Exception as e:\n    print(e, file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "evil.pt")], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONWARNINGS": ""})
    assert "refused" in out.stderr and "code ran" not in out.stdout
    assert "Warning" not in out.stderr and "pickle protocol" not in out.stderr
