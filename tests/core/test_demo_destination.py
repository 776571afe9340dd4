"""Where the demo dataset may go: a new folder or an empty one, which keeps its permissions; a file, a link or a
folder with files in it gets a clear message naming it, and nothing is changed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop_cls.cli import EXIT_USER_ERROR, main
from desktop_cls.core.data.demo_data import make_demo_dataset
from desktop_cls.core.errors import UserError

CLASSES = ["circle", "square"]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_an_empty_folder_is_filled_and_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    os.chmod(out, 0o755)
    before = os.stat(out).st_ino
    assert make_demo_dataset(out, images_per_class=2, image_size=16, classes=CLASSES) == out
    assert mode(out) == 0o755 and os.stat(out).st_ino == before  # the same folder, not one put in its place
    assert sorted(os.listdir(out)) == CLASSES and len(os.listdir(out / "circle")) == 2
    assert sorted(os.listdir(tmp_path)) == ["demo"]  # nothing left beside it


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_new_folder_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        out = make_demo_dataset(tmp_path / "new", images_per_class=1, image_size=16, classes=CLASSES)
    finally:
        os.umask(umask)
    assert mode(out) == 0o755 and sorted(os.listdir(out)) == CLASSES


@pytest.mark.skipif(os.name == "nt" or not hasattr(os, "symlink"), reason="needs POSIX symlinks")
@pytest.mark.parametrize("case", ["file", "link to an empty folder", "link to a folder with files", "not empty"])
def test_what_cannot_take_the_demo_data_is_named_and_left_alone(case: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    if case == "file":
        out.write_text("mine")
    elif case == "not empty":
        out.mkdir()
        (out / "keep.txt").write_text("mine")
    else:
        if case.endswith("with files"):
            (elsewhere / "keep.txt").write_text("mine")
        os.symlink(elsewhere, out)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(UserError, match=r"out is (a file|a link|not empty)"):
        make_demo_dataset(out, images_per_class=1, image_size=16, classes=CLASSES)
    assert main(["demo-data", str(out)]) == EXIT_USER_ERROR
    assert "Traceback" not in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
