"""A labeling step is named in the language of the day it is shown, not of the day it was journaled; journals
written before steps kept their facts still name their steps, and a hostile journal's facts are shown safely."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_cls.core import i18n
from desktop_cls.core.data.labeling import JOURNAL, STATE_DIR, Workspace
from desktop_cls.core.data.step_words import MAX_NAME, MAX_TEXT
from desktop_cls.core.errors import UserError
from desktop_cls.core.storage import append_jsonl


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    for c in ("cat", "dog"):
        (root / c).mkdir(parents=True)
        for i in range(2):
            (root / c / f"{c}{i}.png").write_bytes(f"{c}-{i}".encode())
    (root / "new.png").write_bytes(b"new")
    return root


def steps(root: Path, *records: dict[str, object]) -> None:
    """Journal records as another (older, or hostile) app wrote them, each committed."""
    for rec in records:
        append_jsonl(root / STATE_DIR / JOURNAL, rec)
        append_jsonl(root / STATE_DIR / JOURNAL, {"type": "commit", "id": rec["id"]})


def test_a_step_journaled_in_english_is_named_in_chinese_after_a_restart(dataset: Path) -> None:
    Workspace(dataset).assign([dataset / "new.png"], "animals")
    i18n.set_language("zh_CN")
    ws = Workspace(dataset)
    assert ws.describe_undo() == "1 张图像移到 “animals”"
    os.remove(dataset / "animals" / "new.png")  # gone: its undo says so, in Chinese
    with pytest.raises(UserError, match=r"^“1 张图像移到 “animals””已无法撤销"):
        ws.undo()


@pytest.mark.parametrize(("make", "chinese"), [
    (lambda ws: ws.rename_class("cat", "kitten"), "kitten"),
    (lambda ws: ws.merge_classes("dog", "cat"), "dog"),
    (lambda ws: ws.delete_class("dog"), "dog"),
    (lambda ws: ws.create_class("bird"), "bird"),
    (lambda ws: ws.trash([ws.root / "new.png"]), "1 张图像"),
])
def test_every_kind_of_step_is_named_in_the_language_of_the_day(dataset: Path, make: object, chinese: str) -> None:
    english = make(Workspace(dataset)).description  # type: ignore[operator]
    i18n.set_language("zh_CN")
    ws = Workspace(dataset)
    named = ws.describe_undo()
    assert named != english and chinese in named and not named.isascii()
    ws.undo()
    i18n.set_language("en")
    assert Workspace(dataset).describe_redo() == english  # the undo's record says what it undid, as plain data


def test_a_redo_is_named_in_chinese_after_a_restart(dataset: Path) -> None:
    ws = Workspace(dataset)
    ws.assign([dataset / "cat" / "cat0.png", dataset / "cat" / "cat1.png"], "dog")
    undone = ws.undo()
    assert undone.words() == "undo 2 images to 'dog'"
    i18n.set_language("zh_CN")
    assert Workspace(dataset).describe_redo() == "2 张图像移到 “dog”"
    assert Workspace(dataset).ops[undone.id].words() == "撤销2 张图像移到 “dog”"


def test_an_old_record_without_facts_shows_its_stored_text_and_undoes(dataset: Path) -> None:
    steps(dataset, {"type": "begin", "id": 1, "kind": "assign", "description": "1 image to 'dog'",
                    "moves": [["new.png", "dog/new.png"]]})
    os.replace(dataset / "new.png", dataset / "dog" / "new.png")
    i18n.set_language("zh_CN")
    ws = Workspace(dataset)
    assert ws.skipped_records == 0 and ws.describe_undo() == "1 image to 'dog'"
    assert ws.undo().words() == "撤销1 image to 'dog'"
    assert (dataset / "new.png").exists() and Workspace(dataset).describe_redo() == "1 image to 'dog'"


@pytest.mark.parametrize("facts", [
    {"count": 10**30, "names": ["dog"]},
    {"count": -1, "names": ["dog"]},
    {"count": True, "names": ["dog"]},
    {"count": "1", "names": ["dog"]},
    {"count": 1, "names": [1]},
    {"count": 1, "names": "dog"},
    {"count": 1, "names": ["a", "b", "c"]},
    {"count": 1, "names": ["dog"], "of": "rm -rf"},
    ["dog"],
    "dog",
])
def test_facts_of_the_wrong_size_or_type_fall_back_to_the_stored_text(dataset: Path, facts: object) -> None:
    steps(dataset, {"type": "begin", "id": 1, "kind": "assign", "description": "x" * 100_000, "facts": facts,
                    "moves": [["new.png", "dog/new.png"]]})
    i18n.set_language("zh_CN")
    named = Workspace(dataset).describe_undo()
    assert named == "x" * (MAX_TEXT - 1) + "…"


def test_a_hostile_class_name_is_text_bounded_and_without_control_characters(dataset: Path) -> None:
    name = "<b>x</b>\x1b[2J\u202e" + "y" * 10_000
    steps(dataset, {"type": "begin", "id": 1, "kind": "create_class", "description": 7,
                    "facts": {"names": [name]}, "moves": [[None, "bird"]]})
    i18n.set_language("zh_CN")
    named = Workspace(dataset).describe_undo()
    assert named.startswith("新类别 “<b>x</b>\\x1b[2J\\u202eyyy") and named.isprintable()
    assert len(named) < MAX_NAME + 20 and not (dataset / "<b>x</b>").exists()


def test_a_new_record_keeps_plain_facts_and_words_for_older_apps(dataset: Path) -> None:
    Workspace(dataset).assign([dataset / "new.png", dataset / "cat" / "cat0.png"], "dog")
    begin = json.loads((dataset / STATE_DIR / JOURNAL).read_text(encoding="utf-8").splitlines()[0])
    assert begin["facts"] == {"count": 2, "names": ["dog"], "classes": 1}
    assert begin["description"] == "2 images to 'dog'"
