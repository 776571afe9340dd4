"""The one app state the pages render from: what is open, which run is chosen and which dataset that run
belongs to. No widgets here; events are Qt signals (napari's `layer.events.x.connect`, with Qt's queues).

A page that shows a result keeps the `Tag` (dataset, run) it was computed for and compares it with
`state.tag()` when either changes: a result whose tag no longer matches is cleared or marked stale, so a
page can never show one dataset's or one run's numbers under another's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.filing import Filing
from desktop_cls.gui.settings import MAX_RECENT, Settings

if TYPE_CHECKING:  # only the types: the app starts before the engine is imported
    from desktop_cls.core.data.dataset import DatasetIndex
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.core.training.planner import Plan


class PageKey(StrEnum):
    """The steps of the sidebar, in order; also what a page's badge and its actions are filed under."""

    DATA = "data"
    LABEL = "label"
    TRAIN = "train"
    EVALUATE = "evaluate"
    CLASSIFY = "classify"
    EXPORT = "export"


class Badge(StrEnum):
    DONE = "done"
    ATTENTION = "attention"
    NONE = "none"


RUN_STEP_PAGES = (PageKey.EVALUATE, PageKey.CLASSIFY, PageKey.EXPORT)  # steps done with a model: badges per run


@dataclass(frozen=True, slots=True)
class Tag:
    """What a result was computed from: the dataset folder and the run (or model file)."""

    dataset: str | None
    run: str | None


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A run as its run.json describes it; an exported model file knows none of this (all empty)."""

    path: str
    dataset_root: str | None = None
    classes: tuple[str, ...] = ()
    val_images: int | None = None
    cross_validated: bool = False  # it learned from every labelled image; Evaluate shows its out-of-fold figures
    quick: bool = False  # made by the quick method: a last layer fitted in one step, no epochs

    @classmethod
    def read(cls, path: str) -> RunInfo:
        """Reads only JSON (no torch), so choosing a run never waits for the engine."""
        from desktop_cls.core import run_dir as rd
        from desktop_cls.core.inference.cross_validated import CV_FILE

        try:
            info = rd.run_info_or_none(Path(path)) or {}
        except OSError:
            info = {}
        root, classes = info.get("dataset_root"), info.get("classes")
        split = info.get("split") if isinstance(info.get("split"), dict) else {}
        val = info.get("val_images", split.get("val") if isinstance(split, dict) else None)
        return cls(path, root if isinstance(root, str) else None,
                   tuple(str(c) for c in classes) if isinstance(classes, list) else (),
                   val if isinstance(val, int) and not isinstance(val, bool) else None,
                   bool(info) and (Path(path) / CV_FILE).is_file(), info.get("method") == "quick")

    def trained_on(self, folder: str) -> bool:
        return self.dataset_root is not None and _same_folder(self.dataset_root, folder)


def _same_folder(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


class AppState(QObject):
    dataset_opening = Signal(str)  # a different folder is being read: what showed the open one goes
    dataset_changed = Signal(object)  # DatasetIndex (also re-sent when opening another folder failed)
    dataset_checked = Signal(object)  # DatasetIndex: the open one less the images its health check found unreadable
    opening_ended = Signal()  # the folder being read did not open (it failed, or was cancelled): `opening` is None
    run_changed = Signal(str)  # run folder or model file
    core_ready = Signal()
    status_changed = Signal(object, object)  # PageKey, Badge
    training_changed = Signal(bool)
    settings_changed = Signal(bool)  # True: write now (recent lists); False: once the burst of edits pauses
    files_changed = Signal(str)  # dataset folder whose files a page changed (labeling): read it again
    plan_changed = Signal()  # the Train form's plan changed: what a run would do (how it validates)
    data_folder_changed = Signal()  # Preferences chose another folder for runs, models and caches

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.moving_files = False  # a labeling step or an import runs on a worker thread: no other starts (one writer)
        self.filing = Filing(self)  # the Label page's key presses not yet on disk; what must see them waits for them
        self.dataset: DatasetIndex | None = None
        self.opening: str | None = None  # another folder being read: `dataset` is still the one before until it is in
        self._checked: tuple[DatasetIndex, DatasetIndex] | None = None  # (dataset, it less what its check left out)
        self.run: str | None = None
        self.run_info: RunInfo | None = None
        self.core_loaded = False
        self.training = False
        self.devices: list[Any] = []
        self.workspace: Workspace | None = None  # of the open dataset
        self._plan: tuple[str | None, Plan | None] = (None, None)  # (dataset folder, core's plan for it)
        self._waiting: list[tuple[str, RunInfo, bool]] = []  # (run, info, stopped): ended for a folder not open
        self._run_for: tuple[str, str] | None = None  # (folder, run): the run to choose once that folder is open

    def folder_in_view(self) -> str | None:
        """The folder the pages are for: the one being opened, else the open one."""
        return self.opening if self.opening is not None else self.dataset.root if self.dataset is not None else None

    def tag(self) -> Tag:
        return Tag(self.dataset.root if self.dataset is not None else None, self.run)

    def run_dataset(self) -> str | None:
        """The folder the chosen run was trained on, when it still exists (else None)."""
        root = self.run_info.dataset_root if self.run_info is not None else None
        return root if root is not None and Path(root).is_dir() else None

    def run_mismatch(self) -> str | None:
        """Why the chosen run cannot label the open dataset (None when it can, or when nothing says)."""
        ds, info = self.dataset, self.run_info
        if ds is None or info is None or not info.classes or not ds.classes:
            return None
        if set(ds.classes) == set(info.classes) or (info.dataset_root and _same_folder(info.dataset_root, ds.root)):
            return None
        return QCoreApplication.translate(
            "AppState", "The model {run} was trained on {folder}, whose classes are not this dataset's: train "
            "one here first, or choose a run of this dataset.").format(
            run=isolated(Path(info.path).name), folder=isolated(info.dataset_root) if info.dataset_root else "?")

    def set_plan(self, dataset: str | None, plan: Plan | None) -> None:
        """The Train form's plan for `dataset` (core's planner: what pressing Train would do), for every page that
        says what a run does with the images; None while the form's options do not make one."""
        if (dataset, plan) != self._plan:
            self._plan = (dataset, plan)
            self.plan_changed.emit()

    def plan_for(self, dataset: str | None) -> Plan | None:
        """The plan a run on `dataset` would follow (None: none made for it yet)."""
        folder, plan = self._plan
        return plan if dataset is not None and folder == dataset else None

    def begin_opening(self, folder: str) -> None:
        """Another folder is being read: pages stop showing the open one's content until it arrives."""
        self.opening = None  # the open one read again (or back to it before the other arrived): it stays open
        if self._run_for is not None and not _same_folder(self._run_for[0], folder):
            self._run_for = None  # another folder than the one whose model was to come with it
        if self.dataset is None or not _same_folder(self.dataset.root, folder):
            self.opening = folder
            self.dataset_opening.emit(folder)

    def opening_failed(self) -> None:
        """The folder could not be read: the dataset that was open is still open, shown again."""
        self.opening, self._run_for = None, None
        self.opening_ended.emit()
        if self.dataset is not None:
            self.dataset_changed.emit(self.dataset)
            self._offer_waiting(self.dataset.root)

    def reread_dataset(self) -> None:
        """A page changed the open dataset's files a moment ago: whoever shows it reads it again; not once another
        folder is being opened (reading this one again would cancel that one and bring this one back)."""
        if self.workspace is not None and self.opening is None:
            self.files_changed.emit(str(self.workspace.root))

    def set_dataset(self, index: DatasetIndex) -> None:
        from desktop_cls.core.data.labeling import Workspace
        from desktop_cls.core.errors import UserError

        another = self.dataset is None or not _same_folder(self.dataset.root, index.root)
        if self.workspace is None or str(self.workspace.root) != index.root:
            try:
                self.workspace = Workspace(index.root)
            except UserError:
                self.workspace = None
        self.dataset, self.opening = index, None
        self.settings.remember_folder(index.root)
        self.settings_changed.emit(True)
        self.dataset_changed.emit(index)
        if self.run is not None:  # the chosen run may be of this folder or of another
            self._show_train_step()
        run_for, self._run_for = self._run_for, None
        if run_for is not None and _same_folder(run_for[0], index.root) and Path(run_for[1]).exists():
            self.set_run(run_for[1])
        elif another and self._chosen_of_another_folder(index.root) and (own := self.last_run_of(index.root)):
            self.set_run(own)
        self._offer_waiting(index.root)

    def set_checked(self, walked: DatasetIndex, checked: DatasetIndex) -> None:
        """The Data page's health check of `walked` ended with `checked`. The folder walk reads only each image's
        header: an image whose header is intact and its body cut off was counted and planned for, and left out by
        the run. When the check left images out of `walked`, still the dataset open, the pages that count or plan
        what a run trains on (`trainable`) follow it."""
        if walked is self.dataset and len(checked.samples) != len(walked.samples):
            self._checked = (walked, checked)
            self.dataset_checked.emit(checked)

    @property
    def trainable(self) -> DatasetIndex | None:
        """What a run trains on: the open dataset, less the images its health check found unreadable once it has
        (the walk's dataset stays `dataset`: the Data and Label pages show every file in the folder)."""
        if self._checked is not None and self._checked[0] is self.dataset:
            return self._checked[1]
        return self.dataset

    def _chosen_of_another_folder(self, folder: str) -> bool:
        """Whether no model is chosen, or the chosen run was trained on another folder than `folder` (a model file,
        which knows no folder, is the user's choice and stays): opened from the Data page too, a folder comes with
        its own last run, also one that waited for it before a restart."""
        info = self.run_info
        return info is None or (info.dataset_root is not None and not info.trained_on(folder))

    def choose_run_when_open(self, folder: str, run: str) -> None:
        """`run` becomes the chosen run once `folder` is open (at once when it is): not while it is being read, nor
        when it does not open, nor once another folder is opened instead."""
        if self.opening is None and self.dataset is not None and _same_folder(self.dataset.root, folder):
            self.set_run(run)
        else:
            self._run_for = (folder, run)

    def set_run(self, path: str, info: RunInfo | None = None) -> None:
        self.run = path
        self.run_info = info if info is not None else RunInfo.read(path)
        if (root := self.run_info.dataset_root) is not None:  # a model of that folder is chosen: none waits for it
            self._waiting = [w for w in self._waiting if not w[1].trained_on(root)]
        self.settings.remember_run(path)
        self.settings_changed.emit(True)
        self.run_changed.emit(path)
        self._show_run_steps(path)

    def offer_run(self, path: str, info: RunInfo, stopped: bool, started_on: str | None = None) -> bool:
        """A run ended with a model. A finished one becomes the chosen run; a stopped one (broken off half way)
        only when no model of its dataset is chosen: an experiment the user stopped never quietly replaces the model
        Evaluate, Classify and Export use (the user can still pick it in Past runs). Whether it was chosen.

        `started_on`: the folder open when the run started. When the user has opened another one since, a run of
        a third folder does not become the model of the folder now open: it waits for its own (waits_for)."""
        if self._left_behind(info, started_on):
            self._waiting.append((path, info, stopped))
            self._list_behind_chosen(path)
            return False
        if stopped and self.holds_model_of(info, other_than=path):
            return False
        self.set_run(path, info)
        return True

    def waits_for(self, run: str) -> str | None:
        """The folder a run that ended meanwhile waits for (None: it waits for none): it becomes the chosen run
        when that folder is opened again."""
        return next((info.dataset_root for path, info, _ in self._waiting if path == run), None)

    def _left_behind(self, info: RunInfo, started_on: str | None) -> bool:
        """Whether another folder was opened while the run trained, and the pages now are not for the run's
        folder, nor was their chosen model of it (a newer run of that folder may replace an older one)."""
        now, root = self.folder_in_view(), info.dataset_root
        if now is None or root is None or _same_folder(root, now):
            return False
        if started_on is not None and _same_folder(started_on, now):
            return False  # a run of another folder that the user resumed here, and stayed
        return self.run_info is None or not self.run_info.trained_on(root)

    def _list_behind_chosen(self, path: str) -> None:
        """Among the recent runs ahead of the older ones of its folder (reopening that folder offers it), but
        behind the chosen run, which stays the model a restart reopens."""
        runs = [r for r in self.settings.recent_runs if r != path]
        at = 1 if runs and runs[0] == self.run else 0
        self.settings.recent_runs = [*runs[:at], path, *runs[at:]][:MAX_RECENT]
        self.settings_changed.emit(True)

    def _offer_waiting(self, folder: str) -> None:
        """The folder is open: the runs that ended for it while it was not are offered, in the order they ended."""
        mine = [w for w in self._waiting if w[1].trained_on(folder)]
        self._waiting = [w for w in self._waiting if w not in mine]
        for path, info, stopped in mine:
            if path != self.run and Path(path).exists():  # (Open recent may have chosen it already)
                self.offer_run(path, info, stopped, started_on=folder)

    def holds_model_of(self, info: RunInfo, other_than: str) -> bool:
        """Whether the chosen run is another one, still has its model and was trained on info's dataset."""
        from desktop_cls.core.run_dir import MODEL

        run, chosen = self.run, self.run_info
        if run is None or chosen is None or info.dataset_root is None or _same_folder(run, other_than):
            return False
        return (Path(run).is_file() or (Path(run) / MODEL).is_file()) and chosen.trained_on(info.dataset_root)

    def _show_run_steps(self, run: str) -> None:
        """The badges of the steps that follow a model: Train (see _show_train_step), and Evaluate, Classify and
        Export when they were done with this run (also in an earlier session)."""
        self._show_train_step()
        done = self.settings.run_steps.get(run, [])
        for step in RUN_STEP_PAGES:
            self.status_changed.emit(step, Badge.DONE if step.value in done else Badge.NONE)

    def has_model_here(self) -> bool:
        """Whether the chosen run has a model of the open folder: a run trained on another folder is no model of this
        one (a model file, which knows no folder, is the user's choice and counts)."""
        from desktop_cls.core.run_dir import MODEL

        run, info = self.run, self.run_info
        done = run is not None and (Path(run).is_file() or (Path(run) / MODEL).is_file())
        if done and info is not None and self.dataset is not None and info.dataset_root is not None:
            done = info.trained_on(self.dataset.root)
        return done

    def _show_train_step(self) -> None:
        """Train is done when the chosen run has a model of the open folder (has_model_here)."""
        self.status_changed.emit(PageKey.TRAIN, Badge.DONE if self.has_model_here() else Badge.NONE)

    def last_run_of(self, folder: str) -> str | None:
        """The most recent run that was trained on this folder and still exists."""
        for run in self.settings.recent_runs:
            if Path(run).exists() and RunInfo.read(run).trained_on(folder):
                return run
        return None

    def set_status(self, page: PageKey, badge: Badge) -> None:
        if page in RUN_STEP_PAGES and self.run is not None:  # remembered with the run, for the next start
            self.settings.mark_step(self.run, page.value, badge == Badge.DONE)
            self.settings_changed.emit(False)
        self.status_changed.emit(page, badge)

    def step_done_with(self, page: PageKey, model: str) -> None:
        """A step that follows a model (Evaluate, Classify, Export) was done with `model`: its badge, remembered with
        the chosen run, says done only when that model is the chosen run (one typed in a page's field is not)."""
        if self.run is not None and model and _same_folder(model, self.run):
            self.set_status(page, Badge.DONE)

    def set_training(self, on: bool) -> None:
        self.training = on
        self.training_changed.emit(on)
