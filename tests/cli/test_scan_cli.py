"""`scan --fail-on KINDS`: scripts and CI gate on findings by exit code."""

from __future__ import annotations

import json
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
    assert code == EXIT_FINDINGS and "1 duplicate, 1 not_image" in err
    assert {p["kind"] for p in json.loads(out)["problems"]} == {"duplicate", "not_image"}  # stdout stays JSON
    code, _, _ = run_cli(capsys, "scan", tiny_folder, "--fail-on", "leak,label_conflict")
    assert code == 0
    code, _, _ = run_cli(capsys, "scan", tiny_folder)
    assert code == 0  # without --fail-on, findings are information


def test_fail_on_refuses_unknown_kinds_and_quick_health_kinds(capsys: pytest.CaptureFixture[str],
                                                              tiny_folder: Path) -> None:
    code, _, err = run_cli(capsys, "scan", tiny_folder, "--fail-on", "duplicates")
    assert code == EXIT_USER_ERROR and "unknown kind(s) duplicates" in err and "near_duplicate" in err
    code, _, err = run_cli(capsys, "scan", tiny_folder, "--quick", "--fail-on", "near_duplicate")
    assert code == EXIT_USER_ERROR and "drop --quick" in err
    code, _, _ = run_cli(capsys, "scan", tiny_folder, "--quick", "--fail-on", "corrupt")
    assert code == 0
