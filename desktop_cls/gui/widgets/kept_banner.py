"""The line above results read back from a run's folder after a restart: that they are the last ones kept, or why
they no longer match what is on disk (with a button that runs them again), or why a kept file was not read.

Its words are plain text, never rich text: they name files and classes that came from someone else's folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from desktop_cls.gui.widgets.common import button, sentences

SHOWN_REASONS = 4  # reasons a stale line lists; the rest are counted


class KeptBanner(QFrame):
    def __init__(self, name: str, again_text: str, again: Callable[[], object]) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setObjectName(name + "Text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.again_button = button(again_text, name + "Again")
        self.again_button.clicked.connect(lambda: again())
        lay = QHBoxLayout(self)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.again_button)
        self.stale = False
        self.about = ""  # the model (run folder) what is said is about
        self._reads = 0  # readings of kept results asked for: only the latest one's answer is shown
        self.hide()

    def next_read(self) -> int:
        """A reading of kept results is asked for: its number (an older one that answers later is not shown)."""
        self._reads += 1
        return self._reads

    def latest(self, read: int) -> bool:
        return read == self._reads

    def show_kept(self, text: str, stale: Sequence[str], about: str) -> None:
        """Results of the model `about` read back: `text` says so; with reasons, they no longer match and the button
        offers a new run."""
        self.stale, self.about = bool(stale), about
        shown = list(stale[:SHOWN_REASONS])
        if len(stale) > SHOWN_REASONS:
            shown.append(self.tr("and {0} more").format(len(stale) - SHOWN_REASONS))
        self._show(sentences(text, "; ".join(shown) + self.tr(".") if shown else ""), self.stale)

    def show_note(self, text: str, about: str) -> None:
        """A word about the model `about` with nothing read back (a kept file refused, results that could not be
        kept), and the button."""
        self.stale, self.about = False, about
        self._show(text, True)

    def _show(self, text: str, offer: bool) -> None:
        self.label.setText(("⚠ " if self.stale else "") + text)  # stale results are marked as they are seen
        self.again_button.setVisible(offer)
        self.setProperty("stale", self.stale)
        self.show()

    def leave(self, model: str) -> None:
        """Another model is chosen: what was said about the one before goes (what is said of this one stays)."""
        if self.about != model:
            self.clear()

    def clear(self) -> None:
        """Nothing is said (a reading on its way may still say something: see next_read)."""
        self.stale, self.about = False, ""
        self.label.setText("")
        self.hide()
