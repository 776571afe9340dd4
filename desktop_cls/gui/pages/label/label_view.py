"""The Label page's left side: the image to label (large), what is suggested for it, a button per class (which
also takes dropped images), the navigation row and the strip of every unlabeled image.

The strip is a virtual list (ThumbnailModel): 20,000 loose images are 20,000 rows of plain data, and only
the thumbnails in sight are decoded.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.data.class_keys import KeyMemory, key_of
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.class_button import ClassDropButton
from desktop_cls.gui.widgets.common import ScaledImageLabel
from desktop_cls.gui.widgets.elided_label import ElidedLabel
from desktop_cls.gui.widgets.image_viewer import open_viewer
from desktop_cls.gui.widgets.literal_text import breakable, literal
from desktop_cls.gui.widgets.picture_loading import PictureLoader, screen_limit
from desktop_cls.gui.widgets.thumbnails import ThumbnailGrid, ThumbnailModel

if TYPE_CHECKING:
    from desktop_cls.core.data.labeling import Workspace

MAX_CLASS_BUTTONS = 18


def grid_place(grid: QGridLayout, index: int) -> tuple[int, int]:
    """(row, column) of the grid's item at INDEX."""
    row, column, _rows, _columns = cast(tuple[int, int, int, int], grid.getItemPosition(index))
    return row, column


def keep_focus(page: QWidget) -> None:
    """Class keys must label, never type into a field: the page takes the focus back unless the user put it
    somewhere outside the page meanwhile (disabling a focused button hands the focus to the next field)."""
    focus = QApplication.focusWidget()
    if page.isVisible() and (focus is None or focus is page or page.isAncestorOf(focus)):
        page.setFocus()


