"""What the Data page decides, without a widget: which dataset it shows, how far that dataset's health check has
come, whether a check's result belongs to it, and what the class table and thumbnails list.

Opening a folder has two stages. The folder walk (names, classes, counts: all that training needs) is shown at
once; the health check (decoding, duplicates, leaks) runs after it in the background. Each dataset shown gets a
new `DatasetTag`, and a check's progress and result carry the tag of the dataset it was started for, so a late
result for a folder opened before (or for an earlier read of the same folder) is dropped, never shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:  # only the types: the page is built before the engine is imported
    import numpy as np

    from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample

IMBALANCE_RATIO = 3.0
LOOSE = "\0unlabeled"  # the thumbnails' choice of the images lying loose in the folder (no folder name has a NUL)
# Findings that change what training sees: the Data step then needs attention.
SERIOUS_KINDS = frozenset({"corrupt", "not_image", "empty_class", "too_large", "unreadable"})


@dataclass(frozen=True, slots=True)
class DatasetTag:
    """One dataset as the page showed it: its folder and which showing it was (the same folder read again
    is another dataset: its files may have changed)."""

    root: str
    shown: int


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A finished health check: the dataset it was started for, and that dataset with the findings added."""

    tag: DatasetTag
    index: DatasetIndex


class CheckStatus(StrEnum):
    IDLE = "idle"  # nothing shown
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"  # cancelled by the user
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ClassRow:
    name: str
    images: int
    share: float  # of all images
    few: bool  # under a third of the largest class


