"""Class names from a model file are not paths: Copy into class folders stays inside the chosen folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_cls.core import contained
from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import copy_into, copy_into_folders
from tests.security.conftest import needs_symlinks, tree_snapshot


@pytest.mark.parametrize("name", ["../../x", "/abs/path", "a/b", "..", "", "a\\b", "bad\nname", "x" * 300, ".hidden"])
def test_a_class_name_that_is_not_one_plain_name_is_refused_before_any_copy(tmp_path: Path, name: str) -> None:
    src = tmp_path / "img.png"
    src.write_bytes(b"png")
    dest = tmp_path / "sorted" / "deep"
    before = tree_snapshot(tmp_path)
    with pytest.raises(UserError, match="cannot be a folder name"):
        copy_into_folders([(str(src), "cat"), (str(src), name)], dest)
    assert tree_snapshot(tmp_path) == before  # not even the first, good item was copied


def test_plain_names_are_copied_with_free_names(tmp_path: Path) -> None:
    src = tmp_path / "img.png"
    src.write_bytes(b"png")
    done = copy_into_folders([(str(src), "cat"), (str(src), "cat"), (str(src), "dög")], tmp_path / "out")
    assert [Path(d).relative_to(tmp_path / "out").as_posix() for _s, d in done] == [
        "cat/img.png", "cat/img (2).png", "dög/img.png"]
    assert (tmp_path / "out" / "cat" / "img (2).png").read_bytes() == b"png"


@needs_symlinks
def test_a_class_folder_or_file_that_is_a_link_in_the_destination_is_never_written_through(
        tmp_path: Path, victim: Path) -> None:
    src = tmp_path / "img.png"
    src.write_bytes(b"png")
    dest = tmp_path / "out"
    dest.mkdir()
    os.symlink(victim, dest / "cat")
    os.symlink(victim / "thesis.docx", dest / "img.png")  # a link where an import would land
    before = tree_snapshot(victim)
    with pytest.raises(contained.Refused):
        copy_into_folders([(str(src), "cat")], dest)
    copied = copy_into(src, dest)  # into the folder itself: a free name beside the link
    assert copied.name == "img (2).png" and copied.read_bytes() == b"png"
    assert tree_snapshot(victim) == before
