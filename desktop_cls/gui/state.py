"""Shared app state the pages subscribe to (dataset, current run, whether torch has loaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop_cls.gui.settings import Settings

if TYPE_CHECKING:  # only the types: the app starts before the engine is imported
    from desktop_cls.core.data.dataset import DatasetIndex
    from desktop_cls.core.data.labeling import Workspace


class AppState(QObject):
    dataset_changed = Signal(object)  # DatasetIndex
    run_changed = Signal(str)  # run folder or model file
    core_ready = Signal()
    status_changed = Signal(str, str)  # page key, "done" | "attention" | "none"
    training_changed = Signal(bool)
    settings_changed = Signal(bool)  # True: write now (recent lists); False: once the burst of edits pauses
    files_changed = Signal(str)  # dataset folder whose files a page changed (labeling): read it again

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.dataset: DatasetIndex | None = None
        self.run: str | None = None
        self.core_loaded = False
        self.training = False
        self.devices: list[Any] = []
        self.workspace: Workspace | None = None  # of the open dataset

    def set_dataset(self, index: DatasetIndex) -> None:
        from desktop_cls.core.data.labeling import Workspace
        from desktop_cls.core.errors import UserError

        if self.workspace is None or str(self.workspace.root) != index.root:
            try:
                self.workspace = Workspace(index.root)
            except UserError:
                self.workspace = None
        self.dataset = index
        self.settings.remember_folder(index.root)
        self.settings_changed.emit(True)
        self.dataset_changed.emit(index)

    def set_run(self, path: str) -> None:
        self.run = path
        self.settings.remember_run(path)
        self.settings_changed.emit(True)
        self.run_changed.emit(path)

    def set_training(self, on: bool) -> None:
        self.training = on
        self.training_changed.emit(on)
