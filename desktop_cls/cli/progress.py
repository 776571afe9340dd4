"""What the CLI shows while it works: a redrawn bar on a terminal, plain lines in logs, on stderr."""

from __future__ import annotations

import sys
from typing import Any

from desktop_cls.core.events import EpochEnd, describe_epoch, describe_quick_fit
from desktop_cls.core.i18n import _
from desktop_cls.core.names import for_terminal


class Progress:
    """Progress on stderr: a redrawn bar on a terminal, occasional plain lines otherwise. What it shows names files
    and classes, so its control characters are escaped (cli.output.say)."""

    def __init__(self, quiet: bool = False) -> None:
        self.tty = sys.stderr.isatty()
        self.quiet = quiet
        self.quick = False  # the run is a quick one: its single "epoch" is the last layer's fit
        self._last_stage = ""
        self.stage_key = ""  # the run's phase (StageChanged.key): Ctrl+C says what a stop does in it
        self._drawn = False  # a bar is on the terminal's last line

    def _bar(self, text: str) -> None:
        if self.quiet:
            return
        if self.tty:
            sys.stderr.write("\r\033[K" + for_terminal(text)[:150])
            sys.stderr.flush()
            self._drawn = True

    def end(self) -> None:
        """Clears the bar, if one is drawn, so that what follows starts on a clean line; prints nothing else (a
        blank line here opened the error of every command that printed one)."""
        if self._drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self._drawn = False

    def line(self, text: str) -> None:
        if self.quiet:
            return
        if self.tty:
            sys.stderr.write("\r\033[K")
            self._drawn = False
        sys.stderr.write(for_terminal(text) + "\n")
        sys.stderr.flush()

    def progress(self, done: int, total: int, what: str) -> None:
        if total:
            width = 30
            filled = int(width * done / total)
            self._bar(f"{what} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")

    # trainer callbacks
    def on_stage(self, e: Any) -> None:
        self.stage_key = e.key
        if e.total:
            self.progress(e.done, e.total, e.stage)
        elif e.stage != self._last_stage:
            self._last_stage = e.stage
            self._bar(e.stage + "...")

    def on_batch_end(self, e: Any) -> None:
        self.progress(e.step, e.steps_per_epoch,
                      _("epoch {epoch} loss {loss:.3f} {speed:,.0f} img/s ETA {eta:,.0f}s").format(
                          epoch=e.epoch, loss=e.loss, speed=e.images_per_s, eta=e.eta_s))

    def on_epoch_end(self, e: EpochEnd) -> None:
        self.line(describe_quick_fit(e) if self.quick else describe_epoch(e))

    def on_notice(self, e: Any) -> None:
        self.line(_("warning: {message}").format(message=e.message) if e.level == "warning" else e.message)
