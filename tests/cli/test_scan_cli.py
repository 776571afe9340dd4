"""`scan --fail-on KINDS`: scripts and CI gate on findings by exit code."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from desktop_cls.cli import EXIT_FINDINGS, EXIT_USER_ERROR, main


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fail_on_gates_on_the_listed_kinds_only(capsys: pytest.CaptureFixture[str], tiny_folder: Path) -> None:
    code, _, _ = run_cli(capsys, "scan", tiny_folder, "--fail-on", "any")
    assert code == 0  # a clean folder passes
    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "cat" / "copy.png")
    (tiny_folder / "dog" / "broken.jpg").write_bytes(b"not a jpeg")
    code, out, err = run_cli(capsys, "scan", tiny_folder, "--json", "--fail-on", "duplicate,not_image")
    assert code == EXIT_FINDINGS and "1 duplicate, 1 not an image" in err  # the kinds in words
    assert {p["kind"] for p in json.loads(out)["problems"]} == {"duplicate", "not_image"}  # stdout stays JSON
    code, _, _ = run_cli(capsys, "scan", tiny_folder, "--fail-on", "leak,label_conflict")
    assert code == 0
    code, _, _ = run_cli(capsys, "scan", tiny_folder)
    assert code == 0  # without --fail-on, findings are information


def test_fail_on_refuses_unknown_kinds_and_quick_health_kinds(capsys: pytest.CaptureFixture[str],
                                                              tiny_folder: Path) -> None:
    code, _, err = run_cli(capsys, "scan", tiny_folder, "--fail-on", "duplicates")
    assert code == EXIT_USER_ERROR and "unknown kind duplicates" in err and "near_duplicate" in err
    code, _, err = run_cli(capsys, "scan", tiny_folder, "--quick", "--fail-on", "near_duplicate")
    assert code == EXIT_USER_ERROR and "drop --quick" in err
    code, _, _ = run_cli(capsys, "scan", tiny_folder, "--quick", "--fail-on", "corrupt")
    assert code == 0


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symlinks")
def test_scan_names_a_class_folder_linked_from_outside(capsys: pytest.CaptureFixture[str], tiny_folder: Path,
                                                       tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(tiny_folder / "cat", elsewhere)
    os.symlink(elsewhere, tiny_folder / "outdir")
    code, out, _ = run_cli(capsys, "scan", tiny_folder, "--fail-on", "link")
    assert code == EXIT_FINDINGS
    line = next(x for x in out.splitlines() if "[link]" in x)
    assert str(tiny_folder / "outdir") in line and str(elsewhere) in line and "never moves" in line
    shutil.copy(tiny_folder / "cat" / "cat_00.png", tiny_folder / "cat" / "real_copy.png")
    os.symlink(tiny_folder / "cat" / "cat_01.png", tiny_folder / "cat" / "linked.png")
    _, out, _ = run_cli(capsys, "scan", tiny_folder, "--json")
    kinds = {(Path(p["path"]).name, p["kind"]) for p in json.loads(out)["problems"]}
    assert ("linked.png", "link") in kinds and ("linked.png", "duplicate") not in kinds
    assert ("real_copy.png", "duplicate") in kinds or ("cat_00.png", "duplicate") in kinds  # still found


@pytest.mark.skipif(os.name == "nt", reason="Windows names cannot hold control characters")
def test_file_names_cannot_drive_the_terminal(capsys: pytest.CaptureFixture[str], tiny_folder: Path) -> None:
    """A file named with terminal escapes (set the title, clear the screen) or a newline (a faked line) is shown
    escaped in the report, in progress lines and in an error message."""
    (tiny_folder / "dog" / "z\x1b]0;PWNED\x07\x1b[2J.jpg").write_bytes(b"not a jpeg")
    (tiny_folder / "dog" / "x.jpg\n  [fake] all images are fine: .jpg").write_bytes(b"not a jpeg")
    code, out, err = run_cli(capsys, "scan", tiny_folder, "--quick")
    assert code == 0 and "z\\x1b]0;PWNED\\x07\\x1b[2J.jpg" in out and "x.jpg\\n  [fake]" in out
    assert not any(c in out + err for c in "\x1b\x07") and "\n  [fake]" not in out
    code, _, err = run_cli(capsys, "scan", tiny_folder / "gone\x1b[2J")
    assert code == EXIT_USER_ERROR and "gone\\x1b[2J" in err and "\x1b" not in err


def test_scan_words_a_leak_for_the_cross_validating_default_run(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    """Few images per class: the default quick run cross-validates over training and validation, so a copy
    across them inflates the cross-validated score (there is no validation score to inflate)."""
    from tests.core.test_leak_words import leaky_split_folders

    root = leaky_split_folders(tmp_path / "ds")
    code, out, _ = run_cli(capsys, "scan", root, "--json")
    assert code == 0
    leaks = {Path(p["path"]).name: p["message"] for p in json.loads(out)["problems"] if p["kind"] == "leak"}
    assert "cross-validated score is inflated" in leaks["leaked.png"], leaks
    assert "validation score" not in leaks["leaked.png"]
    assert "the test score is inflated" in leaks["tested.png"]
    _, out, _ = run_cli(capsys, "scan", root)
    assert "cross-validated score is inflated" in out


def test_scan_says_the_cross_validation_instead_of_a_split_no_run_uses(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path) -> None:
    """Few images per class: the default quick run holds nothing out, so the report says the Data page's words
    (core's) instead of a training/validation split; with many images the split line stays."""
    from desktop_cls.core.data.validation_words import cross_validation_line
    from tests.conftest import make_tiny_folder

    few = make_tiny_folder(tmp_path / "few")
    for flags in ((), ("--quick",)):
        code, out, _ = run_cli(capsys, "scan", few, *flags)
        assert code == 0 and "split:" not in out
        assert cross_validation_line(5, 24, 0) in out
        assert "Validation: 5-fold cross-validation on all 24 labeled images." in out
    _, out, _ = run_cli(capsys, "scan", few, "--quick", "--json")
    assert json.loads(out)["cross_validation_folds"] == 5
    many = make_tiny_folder(tmp_path / "many", per_class=100, size=8)
    _, out, _ = run_cli(capsys, "scan", many, "--quick")
    assert "split: 240 train, 60 validation, 0 test" in out and "cross-validation" not in out
    _, out, _ = run_cli(capsys, "scan", many, "--quick", "--json")
    assert json.loads(out)["cross_validation_folds"] == 0
