"""core.contained itself, in both of its ways: descriptors (POSIX) and lstat per component (the Windows way,
exercised here on POSIX by switching the descriptor way off)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_cls.core import contained
from tests.security.conftest import needs_symlinks, tree_snapshot

pytestmark = needs_symlinks


@pytest.fixture(params=["descriptors", "lstat per component"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param != "descriptors":
        monkeypatch.setattr(contained, "_POSIX", False)
    return str(request.param)


@pytest.fixture
def root(tmp_path: Path, victim: Path) -> Path:
    r = tmp_path / "shared"
    (r / "cat").mkdir(parents=True)
    (r / "cat" / "a.png").write_bytes(b"a")
    os.symlink(victim, r / "home")
    os.symlink(victim / ".bashrc", r / "rc")
    return r


def test_nothing_goes_through_a_link_on_the_way(way: str, root: Path, victim: Path) -> None:
    before = tree_snapshot(victim)
    attempts = [lambda: contained.mkdir(root, "home/newdir/sub"),
                lambda: contained.rename(root, "cat/a.png", "home/a.png"),
                lambda: contained.rename(root, "home/secret.txt", "cat/secret.txt"),
                lambda: contained.append(root, "home/log", b"x"),
                lambda: contained.append(root, "rc", b"x"),
                lambda: contained.write_atomic(root, "home/Documents/x", b"x"),
                lambda: contained.rmdir(root, "home/Documents"),
                lambda: os.close(contained.open_regular(root, "rc", os.O_RDWR))]
    for attempt in attempts:
        with pytest.raises(contained.Refused):
            attempt()
    assert contained.remove_files(root, "home", lambda n: True) == 0
    assert not contained.is_dir(root, "home") and contained.lexists(root, "home")
    assert tree_snapshot(victim) == before and (root / "cat" / "a.png").read_bytes() == b"a"


def test_a_link_in_the_final_place_is_moved_or_replaced_never_followed(way: str, root: Path, victim: Path) -> None:
    before = tree_snapshot(victim)
    contained.rename(root, "rc", "cat/rc")  # the link itself moves
    assert (root / "cat" / "rc").is_symlink()
    contained.write_atomic(root, "cat/rc", b"new")  # replaced by a file; ~/.bashrc untouched
    assert not (root / "cat" / "rc").is_symlink() and (root / "cat" / "rc").read_bytes() == b"new"
    assert tree_snapshot(victim) == before


def test_ordinary_work_inside_the_root(way: str, root: Path) -> None:
    contained.mkdir(root, "dog/puppies")
    contained.rename(root, "cat/a.png", "dog/puppies/a.png")
    with pytest.raises(FileExistsError):
        contained.rename(root, "dog/puppies/a.png", "dog/puppies/a.png")
    contained.append(root, "dog/log.jsonl", b"1")
    contained.append(root, "dog/log.jsonl", b"2\n", fresh_line=True)
    assert (root / "dog" / "log.jsonl").read_bytes() == b"1\n2\n"
    assert contained.is_empty_dir(root, "cat")
    contained.rmdir(root, "cat")
    contained.rename(root, "dog/puppies/a.png", "new/deep/a.png", parents=True)
    assert (root / "new" / "deep" / "a.png").read_bytes() == b"a"
    with pytest.raises(ValueError):
        contained.parts("../x")


def test_every_refusal_names_the_file_and_what_to_do(way: str, root: Path, victim: Path) -> None:
    """A refusal is read by someone who must act on it: each kind names the entry and ends with the way out,
    not only "Nothing was changed there" (a link, a FIFO or a file in a folder's place said no more)."""
    os.mkfifo(root / "cat" / "pipe.png")
    os.link(victim / "thesis.docx", root / "cat" / "twin.png")
    (root / "notes").write_bytes(b"n")
    before = tree_snapshot(victim)
    attempts = {"rc": lambda: contained.append(root, "rc", b"x"),
                "notes": lambda: contained.mkdir(root, "notes/sub"),
                "pipe.png": lambda: contained.append(root, "cat/pipe.png", b"x"),
                "twin.png": lambda: contained.append(root, "cat/twin.png", b"x")}
    for name, attempt in attempts.items():
        with pytest.raises(contained.Refused) as caught:
            attempt()
        message = str(caught.value)
        assert name in message and "try again" in message, message
        assert "delete" in message, message
    assert tree_snapshot(victim) == before
