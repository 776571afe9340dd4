"""A dataset on a drive prepared by someone else (a USB stick, a disk image, a share): the freedesktop system trash
of a file on another drive than the home is a folder at the top of that drive (`.Trash-$uid`, or `.Trash/$uid`),
which the drive can hold ready-made as a link into the user's folders. *Empty trash* never hands anything to such
a folder: it says which one and why, keeps the items (and their undo), and can delete them for good instead.

The drive is this test's temporary folder: send2trash's own freedesktop implementation (the one used without
GIO) and the app's check are told it is a drive of its own, other than the home's."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop_cls.core.data import system_trash
from desktop_cls.core.data.labeling import STATE_DIR, Workspace
from desktop_cls.core.data.system_trash import UnsafeTrash
from tests.security.conftest import needs_symlinks, tree_snapshot

pytestmark = [needs_symlinks, pytest.mark.skipif(not system_trash.FREEDESKTOP, reason="the freedesktop trash")]

UID = os.getuid() if hasattr(os, "getuid") else 0
TRASH_ITEMS = Path(STATE_DIR) / "trash"


@pytest.fixture
def drive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as a drive of its own: the system trash (send2trash's freedesktop code) uses its top folder."""
    import send2trash
    from send2trash import plat_other

    top = tmp_path.resolve()

    def device(path: str | bytes | Path) -> int:
        return 1 if os.path.realpath(os.fsdecode(path)).startswith(str(top)) else 2

    monkeypatch.setattr(plat_other, "get_dev", device)
    monkeypatch.setattr(plat_other, "find_mount_point", lambda _path: os.fsencode(top))
    monkeypatch.setattr(send2trash, "send2trash", plat_other.send2trash)  # (not GIO, where it is installed)
    monkeypatch.setattr(system_trash, "_device", device)
    monkeypatch.setattr(system_trash, "_home_device", lambda: 2)
    monkeypatch.setattr(system_trash, "_mount_point", lambda _path: top)
    return top


def trashed_image(dataset: Path) -> Workspace:
    ws = Workspace(dataset)
    ws.trash([dataset / "cat" / "cat0.png"])
    assert ws.can_undo()
    return ws


def refused_and_kept(ws: Workspace, dataset: Path, victim: Path, folder: Path) -> None:
    """Emptying is refused naming `folder`; the victim is unchanged; the image stays in the dataset's trash and
    its step can still be undone."""
    before = tree_snapshot(victim)
    with pytest.raises(UnsafeTrash) as refusal:
        ws.empty_trash()
    assert str(folder) in str(refusal.value) and "delete these items for good" in str(refusal.value)
    assert tree_snapshot(victim) == before
    assert [p.name for p in (dataset / TRASH_ITEMS).rglob("*.png")] == ["cat0.png"]
    ws.undo()
    assert (dataset / "cat" / "cat0.png").read_bytes() == b"cat-0"


def test_a_drive_trash_folder_that_is_a_link_to_the_users_folder_gets_nothing(
        drive: Path, dataset: Path, victim: Path) -> None:
    os.symlink(victim, drive / f".Trash-{UID}")
    refused_and_kept(trashed_image(dataset), dataset, victim, drive / f".Trash-{UID}")


def test_a_drive_trash_whose_files_folder_is_a_link_gets_nothing(drive: Path, dataset: Path, victim: Path) -> None:
    (drive / f".Trash-{UID}" / "info").mkdir(parents=True)
    os.symlink(victim, drive / f".Trash-{UID}" / "files")
    refused_and_kept(trashed_image(dataset), dataset, victim, drive / f".Trash-{UID}")


def test_a_shared_sticky_trash_whose_user_folder_is_a_link_gets_nothing(
        drive: Path, dataset: Path, victim: Path) -> None:
    (drive / ".Trash").mkdir()
    os.chmod(drive / ".Trash", 0o1777)
    os.symlink(victim / "Documents", drive / ".Trash" / str(UID))
    refused_and_kept(trashed_image(dataset), dataset, victim, drive / ".Trash" / str(UID))


def test_a_dangling_link_in_the_trash_info_folder_is_never_written_through(
        drive: Path, dataset: Path, victim: Path) -> None:
    info = drive / f".Trash-{UID}" / "info"
    info.mkdir(parents=True)
    # the dataset's trash item is its step's folder, "1": send2trash opened info/1.trashinfo by name, creating
    # the file the link names (an autostart entry, say) with the deletion record in it
    os.symlink(victim / "autostart.desktop", info / "1.trashinfo")
    refused_and_kept(trashed_image(dataset), dataset, victim, drive / f".Trash-{UID}")
    assert not (victim / "autostart.desktop").exists()


def test_after_a_refusal_the_items_can_be_deleted_for_good(drive: Path, dataset: Path, victim: Path) -> None:
    os.symlink(victim, drive / f".Trash-{UID}")
    (dataset / "cat" / "inside").mkdir()
    os.symlink(victim / "secret.txt", dataset / "cat" / "inside" / "link.png")
    ws = trashed_image(dataset)
    ws.trash([dataset / "cat" / "inside"])
    before = tree_snapshot(victim)
    with pytest.raises(UnsafeTrash):
        ws.empty_trash()
    assert ws.empty_trash(for_good=True) == 3  # the image, the folder and the link in it (deleted itself)
    assert list((dataset / TRASH_ITEMS).iterdir()) == [] and not ws.can_undo()
    assert tree_snapshot(victim) == before


def test_a_drive_trash_of_the_users_own_is_used(drive: Path, dataset: Path, victim: Path) -> None:
    ws = trashed_image(dataset)
    assert ws.empty_trash() >= 1
    [sent] = (drive / f".Trash-{UID}" / "files").rglob("cat0.png")  # (in its step's folder)
    assert sent.read_bytes() == b"cat-0" and len(list((drive / f".Trash-{UID}" / "info").iterdir())) == 1


def test_a_shared_trash_is_tried_first_only_when_it_is_a_real_sticky_folder(drive: Path, tmp_path: Path) -> None:
    image = tmp_path / "x.png"
    image.write_bytes(b"x")
    own = [drive / f".Trash-{UID}"]
    os.symlink(tmp_path, drive / ".Trash")  # a link: never used (the specification)
    assert system_trash.trash_folders(image) == own
    os.unlink(drive / ".Trash")
    (drive / ".Trash").mkdir()
    assert system_trash.trash_folders(image) == own  # no sticky bit: not used either
    os.chmod(drive / ".Trash", stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO | stat.S_ISVTX)
    assert system_trash.trash_folders(image) == [drive / ".Trash" / str(UID), *own]


def test_the_home_drive_uses_the_home_trash_unchecked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    image = tmp_path / "x.png"
    image.write_bytes(b"x")
    monkeypatch.setattr(system_trash, "_home_device", lambda: os.lstat(image).st_dev)
    assert system_trash.trash_folders(image) == []
