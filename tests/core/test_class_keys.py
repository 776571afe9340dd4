"""The Label page's class keys are kept in the dataset folder (.desktop_cls/keys.json), which may come from someone
else: what is read must be keys of this folder's classes, read bounded and never through a link; anything else is
ignored (the classes take their keys afresh), and a folder only opened is never written to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core.data.class_keys import MAX_KEYS_BYTES, KeyMemory, read_keys, write_keys
from desktop_cls.core.data.labeling import Workspace

CLASSES = ["ant", "cat", "dog", "fish"]


def keys_file(root: Path) -> Path:
    return root / ".desktop_cls" / "keys.json"


def kept(root: Path, keys: object) -> Path:
    keys_file(root).parent.mkdir(exist_ok=True)
    keys_file(root).write_text(json.dumps({"version": 1, "keys": keys}))
    return root


def test_the_keys_given_come_back_in_a_new_session_with_a_rename_carried(tmp_path: Path) -> None:
    (tmp_path / ".desktop_cls").mkdir()
    first = KeyMemory()
    assert first.keys(tmp_path, ["cat", "dog", "fish"], writable=True) == {"1": "cat", "2": "dog", "3": "fish"}
    assert not keys_file(tmp_path).exists()  # as a restart would give them: nothing to keep
    first.keys(tmp_path, CLASSES, writable=True)  # "ant" came: key 4, not 1
    first.keys(tmp_path, ["ant", "cat", "fish"], writable=True)  # dog deleted: 2 is free
    first.carry(tmp_path, "fish", "eel")
    assert first.keys(tmp_path, ["ant", "cat", "eel"], writable=True) == {"1": "cat", "3": "eel", "4": "ant"}
    assert KeyMemory().keys(tmp_path, ["ant", "cat", "eel"]) == {"1": "cat", "3": "eel", "4": "ant"}
    assert KeyMemory().keys(tmp_path, ["ant", "bee", "cat"]) == {"1": "cat", "4": "ant", "2": "bee"}  # eel gone


def test_a_folder_without_the_apps_state_folder_or_one_read_only_is_not_written_to(tmp_path: Path) -> None:
    memory = KeyMemory()
    memory.keys(tmp_path, ["cat", "dog"], writable=True)
    assert memory.keys(tmp_path, ["ant", "cat", "dog"], writable=True)["3"] == "ant"  # for the session
    assert list(tmp_path.iterdir()) == []  # opened, not labelled: no .desktop_cls made for the keys
    (tmp_path / ".desktop_cls").mkdir()
    memory = KeyMemory()
    memory.keys(tmp_path, ["cat", "dog"], writable=False)  # another window labels it
    memory.keys(tmp_path, ["ant", "cat", "dog"], writable=False)
    assert not keys_file(tmp_path).exists()


@pytest.mark.parametrize("keys", [
    {"1": "../../etc"},  # a path where a class name belongs
    {"1": "cat/../dog"},
    {"1": "cat", "2": "cat"},  # one class twice
    {"11": "cat"},  # not a key
    {"q": "cat"},  # a letter is the key of the class named with it only
    {"1": 7},
    ["cat"],
    {str(i): f"c{i}" for i in range(100)},
])
def test_keys_out_of_range_or_paths_make_the_file_ignored(tmp_path: Path, keys: object) -> None:
    assert read_keys(kept(tmp_path, keys)) == {}


def test_a_file_that_is_not_the_apps_is_ignored_without_a_crash(tmp_path: Path) -> None:
    state = tmp_path / ".desktop_cls"
    state.mkdir()
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"version": 1, "keys": {"1": "dog"}}))
    keys_file(tmp_path).symlink_to(secret)  # through a link: never read
    assert read_keys(tmp_path) == {}
    assert write_keys(tmp_path, {"1": "cat"}) and secret.read_text() == json.dumps({"version": 1, "keys": {"1": "dog"}})
    for bad in (b"[" * 100_000, b"\xff\xfe not json", b"{}", b'{"version": 2, "keys": {"1": "cat"}}',
                json.dumps({"version": 1, "keys": {"1": "cat"}, "pad": "x" * MAX_KEYS_BYTES}).encode()):
        keys_file(tmp_path).write_bytes(bad)
        assert read_keys(tmp_path) == {}
    keys_file(tmp_path).unlink()
    os.mkfifo(keys_file(tmp_path))  # a FIFO would block a plain open on the UI thread
    assert read_keys(tmp_path) == {}
    keys_file(tmp_path).unlink()
    keys_file(tmp_path).mkdir()
    assert read_keys(tmp_path) == {} and not write_keys(tmp_path, {"1": "cat"})


def test_a_state_folder_that_is_a_link_is_neither_read_nor_written_through(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    elsewhere = kept(tmp_path / "elsewhere", {"1": "dog"})
    data = tmp_path / "data"
    data.mkdir()
    (data / ".desktop_cls").symlink_to(elsewhere / ".desktop_cls")
    assert read_keys(data) == {}
    assert not write_keys(data, {"1": "cat"})
    assert json.loads(keys_file(elsewhere).read_text())["keys"] == {"1": "dog"}


def test_the_keys_file_is_the_workspaces_guest(tiny_folder: Path) -> None:
    """The keys file beside the journal changes nothing of labelling: the journal replays as before."""
    ws = Workspace(tiny_folder)
    ws.create_class("ant")
    assert write_keys(tiny_folder, {"1": "cat", "4": "ant"})
    again = Workspace(tiny_folder)
    assert again.can_undo() and read_keys(tiny_folder) == {"1": "cat", "4": "ant"}
    assert not again.notices