class DataPageModel:
    """The page's state: the dataset it shows (`index`), its health check (`status`, `percent`) and, once the
    check is done, the checked dataset whose problems the Problems tab lists (`checked`)."""

    def __init__(self) -> None:
        self.index: DatasetIndex | None = None
        self.tag: DatasetTag | None = None
        self.checked: DatasetIndex | None = None
        self.status = CheckStatus.IDLE
        self.done = 0
        self.total = 0
        self.stage = ""
        self.failure = ""  # why the check failed
        self._shown = 0

    # ---- the dataset and its check ---------------------------------------------------------------
    def show(self, index: DatasetIndex) -> DatasetTag:
        """A dataset from the folder walk is shown; its check starts now under the returned tag."""
        self._shown += 1
        self.index, self.checked = index, None
        self.tag = DatasetTag(index.root, self._shown)
        self.status, self.done, self.total, self.stage = CheckStatus.RUNNING, 0, 0, ""
        return self.tag

    def is_current(self, index: DatasetIndex) -> bool:
        """Whether this very index is shown and its check has not stopped (re-sent: nothing to do again)."""
        return index is self.index and self.status in (CheckStatus.RUNNING, CheckStatus.DONE)

    def forget(self) -> None:
        """Another folder is being read: nothing of this one is shown meanwhile, and its check's reports
        no longer belong to anything shown."""
        self.index = self.checked = self.tag = None
        self.status = CheckStatus.IDLE

    def superseded(self) -> None:
        """The same folder is read again: the running check's reports no longer belong to what will be shown
        (a finished check still describes the dataset on screen until the new read arrives)."""
        self.tag = None
        if self.status is CheckStatus.RUNNING:
            self.status = CheckStatus.IDLE

    def progressed(self, tag: DatasetTag, done: int, total: int, stage: str) -> bool:
        """A check reported progress; False (and ignored) when it is not the shown dataset's."""
        if tag != self.tag or self.status is not CheckStatus.RUNNING:
            return False
        self.done, self.total, self.stage = done, total, stage
        return True

    def accept(self, result: CheckResult) -> bool:
        """A check finished; False (and dropped) when its dataset is no longer the one shown."""
        if result.tag != self.tag or self.status is not CheckStatus.RUNNING:
            return False
        self.checked, self.status = result.index, CheckStatus.DONE
        return True

    def ended(self, tag: DatasetTag, status: CheckStatus, failure: str = "") -> bool:
        """A check was stopped or failed (saying why); False when it was not the shown dataset's."""
        if tag != self.tag or self.status is not CheckStatus.RUNNING:
            return False
        self.status, self.failure = status, failure
        return True

    @property
    def checking(self) -> bool:
        return self.status is CheckStatus.RUNNING

    @property
    def percent(self) -> int:
        """How far the check is, in whole percent (0 until its first report)."""
        return min(100, 100 * self.done // self.total) if self.total > 0 else 0

    # ---- what the page shows ------------------------------------------------------------------------
    @property
    def problems_index(self) -> DatasetIndex | None:
        """What the Problems tab lists: the checked dataset when the check is done, else the walk's."""
        return self.checked if self.checked is not None else self.index

    @property
    def problems(self) -> tuple[Problem, ...]:
        shown = self.problems_index
        return shown.problems if shown is not None else ()

    def needs_attention(self) -> bool:
        """Whether something found so far changes what training sees (the Data step's badge); a class still empty
        while loose images wait to be labeled is labeling under way, which the Label step's badge shows."""
        waiting = self.index is not None and bool(self.index.unlabeled)
        return any(p.kind in SERIOUS_KINDS and not (waiting and p.kind == "empty_class") for p in self.problems)

    def class_rows(self) -> list[ClassRow]:
        counts = self.index.counts() if self.index is not None else {}
        total = max(sum(counts.values()), 1)
        biggest = max(counts.values(), default=0)
        return [ClassRow(name, n, n / total, bool(biggest) and n * IMBALANCE_RATIO < biggest)
                for name, n in counts.items()]

    def imbalance(self) -> float | None:
        """The largest class's images over the smallest's, when that is over IMBALANCE_RATIO."""
        counts = list(self.index.counts().values()) if self.index is not None else []
        biggest, smallest = max(counts, default=0), min(counts, default=0)
        return biggest / max(smallest, 1) if biggest and smallest * IMBALANCE_RATIO < biggest else None

    def thumbnails(self, class_name: str | None, loose: str = "") -> Sequence[tuple[str, str]]:
        """(path, class name) of the images the grid shows: all, or one class's, or (LOOSE) those waiting for a class,
        each captioned `loose`. Read row by row as the grid asks, through each class's positions grouped on the
        thread that made the index: nothing here passes over every sample (a filter list of 100,000 samples was made
        on the UI thread at each choice of class)."""
        if self.index is None:
            return []
        if class_name == LOOSE:  # (a pile's are all the images it has)
            return LooseCaptions(self.index.unlabeled, loose)
        names = self.index.classes
        if class_name is None:
            return SampleCaptions(self.index.samples, names)
        label = names.index(class_name) if class_name in names else -1
        return SampleCaptions(self.index.samples, names, self.index.positions(label))


class SampleCaptions(Sequence[tuple[str, str]]):
    """(path, class name) of every sample, or of the samples at POSITIONS, made row by row as the grid asks: a list
    of them made when a dataset arrives was a pass over all its samples on the UI thread (70 ms at 100,000)."""

    def __init__(self, samples: Sequence[Sample], names: Sequence[str],
                 positions: Sequence[int] | np.ndarray | None = None) -> None:
        self._samples, self._names, self._positions = samples, names, positions

    def __len__(self) -> int:
        return len(self._samples) if self._positions is None else len(self._positions)

    @overload
    def __getitem__(self, row: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, rows: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, row: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        sample = self._samples[row if self._positions is None else int(self._positions[row])]
        return sample.path, self._names[sample.label]


class LooseCaptions(Sequence[tuple[str, str]]):
    """(path, CAPTION) of each loose image, made row by row as the grid asks (20,000 of them in a pile)."""

    def __init__(self, paths: Sequence[str], caption: str) -> None:
        self._paths, self._caption = paths, caption

    def __len__(self) -> int:
        return len(self._paths)

    @overload
    def __getitem__(self, row: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, rows: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, row: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        if isinstance(row, slice):
            return [(path, self._caption) for path in self._paths[row]]
        return self._paths[row], self._caption
