"""The Label page files its steps on a worker, in the order asked (tests/gui/pages/label/test_queued_steps.py
tests that). Most GUI tests assert where a step put the files right after asking for it: for them each step is
waited for as it is asked (`steps_filed_at_once`, autouse in the GUI and security conftests); a test of the queue
itself asks for `queued_steps`, which puts the page's own `put` back, and `held` for a slow drive under it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

FILED_WITHIN_S = 30.0  # a bound, not a measurement: a step never filed fails the test instead of hanging it


def wait_filed(steps: Any) -> None:
    """Let the UI thread take the worker's reports until every step asked for is filed."""
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + FILED_WITHIN_S
    while steps.busy():
        assert time.monotonic() < deadline, "a labeling step was never filed"
        QCoreApplication.processEvents()
        time.sleep(0.001)


@pytest.fixture(autouse=True)
def steps_filed_at_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from desktop_cls.gui.pages.label.label_steps import LabelSteps

    real = LabelSteps.put

    def put_and_wait(self: LabelSteps, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        wait_filed(self)

    put_and_wait.real = real  # type: ignore[attr-defined]
    monkeypatch.setattr(LabelSteps, "put", put_and_wait)
    yield


@pytest.fixture
def queued_steps(monkeypatch: pytest.MonkeyPatch, steps_filed_at_once: None) -> None:
    """The Label page's steps queued as in the app: a test waits for them itself."""
    from desktop_cls.gui.pages.label.label_steps import LabelSteps

    monkeypatch.setattr(LabelSteps, "put", LabelSteps.put.real)  # type: ignore[attr-defined]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch, queued_steps: None) -> Iterator[threading.Event]:
    """The labeling worker waits before each step until the event is set (a disk that does not answer yet)."""
    from desktop_cls.core.data import labeling_queue

    gate = threading.Event()
    real = labeling_queue._carry_out

    def slow(item: Any) -> labeling_queue.Filed:
        assert gate.wait(30), "the test never let the labeling worker go"
        return real(item)

    monkeypatch.setattr(labeling_queue, "_carry_out", slow)
    yield gate
    gate.set()  # (a test that failed early must not leave the worker waiting)
