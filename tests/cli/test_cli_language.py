"""The command line speaks the user's language: it follows LANG, and its own messages, its --help and
the engine's errors all go through the gettext catalogue."""

from __future__ import annotations

import gettext
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_cls.cli import build_parser, main
from desktop_cls.core import i18n

REPO = Path(__file__).resolve().parents[2]


class Marked(gettext.NullTranslations):
    """A catalogue that translates everything into a visibly marked copy of itself."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    i18n.set_language("en")


def test_the_cli_follows_the_system_language(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["runs", "--dir", str(tmp_path), "--json"]) == 0
    assert i18n.current_language() == "zh_CN"
    assert capsys.readouterr().out.strip() == "[]"  # JSON stays JSON in any language


def test_cli_and_engine_messages_go_through_the_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(i18n, "set_language", lambda code=None: "marked")
    monkeypatch.setattr("desktop_cls.cli.parser.set_language", lambda code=None: "marked")
    monkeypatch.setattr(i18n, "_translation", Marked())

    assert main(["runs", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("⟦no training runs yet")

    assert main(["scan", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("⟦desktop-cls: error: ⟦folder not found: ") and "missing⟧⟧" in err

    monkeypatch.setenv("COLUMNS", "200")  # one help text per line
    text = build_parser().format_help()
    assert "⟦list classes, counts and problems of an image folder⟧" in text


# ---- the installed command itself, in a fresh process ----------------------------------------------------
def run_entry_point(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(env, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "desktop_cls", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environ, timeout=300)


@pytest.mark.parametrize(("env", "message"), [
    ({"LANG": "zh_CN.UTF-8"}, "不是空的；请为演示数据选择一个新的或空的文件夹"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "C.UTF-8"}, "不是空的；请为演示数据选择一个新的或空的文件夹"),
    ({"LANG": "C"}, "is not empty; choose a new or empty folder for the demo data"),
    ({"LANG": "en_US.UTF-8"}, "is not empty; choose a new or empty folder for the demo data"),
])
def test_a_bad_folder_is_refused_in_the_language_of_the_environment(tmp_path: Path, env: dict[str, str],
                                                                    message: str) -> None:
    (tmp_path / "taken.txt").write_text("mine", encoding="utf-8")
    r = run_entry_point("demo-data", str(tmp_path), **env)
    assert r.returncode != 0
    assert f"{tmp_path} {message}" in r.stderr, r.stderr
    assert (tmp_path / "taken.txt").read_text(encoding="utf-8") == "mine"


def test_option_help_follows_lang() -> None:
    r = run_entry_point("train", "--help", LANG="zh_CN.UTF-8")
    assert r.returncode == 0, r.stderr
    shown = "".join(r.stdout.split())  # argparse wraps lines where it likes
    assert "训练遍历全部训练集图像的次数" in shown and "在1和10000之间" in shown
    r = run_entry_point("train", "--help", LANG="C")
    assert "How many times training goes through all training images" in " ".join(r.stdout.split())
