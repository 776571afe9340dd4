"""How far an export of several formats is, told in the formats' own names, with the time left where a step
reports fractions (int8 calibration measures the network block by block: most of an int8 export's minutes).

Runs on the export's worker thread and hands plain values on: the (done, total, text) the status line shows, and
a `FormatExported` per format as soon as it is written and verified, so its row appears before the others are
done. The clock is injected, so the time left is tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

UNITS = 1000  # bar units per step: a step's fractions move the bar smoothly
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


@dataclass(frozen=True, slots=True)
class ExportBegun:
    """Every destination is free (or may be replaced): the export goes on, and the last one's rows can go."""


@dataclass(frozen=True, slots=True)
class FormatExported:
    """One format written and verified (the plain dict the page shows as a row)."""

    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExportNotKept:
    """The exports were written, but could not be kept in the run folder for the next start: why."""

    why: str


def time_left(seconds: float) -> str:
    if seconds >= 90:
        return translate("ExportPage", "about {0:.0f} min left").format(seconds / 60)
    return translate("ExportPage", "about {0:.0f} s left").format(max(seconds, 1))


class ExportProgress:
    """Progress over the whole export: reading the held-out images, then each format in turn. Within a format,
    the exporter reports its stages as n of `stages`; a report of another total is a fraction of the stage under
    way, and from those fractions the time left in that stage is estimated."""

    def __init__(self, names: list[str], stages: int, report: Callable[[int, int, str], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.names, self.stages, self._report, self._clock = names, stages, report, clock
        self.total = (len(names) + 1) * UNITS
        self.step, self.stage, self._shown = 0, 0, 0.0  # _shown: how far into the format the bar has gone
        self._start: tuple[float, float] | None = None  # (time, fraction) of the first fine report of this stage

    def reading(self) -> None:
        self._report(0, self.total, translate("ExportPage", "Reading the held-out images"))

    def begin(self, i: int) -> None:
        """Format number i (from 0) starts."""
        self.step, self.stage, self._start, self._shown = i + 1, 0, None, 0.0
        self._send(0.0, "", None)

    def __call__(self, done: int, total: int, what: str) -> None:
        """The exporter's report: a stage, or a fraction of the stage under way. A stage named again (int8 names
        its writing stage before each part of it) restarts the time left, never the bar."""
        if total == self.stages:
            self.stage, self._start = done, None
            self._send(done / total, what, None)
            return
        fraction = done / total if total else 0.0
        now = self._clock()
        if self._start is None:
            self._start = (now, fraction)
        t0, f0 = self._start
        left = (now - t0) * (1 - fraction) / (fraction - f0) if fraction > f0 and now > t0 else None
        self._send((self.stage + fraction) / self.stages, what, left, fraction)

    def done(self) -> None:
        self._report(self.total, self.total, translate("ExportPage", "Export done"))

    def _send(self, within: float, what: str, left: float | None, stage_done: float | None = None) -> None:
        """within: how far into the format; stage_done: how far into the stage under way, said in words where a
        stage reports fractions (a long one, int8's minutes of measuring, moves a long bar by little)."""
        i = self.step - 1
        self._shown = max(self._shown, within)  # forward only
        text = translate("ExportPage", "Exporting {name} ({i} of {n})").format(name=self.names[i], i=i + 1,
                                                                             n=len(self.names))
        if what:
            text = translate("ExportPage", "{0}: {1}").format(text, what)
        if stage_done is not None:
            text = translate("ExportPage", "{0} · step {1} of {2}: {3:.0%} done").format(
                text, self.stage + 1, self.stages, stage_done)
        if left is not None:
            text = translate("ExportPage", "{0} · {1}").format(text, time_left(left))
        self._report(self.step * UNITS + min(round(self._shown * UNITS), UNITS - 1), self.total, text)
