"""Class names from a model file are not paths: Copy into class folders stays inside the chosen folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_cls.core import contained, storage
from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import NotCopied, copy_into, copy_into_folders
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


@needs_symlinks
def test_a_source_image_that_is_a_link_is_not_copied_and_is_named_with_its_target(tmp_path: Path, victim: Path) -> None:
    """Images from someone else's folder: `x.jpg -> ~/secret.txt` must not put the user's file among the copies."""
    images = tmp_path / "theirs"
    images.mkdir()
    (images / "real.png").write_bytes(b"png")
    os.symlink(victim / "secret.txt", images / "x.jpg")
    dest = tmp_path / "out"
    with pytest.raises(NotCopied) as caught:
        copy_into_folders([(str(images / "x.jpg"), "cat")], dest)
    assert caught.value.path == str(images / "x.jpg")
    assert str(victim / "secret.txt") in caught.value.why and "link" in caught.value.why
    assert not (dest / "cat").exists() or not any((dest / "cat").iterdir())
    assert copy_into_folders([(str(images / "real.png"), "cat")], dest)[0][1] == str(dest / "cat" / "real.png")
    assert b"my secret" not in b"".join(p.read_bytes() for p in dest.rglob("*") if p.is_file())


@needs_symlinks
def test_a_link_swapped_in_after_the_check_is_not_read(tmp_path: Path, victim: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "x.jpg"
    os.symlink(victim / "secret.txt", src)
    monkeypatch.setattr(storage, "is_link", lambda _p: False)  # as if it became a link just after the check
    with pytest.raises(NotCopied, match="link"):
        copy_into(src, tmp_path / "out", "cat")
    assert not any((tmp_path / "out" / "cat").iterdir())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_among_the_images_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)  # reading it would block the copy for ever
    with pytest.raises(NotCopied, match="not a regular file"):
        copy_into(fifo, tmp_path / "out", "cat")


@pytest.mark.parametrize("name", ["CON", "nul.png", "com1", "cat."])
def test_on_windows_a_model_class_named_for_a_device_is_refused_before_any_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A model from a forum whose class is NUL or CON: on Windows that folder is a device (the copies would
    vanish or fail with the system's puzzling words), so it is refused, naming the class, before anything is
    copied. Elsewhere such a folder is an ordinary one and the copy goes ahead."""
    src = tmp_path / "img.png"
    src.write_bytes(b"png")
    dest = tmp_path / "sorted"
    monkeypatch.setattr(storage, "WINDOWS", True)
    before = tree_snapshot(tmp_path)
    with pytest.raises(UserError, match=f"class name '{name}' cannot be a folder name here"):
        copy_into_folders([(str(src), "cat"), (str(src), name)], dest)
    assert tree_snapshot(tmp_path) == before
    monkeypatch.setattr(storage, "WINDOWS", False)
    if os.name != "nt":
        assert [Path(d).name for _s, d in copy_into_folders([(str(src), "CON")], dest)] == ["img.png"]
