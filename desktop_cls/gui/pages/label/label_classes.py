"""The Label page's class column: the classes with their image counts, and the dialogs that create, rename,
merge and delete them, import images to label, the button that empties the dataset's trash (trash_emptying),
images dropped on a class, and what opening the folder repaired in its labeling history.

Each change is handed to the page's `do` (it journals the step through core.labeling, refreshes and rescans),
so this panel holds no labeling state of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.dialogs import ask_item, ask_text, inform
from desktop_cls.gui.widgets.elided_list import elide_in_middle
from desktop_cls.gui.widgets.literal_text import literal

IMAGE_PATTERNS = "*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp *.ppm *.pgm"  # what training reads


class ClassPanel(QWidget):
    counted = Signal()  # the counts shown changed (a scan, or the page's own step): the window's summary follows

    def __init__(self, workspace: Callable[[], Any], do: Callable[..., None],
                 import_files: Callable[[list[str], str | None, list[str]], None],
                 empty_trash: Callable[[], object], busy: Callable[[], bool] = lambda: False) -> None:
        """workspace() gives the open dataset's core.labeling.Workspace (or None); do(fn, *args, large=False)
        applies a change (large: in the background); import_files(paths, class or None, images of the dataset for
        that class) copies images in, in the background; empty_trash() asks, then empties the dataset's trash in
        the background; busy() says, when true, that another step runs (a class change asked for then is refused
        with the reason before any question)."""
        super().__init__()
        self._workspace = workspace
        self._do = do
        self._import = import_files
        self._busy = busy
        self.class_list = QListWidget()
        self._counts: dict[str, int] | None = None  # as shown: the last scan's, plus what the page filed since
        self._scanned: Any = None  # the scan (DatasetIndex) the counts come from
        self._since: dict[str, int] = {}  # images the page's steps moved into (+) or out of (-) each class since
        self.class_list.setObjectName("labelClassList")
        self.class_list.setAccessibleName(self.tr("Classes"))
        elide_in_middle(self.class_list)  # a 200-character class name keeps its end and its count in sight
        new_cls = _button(self.tr("&New class…"), "newClassButton")
        new_cls.clicked.connect(self.new_class)
        rename = _button(self.tr("Rename…"), "renameClassButton")
        rename.clicked.connect(self.rename_class)
        merge = _button(self.tr("Merge into…"), "mergeClassButton")
        merge.clicked.connect(self.merge_class)
        delete = _button(self.tr("Delete"), "deleteClassButton",
                         self.tr("Moves the class folder to the trash (undoable)"))
        delete.clicked.connect(self.delete_class)
        empty = _button(self.tr("Empty trash…"), "emptyTrashButton",
                        self.tr("Send the dataset's trash to the system trash (the last chance to undo is before "
                                "this)"))
        empty.clicked.connect(lambda: empty_trash())
        importb = _button(self.tr("Import images…"), "importImagesButton",
                          self.tr("Copy images into the dataset to label them"))
        importb.clicked.connect(self.import_images)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(self.tr("Classes (a class is a folder)")))
        lay.addWidget(self.class_list, 1)
        grid = QGridLayout()  # two a row: four in one row made the column too wide for a 1366x768 screen at 150 %
        for i, b in enumerate((new_cls, rename, merge, delete)):
            grid.addWidget(b, i // 2, i % 2)
        lay.addLayout(grid)
        lay.addWidget(importb)
        lay.addWidget(empty)
        self._class_buttons = ((rename, 1, ""), (merge, 2, ""), (delete, 1, delete.toolTip()))
        self._enable_class_buttons(0)

    def _enable_class_buttons(self, classes: int) -> None:
        """Rename and Delete need a class, Merge two (one to merge into): otherwise off, the tooltip says why."""
        for b, needed, tip in self._class_buttons:
            b.setEnabled(classes >= needed)
            b.setToolTip(tip if classes >= needed else self.tr("No class yet: make one with “New class…”")
                         if classes == 0 else self.tr("Merging needs a second class to merge into"))

    def tell_repairs(self) -> None:
        """What opening the folder had to finish or repair in its labeling history, said once."""
        ws = self._workspace()
        if ws is not None and ws.recovered:
            inform(self, self.tr("Labeling recovered"),
                   self.tr("The last labeling step was cut short (the app closed); it has "
                                            "been finished, and you can undo it with Ctrl+Z."))
        if ws is not None and ws.notices:
            # (plain text: a forged journal's paths, shown in them, held tags that Qt rendered)
            inform(self, self.tr("Labeling history repaired"), "\n\n".join(ws.notices))

    def assign_files(self, class_name: str, paths: list[str]) -> None:
        """Images dropped on a class button, from the strip, another page's grid or the file manager. Those in the
        dataset move into the class; files from elsewhere are copied in first (the originals stay where they are,
        in the background with progress and Cancel) and the copies go into the class in the same step, which
        Ctrl+Z undoes."""
        ws = self._workspace()
        if ws is None:
            return
        inside = [p for p in paths if Path(p).resolve().is_relative_to(ws.root)]
        outside = [p for p in paths if not Path(p).resolve().is_relative_to(ws.root)]
        if outside:
            self._import(outside, class_name, inside)
        elif inside:
            self._do(ws.assign, inside, class_name, images=len(inside))

    def fill(self, classes: list[str], scanned: Any = None) -> None:
        """Counts come from the last scan of the folder (`scanned`, its DatasetIndex; read again shortly after
        changes): walking every class folder on each key press would stall the window on large datasets. What the
        page's own steps moved since that scan (`add`) stays counted until the next scan has it. A class the scan
        did not count has no images (the dataset leaves empty classes out): it shows 0 like the others show
        theirs. `scanned` None: nothing scanned, the names alone."""
        if scanned is not self._scanned:
            self._scanned, self._since = scanned, {}
        self.class_list.clear()
        self._enable_class_buttons(len(classes))
        counts = scanned.counts() if scanned is not None else None
        self._counts = None if counts is None else {
            name: max(0, counts.get(name, 0) + self._since.get(name, 0)) for name in classes}
        for name in classes:
            item = QListWidgetItem(name if self._counts is None else f"{name} ({self._counts[name]})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(literal(name))
            self.class_list.addItem(item)
        self.counted.emit()

    @property
    def scanned(self) -> Any:
        """The scan (DatasetIndex) the counts shown start from; None before one."""
        return self._scanned

    def counts(self) -> dict[str, int] | None:
        """Images per class as the list shows them (every class, empty ones too); None before a scan."""
        return None if self._counts is None else dict(self._counts)

    def add(self, moved: dict[str, int]) -> None:
        """Images the page's own step moved into (+) or out of (-) classes (a label, its undo or redo): the counts
        follow now, not when the folder is next read (a moment after the last key, so a run of key presses, or an
        undo after it, left every count where the last scan had it)."""
        if self._counts is None:
            return
        for name, n in moved.items():
            self._since[name] = self._since.get(name, 0) + n
        for row in range(self.class_list.count()):
            item = self.class_list.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            if moved.get(name):
                self._counts[name] = max(0, self._counts[name] + moved[name])
                item.setText(f"{name} ({self._counts[name]})")
        self.counted.emit()

    def carry(self, src: str, dst: str) -> None:
        """A class folder moved whole (renamed, to the trash, back): its images are counted where it went until the
        next scan (`src`, `dst`: a class or a place in the trash, as folder_reread names them)."""
        if self._counts is None:
            return
        n = self._counts[src] if src in self._counts else self._since.get(src, 0)
        self._since[src] = self._since.get(src, 0) - n
        self._since[dst] = self._since.get(dst, 0) + n
        self._counts.pop(src, None)

    def _pick_class(self, title: str, exclude: str | None = None) -> str | None:
        ws = self._workspace()
        if ws is None or (exclude is None and self._busy()):
            return None
        classes = [c for c in ws.classes() if c != exclude]  # (as the engine's steps left them: nothing listed)
        if not classes:
            return None
        item = self.class_list.currentItem()  # the class selected in the list is the one meant
        chosen = item.data(Qt.ItemDataRole.UserRole) if item is not None and item.isSelected() else None
        start = classes.index(chosen) if chosen in classes else 0
        name, ok = ask_item(self, title, title, classes, start)  # the question, not "Class:"
        return name if ok else None

    def new_class(self) -> None:
        ws = self._workspace()
        if ws is None or self._busy():
            return
        name, ok = ask_text(self, self.tr("New class"), self.tr("Name of the new class:"))
        if ok and name.strip():
            self._do(ws.create_class, name)

    def rename_class(self) -> None:
        old = self._pick_class(self.tr("Rename which class?"))
        if old:
            new, ok = ask_text(self, self.tr("Rename class"), self.tr("New name for '{0}':").format(isolated(old)),
                                old)
            if ok and new.strip() and new != old:
                self._do(self._workspace().rename_class, old, new)

    def merge_class(self) -> None:
        src = self._pick_class(self.tr("Merge which class?"))
        if src:
            dst = self._pick_class(self.tr("Merge '{0}' into…").format(isolated(src)), exclude=src)
            if dst:  # every image of src moves: in the background (its size is known only by walking it)
                self._do(self._workspace().merge_classes, src, dst, large=True)

    def delete_class(self) -> None:
        name = self._pick_class(self.tr("Delete which class? (its folder goes to the trash; Ctrl+Z brings it "
                                        "back)"))
        if name:  # one folder moved per split, however many images it holds
            self._do(self._workspace().delete_class, name)

    def import_images(self) -> None:
        """Copies of the chosen images wait in the dataset folder for a class (the user's originals stay where they
        are); the copying runs in the background, and the import is one step Ctrl+Z undoes."""
        ws = self._workspace()
        if ws is None:
            return
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Images to label"), str(ws.root),
                                                self.tr("Images ({0})").format(IMAGE_PATTERNS))
        if files:
            self._import(files, None, [])
