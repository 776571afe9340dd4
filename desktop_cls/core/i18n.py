"""The engine's and CLI's messages in the user's language (the standard library's gettext).

The GUI translates its own strings through Qt (tr() and .qm files, see gui/shell/language.py); messages that
start in the core (errors, option labels, reasons) come through here in both front ends, so one
language setting must reach both: the GUI calls `set_language` when it loads its translators.

Translations are looked up when a message is shown, not when a module is imported: module-level
texts are marked with `N_` and passed through `_` where they are used.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterable
from pathlib import Path

DOMAIN = "desktop_cls"
# The languages that ship; "en" is the source language and needs no catalogue.
SUPPORTED = ("en", "zh_CN")

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def locale_dir() -> Path:
    """resources/locale, found the same way from a wheel, an editable install and the bundle."""
    from desktop_cls.resources_path import resource

    return resource("locale")


def system_language(environ: dict[str, str] | None = None) -> str:
    """The supported language the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them)."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        for item in value.split(":"):
            match = match_language(item)
            if match:
                return match
        return "en"
    return "en"


def match_language(name: str) -> str | None:
    """'zh_CN.UTF-8', 'zh-Hans', 'zh' → 'zh_CN'; 'en_GB' → 'en'; unknown → None."""
    code = name.split(".")[0].split("@")[0].replace("-", "_")
    if not code or code in ("C", "POSIX"):
        return "en" if code else None
    lower = code.lower()
    if lower.startswith("zh"):
        # Traditional-script locales are not shipped; Simplified is closer than English for most readers.
        return "zh_CN"
    if lower.startswith("en"):
        return "en"
    return None


def set_language(code: str | None = None) -> str:
    """Use `code` ('en', 'zh_CN', or None for the system's) from now on; returns the language in use."""
    global _translation, _language
    language = (match_language(code) if code else None) or system_language()
    if language == "en":
        _translation = _gettext.NullTranslations()
    else:
        _translation = _gettext.translation(DOMAIN, localedir=str(locale_dir()), languages=[language],
                                            fallback=True)
    _language = language
    return language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """`message` in the current language (the English text when no translation exists)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a module-level text for extraction; translate it with `_` where it is shown."""
    return message


def join_list(items: Iterable[str]) -> str:
    """Items of a list in a sentence, as the language separates them: English "a, b, c", Chinese "a、b、c"
    (the way "{sentence} {next}" joins sentences)."""
    text = ""
    for item in items:
        text = _("{list}, {item}").format(list=text, item=item) if text else item
    return text


# Characters that set or change the direction of the text after them: embeddings, overrides, isolates, their
# ends, and the marks (LRM, RLM, ALM). In a name they come from whoever made the folder, never from the user.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(name: str) -> str:
    """`name` as one unit of a sentence: its direction controls removed (a class "cat\u202egnp.exe" read "catexe.png"
    and turned the rest of the sentence around), then wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE,
    so an Arabic or Hebrew name keeps its own direction without moving the words around it."""
    return f"{FIRST_STRONG_ISOLATE}{without_direction_controls(name)}{POP_DIRECTIONAL_ISOLATE}"


def without_direction_controls(name: str) -> str:
    """`name` without its direction controls: for a window title, which the desktop draws (isolates may be drawn
    there as boxes)."""
    return "".join(ch for ch in name if ch not in BIDI_CONTROLS)


def quoted(name: str) -> str:
    """A name the user gave (a class, a folder) in quotes, as the language writes them: English 'cat', Chinese “cat”;
    isolated, so that the name cannot reorder the sentence it is put in."""
    return _("'{name}'").format(name=isolated(name))
