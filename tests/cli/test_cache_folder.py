"""A cache folder that cannot be written (XDG_CACHE_HOME on a file, a read-only disk): every cache treats a failed
write as a miss, so the commands worked, but silently slower, the features of every image worked out again at
each run. The commands that use the cache now say so once, naming the folder and the fix, and go on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from desktop_cls.core.storage import user_cache_dir
from tests.cli.test_cli import run_cli

WARNING = "desktop-cls: warning: the cache folder"


@pytest.fixture
def blocked_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder's parent is a file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(blocker / "desktop_cls"))
    return blocker


def test_scan_says_once_that_the_cache_folder_cannot_be_written_and_goes_on(
        capsys: pytest.CaptureFixture[str], tiny_folder: Path, blocked_cache: Path) -> None:
    code, out, err = run_cli(capsys, "scan", tiny_folder)
    assert code == 0 and "24 images in 3 classes" in out
    assert err.count(WARNING) == 1 and str(user_cache_dir()) in err
    assert "Make that folder writable" in err and "DESKTOP_CLS_CACHE_DIR" in err
    assert blocked_cache.read_text(encoding="utf-8") == "a file"


def test_training_goes_on_without_the_cache_after_one_warning(
        capsys: pytest.CaptureFixture[str], tiny_folder: Path, tmp_path: Path, blocked_cache: Path) -> None:
    code, out, err = run_cli(capsys, "train", tiny_folder, "--method", "quick", "--out", tmp_path / "run", "--json")
    assert code == 0 and (tmp_path / "run" / "model.safetensors").is_file()
    assert json.loads(out)  # stdout still carries the JSON alone
    assert err.count(WARNING) == 1 and str(user_cache_dir()) in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_CACHE_HOME is the Linux way")
def test_xdg_cache_home_on_a_file_is_named(capsys: pytest.CaptureFixture[str], tiny_folder: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("a file", encoding="utf-8")
    monkeypatch.delenv("DESKTOP_CLS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    code, _out, err = run_cli(capsys, "scan", tiny_folder, "--json")
    assert code == 0 and err.count(WARNING) == 1 and str(blocker / "desktop_cls") in err


def test_a_writable_cache_or_a_command_without_one_says_nothing(
        capsys: pytest.CaptureFixture[str], tiny_folder: Path, blocked_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, err = run_cli(capsys, "runs")  # lists runs: never reads the cache
    assert code == 0 and WARNING not in err
    monkeypatch.setenv("DESKTOP_CLS_CACHE_DIR", str(blocked_cache.parent / "cache"))
    code, _out, err = run_cli(capsys, "scan", tiny_folder)
    assert code == 0 and WARNING not in err
