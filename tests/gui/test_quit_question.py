"""The quit question names the work it would stop in the user's words (never the code's name for a task), and is
not asked for a reading the app redoes by itself (a kept evaluation or exports read back)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from desktop_cls.gui.shell.quitting import quit_question


def _asked(*names: str) -> str | None:
    tasks = SimpleNamespace(running=lambda: [SimpleNamespace(name=n) for n in names])
    serve = SimpleNamespace(quit_question=lambda: "", starting=lambda: None)
    return quit_question(cast(Any, SimpleNamespace(training=False)), cast(Any, tasks), cast(Any, serve),
                         cast(Any, None))


def test_the_quit_question_says_what_the_task_does(qapp: Any) -> None:
    assert _asked("export") == "Still running: exporting the model. Quit anyway? It is cancelled unfinished."
    asked = _asked("emptyTrash") or ""
    assert "emptying the trash" in asked and "emptyTrash" not in asked
    assert "labelSteps" not in (_asked("labelSteps") or "labelSteps")


def test_reading_kept_results_back_is_not_work_quitting_would_lose(qapp: Any) -> None:
    assert _asked("kept evaluation") is None and _asked("kept exports") is None
