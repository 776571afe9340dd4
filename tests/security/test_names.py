"""Names that came from a file (class names in model.json, folder names, export names): one path
component, NFC, bounded; inert on a terminal, in a CSV and in the export's example script."""

from __future__ import annotations

import ast
import csv
import io
import json
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from desktop_cls.core.errors import ModelFileError, UserError
from desktop_cls.core.names import MAX_NAME_BYTES, checked_name, csv_cell, for_terminal, name_problem
from tests.conftest import make_tiny_folder, write_image

COMPOSED, DECOMPOSED = "caf\u00e9", "cafe\u0301"


@pytest.mark.parametrize("name", ["../x", "/abs/path", "a/b", "a\\b", "..", ".", "", "bell\x07", "esc\x1b[2J",
                                  "line\nbreak", "rtl\u202egnp.exe", "zero\u200bwidth", "x" * (MAX_NAME_BYTES + 1)])
def test_hostile_names_are_refused(name: str) -> None:
    assert name_problem(name) is not None
    with pytest.raises(ValueError):
        checked_name(name)


def test_names_are_nfc_and_ordinary_names_pass() -> None:
    assert checked_name(DECOMPOSED) == COMPOSED
    for name in ("cat", "猫", "Straße", "a b", "ünïcödé-1_2"):
        assert checked_name(name) == name


def test_terminal_output_cannot_drive_the_terminal() -> None:
    shown = for_terminal("cat\x1b[2J\rdog\n\u202e")
    assert "\x1b" not in shown and "\r" not in shown and "\n" not in shown and "\u202e" not in shown
    assert shown.startswith("cat\\x1b[2J") and for_terminal("猫 cat") == "猫 cat"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_never_start_a_formula(cell: str) -> None:
    assert csv_cell(cell).startswith("'") and csv_cell("cat") == "cat"


