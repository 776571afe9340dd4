"""Text laid out for a terminal in any language: a Chinese character takes two columns, so tables pad and help
wraps by columns, not by characters; and argparse's own texts ("usage:", "options", its error messages) go
through the same catalogue as ours."""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from desktop_cls.core import i18n
from desktop_cls.core.i18n import N_

# argparse's messages that a user meets (Python 3.10 to 3.13), marked here so that the catalogue holds them:
# argparse looks them up through its module's `_` and `ngettext`, which `translate_argparse` points at ours.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("optional arguments"),
    N_("show this help message and exit"), N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"), N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"), N_("expected one argument"), N_("expected at most one argument"),
    N_("expected at least one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"), N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def translate_argparse() -> None:
    """argparse's texts in the language of our messages from now on (English stays English)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def width(text: str) -> int:
    """Columns `text` takes on a terminal: wide and full-width characters two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """`text` padded with spaces to `columns` columns (left-aligned, or right-aligned with right=True)."""
    space = " " * max(0, columns - width(text))
    return space + text if right else text + space


# a run of narrow non-space characters (a word, a path), one wide character, or a run of spaces
_TOKENS = re.compile(r"[ \t\n]+|[^\s\u1100-\uffff]+|.", re.S)
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)]%")
_NO_LINE_END = set("（《「『【“‘")


def wrap(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` columns, broken at spaces or between Chinese characters; a closing
    mark such as "，" or "）" never starts a line (the character before it moves down with it), nor does an
    opening one such as "（" end a line (it moves down). A word longer than a line stands alone on its line."""
    lines: list[list[str]] = [[]]
    for token in _TOKENS.findall(" ".join(text.split())):
        line = lines[-1]
        if token == " " and not line:
            continue
        if line and token != " " and width("".join(line).rstrip() + token) > columns:
            moves = token[0] in _NO_LINE_START or line[-1] in _NO_LINE_END
            carried = [line.pop()] if moves and len(line) > 1 else []
            lines.append(carried)
        lines[-1].append(token)
    return [joined for joined in ("".join(line).strip() for line in lines) if joined]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by terminal columns (Chinese help lines are not twice the terminal's width) and
    with its "usage:" in the user's language, the lines under it lined up after a wide-character prefix."""

    def _split_lines(self, text: str, columns: int) -> list[str]:
        return wrap(text, columns)

    def _fill_text(self, text: str, columns: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, columns - len(indent)))

    def format_help(self) -> str:
        """argparse ends every section's heading with ":"; after a Chinese heading that is "："."""
        lines = super().format_help().split("\n")
        return "\n".join(line[:-1] + "：" if line.endswith(":") and not line.startswith(" ")
                         and width(line) > len(line) else line for line in lines)

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        shown = argparse._("usage: ") if prefix is None else prefix  # type: ignore[attr-defined]
        stand_in = "u" * width(shown)  # argparse lines up the next lines under len(prefix)
        text = super()._format_usage(usage, actions, groups, stand_in)
        return shown + text[len(stand_in):]


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser with `HelpFormatter`; its sub-commands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """argparse's "invalid choice" with the choices listed as the language lists them (it joins with ", ")."""
        if action.choices is not None and value not in action.choices:
            choices = i18n.join_list(repr(c) for c in action.choices)
            message = argparse._("invalid choice: %(value)r (choose from %(choices)s)")  # type: ignore[attr-defined]
            raise argparse.ArgumentError(action, message % {"value": value, "choices": choices})
