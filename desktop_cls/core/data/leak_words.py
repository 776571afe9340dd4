"""How a copy finding is worded, and a leak's words for the run that will use the folder.

A copy across training and validation inflates the validation score when a run holds validation out. The quick
method with few images per class holds nothing out: it cross-validates over every labelled image, and the copy
then sits in another fold (the cross-validated score is the inflated one). The check runs before the plan is
known (and the plan changes with the Train page's method), so the front ends reword the leaks they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from desktop_cls.core.data.problems import Problem
from desktop_cls.core.i18n import N_, _

SPLIT_WORDS = {"train": N_("training"), "val": N_("validation"), "test": N_("test")}
LABELLED = frozenset({"train", "val"})  # the splits a cross-validating run learns from and scores on


def copy_words(other: str, difference: float | None) -> str:
    """What a file is of `other`: the same image, or a near copy (difference None: the same pixels)."""
    if difference is None:
        return _("the same image as {other}").format(other=other)
    return _("a near copy of {other} ({difference:.1%} different once aligned)").format(
        other=other, difference=difference)


def held_out_leak(what: str, split: str, other_split: str) -> str:
    """A copy in another split: the held-out score (test, else validation) is inflated, whichever copy is
    listed first. `split`: the earlier copy's split."""
    held = _("test") if "test" in (split, other_split) else _("validation")
    named = _(SPLIT_WORDS[split]) if split in SPLIT_WORDS else split
    return _("{what} in the {split} split: the {held} score is inflated; remove one copy").format(
        what=what, split=named, held=held)


def cross_validated_leak(what: str) -> str:
    """A copy across training and validation when the run cross-validates over both."""
    return _("{what}: the cross-validation puts the copies in different folds, so the cross-validated score is "
             "inflated; remove one copy").format(what=what)


def worded_for_run(problems: Iterable[Problem], splits: dict[str, str], folds: int) -> list[Problem]:
    """The findings as the planned run sees them: with `folds` (the plan cross-validates), a leak between
    training and validation says so; others are unchanged. `splits`: each file's split."""
    found = list(problems)
    if not folds:
        return found
    out: list[Problem] = []
    for p in found:
        what = getattr(p, "what", "")
        if (p.kind == "leak" and what and p.duplicate_of is not None
                and {splits.get(p.path), splits.get(p.duplicate_of)} == LABELLED):
            p = replace(p, message=cross_validated_leak(what))
        out.append(p)
    return out
