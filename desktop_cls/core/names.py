"""Names that came from a file (class names in model.json, export names) and where they end up.

Such a name becomes a folder (Copy into class folders, a new class on the Label page), a CSV cell and
terminal output. One rule, checked where a name is loaded and again where it is used: it is a single
path component in NFC form, of bounded length, without separators, `..`, control, zero-width or
bidirectional-override characters. Output helpers keep a valid but hostile-looking name inert: control
characters are escaped on a terminal, a CSV cell never starts a spreadsheet formula, and a path in a
command the app suggests stays one word when the command is pasted into a shell.
"""

from __future__ import annotations

import os
import shlex
import unicodedata

from desktop_cls.core.i18n import BIDI_CONTROLS, FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE, _

MAX_NAME_BYTES = 255  # what file systems allow for one path component (UTF-8 bytes)

# Characters that make two names look alike or reorder text on screen (Unicode category Cf, listed
# so the rule reads plainly): zero-width space/joiners, word joiner, BOM, bidi marks and overrides.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff") | BIDI_CONTROLS
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Names Windows keeps for devices, in any case and with any extension ("con.png" too): a folder of such a name
# cannot be made there, and opening one as a file opens the device.
_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                           *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3")})


def normal_name(name: str) -> str:
    """The NFC form: 'é' typed composed or decomposed is one name, so one class."""
    return unicodedata.normalize("NFC", name)


def name_problem(name: object) -> str | None:
    """Why `name` cannot be a class or file name, or None when it can (check normal_name(name))."""
    if not isinstance(name, str) or not name:
        return _("a name must be non-empty text")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return _("a name may be at most {limit} bytes long (this one has {size:,})").format(
            limit=MAX_NAME_BYTES, size=len(name.encode("utf-8", "surrogatepass")))
    if name in (".", ".."):
        return _("'.' and '..' are not names")
    if "/" in name or "\\" in name:
        return _("a name cannot contain / or \\")
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in _INVISIBLE:
            return _("a name cannot contain control, invisible or text-direction characters (U+{code:04X})").format(
                code=ord(ch))
    return None


def windows_problem(name: str) -> str | None:
    """Why Windows cannot hold `name` as one file or folder name although other systems can, or None: a device name
    (CON, NUL, COM1, with any extension) or a trailing dot or space, which Windows drops ('cat.' is 'cat')."""
    if name.rstrip(". ") != name:
        return _("a name cannot end with a dot or a space (Windows drops them, so 'cat.' would be the folder 'cat')")
    if name.split(".", 1)[0].rstrip(" ").upper() in _DEVICE_NAMES:
        return _("Windows keeps that name for a device (CON, PRN, AUX, NUL, COM1 to COM9, LPT1 to LPT9, with any "
                 "extension)")
    return None


def checked_name(name: object, what: str = "") -> str:
    """normal_name(name) when it is a valid single path component, else ValueError saying why."""
    problem = name_problem(name)
    if problem is None and isinstance(name, str):
        name = normal_name(name)
        problem = name_problem(name)
    if problem is not None or not isinstance(name, str):
        shown = for_terminal(str(name)[:60]) if isinstance(name, str) else repr(type(name).__name__)
        prefix = f"{what} " if what else ""
        raise ValueError(_("{what}{name!r}: {problem}").format(what=prefix, name=shown, problem=problem))
    return name


def for_terminal(text: str) -> str:
    """`text` with control, invisible and bidi characters shown as \\x1b-style escapes, so a name
    cannot move the cursor, clear the screen, rewrite a line or reorder what is printed."""
    if text.isprintable() and not any(ch in _INVISIBLE for ch in text):
        return text
    kept = _paired_isolates(text)
    out = []
    for i, ch in enumerate(text):
        if i in kept or (ch.isprintable() and ch not in _INVISIBLE):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) > 0xFF or ch in "\t\n\r"
                       else f"\\x{ord(ch):02x}")
    return "".join(out)


def _paired_isolates(text: str) -> set[int]:
    """Where a FIRST STRONG ISOLATE and its POP DIRECTIONAL ISOLATE stand (i18n.isolated puts them around a name in
    a message): a pair ends its own effect, so it stays; one without its partner would reach to the line's end."""
    opened: list[int] = []
    pairs: set[int] = set()
    for i, ch in enumerate(text):
        if ch == FIRST_STRONG_ISOLATE:
            opened.append(i)
        elif ch == POP_DIRECTIONAL_ISOLATE and opened:
            pairs.update((opened.pop(), i))
    return pairs


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab/CR/LF) would start a formula
    (=HYPERLINK(...)), so such a cell gets a leading apostrophe, as spreadsheets themselves do."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def for_shell(path: str | os.PathLike[str], windows: bool = os.name == "nt") -> str:
    """`path` as one word of a command the user may copy into a shell: a folder named `x $(rm -rf ~); y` stays
    a name, never a command. POSIX: shell quoting. Windows: always in double quotes, which cmd.exe reads `& | < >
    ^` in as text (quoting only names with a space let `a&calc` run calc), with PowerShell's `$`, backtick and
    typographic double quotes (which close a string there) escaped by a backtick; backslashes that end the name
    doubled, so that they do not escape the closing quote."""
    text = os.fspath(path)
    if not windows:
        return shlex.quote(text)
    body = "".join("`" + c if c in "`$\u201c\u201d\u201e" else c for c in text)
    kept = body.rstrip("\\")
    return '"' + kept + "\\" * (2 * (len(body) - len(kept))) + '"'
