"""The data folder the user picks in the app: runs and caches follow it, and an unusable one is named."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_cls.core import storage


@pytest.fixture(autouse=True)
def default_folders(isolated_user_dirs: Path) -> Iterator[None]:
    storage.set_data_folder(None)
    yield
    storage.set_data_folder(None)


def test_runs_and_caches_follow_the_chosen_folder(tmp_path: Path, isolated_user_dirs: Path) -> None:
    usual = storage.default_runs_dir()
    assert usual == isolated_user_dirs / "data" / "runs"
    storage.set_data_folder(tmp_path / "big disk")
    assert storage.default_runs_dir() == tmp_path / "big disk" / "runs"
    assert storage.user_cache_dir() == tmp_path / "big disk" / "cache"
    assert storage.default_data_dir() == isolated_user_dirs / "data"  # the default is still known
    storage.set_data_folder("")
    assert storage.default_runs_dir() == usual


def test_writable_problem(tmp_path: Path) -> None:
    assert storage.writable_problem(tmp_path / "new" / "folder") is None
    assert (tmp_path / "new" / "folder").is_dir() and not any((tmp_path / "new" / "folder").iterdir())
    a_file = tmp_path / "a file"
    a_file.write_text("x")
    assert storage.writable_problem(a_file) == "it is a file, not a folder"


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="permission bits do not stop Windows' or root's writes")
def test_writable_problem_names_a_read_only_folder(tmp_path: Path) -> None:
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert "ermission" in (storage.writable_problem(ro) or "")
    finally:
        ro.chmod(0o700)
