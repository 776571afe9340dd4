"""Why a run has no model to use, said the same way wherever a run is chosen: Past runs, File → Open model or run…
and the run restored at startup (opening it later said "has no trained model yet: it finished no epoch", wrong for
a quick run that was stopped)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from desktop_cls.core.i18n import isolated

if TYPE_CHECKING:
    from desktop_cls.core.run_list import RunSummary

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def no_model_text(run: RunSummary) -> str:
    """Why `run` has no model, and how to get one: chosen, it would leave Evaluate, Classify and Export with a model
    they cannot open."""
    if run.in_use:
        why = translate("PastRuns", "{0} is being trained and has saved no model yet: its model appears when its "
                        "first epoch ends.")
    elif run.quick:
        why = translate("PastRuns", "{0} saved no model: this quick run was stopped before its fit ended.")
    else:
        why = translate("PastRuns", "{0} saved no model: it was stopped before its first epoch ended.")
    resume = translate("PastRuns", "Resume it (Resume a run… on the Train page) to train on, or train again.")
    again = translate("PastRuns", "Train again on the Train page to get a model.")
    fix = resume if run.resumable else "" if run.in_use else again
    return (why.format(isolated(run.name)) + " " + fix).strip()


def run_without_model(path: str) -> str | None:
    """no_model_text for the run folder `path` when it has no model, else None (a model file, a run with a model)."""
    from desktop_cls.core import run_dir
    from desktop_cls.core.run_list import summarize

    run = Path(path)
    if not run.is_dir() or not (run / run_dir.RUN_INFO).is_file() or (run / run_dir.MODEL).is_file():
        return None
    return no_model_text(summarize(run))
