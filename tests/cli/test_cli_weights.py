"""`desktop-cls weights`: list, download and import from the command line, and `train --pretrained` naming
the command when the weights are missing."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
import torch

from desktop_cls.cli import main
from desktop_cls.core.models import weight_download as wd


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    return tmp_path / "torch" / "hub" / "checkpoints"


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_which_backbones_have_their_weights(capsys: pytest.CaptureFixture[str], hub: Path) -> None:
    code, out, _ = run(capsys, "weights", "list", "--json")
    rows = {r["model"]: r for r in json.loads(out)}
    assert code == 0 and "mobilenet_v3_small" in rows and "efficientnet_lite0" not in rows  # bundled: nothing to get
    assert not any(r["present"] for r in rows.values())
    code, out, _ = run(capsys, "weights")
    assert code == 0 and "not downloaded" in out and "desktop-cls weights download MODEL" in out


def test_download_offline_fails_once_with_the_import_command(capsys: pytest.CaptureFixture[str], hub: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    w = wd.OfficialWeights("mobilenet_v3_small", f"http://127.0.0.1:{port}/mobilenet_v3_small-047dcff4.pth",
                           hub / "mobilenet_v3_small-047dcff4.pth")
    monkeypatch.setattr(wd, "official_weights", lambda model: w)
    code, _, err = run(capsys, "weights", "download", "mobilenet_v3_small")
    assert code == 2 and err.count("cannot download") == 1
    assert "weights import mobilenet_v3_small-047dcff4.pth --model mobilenet_v3_small" in err


def test_train_names_the_command_and_import_fills_the_cache(capsys: pytest.CaptureFixture[str], hub: Path,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            tiny_folder: Path) -> None:
    code, _, err = run(capsys, "train", tiny_folder, "--model", "mobilenet_v3_small", "--pretrained", "--epochs",
                       "1", "--out", tmp_path / "r0")
    assert code == 2 and "desktop-cls weights download mobilenet_v3_small" in err
    import torchvision

    src = tmp_path / "mine.pth"
    torch.save(torchvision.models.mobilenet_v3_small(weights=None).state_dict(), src)
    name = f"mobilenet_v3_small-{hashlib.sha256(src.read_bytes()).hexdigest()[:8]}.pth"
    monkeypatch.setattr(wd, "official_weights",
                        lambda model: wd.OfficialWeights(model, f"https://example.invalid/{name}", hub / name))
    code, out, err = run(capsys, "weights", "import", src, "--model", "mobilenet_v3_small", "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(hub / name) and (hub / name).read_bytes() == src.read_bytes()
