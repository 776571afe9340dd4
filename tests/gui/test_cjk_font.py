"""Chinese text is drawn from a font that has its glyphs (not a Japanese font Qt happens to list first)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_cls.gui.shell.cjk_font import chinese_characters, choose_family, shown_chinese

# what a desktop with a Japanese font listed first looks like: it lacks the simplified-only characters
GLYPHS = {
    "M PLUS 1p": set("标体中文"),
    "Droid Sans Fallback": set("注估标体中文简"),
    "WenQuanYi Micro Hei": set("注估标体中文简"),
    "Some Other Font": set("注估标体中文简"),
}


def covers(family: str, text: str) -> bool:
    return set(text) <= GLYPHS[family]


def test_a_simplified_chinese_family_is_preferred_to_whatever_is_listed_first() -> None:
    installed = ["M PLUS 1p", "Droid Sans Fallback", "WenQuanYi Micro Hei"]
    assert choose_family("注估简体中文", installed, covers) == "WenQuanYi Micro Hei"
    assert choose_family("注估简体中文", installed, covers, preferred=()) == "Droid Sans Fallback"


def test_a_family_that_lacks_a_character_is_passed_over() -> None:
    assert choose_family("简体中文", ["M PLUS 1p", "Some Other Font"], covers) == "Some Other Font"
    assert choose_family("标", ["M PLUS 1p"], covers) == "M PLUS 1p"


def test_no_covering_family_or_nothing_to_cover_chooses_none() -> None:
    assert choose_family("注估", ["M PLUS 1p"], covers) is None
    assert choose_family("注估", [], covers) is None
    assert choose_family("", ["WenQuanYi Micro Hei"], covers) is None


def test_the_checked_text_is_every_chinese_character_the_app_shows() -> None:
    assert chinese_characters(["Label 标注 (E)", "编辑(&E)，"]) == "".join(sorted("标注编辑，"))
    from desktop_cls.gui.shell.cjk_font import CATALOGUES
    from desktop_cls.resources_path import resource

    assert all(resource(rel).is_file() for rel in CATALOGUES)  # shipped in resources/, so the bundle has them
    shown = shown_chinese()
    assert set("简体中文标注评估编辑") <= set(shown)  # the language menu and the page names of the report
    assert not any(ch.isascii() for ch in shown)


@pytest.fixture
def app_font() -> Iterator[None]:
    from PySide6.QtGui import QFont, QGuiApplication

    before = QFont(QGuiApplication.font())
    yield
    QGuiApplication.setFont(before)


def test_the_families_qt_resolves_cover_the_shipped_chinese(qapp: object, app_font: None) -> None:
    """On this machine: after start-up's choice, every Chinese character of the catalogues has a glyph
    in one of the application font's families (no empty boxes)."""
    from PySide6.QtGui import QFontInfo, QGuiApplication

    from desktop_cls.gui.shell.cjk_font import han_families, prefer_covering_font, qt_covers

    text = shown_chinese()
    if not any(any(qt_covers(f, ch) for ch in "中文简体") for f in han_families()):
        pytest.skip("no font with Chinese glyphs is installed (python3 dev.py installs one on Debian/Ubuntu)")
    latin = QFontInfo(QGuiApplication.font()).family()
    prefer_covering_font()
    font = QGuiApplication.font()
    assert QFontInfo(font).family() == latin  # the English text keeps its font: Chinese is only the fallback
    families = [QFontInfo(font).family(), *font.families()]  # the first as resolved (not the alias)
    missing = [ch for ch in text if not any(qt_covers(f, ch) for f in families)]
    assert not missing, (f"no family of {families} has a glyph for {''.join(missing)}: install a Simplified "
                         "Chinese font (e.g. fonts-wqy-microhei or fonts-noto-cjk)")


def test_the_chinese_family_is_a_fallback_after_the_resolved_one_not_after_an_alias(
        qapp: object, app_font: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The application font's first family is often the alias "Sans Serif", which no installed font is named:
    in a list of families Qt skips it, so with the Chinese family next every English text, its quotes and "…"
    were drawn in the Chinese font. The family the alias resolves to comes first (fake font database: nothing
    here depends on the fonts installed)."""
    from PySide6.QtGui import QFont, QGuiApplication

    from desktop_cls.gui.shell import cjk_font

    glyphs = {"DejaVu Sans": set(), **GLYPHS}
    monkeypatch.setattr(cjk_font, "resolved_family", lambda _font: "DejaVu Sans")
    monkeypatch.setattr(cjk_font, "han_families", lambda: ["M PLUS 1p", "WenQuanYi Micro Hei"])
    monkeypatch.setattr(cjk_font, "qt_covers", lambda family, text: set(text) <= glyphs.get(family, set()))
    font = QFont(QGuiApplication.font())
    font.setFamilies(["Sans Serif"])
    QGuiApplication.setFont(font)

    assert cjk_font.prefer_covering_font("注估简体中文") == "WenQuanYi Micro Hei"
    assert QGuiApplication.font().families() == ["DejaVu Sans", "Sans Serif", "WenQuanYi Micro Hei"]


def test_a_resolved_family_that_covers_the_chinese_gets_no_fallback(
        qapp: object, app_font: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QGuiApplication

    from desktop_cls.gui.shell import cjk_font

    monkeypatch.setattr(cjk_font, "resolved_family", lambda _font: "Droid Sans Fallback")
    monkeypatch.setattr(cjk_font, "qt_covers", covers)
    before = QGuiApplication.font().families()
    assert cjk_font.prefer_covering_font("注估简体中文") is None
    assert QGuiApplication.font().families() == before


def test_the_fallback_list_keeps_each_family_once() -> None:
    from desktop_cls.gui.shell.cjk_font import with_fallback

    assert with_fallback(["DejaVu Sans"], "DejaVu Sans", "Noto Sans CJK SC") == ["DejaVu Sans", "Noto Sans CJK SC"]
    assert with_fallback(["Sans Serif", "Noto Sans CJK SC"], "Cantarell", "Noto Sans CJK SC") == [
        "Cantarell", "Sans Serif", "Noto Sans CJK SC"]
