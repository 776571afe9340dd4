"""Importing images from elsewhere: atomic copies under safe, free names, one undoable step whose undo puts the
copies into the dataset's trash (Empty trash hands them to the system trash), Cancel keeps what was copied."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.data import importing
from desktop_cls.core.data.importing import import_images, safe_name
from desktop_cls.core.data.labeling import STATE_DIR, TRASH, Workspace
from desktop_cls.core.events import CancelToken
from tests.conftest import make_tiny_folder, write_image


def _photos(folder: Path, names: list[str]) -> list[str]:
    return [str(write_image(folder / n, np.full((8, 8, 3), 10 * i, np.uint8))) for i, n in enumerate(names)]


def _trash_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / STATE_DIR / TRASH).rglob("*") if p.is_file())


def test_an_import_is_one_step_undo_trashes_the_copies_and_redo_brings_them_back(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "data")
    srcs = _photos(tmp_path / "camera", ["a.png", "b.png"])
    ws = Workspace(root)
    result = import_images(ws, srcs)
    assert sorted(result.imported) == ["a.png", "b.png"] and not result.not_imported and not result.cancelled
    assert sorted(ws.unlabeled()) == ["a.png", "b.png"] and all(Path(s).exists() for s in srcs)  # originals stay
    assert ws.describe_undo() == "2 images imported" and ws.undo_target() is result.step
    assert not list((root / STATE_DIR / TRASH).glob("import-*/*"))  # nothing is left where they were made
    ws.undo()
    assert ws.unlabeled() == [] and [p.name for p in _trash_files(root)] == ["a.png", "b.png"]
    ws.redo()
    assert sorted(ws.unlabeled()) == ["a.png", "b.png"] and _trash_files(root) == []
    ws.undo()
    again = Workspace(root)  # the journal survives a restart: the undone import can still be redone
    assert again.can_redo()


def test_emptying_the_trash_after_undoing_an_import_takes_its_redo_away(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    os_trash = tmp_path / "os_trash"
    os_trash.mkdir()
    monkeypatch.setattr(send2trash, "send2trash", lambda p: shutil.move(p, os_trash))
    root = make_tiny_folder(tmp_path / "data")
    ws = Workspace(root)
    import_images(ws, _photos(tmp_path / "camera", ["a.png"]))
    ws.undo()
    ws.empty_trash()
    assert [p.name for p in os_trash.rglob("*.png")] == ["a.png"] and not ws.can_redo() and not ws.can_undo()


def test_into_a_class_with_images_of_the_dataset_in_the_same_step(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "data")
    loose = write_image(root / "loose.png", np.zeros((8, 8, 3), np.uint8))
    clash = _photos(tmp_path / "camera", ["cat_00.png"])  # the class already has a cat_00.png: a free name
    ws = Workspace(root)
    result = import_images(ws, clash, "dog", inside=[str(loose)])
    assert result.imported == ("dog/cat_00.png",) and (root / "dog" / "loose.png").exists()
    assert ws.describe_undo() == "2 images imported into 'dog'"
    dupe = import_images(ws, clash, "cat")
    assert dupe.imported == ("cat/cat_00 (2).png",)  # nothing is overwritten
    ws.undo()
    ws.undo()
    assert (root / "loose.png").exists() and not (root / "dog" / "cat_00.png").exists()


def test_names_from_outside_are_one_visible_file_name(tmp_path: Path) -> None:
    assert safe_name(".hidden.png") == "hidden.png"
    assert safe_name("a\\b:c\x07.png") == "a_b_c_.png"
    assert safe_name("..png") == "image.png"
    assert safe_name("thumbs.db") == "image thumbs.db"
    long = safe_name("x" * 300 + ".jpg")
    assert long.endswith(".jpg") and len(long.encode()) <= 210
    root = make_tiny_folder(tmp_path / "data")
    src = _photos(tmp_path / "camera", [".secret.png"])
    result = import_images(Workspace(root), src)
    assert result.imported == ("secret.png",) and Workspace(root).unlabeled() == ["secret.png"]


def test_what_cannot_be_imported_is_named_with_the_reason(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "data")
    good = _photos(tmp_path / "camera", ["ok.png"])
    doc = tmp_path / "camera" / "notes.txt"
    doc.write_text("x")
    inside = str(next((root / "cat").iterdir()))
    (tmp_path / "camera link").symlink_to(tmp_path / "camera", target_is_directory=True)  # a folder link: not entered
    result = import_images(Workspace(root), [str(tmp_path / "camera link"), str(doc), inside, *good,
                                             str(tmp_path / "gone.png")])
    why = {Path(n.path).name: n.why for n in result.not_imported}
    assert result.imported == ("ok.png",) and set(why) == {"camera link", "notes.txt", Path(inside).name, "gone.png"}
    assert "folder" in why["camera link"] and "not an image" in why["notes.txt"]
    assert "already in the dataset" in why[Path(inside).name] and "not found" in why["gone.png"]


def test_a_full_disk_stops_the_import_and_names_every_file_left(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tiny_folder(tmp_path / "data")
    srcs = _photos(tmp_path / "camera", ["a.png", "b.png", "c.png"])
    real = importing.copy_one

    def full_after_one(src: str, r: Path, rel: str, cancel: CancelToken | None) -> None:
        if not src.endswith("a.png"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(src, r, rel, cancel)

    monkeypatch.setattr(importing, "copy_one", full_after_one)
    result = import_images(Workspace(root), srcs)
    assert result.imported == ("a.png",)
    assert [Path(n.path).name for n in result.not_imported] == ["b.png", "c.png"]
    assert all("disk is full" in n.why for n in result.not_imported)
    assert not [p for p in root.rglob("*.tmp")]


def test_cancel_keeps_what_was_copied_as_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tiny_folder(tmp_path / "data")
    srcs = _photos(tmp_path / "camera", [f"p{i}.png" for i in range(5)])
    token = CancelToken()
    real = importing.copy_one

    def cancel_during_third(src: str, r: Path, rel: str, cancel: CancelToken | None) -> None:
        if src.endswith("p2.png"):
            token.set()  # Cancel pressed while this file is being copied: it is not kept
        real(src, r, rel, cancel)

    monkeypatch.setattr(importing, "copy_one", cancel_during_third)
    importing.CHUNK = 16  # several reads a file, so the Cancel is seen inside it
    try:
        result = import_images(Workspace(root), srcs, "fish", cancel=token)
    finally:
        importing.CHUNK = 1 << 20
    assert result.cancelled and result.imported == ("fish/p0.png", "fish/p1.png") and result.requested == 5
    assert not (root / "fish" / "p2.png").exists() and not [p for p in root.rglob("*.tmp")]
    ws = Workspace(root)
    ws.undo()
    assert not (root / "fish" / "p0.png").exists() and len(list((root / "fish").iterdir())) == 8


def test_a_read_only_folder_copies_nothing(tmp_path: Path) -> None:
    from desktop_cls.core.errors import UserError

    root = make_tiny_folder(tmp_path / "data")
    ws = Workspace(root)
    ws.read_only = "labeling is off here"
    with pytest.raises(UserError, match="labeling is off"):
        import_images(ws, _photos(tmp_path / "camera", ["a.png"]))
    assert not (root / STATE_DIR).exists()


def test_a_link_where_a_copy_would_land_is_never_written_through(tmp_path: Path) -> None:
    """A shared dataset may hold links: a link named like the import takes no bytes (the copy gets a free name),
    and a class folder that is a link refuses the step, with nothing changed and no copy left behind."""
    from desktop_cls.core.errors import UserError

    root = make_tiny_folder(tmp_path / "data")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.png").write_bytes(b"mine")
    (root / "a.png").symlink_to(victim / "keep.png")
    src = _photos(tmp_path / "camera", ["a.png"])
    result = import_images(Workspace(root), src)
    assert result.imported == ("a (2).png",) and (victim / "keep.png").read_bytes() == b"mine"
    (root / "elsewhere").symlink_to(victim, target_is_directory=True)
    with pytest.raises(UserError):
        import_images(Workspace(root), src, "elsewhere")
    assert sorted(p.name for p in victim.iterdir()) == ["keep.png"]
    assert not list((root / STATE_DIR / TRASH).rglob("*.png"))


def test_a_folder_brings_the_files_in_it_and_names_what_is_not_an_image(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "data")
    trip = tmp_path / "trip"
    _photos(trip, ["b.png", "a.png"])
    _photos(trip / "day 2", ["a.png"])  # the same name: a new one in the class, nothing overwritten
    (trip / "notes.txt").write_text("not a picture")
    (trip / ".hidden").mkdir()
    _photos(trip / ".hidden", ["secret.png"])
    (trip / "link").symlink_to(tmp_path / "data", target_is_directory=True)  # never entered, and named
    ws = Workspace(root)
    result = import_images(ws, [str(trip)], "cat")
    assert sorted(result.imported) == ["cat/a (2).png", "cat/a.png", "cat/b.png"]
    assert [Path(n.path).name for n in result.not_imported] == ["link", "notes.txt"]
    assert "a link to the folder" in result.not_imported[0].why
    assert ws.describe_undo() == "3 images imported into 'cat'"
    ws.undo()
    assert not (root / "cat" / "a.png").exists() and (trip / "a.png").is_file()  # the originals stay
