"""How a dataset's validation reads for the run that will use it, in the Data page's summary and `scan` alike.

With few images per class the quick method holds nothing out: it cross-validates over every labelled image and
its model learns from all of them, so a "training/validation split" line would describe a split no run uses.
"""

from __future__ import annotations

from desktop_cls.core.i18n import _, ngettext


def cross_validation_line(folds: int, labelled: int, test: int) -> str:
    """The line that replaces the split when the planned run cross-validates with `folds` folds over `labelled`
    images (training and validation together); `test` images stay apart from every run."""
    measured = ngettext("{folds}-fold cross-validation on the {n:,} labeled image",
                        "{folds}-fold cross-validation on all {n:,} labeled images", labelled).format(
        folds=folds, n=labelled)
    if test:
        kept = ngettext("{n:,} test image kept apart", "{n:,} test images kept apart", test).format(n=test)
        measured = _("{measured} ({kept})").format(measured=measured, kept=kept)
    return _("Validation: {measured}. With this few per class the quick method holds none out: its model learns "
             "from all of them.").format(measured=measured)
