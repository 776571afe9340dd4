"""Chinese text in a font that has its glyphs.

For Han characters Qt falls back to whatever font the system lists first for them; on a desktop with
a Japanese font (M PLUS, IPA) that can be one without the simplified-only characters, and the window
shows empty boxes ("□注", "□体中文"). So at start-up the characters the app actually shows in Chinese
(its zh_CN catalogues and the language menu's "简体中文") are checked, glyph by glyph, against the
installed families, and the first one that covers them all (a Simplified Chinese family first) is put
after the family the application font resolves to: Qt then takes Chinese from it and everything else as before.
(The resolved family, not the font's first name: that is often the alias "Sans Serif", which Qt skips in a list of
families, so the Chinese family would draw the English text too, with full-width quotes and "…" as "⋯".)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from desktop_cls.resources_path import resource

if TYPE_CHECKING:
    from PySide6.QtGui import QFont

# Families made for Simplified Chinese, best first; any other installed family that covers the text
# is the last resort (Droid Sans Fallback, a Traditional or Japanese font that happens to have them).
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "SimHei",
    "Sarasa Gothic SC", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback",
)
CATALOGUES = ("i18n/desktop_cls_zh_CN.ts", "locale/zh_CN/LC_MESSAGES/desktop_cls.po")
FIRST_CJK = 0x2E80  # CJK radicals; everything above it in our catalogues is Chinese text or punctuation


def chinese_characters(texts: Iterable[str]) -> str:
    """The distinct CJK characters (and full-width punctuation) in texts, sorted."""
    return "".join(sorted({ch for text in texts for ch in text if ord(ch) >= FIRST_CJK}))


@lru_cache(maxsize=1)
def shown_chinese() -> str:
    """Every Chinese character the app can show in its own texts: the translated catalogues (their
    sources are English, so all CJK in them is translation) and the language names."""
    from desktop_cls.gui.shell.language import LANGUAGE_NAMES

    texts = list(LANGUAGE_NAMES.values())
    for rel in CATALOGUES:
        path = resource(rel)
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return chinese_characters(texts)


def choose_family(text: str, installed: Sequence[str], covers: Callable[[str, str], bool],
                  preferred: Sequence[str] = PREFERRED_FAMILIES) -> str | None:
    """The family to draw text's characters from: the first preferred installed family that covers all of
    them, else the first other installed one that does; None when none does (or text is empty)."""
    if not text:
        return None
    have = set(installed)
    ordered = [f for f in preferred if f in have] + [f for f in installed if f not in preferred]
    return next((family for family in ordered if covers(family, text)), None)


def qt_covers(family: str, text: str) -> bool:
    """Whether the installed family itself (not a substitute Qt would pick) has a glyph for every character."""
    from PySide6.QtGui import QFont, QFontInfo, QRawFont

    font = QFont(family)
    if QFontInfo(font).family().casefold() != family.casefold():
        return False
    raw = QRawFont.fromFont(font)
    return raw.isValid() and all(raw.supportsCharacter(ord(ch)) for ch in text)


def han_families() -> list[str]:
    """Installed families that say they write Chinese: the candidates worth checking glyph by glyph."""
    from PySide6.QtGui import QFontDatabase

    chinese = (QFontDatabase.WritingSystem.SimplifiedChinese, QFontDatabase.WritingSystem.TraditionalChinese,
               QFontDatabase.WritingSystem.Japanese)
    return [f for f in QFontDatabase.families() if any(w in QFontDatabase.writingSystems(f) for w in chinese)]


def resolved_family(font: QFont) -> str:
    """The installed family Qt draws font's text with (its first family may be an alias such as "Sans Serif",
    which only the system's own fallback resolves)."""
    from PySide6.QtGui import QFontInfo

    return QFontInfo(font).family()


def with_fallback(families: Sequence[str], resolved: str, chosen: str) -> list[str]:
    """The application font's families with `chosen` as the fallback for what they lack. The family Qt resolved
    comes first: an alias first ("Sans Serif") is no installed family, so Qt would skip it and draw everything
    (Latin, quotes, "…") with the next family, the Chinese one."""
    return [resolved, *(f for f in families if f not in (resolved, chosen)), chosen]


def prefer_covering_font(text: str | None = None) -> str | None:
    """Put the family that covers text (default: all the app's Chinese) after the family the application font
    resolves to, unless that one already covers it. Returns the family added, or None."""
    from PySide6.QtGui import QGuiApplication

    text = shown_chinese() if text is None else text
    font = QGuiApplication.font()
    families = list(font.families()) or [font.family()]
    resolved = resolved_family(font)
    if qt_covers(resolved, text):
        return None
    chosen = choose_family(text, han_families(), qt_covers)
    if chosen is None or chosen in families:
        return None
    font.setFamilies(with_fallback(families, resolved, chosen))
    QGuiApplication.setFont(font)
    return chosen
