"""What the Label page decides, without a widget: which image is shown, which suggestions apply to it, which
model suggests and whether its answers belong to the open dataset. Tested without a window.

A set of suggestions remembers where it came from (`Source`: the dataset folder and the run, or the live
model fitted on this folder). Suggestions of another dataset or run are never offered, and a suggested class
that is not one of this dataset's classes is never applied: a model trained on letters A–E cannot file an
image into "J", however sure it is.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from desktop_cls.core.data.labeling_journal import Operation
from desktop_cls.core.data.labeling_state import files_only

if TYPE_CHECKING:
    from desktop_cls.core.inference.sure_suggestions import PrecisionCheck

Suggestions = dict[str, tuple[str, float]]  # file name -> (class, confidence)
Taken = Literal["taken", "stale", "foreign"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where suggestions come from: the dataset they were made for and the run (None: the live model)."""

    dataset: str
    run: str | None


@dataclass(frozen=True, slots=True)
class SuggestionResult:
    """What a suggestion task hands back: the suggestions and the classes of the model that made them."""

    suggestions: Suggestions
    model_classes: tuple[str, ...]
    check: PrecisionCheck | None = None  # how sure the suggestions may be, and why not surer (None: not checked)
    lowered: frozenset[str] = frozenset()  # names whose confidence the check lowered: the model said more


