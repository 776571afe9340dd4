"""A labeling step's name, worded in the user's language when it is shown, not when it was journaled.

A journal record keeps what the step was as plain data (`StepFacts`: an image count, class names); its
finished text (`description`, in the language of the day it was written) is only what older journals have,
and what a step whose facts are missing or do not fit its kind still shows. A journal may come from
someone else: its facts are read defensively and bounded, and its names are text to show, never paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_cls.core.i18n import _, ngettext
from desktop_cls.core.names import for_terminal

MAX_COUNT = 10**9  # more images than any step moves: a larger count is a damaged record
MAX_NAME = 120  # characters of a class name shown (a longer one is cut, with "…")
MAX_NAMES = 2  # a rename or merge names two classes; a step into many classes only counts them
MAX_TEXT = 300  # characters of an old record's stored text shown


@dataclass(frozen=True)
class StepFacts:
    """What a step did. `of`: for an undo or redo, the kind of the step it reverses or repeats."""

    count: int | None = None
    names: tuple[str, ...] = ()
    classes: int | None = None
    of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"names": list(self.names)}
        for key in ("count", "classes", "of"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out


def _count(value: Any) -> int | None:
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        raise ValueError(value)
    return value


def _shown(name: str) -> str:
    """A class name as text: no control or bidi characters, bounded."""
    name = for_terminal(name)
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def read_facts(value: Any) -> StepFacts | None:
    """A record's facts, or None when absent or malformed (the stored text is shown then)."""
    if not isinstance(value, dict):
        return None
    try:
        names = value.get("names", [])
        if not isinstance(names, list) or len(names) > MAX_NAMES or not all(isinstance(n, str) for n in names):
            return None
        of = value.get("of")
        if of is not None and (not isinstance(of, str) or of not in _PHRASES):
            return None
        count, classes = value.get("count"), value.get("classes")
        return StepFacts(None if count is None else _count(count), tuple(_shown(n) for n in names),
                         None if classes is None else _count(classes), of)
    except ValueError:
        return None


def stored_text(value: Any) -> str:
    """An old record's finished text, bounded and without control characters."""
    text = for_terminal(value) if isinstance(value, str) else ""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _assign(f: StepFacts) -> str | None:
    if f.count is None:
        return None
    if len(f.names) == 1:
        return ngettext("{count} image to '{name}'", "{count} images to '{name}'", f.count).format(
            count=f.count, name=f.names[0])
    if f.classes is not None:
        return _("{count} images to {classes} classes").format(count=f.count, classes=f.classes)
    return None


def _import(f: StepFacts) -> str | None:
    if f.count is None:
        return None
    if f.names:
        return ngettext("{count} image imported into '{name}'", "{count} images imported into '{name}'",
                        f.count).format(count=f.count, name=f.names[0])
    return ngettext("{count} image imported", "{count} images imported", f.count).format(count=f.count)


def _trash(f: StepFacts) -> str | None:
    if f.count is None:
        return None
    return ngettext("{count} image to the trash", "{count} images to the trash", f.count).format(count=f.count)


_PHRASES: dict[str, Any] = {
    "assign": _assign,
    "import": _import,
    "trash": _trash,
    "create_class": lambda f: _("new class '{name}'").format(name=f.names[0]) if len(f.names) == 1 else None,
    "rename_class": lambda f: _("rename '{src}' to '{dst}'").format(src=f.names[0], dst=f.names[1])
    if len(f.names) == 2 else None,
    "merge_classes": lambda f: _("merge '{src}' into '{dst}'").format(src=f.names[0], dst=f.names[1])
    if len(f.names) == 2 else None,
    "delete_class": lambda f: _("delete class '{src}' (to the trash)").format(src=f.names[0])
    if len(f.names) == 1 else None,
}


def phrase(kind: str, facts: StepFacts | None) -> str | None:
    """A step's name from its facts in the current language, or None when they do not say it."""
    if facts is None:
        return None
    if kind in ("undo", "redo"):
        inner = phrase(facts.of, facts) if facts.of is not None else None
        return None if inner is None else revisit_name(kind).format(step=inner)
    word = _PHRASES.get(kind)
    return word(facts) if word is not None else None


def revisit_name(kind: str) -> str:
    """Undo's or redo's name for a step ({step})."""
    return _("undo {step}") if kind == "undo" else _("redo {step}")
