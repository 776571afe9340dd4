"""Images imported from elsewhere (*Import images…*, files or folders dropped on a Label page class button or a
Data page class row) may come from someone else: a folder from a zip, a tar or a git clone keeps its links. The
import copies bytes into the dataset, which may later be shared, so a link is never copied: `photo.jpg ->
~/.ssh/id_rsa` in a dropped folder put the user's private key into the dataset. Each link left out is named with
why, where the other files left out are named."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from desktop_cls.core.data.importing import import_images
from desktop_cls.core.data.labeling import Workspace
from tests.conftest import make_tiny_folder, write_image
from tests.security.conftest import needs_symlinks, tree_snapshot


def _dataset_bytes(root: Path) -> set[bytes]:
    return {p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def _why(result: object) -> dict[str, str]:
    return {Path(n.path).name: n.why for n in result.not_imported}  # type: ignore[attr-defined]


@needs_symlinks
def test_a_dropped_folder_brings_in_no_file_through_a_link(tmp_path: Path, victim: Path) -> None:
    root = make_tiny_folder(tmp_path / "data")
    before = tree_snapshot(victim)
    trip = tmp_path / "trip"
    write_image(trip / "real.png", np.full((8, 8, 3), 30, np.uint8))
    (trip / "photo.png").symlink_to(victim / "secret.txt")  # a file outside the dropped folder
    (trip / "again.png").symlink_to(trip / "real.png")  # a file inside it: imported once, as itself
    (trip / "home").symlink_to(victim, target_is_directory=True)  # a folder outside: not entered
    (trip / "through.png").symlink_to(trip / "home" / "cat0.png")  # a file reached through a linked folder
    (trip / "sub").mkdir()
    (trip / "sub" / "inner").symlink_to(trip, target_is_directory=True)  # a folder inside: not entered
    (trip / "sub" / "deep.png").symlink_to("../../home/thesis.docx")  # a relative link up and out
    ws = Workspace(root)
    result = import_images(ws, [str(trip)], "cat")
    assert result.imported == ("cat/real.png",)
    why = _why(result)
    assert sorted(why) == ["again.png", "deep.png", "home", "inner", "photo.png", "through.png"]
    assert str(victim / "secret.txt") in why["photo.png"] and "link" in why["photo.png"]
    assert str(victim / "cat0.png") in why["through.png"] and str(victim / "thesis.docx") in why["deep.png"]
    assert "itself among the files to import" in why["again.png"]
    assert "folder" in why["home"] and "folder" in why["inner"]
    copied = _dataset_bytes(root)
    for secret in ("secret.txt", "cat0.png", "thesis.docx"):
        assert (victim / secret).read_bytes() not in copied
    assert tree_snapshot(victim) == before


@needs_symlinks
def test_links_dropped_one_by_one_are_named_not_copied(tmp_path: Path, victim: Path) -> None:
    """Files chosen one by one may be every file of a folder from elsewhere, selected at once in a file manager or
    an archive's view, where a link looks like any picture: the same rule holds, and the message names the file
    the link points to, so a genuine picture is one more drop away."""
    root = make_tiny_folder(tmp_path / "data")
    before = tree_snapshot(victim)
    got = tmp_path / "download"
    write_image(got / "real.png", np.full((8, 8, 3), 60, np.uint8))
    (got / "photo.png").symlink_to(victim / "secret.txt")
    (got / "album").symlink_to(victim / "Documents", target_is_directory=True)
    (got / "gone.png").symlink_to(got / "nothing-here.png")
    result = import_images(Workspace(root), [str(got / n) for n in ("real.png", "photo.png", "album", "gone.png")])
    assert result.imported == ("real.png",)
    why = _why(result)
    assert sorted(why) == ["album", "gone.png", "photo.png"]
    assert str(victim / "secret.txt") in why["photo.png"] and str(victim / "Documents") in why["album"]
    assert (victim / "secret.txt").read_bytes() not in _dataset_bytes(root)
    assert tree_snapshot(victim) == before