@dataclass
class LabelModel:
    queue: list[str] = field(default_factory=list)  # unlabeled file names, in labeling order
    position: int = 0
    classes: list[str] = field(default_factory=list)  # the dataset's classes (those a label may go to)
    suggestions: Suggestions = field(default_factory=dict)
    source: Source | None = None  # where `suggestions` came from
    check: PrecisionCheck | None = None  # the check behind their confidences, when they were checked
    lowered: frozenset[str] = frozenset()  # suggestions shown as sure as the check allows, not as the model said
    moving: bool = False  # a labeling step runs in the background: no other step starts meanwhile
    wanted: list[str] = field(default_factory=list)  # images an undo or redo under way brings back: shown next
    leaving: set[str] = field(default_factory=set)  # images whose queued step is not filed yet: kept off the list

    # ---- the queue -------------------------------------------------------------------------------
    def show(self, unlabeled: list[str], classes: list[str]) -> None:
        """The folder as it is now; with suggestions, the least sure come first (they need a person most).
        The image on screen stays on screen, at its place: suggestions arrive while the user reads it (the live
        model refits after each key), and a key pressed a moment later must label the image that was seen. Out of
        the order it stays until the user moves on (`go_to`), and the page says why it is there."""
        shown = self.current()
        self.classes = list(classes)
        self.queue = [n for n in unlabeled if n not in self.leaving] if self.leaving else list(unlabeled)
        if self.suggestions:
            self.queue.sort(key=self.sureness)
        if shown in self.queue and self.suggestions:  # kept at its place; the others in their new order
            self.queue.remove(shown)
            self.position = min(self.position, len(self.queue))
            self.queue.insert(self.position, shown)
        elif shown in self.queue:  # the folder's order: followed where it went
            self.position = self.queue.index(shown)
        if self.wanted:  # an undo put them back: the first is shown (once: the next listing keeps the image shown)
            self.position, self.wanted = self.first_of(self.wanted), []
        self.position = min(self.position, max(len(self.queue) - 1, 0))

    def clear(self) -> None:
        """Another folder is being read: nothing of this one is shown."""
        self.queue, self.classes, self.position, self.wanted, self.leaving = [], [], 0, [], set()
        self.forget_suggestions()

    @staticmethod
    def changes(step: Any, ops: Mapping[int, Any]) -> tuple[set[str], list[str]] | None:
        """(the loose images a step took away, those it brought back) when it moved image files only (labeled,
        trashed, imported, or such a step undone); None when it did more (made, renamed or removed a folder) or
        is not a step: then the folder is read again. A key press is such a step: it must not list 20,000 files."""
        if not isinstance(step, Operation) or not files_only(step, ops):
            return None
        pairs = [(m.src, m.dst) for m in step.moves if m.src is not None and m.dst is not None]  # (all, files only)
        gone = {src for src, _dst in pairs if "/" not in src}
        return gone, [dst for _src, dst in pairs if "/" not in dst and dst not in gone]

    @staticmethod
    def brought_back(op: Operation, undo: bool) -> list[str]:
        """The loose images an undo (or redo) of `op` brings back to the queue: those it took away (or put there)."""
        pairs = [(m.src, m.dst) if undo else (m.dst, m.src) for m in op.moves]
        return [back for back, there in pairs if back is not None and there is not None and "/" not in back]

    def as_shown(self) -> tuple[list[str], list[str]]:
        """The loose images and classes as shown: what a step that failed or was cancelled (rolled back) left."""
        return list(self.queue), list(self.classes)

    def listing(self, gone: set[str], back: list[str]) -> tuple[list[str], list[str]]:
        """The loose images and classes once `gone` left and `back` came (the page's own step: nothing is read)."""
        return sorted([n for n in self.queue if n not in gone] + back), self.classes  # the folder's order

    def holds(self, unlabeled: list[str], classes: list[str]) -> bool:
        """Whether a listing of the folder says what the page shows already (then nothing is redrawn)."""
        return classes == self.classes and len(unlabeled) == len(self.queue) and set(unlabeled) == set(self.queue)

    def drop(self, gone: set[str], to_step: bool = False) -> None:
        """Images labeled or trashed leave the queue. A key press takes the image on screen: it leaves by its place,
        without a pass over the whole queue, and the one after it takes its place. Otherwise the image on screen
        stays (the one after it, when it left too); with `to_step` (an undo or redo that took images away) the one
        after the first that left is shown, where the step acted, as a label shows the next image."""
        if len(gone) == 1 and self.current() in gone:
            del self.queue[self.position]
        else:
            first = next((i for i, n in enumerate(self.queue) if n in gone), self.position)
            before = sum(1 for n in self.queue[:self.position] if n in gone)  # (those that left before it)
            self.queue = [n for n in self.queue if n not in gone]
            self.position = first if to_step else self.position - before
        self.position = min(self.position, max(len(self.queue) - 1, 0))

    def restore(self, names: list[str]) -> None:
        """Images whose step failed (they still lie loose) come back to the list, the first on screen: the user
        sees what was not filed."""
        back = [n for n in names if n not in self.queue]
        if back:
            self.position = min(self.position, len(self.queue))
            self.queue[self.position:self.position] = back

    def first_of(self, names: list[str]) -> int:
        """The row of the first of `names` in the queue (the image on screen's when none is there)."""
        wanted = set(names)
        return next((i for i, n in enumerate(self.queue) if n in wanted), self.position)

    def current(self) -> str | None:
        return self.queue[self.position] if 0 <= self.position < len(self.queue) else None

    def go_to(self, row: int) -> bool:
        """Show another image (clamped to the queue); False when there is none. The image left, when it kept its
        place out of the least-sure-first order while on screen (`out_of_order`), goes to its place in it now."""
        if not self.queue:
            return False
        row = max(0, min(row, len(self.queue) - 1))
        if row != self.position and self.out_of_order():
            target, left = self.queue[row], self.queue.pop(self.position)
            bisect.insort(self.queue, left, key=self.sureness)
            row = self.queue.index(target)
        self.position = row
        return True

    def sureness(self, name: str) -> float:
        """How sure the suggestion for `name` is (none: 0, so it comes first)."""
        return self.suggestions.get(name, ("", 0.0))[1]

    def out_of_order(self) -> bool:
        """Whether the image on screen is out of the least-sure-first order: it kept its place when suggestions
        arrived (`show`) and keeps it until the user moves on (`go_to`)."""
        name, p, q = self.current(), self.position, self.queue
        if name is None or not self.suggestions:
            return False
        sure = self.sureness(name)
        return (p > 0 and self.sureness(q[p - 1]) > sure) or (p + 1 < len(q) and self.sureness(q[p + 1]) < sure)

    # ---- where suggestions come from -----------------------------------------------------------------
    @staticmethod
    def source_for(dataset: str | None, run: str | None, live: bool, refusal: str | None) -> Source | None:
        """The model to suggest with: the live one (fitted on this folder), else the chosen run when nothing
        says it was trained on other classes (`refusal`); None when there is none to use."""
        if dataset is None:
            return None
        if live:
            return Source(dataset, None)
        return Source(dataset, run) if run and refusal is None else None

    def take(self, result: SuggestionResult, source: Source, now: Source | None) -> Taken:
        """Keep a finished task's suggestions when they are still wanted ("stale": `now`, the source the page
        would use today, is not the one they came from) and the model knows this dataset's classes ("foreign":
        a model file without a run record says nothing until it has run; its classes must all be this
        dataset's)."""
        if now != source:
            return "stale"
        if source.run is not None and not set(result.model_classes) <= set(self.classes):
            return "foreign"
        self.suggestions, self.source, self.check = dict(result.suggestions), source, result.check
        self.lowered = result.lowered
        return "taken"

    def forget_suggestions(self) -> None:
        self.suggestions, self.source, self.check, self.lowered = {}, None, None, frozenset()

    def why_not_sure(self, threshold: float) -> str:
        """Why no suggestion can reach `threshold` ("" when some can, or nothing was checked): too few labels."""
        return self.check.note(threshold) if self.check is not None and self.suggestions else ""

    def checked(self) -> bool:
        """Whether the suggestions' confidences were checked on labeled images (or are those of a run validated on
        a held-out split: no check); unchecked ones are never ticked to move without the user."""
        return self.check is None or self.check.checked

    def stale(self, now: Source | None) -> bool:
        """Suggestions of another dataset or model than the one the page would use now."""
        return bool(self.suggestions) and self.source != now

    # ---- which suggestions apply ---------------------------------------------------------------------
    def suggestion(self, name: str | None) -> tuple[str, float] | None:
        return self.suggestions.get(name) if name is not None else None

    def applies(self, name: str | None) -> bool:
        """The suggestion for `name` names one of this dataset's classes."""
        s = self.suggestion(name)
        return s is not None and s[0] in self.classes

    def sure(self, name: str) -> str:
        """How sure the suggestion for `name` is, in figures: "≥ 90%" when the check lowered the model's own
        confidence to what the labeled images support (it is no calibrated 90 %: the model said more, and was
        right at least that often there), else the confidence itself; "" without a suggestion."""
        s = self.suggestions.get(name)
        if s is None:
            return ""
        if name in self.lowered:
            return f"≥ {math.floor(s[1] * 100 + 1e-6)}%"  # never rounded up past what was measured
        return f"{s[1]:.0%}"

    def caption(self, name: str) -> str:
        s = self.suggestions.get(name)
        return f"{s[0]} {self.sure(name)}" if s else name

    def plan(self, threshold: float) -> dict[str, list[str]]:
        """class -> the unlabeled images whose suggestion names that class at least `threshold` sure."""
        plan: dict[str, list[str]] = {}
        for name in self.queue:
            s = self.suggestions.get(name)
            if s is not None and s[1] >= threshold and s[0] in self.classes:
                plan.setdefault(s[0], []).append(name)
        return plan
