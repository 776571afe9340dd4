"""Hostile folders: a dataset or run folder from someone else, and a victim folder of the user's own that
must come out of every test exactly as it went in (paths, sizes, mtimes, contents)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.gui.filed_steps import queued_steps, steps_filed_at_once  # noqa: F401  (fixtures)

needs_symlinks = pytest.mark.skipif(os.name == "nt" or not hasattr(os, "symlink"), reason="needs POSIX symlinks")


def tree_snapshot(root: Path) -> dict[str, tuple[str, int, int, str]]:
    """Every entry under root (links not followed): kind, size, mtime in ns and a hash of a file's bytes."""
    out: dict[str, tuple[str, int, int, str]] = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(dirpath) / name
            st = p.lstat()
            if p.is_symlink():
                out[p.relative_to(root).as_posix()] = ("link", 0, st.st_mtime_ns, os.readlink(p))
            elif p.is_dir():
                out[p.relative_to(root).as_posix()] = ("dir", 0, st.st_mtime_ns, "")
            else:
                digest = hashlib.sha256(p.read_bytes()).hexdigest()
                out[p.relative_to(root).as_posix()] = ("file", st.st_size, st.st_mtime_ns, digest)
    return out


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """The user's own folder (their home, say): documents, a shell start file, a sub-folder."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "secret.txt").write_text("my secret\n")
    (home / ".bashrc").write_text("export PATH=$PATH\n")
    (home / "thesis.docx").write_bytes(b"chapter one")
    (home / "Documents" / "taxes.pdf").write_bytes(b"%PDF taxes")
    (home / "cat0.png").write_bytes(b"the user's own picture")
    (home / ".x.tmp").write_bytes(b"not the app's temp file")
    return home


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    for c in ("cat", "dog"):
        (root / c).mkdir(parents=True)
        for i in range(3):
            (root / c / f"{c}{i}.png").write_bytes(f"{c}-{i}".encode())
    return root


@pytest.fixture(autouse=True)
def answered_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test patches QMessageBox's static function to read what the app says; the app's boxes go through it."""
    from tests.gui.conftest import answer_through_statics

    answer_through_statics(monkeypatch)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own (the data folder's and kept exports' checks name places under home)."""
    folder = tmp_path / "home"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))  # (Path.home() on Windows)
    return folder
