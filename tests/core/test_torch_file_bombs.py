"""A small torch file must not make the app allocate far more than its size: torch unpacks each zip entry
whole, compressed ones too, so a 1 MB .pt with one deflated gigabyte asked for that gigabyte before any check.
Every place a torch file is opened (predict, train --weights, a resumed run's checkpoint, a TorchScript model)
refuses compressed entries that would unpack to many times the file, or entries claiming more than the file,
with one message naming the file; TorchScript's own compressed code still loads.

The files here unpack to 4 MB: the refusal is told from the zip directory, whatever the size."""

from __future__ import annotations

import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from desktop_cls.core.errors import ModelFileError
from desktop_cls.core.inference.predictor import Predictor
from desktop_cls.core.models import weight_files
from desktop_cls.core.models.weight_files import check_torch_zip, load_state_dict_file, torch_load_safe
from desktop_cls.core.training.checkpoint import load_checkpoint
from tests.cli.test_cli import run_cli


def _deflated(path: Path) -> Path:
    """A torch.save file of 4 MB of zeros whose entries are rewritten deflate-compressed (torch still reads it)."""
    plain = path.with_name("plain.pt")
    torch.save({"w": torch.zeros(2**20)}, plain)
    with zipfile.ZipFile(plain) as z, zipfile.ZipFile(path, "w") as out:
        for info in z.infolist():
            out.writestr(info.filename, z.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    plain.unlink()
    return path


def _claiming_more(path: Path) -> Path:
    """A stored torch file whose zip directory says its tensor entry is 2 GB."""
    torch.save({"w": torch.zeros(16)}, path)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len].endswith(b"data/0"):
            struct.pack_into("<II", data, at + 20, 2**31, 2**31)  # compressed and uncompressed size
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


LOADERS: dict[str, Callable[[Path], object]] = {"torch_load_safe": torch_load_safe,
                                                 "train --weights": load_state_dict_file,
                                                 "resume": load_checkpoint}


@pytest.mark.parametrize("where", list(LOADERS))
def test_a_compressed_entry_is_refused_before_torch_unpacks_it(tmp_path: Path, where: str) -> None:
    bomb = _deflated(tmp_path / "bomb.pt")
    assert bomb.stat().st_size < 64 * 1024
    with pytest.raises(ModelFileError, match=r"bomb\.pt: its compressed entries \(such as \S+\) would unpack to "
                                             r"4\d{6} bytes, more than 16 times the file's"):
        LOADERS[where](bomb)


@pytest.mark.parametrize("where", list(LOADERS))
def test_entries_claiming_more_than_the_file_are_refused(tmp_path: Path, where: str) -> None:
    bomb = _claiming_more(tmp_path / "bomb.pt")
    with pytest.raises(ModelFileError, match=r"bomb\.pt: its entries claim \d+ bytes, more than the file's"):
        LOADERS[where](bomb)


def test_a_file_torch_wrote_still_loads(tmp_path: Path) -> None:
    torch.save({"w": torch.ones(3)}, tmp_path / "ok.pt")
    assert load_state_dict_file(tmp_path / "ok.pt")["w"].tolist() == [1.0, 1.0, 1.0]


def test_predict_with_a_bomb_model_says_so_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                       trained_run: tuple[Path, Path]) -> None:
    run, data = trained_run
    bomb = _deflated(tmp_path / "bomb.pt")
    shutil.copyfile(run / "model.json", tmp_path / "bomb.json")
    image = next(p for p in data.rglob("*.png"))
    code, _out, err = run_cli(capsys, "predict", bomb, image)
    assert code == 2 and "would unpack to" in err and "Traceback" not in err


@pytest.mark.filterwarnings("ignore:`torch.jit.save` is deprecated:FutureWarning",
                            "ignore:`torch.jit.script` is deprecated:FutureWarning")
def test_a_torchscript_bomb_is_refused_and_its_own_compressed_code_is_not(tmp_path: Path,
                                                                          trained_run: tuple[Path, Path]) -> None:
    plain = tmp_path / "plain.torchscript"
    torch.jit.save(torch.jit.script(torch.nn.Linear(1024, 1024)), str(plain))  # 4 MB of weights
    assert any(i.compress_type != zipfile.ZIP_STORED for i in zipfile.ZipFile(plain).infolist())  # its code
    check_torch_zip(plain)
    bomb = tmp_path / "bomb.torchscript"
    with zipfile.ZipFile(plain) as z, zipfile.ZipFile(bomb, "w") as out:
        for info in z.infolist():
            data = bytes(len(z.read(info.filename))) if "/data/" in info.filename else z.read(info.filename)
            out.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    shutil.copyfile(trained_run[0] / "model.json", tmp_path / "bomb.json")
    with pytest.raises(ModelFileError, match="would unpack to"):
        Predictor.load(bomb, device="cpu", allow_code=True)


def _legacy(path: Path, state: dict[str, torch.Tensor]) -> Path:
    torch.save(state, path, _use_new_zipfile_serialization=False)
    assert not path.read_bytes().startswith(b"PK")
    return path


def _legacy_claiming_more(path: Path) -> Path:
    """A file in torch's older format, 4 floats of data, whose pickle says its storage holds 2**30 of them (4 GB):
    torch allocates what the pickle says before it reads the data."""
    data = _legacy(path, {"w": torch.zeros(4)}).read_bytes()
    assert data.count(b"K\x04Nt") == 1  # the storage's element count (BININT1 4), its view (None), the tuple
    path.write_bytes(data.replace(b"K\x04Nt", b"J" + struct.pack("<i", 2**30) + b"Nt"))
    return path


@pytest.mark.parametrize("where", list(LOADERS))
def test_an_old_format_file_claiming_more_than_it_holds_is_refused_before_torch_reads_it(
        tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _legacy_claiming_more(tmp_path / "bomb.pt")

    def reached(*_a: object, **_k: object) -> None:
        raise AssertionError("torch.load was reached")

    monkeypatch.setattr(torch, "load", reached)
    with pytest.raises(ModelFileError, match=r"bomb\.pt: its tensors claim 4,294,967,296 bytes, more than the "
                                             r"file's \d+"):
        LOADERS[where](bomb)


def test_an_old_format_file_torch_wrote_still_loads(tmp_path: Path) -> None:
    x = torch.arange(10.0)
    state = {"a": x, "view": x[2:5], "half": torch.ones(3, dtype=torch.half), "long": torch.arange(4),
             "bool": torch.zeros(2, dtype=torch.bool)}
    loaded = load_state_dict_file(_legacy(tmp_path / "old.pth", state))
    assert {k: v.tolist() for k, v in loaded.items()} == {k: v.tolist() for k, v in state.items()}


def test_a_torch_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    torch.save({"w": torch.zeros(1024)}, tmp_path / "big.pt")
    monkeypatch.setattr(weight_files, "MAX_TORCH_FILE_BYTES", 1024)
    with pytest.raises(ModelFileError, match=r"big\.pt: it is [\d,]+ bytes, over the 1,024-byte limit"):
        load_state_dict_file(tmp_path / "big.pt")


def test_an_old_format_pickle_is_stepped_through_a_bounded_number_of_steps(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    old = _legacy(tmp_path / "old.pth", {f"w{i}": torch.zeros(1) for i in range(20)})
    monkeypatch.setattr(weight_files, "MAX_PICKLE_OPS", 100)
    with pytest.raises(ModelFileError, match=r"old\.pth: its pickle runs past 100 steps, far more than any "
                                             r"weights file.s"):
        load_state_dict_file(old)
