"""The Evaluate page's Images tab: the images of one confusion-matrix cell (all mistakes at first), the most
confident first; labels fixed in place from the context menu; Grad-CAM heat maps on demand."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, overload

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QListView, QMenu, QVBoxLayout, QWidget

from desktop_cls.core.errors import UserError
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import button, rgb_array_to_qimage
from desktop_cls.gui.widgets.dialogs import show_error
from desktop_cls.gui.widgets.image_viewer import close_viewer, open_viewer
from desktop_cls.gui.widgets.literal_text import action_text, literal, plain_label
from desktop_cls.gui.widgets.thumbnails import ThumbnailGrid, ThumbnailModel
from desktop_cls.gui.work.tasks import TaskRunner

HEATMAP_LIMIT = 60
VIEWER_HEATMAP_SIDE = 1600  # px: heat maps kept for the viewer are at most this large

Sample = tuple[str, int, int, float]  # path, true class, predicted class, confidence
CAPTION_MARGIN = 12  # px of a tile's width the delegate keeps around its caption


class Tiles(Sequence[tuple[str, str]]):
    """The gallery's rows (path, caption), each caption made when its row is first read: a caption is two class
    names elided to the tile's width, and making those of a few hundred mistakes at once held the window when a
    result came; the view reads only the rows in sight."""

    def __init__(self, chosen: list[Sample], caption: Callable[[Sample], str]) -> None:
        self._chosen, self._caption = chosen, caption
        self._made: dict[int, str] = {}

    @property
    def made(self) -> int:
        """How many captions were made so far."""
        return len(self._made)

    def __len__(self) -> int:
        return len(self._chosen)

    @overload
    def __getitem__(self, i: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, i: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        sample = self._chosen[i]
        i = i % len(self._chosen)
        caption = self._made.get(i)
        if caption is None:
            caption = self._made[i] = self._caption(sample)
        return sample[0], caption


class MistakesModel(ThumbnailModel):
    """Tiles whose tooltips give the file and the full caption (the tile's may shorten long class names)."""

    def __init__(self, side: int) -> None:
        super().__init__(side=side)
        self.full: dict[str, str] = {}  # path -> caption with the class names unshortened

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            path = self.items[index.row()][0]
            return literal(f"{path}\n{self.full[path]}" if path in self.full else path)
        return super().data(index, role)


class MistakesGallery(QWidget):
    """Labels fixed here leave the gallery; undone (Ctrl+Z anywhere), they come back, and go again on redo."""

    _labels_changed = Signal()  # the dataset's labeling journal moved on (from any thread: queued here)

    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.classes: list[str] = []
        self.samples: list[Sample] = []
        self._evaluated: list[Sample] = []  # every sample of the result, fixed ones included
        self._fixes: dict[int, tuple[set[str], str]] = {}  # labeling step -> (its paths, what the label said)
        self._cell = (-1, -1)
        self._workspace: Any = None
        self._listener = self._labels_changed.emit
        self._labels_changed.connect(self._follow_undo)
        self.shown: list[Sample] = []
        self.model_path = ""
        self.heatmap_pictures: dict[str, QImage] = {}  # large overlays for the viewer, by path
        self._result_id = 0  # which result the heat maps on their way were asked for

        self.label = plain_label(self.tr("Misclassified images, most confident mistakes first"))  # class names
        self.label.setObjectName("galleryLabel")
        self.label.setWordWrap(True)
        self.model = MistakesModel(side=96)
        self.view = ThumbnailGrid()
        self.view.setObjectName("misclassifiedGallery")
        self.view.setAccessibleName(self.tr("Misclassified images"))
        self.model.configure_view(self.view)
        self.view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.activated.connect(lambda idx: self.view_mistake(idx.row()))  # double-click or Enter
        self.show_all_button = button(self.tr("Show all mistakes"), "showAllMistakesButton")
        self.show_all_button.clicked.connect(lambda: self.show_cell(-1, -1))
        self.heatmap_check = QCheckBox(self.tr("Show where the model looked (heat maps)"))
        self.heatmap_check.setObjectName("galleryHeatmapCheck")
        self.heatmap_check.toggled.connect(self._toggle_heatmaps)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        hl = QHBoxLayout()
        hl.addWidget(self.label, 1)
        hl.addWidget(self.show_all_button)
        lay.addLayout(hl)
        lay.addWidget(self.heatmap_check)
        lay.addWidget(self.view, 1)

    def set_result(self, classes: list[str], samples: list[Sample], model_path: str) -> None:
        """Another evaluation (or none: the last was taken down); the viewer of the last one's mistakes closes, and
        the last model's heat maps go (those still on their way are not shown); shown, they are made anew."""
        close_viewer(self)
        self.classes, self.samples, self.model_path = list(classes), samples, model_path
        self._evaluated, self._fixes = list(samples), {}
        self._listen(self.state.workspace)
        self._result_id += 1
        if self.heatmap_pictures:
            self.heatmap_pictures = {}
            self.model.drop_cached()
        self.show_cell(-1, -1)
        if self.heatmap_check.isChecked():
            self._toggle_heatmaps(True)

    def _listen(self, workspace: Any) -> None:
        if self._workspace is not None and self._listener in self._workspace.listeners:
            self._workspace.listeners.remove(self._listener)
        self._workspace = workspace
        if workspace is not None:
            workspace.listeners.append(self._listener)

    def _follow_undo(self) -> None:
        """The fixes still applied hide their images; an undone one shows its images again."""
        ws = self._workspace
        if ws is None or not self._fixes:
            return
        applied = [step for step in self._fixes if step in ws.history]
        hidden = set().union(*(self._fixes[step][0] for step in applied))
        samples = [s for s in self._evaluated if s[0] not in hidden]
        if len(samples) == len(self.samples):
            return
        self.samples = samples
        self.show_cell(*self._cell)
        if applied:
            self.label.setText(self._fixes[max(applied)][1])

    def show_cell(self, row: int, col: int) -> None:
        """The images of one confusion cell (all mistakes when row < 0)."""
        if not self.classes:
            self.shown = []
            self.label.setText("")
            self.model.set_items([])
            return
        classes = self.classes
        self._cell = (row, col)
        if row < 0:
            chosen = [s for s in self.samples if s[1] != s[2]]
            self.label.setText(self.tr("%n misclassified image(s), most confident mistakes first", "",
                                       len(chosen)))
        else:
            chosen = [s for s in self.samples if s[1] == row and s[2] == col]
            self.label.setText(self.tr("%n image(s) of '{0}' predicted as '{1}'", "", len(chosen))
                               .format(isolated(classes[row]), isolated(classes[col])))
        chosen.sort(key=lambda s: -s[3])
        self.shown = chosen
        self.model.full = {path: f"{classes[t]} → {classes[k]} {conf:.0%}" for path, t, k, conf in chosen}
        self.model.set_items(self._tiles(chosen))

    def _tiles(self, chosen: list[Sample]) -> Tiles:
        classes = self.classes
        return Tiles(chosen, lambda s: self._caption(classes[s[1]], classes[s[2]], s[3]))

    def _caption(self, true: str, predicted: str, confidence: float) -> str:
        """The true class on one line, the predicted one and the confidence on the next, each name shortened on
        its own to the tile's width: one line elided as a whole hid the predicted class behind a long true one."""
        metrics, width = self.view.fontMetrics(), self.view.gridSize().width() - CAPTION_MARGIN
        after = f" {confidence:.0%}"
        room = width - metrics.horizontalAdvance("→ " + after)
        elide = Qt.TextElideMode.ElideRight
        return f"{metrics.elidedText(true, elide, width)}\n→ {metrics.elidedText(predicted, elide, room)}{after}"

    def selected_paths(self) -> list[str]:
        return [self.model.items[i.row()][0] for i in self.view.selectedIndexes()]

    def _menu(self, pos: Any) -> None:
        if (menu := self.fix_menu()) is not None:
            menu.exec(self.view.viewport().mapToGlobal(pos))

    def fix_menu(self) -> QMenu | None:
        """Fix labels in place: move the selected images to the right class, or to the trash (undoable). The class
        the selected images are labeled with is marked and off (a move there changes nothing), the one the model
        predicted for them marked (the likely fix)."""
        paths = set(self.selected_paths())
        if not self.classes or not paths:
            return None
        chosen = [s for s in self.shown if s[0] in paths]
        labelled, predicted = {s[1] for s in chosen}, {s[2] for s in chosen}
        menu = QMenu(self)
        move = menu.addMenu(self.tr("Move to class"))
        for i, cls in enumerate(self.classes):
            text = self.tr("{0} (labeled)").format(isolated(cls)) if labelled == {i} else \
                self.tr("{0} (predicted)").format(isolated(cls)) if predicted == {i} else cls
            action = move.addAction(action_text(text))  # a class "R&D" shows its '&'
            action.setEnabled(labelled != {i})
            action.triggered.connect(lambda _=False, c=cls: self.fix_selected(c))
        menu.addAction(self.tr("Move to trash")).triggered.connect(lambda _=False: self.fix_selected(None))
        return menu

    def fix_selected(self, class_name: str | None) -> None:
        ws = self.state.workspace
        paths = self.selected_paths()
        if ws is None or not paths:
            show_error(self, self.tr("Cannot fix labels"), self.tr("Open the dataset on the Data page first."))
            return
        self._fix(paths, class_name)

    def _fix(self, paths: list[str], class_name: str | None) -> None:
        """The images into the class (None: the trash), as one undoable step: at once, or after the Label page's
        keys still being filed (gui.filing: in the order asked, one writer; the folder open then is checked)."""
        if self.state.filing.hold(functools.partial(self._fix, paths, class_name), self.tr("fixing labels")):
            self.label.setText(self.tr("The fix waits for the Label page's keys to be filed."))
            return
        ws = self.state.workspace
        if ws is None:
            show_error(self, self.tr("Cannot fix labels"), self.tr("Open the dataset on the Data page first."))
            return
        if (why := self._why_not_now(ws, paths)) is not None:
            show_error(self, self.tr("Cannot fix labels"), why)
            return
        try:
            step = ws.trash(paths) if class_name is None else ws.assign(paths, class_name)
        except UserError as e:
            show_error(self, self.tr("Cannot fix labels"), e.for_gui())
            return
        gone = set(paths)
        self.samples = [s for s in self.samples if s[0] not in gone]
        self.shown = [s for s in self.shown if s[0] not in gone]
        self.model.set_items(self._tiles(self.shown))
        if class_name is None:
            text = self.tr("%n image(s) moved to the trash — Ctrl+Z on the Label page undoes it; evaluate again to "
                           "update the numbers", "", len(gone))
        else:
            text = self.tr("%n image(s) moved to '{0}' — Ctrl+Z on the Label page undoes it; evaluate again to "
                           "update the numbers", "", len(gone)).format(isolated(class_name))
        self.label.setText(text)
        self._fixes[step.id] = (gone, text)

    def _why_not_now(self, ws: Any, paths: list[str]) -> str | None:
        """Why no label may be fixed now (None: it may). One writer per dataset, and only the open one: not while a
        step on a worker thread moves its files, nor while another folder is being opened (the open one is going),
        nor in a folder opened after these images were evaluated."""
        if self.state.moving_files:
            return self.tr("Another labeling step is still running (see the status bar); try again when it has "
                           "finished. Nothing was changed.")
        if self.state.opening is not None:
            return self.tr("{0} is being opened: no label is fixed in the folder that is going. Nothing was "
                           "changed.").format(isolated(self.state.opening))
        if (folder := _folder_outside(paths, str(ws.root), self.state.run_dataset())) is not None:
            return self.tr("These images are in {0}, not in the open folder {1}: open {0} to fix their labels. "
                           "Nothing was changed.").format(isolated(folder), isolated(str(ws.root)))
        if self._workspace is not ws:
            return self.tr("These images were evaluated while another folder was open, not {0}: evaluate again "
                           "to fix labels here. Nothing was changed.").format(isolated(str(ws.root)))
        return None

    def _toggle_heatmaps(self, on: bool) -> None:
        if not on:
            self.model.drop_cached()
            self.heatmap_pictures = {}
            return
        if not self.shown:
            return
        paths = [s[0] for s in self.shown[:HEATMAP_LIMIT]]
        model = self.model_path
        what = self.tr("computing heat maps")  # the status bar's words while they are computed

        def work(progress: Any, cancel: Any) -> list[tuple[str, Any]]:
            from desktop_cls.core.inference.explain import explain_file
            from desktop_cls.core.inference.predictor import Predictor

            predictor = Predictor.load(model)
            out = []
            for i, path in enumerate(paths):
                cancel.raise_if_set()
                try:
                    out.append((path, explain_file(predictor, path)[3]))
                except Exception:  # an unreadable file keeps its plain thumbnail
                    continue
                progress(i + 1, len(paths), what)
            return out

        result = self._result_id
        self.tasks.start("heatmaps", work, on_done=lambda overlays: self._heatmaps_done(overlays, result),
                         on_error=lambda m, d: show_error(self, self.tr("Heat maps failed"), m, d))

    def _heatmaps_done(self, overlays: list[tuple[str, Any]], result: int) -> None:
        if not self.heatmap_check.isChecked() or result != self._result_id:  # (another result is shown now)
            return
        for path, picture in overlays:
            full = rgb_array_to_qimage(picture)
            if max(full.width(), full.height()) > VIEWER_HEATMAP_SIDE:  # bounded memory for 60 photos
                full = full.scaled(VIEWER_HEATMAP_SIDE, VIEWER_HEATMAP_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            self.heatmap_pictures[path] = full
            self.model.set_override(path, full)  # scaled to the thumbnail's device pixels there

    def view_mistake(self, row: int) -> None:
        """The gallery's images large, with their heat maps when those are shown."""
        if not self.classes or not self.shown:  # nothing evaluated (or cleared): nothing to open
            return
        classes = self.classes
        items = [(path, self.tr("True class: {0} · predicted: {1} ({2:.0%})").format(
            isolated(classes[t]), isolated(classes[k]), conf))
                 for path, t, k, conf in self.shown]
        open_viewer(self, items, row, self.heatmap_pictures if self.heatmap_check.isChecked() else None)


def _folder_outside(paths: list[str], root: str, run_dataset: str | None) -> str | None:
    """The dataset folder the images are in when some are not in the open one (the chosen run's own folder when they
    are there, else the folder above their class folder); None when all are in the open folder."""
    def inside(path: str, folder: str) -> bool:
        try:
            return Path(path).resolve().is_relative_to(Path(folder).resolve())
        except OSError:
            return False

    outside = next((p for p in paths if not inside(p, root)), None)
    if outside is None:
        return None
    return run_dataset if run_dataset is not None and inside(outside, run_dataset) else str(Path(outside).parent.parent)
