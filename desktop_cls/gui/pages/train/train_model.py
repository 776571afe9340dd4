"""What the Train page decides, without widgets: whether Train can be pressed (and why not), and which
(dataset, run) its curves, log and progress belong to, so that another dataset's run is never shown under
the open one's name. Tested without a window."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from desktop_cls.gui.state import Tag

if TYPE_CHECKING:
    from desktop_cls.core.data.dataset import DatasetIndex


class Readiness(StrEnum):
    """Whether pressing Train starts a run now, or what stands in the way."""

    RUNNING = "running"  # a run is going: Train waits for it to end
    LOADING = "loading"  # the engine (PyTorch) is still loading
    OPENING = "opening"  # another folder is being read: the dataset open until it is in is not the one to train
    NO_DATASET = "no_dataset"
    NO_CLASSES = "no_classes"  # a pile of unlabeled images: nothing to learn until some are labeled
    ONE_CLASS = "one_class"  # a model of one class calls everything that class: useless, as the command line says
    READY = "ready"


@dataclass(slots=True)
class TrainPageModel:
    """`shown`: the (dataset, run) of the run whose curves, log and progress the page shows (run is None until a
    new run has a folder), or None when it shows no run."""

    shown: Tag | None = None

    @staticmethod
    def readiness(running: bool, core_loaded: bool, dataset: DatasetIndex | None, opening: str | None = None
                  ) -> Readiness:
        """dataset: the open one (None: none is); opening: the folder being read instead, if any."""
        if running:
            return Readiness.RUNNING
        if not core_loaded:
            return Readiness.LOADING
        if opening is not None:
            return Readiness.OPENING
        if dataset is None:
            return Readiness.NO_DATASET
        if not dataset.classes:
            return Readiness.NO_CLASSES
        return Readiness.ONE_CLASS if len(dataset.classes) == 1 else Readiness.READY

    def started(self, dataset: str | None, resuming: str | None) -> None:
        """A run starts (or continues `resuming`) on `dataset`: from now on the page shows it."""
        self.shown = Tag(dataset, resuming)

    def finished(self, dataset: str | None, run: str) -> None:
        """The run ended; `dataset` is the one it trained on (a resumed run may be of another than the open one)."""
        self.shown = Tag(dataset, run)

    def dataset_changed(self, running: bool, dataset: str | None) -> bool:
        """Another dataset is open: True when the run shown belongs to another one, so its curves, log and progress
        must go (a run that is going keeps them: it trains on what it was started on)."""
        if running or self.shown is None or self.shown.dataset == dataset:
            return False
        self.shown = None
        return True

    def shows_outcome_for(self, running: bool, dataset: str | None) -> bool:
        """Whether the progress line belongs to a run (going, or ended on `dataset`) rather than to what pressing
        Train would do: the idle text must not replace a run's outcome."""
        return running or (self.shown is not None and dataset is not None and dataset == self.shown.dataset)
