"""The app speaks in app terms: no error it shows asks for a command-line flag."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.errors import UserError
from desktop_cls.gui.shell.main_window import MainWindow

CORE = Path(__file__).resolve().parents[2] / "desktop_cls" / "core"
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _message_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_message_text(v) for v in node.values if isinstance(v, ast.Constant | ast.JoinedStr))
    if isinstance(node, ast.BinOp):
        return _message_text(node.left) + _message_text(node.right)
    return ""


def test_no_core_error_message_names_a_cli_flag_outside_cli_fix() -> None:
    """A flag belongs in cli_fix (with its app wording in gui_fix); the message itself is shown by both."""
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Error")):
                continue
            texts = [_message_text(a) for a in node.args]
            texts += [_message_text(k.value) for k in node.keywords if k.arg not in ("cli_fix",)]
            if any(FLAG.search(t) for t in texts):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_user_error_words_its_fix_per_interface() -> None:
    e = UserError("x.onnx already exists", cli_fix="add --overwrite", gui_fix="tick “Replace existing files”")
    assert e.for_cli() == "x.onnx already exists; add --overwrite"
    assert e.for_gui() == "x.onnx already exists; tick “Replace existing files”"
    assert str(e) == "x.onnx already exists" and UserError("plain").for_gui() == "plain"


def test_export_over_an_existing_file_says_what_to_tick(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                         trained_run: tuple[Path, Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_cls.gui.pages.export.export_page as export_page

    shown: list[str] = []
    monkeypatch.setattr(export_page, "show_error", lambda _parent, _title, message, *_a: shown.append(message))
    xp = window.export_page
    xp.model_edit.setText(str(trained_run[0]))
    xp.dest_edit.setText(str(tmp_path / "exports"))
    for fmt, check in xp.checks.items():
        check.setChecked(fmt == "safetensors")
    rows: list[int] = []
    for _ in range(2):
        xp.export()
        qtbot.waitUntil(lambda: xp.buttons["exportButton"].isEnabled(), timeout=60_000)
        rows.append(xp.results.table.rowCount())
    assert len(shown) == 1 and "already exists" in shown[0]
    assert "--" not in shown[0] and "Replace existing files with the same name" in shown[0]
    assert xp.overwrite_check.text() in shown[0]
    assert rows == [2, 2]  # refused before anything went: the last export's rows stay
    # two formats, the second's file there: refused before the first is written
    xp.checks["onnx"].setChecked(True)
    xp.name_edit.setText("other")
    taken = tmp_path / "exports" / "onnx" / "other.onnx"
    taken.parent.mkdir()
    taken.write_bytes(b"keep me")
    xp.export()
    qtbot.waitUntil(lambda: xp.buttons["exportButton"].isEnabled() and len(shown) == 2, timeout=60_000)
    assert "other.onnx already exists" in shown[1] and taken.read_bytes() == b"keep me"
    assert not (tmp_path / "exports" / "safetensors" / "other.safetensors").exists()
    assert xp.results.table.rowCount() == 2


def test_cli_keeps_its_flags(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                             tmp_path: Path) -> None:
    from desktop_cls.cli import main

    out = tmp_path / "m.safetensors"
    assert main(["export", str(trained_run[0]), "--format", "safetensors", "--out", str(out)]) == 0
    assert main(["export", str(trained_run[0]), "--format", "safetensors", "--out", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_torchscript_refusal_in_the_app_names_no_flag(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    from desktop_cls.core.inference.export import export_model
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.gui.work.tasks import describe_failure

    res = export_model(trained_run[0], "torchscript", tmp_path / "m")
    with pytest.raises(UserError) as info:
        Predictor.load(res.path, allow_code=False)
    message, _ = describe_failure(info.value)
    assert "--" not in message and "Classify page" in message
    assert "--trust-torchscript" in info.value.for_cli()
