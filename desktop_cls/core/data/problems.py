"""`Problem`: one finding about one file or folder of a dataset (its kind, a message for the user, and
for a copy the file it copies). The scan, the health check, training and evaluation all report these."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_cls.core.i18n import N_, _, join_list

# Every kind of finding, with what people call it (the kind itself stays the machine value: JSON, --fail-on).
PROBLEM_NAMES = {
    "corrupt": N_("corrupt"), "not_image": N_("not an image"), "too_large": N_("too large"),
    "unreadable": N_("unreadable"), "missing": N_("missing"), "unsupported_format": N_("unsupported format"),
    "symlink_loop": N_("link loop"), "link": N_("link"), "unknown_class": N_("unknown class"),
    "empty_class": N_("empty class"), "duplicate": N_("duplicate"), "near_duplicate": N_("near duplicate"),
    "label_conflict": N_("label conflict"), "leak": N_("leak"), "imbalance": N_("imbalance"),
    "too_small": N_("too small"),
}


def problem_name(kind: str) -> str:
    """A finding's kind in the user's language ("not_image" -> "not an image"); an unknown kind in words."""
    name = PROBLEM_NAMES.get(kind)
    return _(name) if name else kind.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    kind: str
    message: str
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "kind": self.kind, "message": self.message}
        if self.duplicate_of is not None:
            d["duplicate_of"] = self.duplicate_of
        return d


def kinds_counted(kinds: Iterable[str]) -> str:
    """How many findings of each kind, in the user's words ("1 corrupt, 2 duplicate"), kinds in name order."""
    counts = Counter(kinds)
    return join_list(_("{n} {kind}").format(n=n, kind=problem_name(k)) for k, n in sorted(counts.items()))


def one_class_refusal(classes: Sequence[str], folder: str) -> str | None:
    """Why training must not start, when `folder` holds a single class (None otherwise): a model of one class
    calls everything that class at 100 %, and such a folder is almost always the wrong level (one class folder
    chosen, or the others still empty). The command line and the app refuse in these same words."""
    if len(classes) != 1:
        return None
    return _("{folder} has only one class ('{name}'): a classifier needs at least two; add a sub-folder of images "
             "for each other class, or point to the folder above").format(folder=folder, name=classes[0])
