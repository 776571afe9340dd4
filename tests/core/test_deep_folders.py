"""Folders nested deeper than Python's recursion (a zip or a git clone from someone else can nest a thousand
levels): walking them for predict, import or a class merge stops with a clear message, and the dataset's trash
can still be emptied of such a tree, its links deleted themselves, never followed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_cls.core.data.importing import files_in
from desktop_cls.core.data.labeling import STATE_DIR, Workspace
from desktop_cls.core.errors import UserError
from desktop_cls.core.inference.predictor import expand_inputs
from tests.security.conftest import tree_snapshot

LEVELS = 1200  # past Python's default recursion limit (1,000), which os.walk hit one frame a level


def nest(top: Path, levels: int = LEVELS) -> Path:
    """top/d/d/.../d, `levels` deep, made one level at a time (the path stays short for each call); the deepest."""
    top.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(top)
    try:
        for _ in range(levels):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.png").write_bytes(b"deep")
        return Path(os.getcwd())
    finally:
        os.chdir(here)


def clear(top: Path) -> None:
    """Everything under top removed one level at a time: pytest's own cleanup (shutil.rmtree) recurses, and a tree
    left this deep would fail it for every later session."""
    here = os.getcwd()
    os.chdir(top)
    names: list[str] = []  # the folders entered, from top down
    try:
        while True:
            with os.scandir(".") as it:
                entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
            for name in (name for name, is_dir in entries if not is_dir):
                os.unlink(name)
            sub = next((name for name, is_dir in entries if is_dir), None)
            if sub is not None:
                os.chdir(sub)
                names.append(sub)
            elif not names:
                return
            else:
                os.chdir("..")
                os.rmdir(names.pop())
    finally:
        os.chdir(here)


def make_dataset(top: Path) -> Path:
    """Two classes, one holding a folder chain LEVELS deep."""
    root = top / "ds"
    for c in ("a", "b"):
        (root / c).mkdir(parents=True)
        (root / c / f"{c}.png").write_bytes(c.encode())
    nest(root / "a")
    return root


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Made once: the walks below only read it."""
    top = tmp_path_factory.mktemp("deep")
    yield make_dataset(top)
    clear(top)


@pytest.fixture
def own_dataset(tmp_path: Path) -> Iterator[Path]:
    yield make_dataset(tmp_path)
    clear(tmp_path)


def test_predict_names_the_deep_folder(dataset: Path) -> None:
    with pytest.raises(UserError, match="folders deep inside"):
        expand_inputs([dataset])


def test_import_names_the_deep_folder(dataset: Path) -> None:
    with pytest.raises(UserError, match="folders deep inside"):
        files_in([str(dataset / "a")])


def test_merge_of_a_deep_class_is_refused_and_changes_nothing(dataset: Path) -> None:
    ws = Workspace(dataset)
    with pytest.raises(UserError, match="folders deep inside"):
        ws.merge_classes("a", "b")
    assert sorted(os.listdir(dataset / "b")) == ["b.png"] and sorted(os.listdir(dataset / "a")) == ["a.png", "d"]
    assert Path(str(dataset / "a") + "/d" * LEVELS, "deep.png").read_bytes() == b"deep"
    assert not ws.can_undo()


@pytest.mark.skipif(os.name == "nt" or not hasattr(os, "symlink"), reason="needs POSIX symlinks")
def test_a_deep_deleted_class_is_emptied_from_the_trash_without_following_its_links(
        own_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import send2trash

    dataset = own_dataset
    mine = tmp_path / "home"
    (mine / "docs").mkdir(parents=True)
    (mine / "docs" / "thesis.txt").write_text("mine")
    os.symlink(mine / "docs", dataset / "a" / "d" / "docs")  # a folder link near the top...
    (dataset / "a" / "b.png").write_bytes(b"a's b")
    deepest = Path(str(dataset / "a") + "/d" * LEVELS)
    os.symlink(mine, deepest / "home")  # ...and one at the bottom
    before = tree_snapshot(mine)
    handed: list[str] = []

    def to_os_trash(path: str) -> None:
        handed.append(path)
        shutil.rmtree(path)

    monkeypatch.setattr(send2trash, "send2trash", to_os_trash)
    ws = Workspace(dataset)
    ws.delete_class("a")
    ws.trash([dataset / "b" / "b.png"])
    assert ws.empty_trash() == LEVELS + 7  # a/, its 2 images, 1 link, the folders, the deepest image and link; b.png
    assert os.listdir(dataset / STATE_DIR / "trash") == []
    assert [Path(p).name for p in handed] == ["2"]  # b.png's step went to the system trash, the deep tree did not
    assert len(ws.notices) == 1 and "deleted for good" in ws.notices[0]
    assert tree_snapshot(mine) == before


@pytest.mark.skipif(os.name == "nt" or not hasattr(os, "symlink"), reason="needs POSIX symlinks")
def test_the_walk_lists_folder_links_without_entering_them_as_os_walk(tmp_path: Path) -> None:
    from desktop_cls.core.data import tree_walk

    top = tmp_path / "t"
    for rel in ("x/y/z", "x/w", "v"):
        (top / rel).mkdir(parents=True)
    for rel in ("f.png", "x/g.png", "x/y/h.png", "x/y/z/i.png", "v/j.png"):
        (top / rel).write_bytes(b"")
    os.symlink(tmp_path, top / "x" / "up")
    os.symlink(tmp_path / "nowhere", top / "broken")

    def normal(walked: object) -> list[tuple[str, list[str], list[str]]]:
        return sorted((p, sorted(d), sorted(f)) for p, d, f in walked)  # type: ignore[attr-defined]

    assert normal(tree_walk.walk(top)) == normal(os.walk(top))
    with pytest.raises(tree_walk.TooDeep, match="x/y/z is nested more than 2 folders deep"):
        list(tree_walk.walk(top, max_depth=2))
