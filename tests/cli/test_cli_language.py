"""The command line speaks the user's language: it follows LANG, and its own messages, its --help and
the engine's errors all go through the gettext catalogue."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_cls.cli import build_parser, main
from desktop_cls.core import i18n


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