def _model_with_classes(src_run: Path, dest: Path, classes: list[str]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    model = dest / "model.safetensors"
    shutil.copy(src_run / "model.safetensors", model)
    meta = json.loads((src_run / "model.json").read_text())
    meta["classes"] = classes
    meta.pop("num_classes", None)
    (dest / "model.json").write_text(json.dumps(meta))
    return model


@pytest.mark.parametrize("bad", ["../../x", "/abs/path", "a/b", "x" * 10_000_000, "bidi\u202e"])
def test_a_model_file_with_path_like_or_huge_class_names_is_refused(tmp_path: Path, bad: str,
                                                                   trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.core.models.model_io import read_meta

    run, _ = trained_run
    model = _model_with_classes(run, tmp_path / "m", ["cat", bad, "fish"])
    with pytest.raises(ModelFileError, match="class"):
        read_meta(model.with_suffix(".json"))


def test_look_alike_class_names_in_a_model_file_count_as_one(tmp_path: Path, trained_run: tuple[Path, Path]) -> None:
    from desktop_cls.core.models.model_io import read_meta

    model = _model_with_classes(trained_run[0], tmp_path / "m", [COMPOSED, DECOMPOSED, "fish"])
    with pytest.raises(ModelFileError, match="twice"):
        read_meta(model.with_suffix(".json"))


def test_copy_into_class_folders_stays_inside(tmp_path: Path) -> None:
    from desktop_cls.core.storage import copy_into_folders

    src = write_image(tmp_path / "in" / "a.png", np.zeros((4, 4, 3), np.uint8))
    dest = tmp_path / "out" / "sorted"
    dest.mkdir(parents=True)
    for bad in ("../escaped", "/tmp", "a/b"):
        with pytest.raises(UserError, match="class"):
            copy_into_folders([(str(src), bad)], dest)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sorted"]
    assert list(dest.iterdir()) == []


def test_scanner_does_not_make_two_classes_of_look_alike_folders(tmp_path: Path) -> None:
    from desktop_cls.core.data.dataset import scan

    root = make_tiny_folder(tmp_path / "d", classes=(COMPOSED, "dog"), per_class=4)
    shutil.copytree(root / COMPOSED, root / DECOMPOSED)
    shutil.copytree(root / "dog", root / "dog\u200b")
    index = scan(root, val_fraction=0.25)
    assert [unicodedata.normalize("NFC", c) for c in index.classes] == [COMPOSED, "dog"]
    reported = " ".join(p.message for p in index.problems)
    assert "looks the same" in reported and "U+200B" in reported


def test_label_page_class_names_follow_the_same_rule(tmp_path: Path) -> None:
    from desktop_cls.core.data.folder_layout import check_class_name

    assert check_class_name(DECOMPOSED) == COMPOSED
    for bad in ("zero\u200bwidth", "rtl\u202e", "x" * 300):
        with pytest.raises(UserError):
            check_class_name(bad)


def test_the_example_script_embeds_file_names_as_literals() -> None:
    from desktop_cls.core.inference.export_snippets import snippet_text

    name = 'x"""; import os; os.system("touch PWNED") #\'\\.onnx'
    text = snippet_text("onnx", Path("/tmp") / name)
    assert text is not None
    tree = ast.parse(text)
    assert isinstance(tree.body[0], ast.Expr)  # the docstring is still one string
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system"]
    assert calls == []  # no os.system call made it into the code
    model = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "MODEL")  # type: ignore[attr-defined]
    assert ast.literal_eval(model.value.right) == name  # type: ignore[attr-defined]


def test_predict_csv_and_terminal_output_are_inert(tmp_path: Path, trained_run: tuple[Path, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli import main

    run, data = trained_run
    model = _model_with_classes(run, tmp_path / "m", ["=HYPERLINK(\"evil\")", "dog", "fish"])
    image = shutil.copy(next((data / "cat").iterdir()), tmp_path / "=cmd.png")
    assert main(["predict", str(model), str(image), "--csv", str(tmp_path / "p.csv")]) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "p.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1][0] == str(image)  # a path starts with / and stays as it is
    assert rows[1][1] == "'=HYPERLINK(\"evil\")" and rows[1][3].startswith("'=HYPERLINK")
    capsys.readouterr()
    escape = shutil.copy(image, tmp_path / "clear\x1b[2Jscreen\r.png")
    assert main(["predict", str(model), str(escape)]) == 0
    out = capsys.readouterr().out
    assert "clear\\x1b[2Jscreen\\r.png" in out and "\x1b" not in out and "\r" not in out


def test_a_command_the_cli_suggests_keeps_a_hostile_folder_name_one_word(tmp_path: Path,
                                                                        trained_run: tuple[Path, Path],
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """`runs` said "Continue it with: desktop-cls train --resume …/x $(touch PWNED); y" for a run folder of that
    name: pasted into a shell, the suggestion ran the folder's command."""
    import os
    import shlex

    from desktop_cls.cli import main

    base = tmp_path / "runs"
    run = base / "x $(touch PWNED); y 'z'"
    shutil.copytree(trained_run[0], run, ignore=shutil.ignore_patterns(".lock"))
    info = json.loads((run / "run.json").read_text(encoding="utf-8"))
    info.update(status="interrupted", pid=2**22 + 12345, host=os.uname().nodename)
    (run / "run.json").write_text(json.dumps(info), encoding="utf-8")
    wanted = ["desktop-cls", "train", "--resume", str(run)]
    assert main(["runs", "--dir", str(base), "--json"]) == 0
    assert shlex.split(json.loads(capsys.readouterr().out)[0]["resume"]) == wanted
    assert main(["runs", "--dir", str(base)]) == 0
    command = capsys.readouterr().out.split("Continue it with: ", 1)[1].strip()
    assert shlex.split(command) == wanted


@pytest.mark.parametrize(("name", "word"), [
    ("C:\\runs\\a&calc", '"C:\\runs\\a&calc"'),  # was a&calc unquoted: cmd.exe ran calc
    ("C:\\runs\\x|calc>o", '"C:\\runs\\x|calc>o"'),
    ("C:\\runs\\x $(calc)", '"C:\\runs\\x `$(calc)"'),  # was "x $(calc)": PowerShell ran calc inside the quotes
    ("C:\\runs\\x \u201d; calc; \u201c", '"C:\\runs\\x `\u201d; calc; `\u201c"'),  # PowerShell closes a string at ”
    ("C:\\runs\\a`b", '"C:\\runs\\a``b"'),
    ("C:\\my runs\\", '"C:\\my runs\\\\"'),  # the closing quote is not escaped by the name's last backslash
])
def test_a_windows_command_keeps_a_hostile_folder_name_one_word_in_cmd_and_powershell(name: str, word: str) -> None:
    from desktop_cls.core.names import for_shell

    assert for_shell(name, windows=True) == word


@pytest.mark.parametrize("bad", ["CON", "con", "Nul", "aux.txt", "com1", "LPT9.png", "COM\u00b9", "prn .jpg", "cat.",
                                 "dogs..."])
def test_labeling_refuses_a_class_name_windows_cannot_hold(tmp_path: Path, bad: str) -> None:
    """A dataset labelled on Linux is opened, zipped and shared on Windows too: a class folder named CON (a device
    there) or 'cat.' (which Windows makes the folder 'cat') was created without a word; ':' and '?' already were
    refused for that reason."""
    from desktop_cls.core.data.labeling import Workspace

    root = make_tiny_folder(tmp_path / "d", classes=("cat", "dog"), per_class=2)
    ws = Workspace(root)
    with pytest.raises(UserError, match="cannot be a class name"):
        ws.create_class(bad)
    with pytest.raises(UserError, match="cannot be a class name"):
        ws.rename_class("dog", bad)
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == ["cat", "dog"]


def test_names_that_only_look_like_windows_devices_are_classes(tmp_path: Path) -> None:
    from desktop_cls.core.data.folder_layout import check_class_name

    for fine in ("console", "icon", "com10", "nullable", "aux cable", "a.b", "LPT"):
        assert check_class_name(fine) == fine


def test_an_import_never_makes_a_name_windows_cannot_hold_but_an_existing_such_class_still_works(
        tmp_path: Path) -> None:
    from desktop_cls.core.data.importing import import_images, safe_name
    from desktop_cls.core.data.labeling import Workspace

    assert safe_name("CON.png") == "image CON.png" and safe_name("nul") == "image nul"
    root = make_tiny_folder(tmp_path / "d", classes=("cat", "aux"), per_class=2)  # 'aux' made on Linux
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(next((root / "cat").iterdir()), outside / "com1.png")
    ws = Workspace(root)
    with pytest.raises(UserError, match="cannot be a class name"):
        import_images(ws, [str(outside / "com1.png")], "COM1")
    assert not (root / "COM1").exists()
    done = import_images(ws, [str(outside / "com1.png")], "aux")
    assert [Path(p).name for p in done.imported] == ["image com1.png"]
    ws.assign([next((root / "cat").iterdir())], "aux")
    ws.rename_class("aux", "auxiliary")
    assert len(list((root / "auxiliary").iterdir())) == 4
