"""A backslash is an ordinary character of a file name on Linux and macOS: a loose image named `a\\x.png` is not
`a/x.png`, and every move, trash and undo acts on exactly the file chosen. Paths the app keeps in its journal are
written with "/" on every system, so a journal written on Windows reads the same here; a name read from a journal
never becomes a path outside the dataset on either system."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core import contained
from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace
from desktop_cls.core.data.labeling_journal import parse_begin

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows names cannot hold a backslash")
ODD = "a\\x.png"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    for c in ("a", "b"):
        (root / c).mkdir(parents=True)
    (root / "a" / "x.png").write_bytes(b"labeled a/x")
    (root / ODD).write_bytes(b"loose a-backslash-x")
    return root


def test_trash_and_undo_act_on_the_file_named_with_a_backslash(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.trash([dataset / ODD])
    assert (dataset / "a" / "x.png").read_bytes() == b"labeled a/x"
    assert not (dataset / ODD).exists()
    assert (dataset / STATE_DIR / "trash" / "1" / ODD).read_bytes() == b"loose a-backslash-x"
    Workspace(dataset).undo()  # after a restart: the journal's name is the same file
    assert (dataset / ODD).read_bytes() == b"loose a-backslash-x"
    assert (dataset / "a" / "x.png").read_bytes() == b"labeled a/x"


def test_assign_moves_the_file_named_with_a_backslash(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([ODD], "b")
    assert (dataset / "b" / ODD).read_bytes() == b"loose a-backslash-x"
    assert (dataset / "a" / "x.png").read_bytes() == b"labeled a/x"
    assert not (dataset / "b" / "a").exists()
    ws.undo()
    assert (dataset / ODD).read_bytes() == b"loose a-backslash-x"


def test_a_journal_written_on_windows_reads_the_same(dataset: Path) -> None:
    """The app writes "/" between names on every system: a step made on Windows is undone here."""
    (dataset / "b" / "y.png").write_bytes(b"moved on windows")
    (dataset / STATE_DIR).mkdir()
    records = [{"type": "begin", "id": 1, "kind": "assign", "description": "1 image to 'b'",
                "moves": [["a/y.png", "b/y.png"]]}, {"type": "commit", "id": 1}]
    (dataset / STATE_DIR / JOURNAL).write_text("".join(json.dumps(r) + "\n" for r in records))
    ws = Workspace(dataset)
    assert ws.describe_undo() == "1 image to 'b'"
    ws.undo()
    assert (dataset / "a" / "y.png").read_bytes() == b"moved on windows"
    assert (dataset / "a" / "x.png").read_bytes() == b"labeled a/x"


@pytest.mark.parametrize("windows", [False, True])
def test_a_journal_name_never_leads_out_of_the_dataset(windows: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """On either system a journal path is read as core.contained acts on it: '..' is refused wherever it
    separates, and a backslash that does not separate is part of one name inside the dataset."""
    monkeypatch.setattr(contained, "_WINDOWS_NAMES", windows)
    for path in ("..\\..\\home\\.bashrc", "\\etc\\passwd", "C:\\Users\\me\\secret.txt"):
        parsed = parse_begin({"id": 1, "kind": "assign", "moves": [[path, "b/y.png"]]})
        assert (parsed is None) == windows
        if not windows:
            assert contained.parts(path) == [path]
    for path in ("../x.png", "/etc/passwd", "a/../../x.png", "a//x.png"):
        assert parse_begin({"id": 1, "kind": "assign", "moves": [[path, "b/y.png"]]}) is None
