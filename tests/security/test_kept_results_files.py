"""Kept results in a run folder from someone else: a huge, malformed or hostile evaluation.json or exports.json
(wrong types, names with markup, paths in names, paths out of their folder, a link, a pipe) is ignored with a note
naming the file, never an exception, and nothing in it is shown."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.core.inference import saved_evaluation as se
from desktop_cls.core.inference import saved_exports as sx
from tests.conftest import make_tiny_folder
from tests.core.test_kept_results import CLASSES, _exported, evaluation_of, make_run

Edit = Callable[[dict[str, Any]], object]


def _set(path: tuple[Any, ...], value: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        for key in path[:-1]:
            d = d[key]
        d[path[-1]] = value
    return edit


def _rename_class(new: str) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["report"]["classes"][0] = new
        d["report"]["per_class"][new] = d["report"]["per_class"].pop("cat")
    return edit


EVALUATION_EDITS: dict[str, Edit] = {
    "accuracy is text": _set(("report", "accuracy"), "abc"),
    "accuracy above 1": _set(("report", "accuracy"), 7.5),
    "samples not a list": _set(("samples",), "x"),
    "a sample of four strings": _set(("samples", 0), ["a", "b", "c", "d"]),
    "a class index out of range": _set(("samples", 0, 1), 99),
    "a boolean for a count": _set(("report", "num_images"), True),
    "a count that is not the images'": _set(("report", "num_images"), 100),
    "a matrix that is not the images'": _set(("report", "confusion_matrix", 0, 0), 1000),
    "a class name with markup": _rename_class("<img src=x onerror=alert(1)>"),
    "a class name that is a path": _rename_class("../../etc"),
    "a class name with a bidi override": _rename_class("cat\u202egnp.exe"),
    "a sample path out of its folder": _set(("samples", 0, 0), "../../../etc/passwd"),
    "an absolute sample path": _set(("samples", 0, 0), "/etc/passwd"),
    "a relative folder": _set(("folder",), "data"),
    "an unknown split": _set(("report", "split"), "<b>train</b>"),
    "a digest that is not one": _set(("folder_state", "sha256"), "zz"),
    "a curve of another class": _set(("curves", "pr", "<i>x</i>"), {"precision": [], "recall": []}),
    "a curve point that is text": _set(("curves", "reliability", "share", 0), "0.5"),
    "a curve point that is true": _set(("curves", "reliability", "share", 0), True),
    "a report that is a list": _set(("report",), []),
    "another kind": _set(("kind",), "desktop_cls exports"),
    "another version": _set(("version",), 99),
}


@pytest.fixture
def kept_file(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    """(run, images, the kept file's JSON)."""
    run, data = make_run(tmp_path), make_tiny_folder(tmp_path / "data", per_class=3)
    assert se.keep_evaluation(str(run), str(data), se.folder_state(data), evaluation_of(data)) == ""
    return run, data, json.loads((run / se.EVALUATION).read_text(encoding="utf-8"))


def _refused(saved: Any, run: Path, name: str) -> None:
    assert saved.note.startswith(f"The results kept in {run / name} were not read (")
    assert saved.note.endswith("again.")


@pytest.mark.parametrize("edit", EVALUATION_EDITS, ids=list(EVALUATION_EDITS))
def test_a_hostile_kept_evaluation_is_refused_with_a_note(kept_file: tuple[Path, Path, dict[str, Any]],
                                                          edit: str) -> None:
    run, data, good = kept_file
    bad = copy.deepcopy(good)
    EVALUATION_EDITS[edit](bad)
    (run / se.EVALUATION).write_text(json.dumps(bad), encoding="utf-8")
    saved = se.load_evaluation(str(run), str(data), CLASSES)
    assert saved.result is None
    _refused(saved, run, se.EVALUATION)


@pytest.mark.parametrize(("folder", "named"), [("//attacker/share/images", ""), ("/tmp/../etc", ""), ("/", "/")])
def test_a_kept_evaluation_naming_a_network_or_odd_folder_is_never_walked(
        kept_file: tuple[Path, Path, dict[str, Any]], folder: str, named: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run from someone else whose evaluation names a network share (which merely looking at would contact, on
    Windows), a path with '..' or a huge folder: it is not walked, even when a folder of that name was chosen, unless
    it is a plain local path the user chose; only such a path is named for the page to show."""
    run, data, good = kept_file
    (run / se.EVALUATION).write_text(json.dumps({**good, "folder": folder}), encoding="utf-8")

    def walked(path: object) -> None:
        raise AssertionError(f"{path} was walked")

    monkeypatch.setattr(se, "folder_state", walked)
    saved = se.load_evaluation(str(run), str(data), CLASSES, chosen=["//attacker/share/images", "/tmp/../etc"])
    assert saved.result is None and saved.note == ""
    assert saved.folder == named  # "/" is a plain local folder: named for the user to choose, not walked


def test_a_kept_evaluation_naming_other_classes_than_the_runs_is_refused(
        kept_file: tuple[Path, Path, dict[str, Any]]) -> None:
    run, data, _good = kept_file
    saved = se.load_evaluation(str(run), str(data), ("cat", "dog", "<b>fish</b>"))
    assert saved.result is None and "its classes are not the run's own" in saved.note


def test_a_huge_kept_file_is_refused_before_it_is_read(kept_file: tuple[Path, Path, dict[str, Any]]) -> None:
    run, data, _good = kept_file
    with open(run / se.EVALUATION, "r+b") as f:  # sparse: as large as the cap allows and one byte more
        f.truncate(se.MAX_BYTES + 1)
    saved = se.load_evaluation(str(run), str(data), CLASSES)
    assert saved.result is None and "larger than 64 MB" in saved.note
    _refused(saved, run, se.EVALUATION)


def test_a_deeply_nested_or_garbled_kept_file_is_refused(kept_file: tuple[Path, Path, dict[str, Any]]) -> None:
    run, data, _good = kept_file
    for text in ("[" * 100_000, "{not json", '{"kind": "desktop_cls evaluation", "version": 1, "report": 1e999}'):
        (run / se.EVALUATION).write_text(text, encoding="utf-8")
        saved = se.load_evaluation(str(run), str(data), CLASSES)
        assert saved.result is None
        _refused(saved, run, se.EVALUATION)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_kept_file_that_is_a_link_or_a_pipe_is_not_read(kept_file: tuple[Path, Path, dict[str, Any]],
                                                          tmp_path: Path) -> None:
    run, data, _good = kept_file
    elsewhere = tmp_path / "elsewhere.json"
    (run / se.EVALUATION).rename(elsewhere)  # a valid file, reached only through a link
    os.symlink(elsewhere, run / se.EVALUATION)
    saved = se.load_evaluation(str(run), str(data), CLASSES)
    assert saved.result is None and "is a link" in saved.note
    (run / se.EVALUATION).unlink()
    os.mkfifo(run / se.EVALUATION)  # an open() that would wait for a writer for ever
    saved = se.load_evaluation(str(run), str(data), CLASSES)
    assert saved.result is None and "not a regular file" in saved.note


def _export_edit(path: tuple[Any, ...], value: Any) -> Edit:
    return _set(("exports", 0, *path), value)


EXPORT_EDITS: dict[str, Edit] = {
    "a size that is text": _export_edit(("result", "size_bytes"), "big"),
    "verified as a string": _export_edit(("result", "verified"), "yes"),
    "an unknown format": _export_edit(("result", "format"), "<b>exe</b>"),
    "a model file out of its folder": _export_edit(("result", "path"), "/etc/passwd"),
    "a file with .. in its path": _export_edit(("result", "files"), ["{dest}/../../etc/passwd"]),
    "too many files": _export_edit(("result", "files"), ["{dest}/f"] * 1000),
    "an agreement above 1": _export_edit(("result", "top1_agreement"), 3.0),
    "metadata that is a number": _export_edit(("metadata",), 5),
    "identities of other files": _export_edit(("identities",), {"/etc/passwd": [1, 2]}),
    "too many exports": _set(("exports",), [{}] * 50),
    "a folder that is a list": _set(("dest",), ["x"]),
    "a relative folder": _set(("dest",), "exports"),
}


@pytest.mark.parametrize("edit", EXPORT_EDITS, ids=list(EXPORT_EDITS))
def test_hostile_kept_exports_are_refused_with_a_note(tmp_path: Path, edit: str) -> None:
    run, dest = make_run(tmp_path), tmp_path / "exports"
    sx.keep_exports(str(run), dest, [_exported(dest)])
    bad = json.loads((run / sx.EXPORTS).read_text(encoding="utf-8"))
    EXPORT_EDITS[edit](bad)
    text = json.dumps(bad).replace("{dest}", str(dest.resolve()))
    (run / sx.EXPORTS).write_text(text, encoding="utf-8")
    saved = sx.load_exports(str(run))
    assert saved.exports == ()
    _refused(saved, run, sx.EXPORTS)


@pytest.mark.parametrize("path", ["", "relative/folder", "/a/../b", "/a//b/", "//host/share/images", "/a/\0b"])
def test_a_kept_folder_is_put_in_a_field_only_when_it_is_a_plain_local_path(path: str, tmp_path: Path) -> None:
    """A kept file names the folder its results were made in; the page puts it in a folder field (where "Open
    folder" or Evaluate would use it) only when it is a path as the app writes one, on this computer."""
    from desktop_cls.core.inference.kept_results import local_folder

    assert local_folder(path) is None
    assert local_folder(str(tmp_path.resolve() / "images")) == str(tmp_path.resolve() / "images")