class LabelView(QWidget):
    def __init__(self, nav: list[QPushButton], undo: list[QPushButton]) -> None:
        super().__init__()
        self.preview = ScaledImageLabel()
        self.preview.setObjectName("labelPreview")
        # small enough that the window fits a 1024x640 screen with ten class buttons below it
        self.preview.setMinimumSize(self.fontMetrics().height() * 8, self.fontMetrics().height() * 8)
        self.caption = self._centred("labelCaption", ElidedLabel())  # the file's name, elided when long
        self.suggestion = self._centred("labelSuggestion", QLabel())
        self.suggestion.setTextFormat(Qt.TextFormat.RichText)  # escaped rich text: a bold class name, wrapped
        self.suggestion.setWordWrap(True)
        self.strip_model = ThumbnailModel(side=64)
        self.strip = ThumbnailGrid()
        self.strip.setObjectName("labelStrip")
        self.strip_model.configure_view(self.strip)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setLayoutMode(QListView.LayoutMode.Batched)  # 20,000 rows laid out a batch at a time
        self.strip.setBatchSize(200)
        self.strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # one row: nothing to scroll
        bar = self.strip.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.strip)  # (room for
        # the horizontal scrollbar of a long row)
        self.strip.setFixedHeight(self.strip.gridSize().height() + bar + 2 * self.strip.frameWidth())
        self.strip.activated.connect(lambda idx: open_viewer(self, self.strip_model.items, idx.row()))
        self.preview.double_clicked.connect(
            lambda: open_viewer(self, self.strip_model.items, self.strip.currentIndex().row()))
        self.preview.setWordWrap(True)  # what to do next, when no image is left to label
        self._pictures = PictureLoader(self)  # large pictures are decoded on the images lane
        self.nav, self.undo = nav, undo
        self.train_words = self.tr("Train")  # what the page's training button says (name_training)
        self.class_buttons = QGridLayout()
        self.keys: dict[str, str] = {}  # key -> class name, see core.data.class_keys
        self.key_memory = KeyMemory()  # the keys given in each folder: they stay as classes come and go, and restarts
        self._shortcuts: dict[str, QShortcut] = {}  # key -> its shortcut on the page
        self._buttons: dict[str, ClassDropButton] = {}  # class -> its button, in class order
        self._hint: QLabel | None = None  # "No classes yet", in the buttons' place
        self._assign: Callable[[str], object] = lambda _name: None
        self._dropped: Callable[[str, list[str]], object] = lambda _name, _paths: None
        row = QGridLayout()  # three a row, as the class buttons: five in one row made the column too wide for a
        for i, b in enumerate([*nav, *undo]):  # 1366x768 screen at 150 %
            row.addWidget(b, i // 3, i % 3)
        lay = QVBoxLayout(self)
        lay.addWidget(self.caption)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.suggestion)
        lay.addLayout(self.class_buttons)
        lay.addLayout(row)
        lay.addWidget(self.strip)

    @staticmethod
    def _centred(name: str, label: QLabel) -> QLabel:
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def clear(self) -> None:
        self._pictures.forget()
        self.preview.clear_image()
        self.caption.setText("")
        self.suggestion.setText("")
        self.strip_model.set_items([])

    def show_labeling(self, root: Path, name: str, place: tuple[int, int], suggested: tuple[str, str] | None,
                      kept_place: bool) -> None:
        """The image to label, worded: its name and place among the unlabeled ones (row, how many), the class
        suggested for it and how sure (already worded), and whether it kept its place when the suggestions came.
        (The Label page's words: its translation context.)"""
        said = QCoreApplication.translate("LabelPage", "Suggested: <b>{0}</b> ({1} sure) — Enter accepts it").format(
            html.escape(breakable(isolated(suggested[0]))), suggested[1]) if suggested else ""
        if suggested and kept_place:
            said += "<br>" + QCoreApplication.translate(
                "LabelPage", "It keeps its place while it is on screen; the others are least sure first.")
        caption = QCoreApplication.translate("LabelPage", "{0}  ({1} of {2} unlabeled)").format(
            isolated(name), place[0] + 1, place[1])
        self.show_image(str(root / name), caption, said, place[0])

    def show_image(self, path: str | None, caption: str, suggestion: str, row: int) -> None:
        """The image to label (None: none left), its caption and suggestion; the strip follows."""
        if path is None:
            self._pictures.forget()
            self.preview.clear_image()
        else:
            self._load(path)
            # that image only: setCurrentIndex reads the keys held (Ctrl of Ctrl+Z toggled a second image in)
            select = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.strip.selectionModel().setCurrentIndex(self.strip_model.index(row), select)
        self.caption.setText(caption)
        self.suggestion.setText(suggestion)

    def _load(self, path: str) -> None:
        """A small picture at once; a large one (a photo), or one whose size its header does not say, on a worker
        thread, the preview empty meanwhile (never the picture before under this file's name), at no more than the
        screen's size. Either way through the app's own decoder (picture_loading)."""
        if not self._pictures.load(path, screen_limit(self), lambda picture: self._show_picture(path, picture)):
            self.preview.clear_image()
            self.preview.setText(self.tr("Opening {0}…").format(isolated(Path(path).name)))

    def shutdown(self) -> None:
        self._pictures.shutdown()
        self.strip_model.shutdown()

    def _show_picture(self, path: str, picture: QImage | str) -> None:
        """The picture, or why the file cannot be shown and what to do with it: the picture before must not stay on
        screen under this file's name."""
        if isinstance(picture, QImage) and not picture.isNull():
            self.preview.set_image(QPixmap.fromImage(picture))
            return
        self.preview.clear_image()
        reason = picture if isinstance(picture, str) and picture else self.tr("not an image")
        self.preview.setText(self.tr("{0} cannot be read as an image: {1}.\n\nDelete moves it to the dataset's "
                                     "trash; → skips it.").format(isolated(Path(path).name), reason.rstrip(".")))

    def set_labeling(self, on: bool) -> None:
        """Off when no image is left to label: the class buttons and keys, Back, Skip and Trash cannot act, the strip
        is empty; the image's place says what to do next. The class buttons are greyed but still take images
        dropped on them."""
        for i in range(self.class_buttons.count()):
            item = self.class_buttons.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, ClassDropButton):
                widget.set_labeling(on, self.tr("No image waits for a class. Drop images here to put them in "
                                                "'{0}'").format(isolated(widget.class_name)))
        for sc in self.key_shortcuts:
            sc.setEnabled(on)
        for b in self.nav:
            b.setEnabled(on)
        self.strip.setVisible(on)
        if not on:
            self.show_image(None, self.tr("All images are labeled"), "", 0)
            self.preview.setText(self.tr(
                "Next: train a model on them — press {0} (Ctrl+T); the Train page shows its progress.\n\nTo label "
                "more, copy images in with “Import images…”: they wait here for a class.").format(self.train_words))

    def name_training(self, button: QPushButton, again: bool) -> None:
        """The page's training button says Train until a model of this dataset exists, Retrain after (the words
        the hint above names it by follow)."""
        self.train_words = self.tr("Retrain") if again else self.tr("Train")
        button.setText(self.train_words)
        button.setToolTip(self.tr("Train again on the labeled images (Ctrl+T)") if again
                          else self.tr("Train a model on the labeled images (Ctrl+T)"))

    def show_history(self, ws: Workspace | None, pending: bool = False) -> None:
        """Undo and Redo, each saying what it would undo or redo; with steps still `pending` (queued key presses)
        both stay on: they are queued behind them."""
        undo, redo = self.undo
        undo.setEnabled(bool(ws and (ws.can_undo() or pending)))
        redo.setEnabled(bool(ws and (ws.can_redo() or pending)))
        if ws is not None:
            undo.setToolTip(literal(self.tr("Undo {0} (Ctrl+Z)").format(ws.describe_undo())) if ws.can_undo()
                            else self.tr("Undo the last step (Ctrl+Z)") if pending else self.tr("Nothing to undo"))
            redo.setToolTip(literal(self.tr("Redo {0} (Ctrl+Shift+Z)").format(ws.describe_redo())) if ws.can_redo()
                            else "")

    def set_classes(self, ws: Workspace, classes: list[str], keys_on: QWidget, assign: Callable[[str], object],
                    dropped: Callable[[str, list[str]], object], tips: tuple[str, str]) -> None:
        """A button per class of the dataset `ws` labels (the first 18), and a key per class bound on `keys_on` (the
        page, so the keys work while it has the focus): the keys given before in this folder stay, across restarts
        where it can be written (core.data.class_keys). tips: with a key ({0} class, {1} key) and without ({0}).
        Only what changed is touched: a class renamed gets its button renamed, the others keep theirs (making every
        button again after a rename stalled the window)."""
        self._assign, self._dropped = assign, dropped
        self._bind_keys(self.key_memory.keys(ws.root, classes, writable=not ws.read_only), keys_on)
        self._show_hint(not classes)
        wanted = classes[:MAX_CLASS_BUTTONS]
        spare = [b for name, b in self._buttons.items() if name not in wanted]  # renamed or gone
        kept = {name: b for name, b in self._buttons.items() if name in wanted}
        names_keys = key_of(self.keys)
        self._buttons = {}
        for i, name in enumerate(wanted):
            key = names_keys.get(name)
            text = name if key is None or key == name.lower() else f"{key}  {name}"
            tip = tips[0].format(isolated(name), key.upper()) if key else tips[1].format(isolated(name))
            b = kept.get(name) or (spare.pop(0) if spare else self._new_button())
            b.show_class(name, text, f"classButton{i}", tip)
            self._buttons[name] = b
            self._place(b, i // 3, i % 3)
        for b in spare:
            self.class_buttons.removeWidget(b)
            b.deleteLater()

    def _new_button(self) -> ClassDropButton:
        b = ClassDropButton("", "", "")
        b.clicked.connect(lambda _=False: self._assign(b.class_name))
        b.files_dropped.connect(lambda name, paths: self._dropped(name, paths))
        return b

    def _place(self, b: QWidget, row: int, column: int) -> None:
        """B at (row, column) of the grid; moved only when it is elsewhere."""
        index = self.class_buttons.indexOf(b)
        if index >= 0 and grid_place(self.class_buttons, index) == (row, column):
            return
        if index >= 0:
            self.class_buttons.removeWidget(b)
        self.class_buttons.addWidget(b, row, column)

    def _show_hint(self, on: bool) -> None:
        """With no class yet (a pile of unlabeled images) the first step is said where the buttons go."""
        if on and self._hint is None:
            hint = QLabel(self.tr("No classes yet: press “New class…” (on the right) for each kind of image; "
                                  "then a key per class files the image shown."))
            hint.setObjectName("noClassesHint")
            hint.setWordWrap(True)
            hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.class_buttons.addWidget(hint, 0, 0)
            self._hint = hint
        elif not on and self._hint is not None:
            self.class_buttons.removeWidget(self._hint)
            self._hint.deleteLater()
            self._hint = None

    @property
    def key_shortcuts(self) -> list[QShortcut]:
        return list(self._shortcuts.values())

    def _bind_keys(self, keys: dict[str, str], owner: QWidget) -> None:
        """One shortcut per class key, made when the key is first given and dropped when no class has it; a key
        whose class was renamed keeps its shortcut (it files into whatever class has the key when pressed)."""
        self.keys = keys
        for key in [k for k in self._shortcuts if k not in keys]:
            sc = self._shortcuts.pop(key)
            sc.setEnabled(False)
            sc.deleteLater()
        for key in keys:
            if key not in self._shortcuts:
                sc = QShortcut(QKeySequence(key.upper() if key.isalpha() else key), owner)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(lambda k=key: self._assign_key(k))
                self._shortcuts[key] = sc

    def _assign_key(self, key: str) -> None:
        if (name := self.keys.get(key)) is not None:
            self._assign(name)
