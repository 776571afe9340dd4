"""The Label page's suggestions: the task that makes them (with the chosen run's model, or live from the bundled
pretrained network), the panel that asks for them and the question before accepting the sure ones. What they
apply to and whether they may be used is the page model's (label_model)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.events import CancelToken
from desktop_cls.core.i18n import isolated
from desktop_cls.gui.filing import after_filing
from desktop_cls.gui.pages.label.accept_dialog import AcceptDialog
from desktop_cls.gui.pages.label.label_model import LabelModel, Source, SuggestionResult
from desktop_cls.gui.pages.label.label_view import LabelView
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.dialogs import inform, show_error
from desktop_cls.gui.widgets.literal_text import literal, plain_label
from desktop_cls.gui.work.tasks import Reporter, Task, TaskFn, TaskRunner

T = TypeVar("T")


class LabelHost(Protocol):
    """What the panel needs of the Label page (a Page with its model; the workspace is the app state's)."""

    model: LabelModel
    state: AppState
    tasks: TaskRunner | None
    view: LabelView

    def run_task(self, name: str, fn: TaskFn[T], on_done: Callable[[T], object], *, error_title: str = "",
                 status: str | None = None, on_error: Callable[[str, str], object] | None = None,
                 on_cancelled: Callable[[], object] | None = None,
                 on_progress: Callable[[int, int, str], object] | None = None) -> Task | None: ...

    def busy(self) -> bool: ...

    def refresh(self, listing: tuple[list[str], list[str]] | None = None) -> None: ...

    def changed(self) -> None: ...

    def do(self, fn: Any, *args: Any, large: bool = False, images: int = 0) -> None: ...

    def keep_focus_on_image(self) -> None: ...

    def assign_current(self, class_name: str) -> None: ...

LIVE_IMAGE_SIZE: int | None = None  # live suggestions: the size of the backbone a quick run would use


def suggestion_work(model: str | None, root: Path, names: list[str], classes: list[str]) -> TaskFn[SuggestionResult]:
    """A task that suggests a class for each name, in batches with progress and Cancel: with the run's model,
    or live (model None; fitted on this folder's labeled images, so its classes are `classes`)."""

    def work(progress: Reporter, cancel: CancelToken) -> SuggestionResult:
        if model is None:
            from desktop_cls.core.training.live_suggestions import suggest_labels

            live = suggest_labels(root, names, image_size=LIVE_IMAGE_SIZE, progress=progress, cancel=cancel)
            return SuggestionResult(live.suggestions, tuple(classes), live.check, live.lowered)
        from desktop_cls.core.inference.run_suggestions import model_suggestions

        made = model_suggestions(model, root, names, progress=progress, cancel=cancel)
        return SuggestionResult(made.suggestions, made.classes, made.check, made.lowered)

    return work


class SuggestionPanel(QWidget):
    """Live suggestions on or off, Suggest labels and Accept above N % (the buttons are the page's declared
    actions), and the work behind them: the page model decides what applies, this panel runs the tasks."""

    def __init__(self, page: LabelHost, suggest_button: QPushButton, accept_button: QPushButton) -> None:
        super().__init__()
        self.page, self.model, self.state = page, page.model, page.state
        self.suggest_button, self.accept_button = suggest_button, accept_button
        self.suggest_tip = suggest_button.toolTip()
        self._task: Task | None = None  # the latest suggestion request
        self._task_live = False  # whether it is a live one (unticking the box stops it)
        self.accept_spin = QDoubleSpinBox()
        self.accept_spin.setObjectName("acceptThresholdSpin")
        self.accept_spin.setRange(50, 100)
        self.accept_spin.setValue(90)
        self.accept_spin.setSuffix(" %")
        self.accept_spin.setDecimals(0)
        self.live_check = QCheckBox(self.tr("Live suggestions (bundled pretrained model)"))
        self.live_check.setObjectName("liveSuggestCheck")
        self.live_check.setToolTip(self.tr(
            "After each image you label, a new last layer is fitted on the bundled pretrained network's features "
            "of your labeled images (computed once, then cached) and suggests a class for the rest. No trained "
            "model needed. A suggestion is never shown surer than the labeled images, each predicted by a model "
            "that did not learn it, show it to be."))
        self.live_check.toggled.connect(self._live_toggled)
        self.live_line = LiveLine(self.live_check)
        accept_button.setToolTip(self.tr(
            "Shows the images whose suggestion (live or from the trained model) is at least this sure, with their "
            "suggested classes; untick any, and the rest move into their classes as one undoable step"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._heading(self.tr("Suggest a class for each unlabeled image:"), "suggestHeading"))
        lay.addWidget(self.live_check)
        lay.addWidget(self.live_line)
        lay.addWidget(self._heading(self.tr("or once, with the chosen run's trained model:"), "modelHeading"))
        lay.addWidget(self.suggest_button)
        lay.addWidget(self._heading(self.tr("Then, for the suggestions shown (live or from a model):"),
                                    "acceptHeading"))
        acc = QHBoxLayout()  # the box as wide as its "100 %", the button the rest: its words never touch its edges
        self.accept_spin.setSizePolicy(QSizePolicy.Policy.Fixed, self.accept_spin.sizePolicy().verticalPolicy())
        pad = 2 * accept_button.fontMetrics().averageCharWidth()
        accept_button.setMinimumWidth(accept_button.sizeHint().width() + pad)
        acc.addWidget(self.accept_button, 1)
        acc.addWidget(self.accept_spin)
        lay.addLayout(acc)
        self.sure_note = self._heading("", "sureNote")  # why no suggestion is that sure yet: too few labels
        self.sure_note.hide()
        lay.addWidget(self.sure_note)
        self.accept_spin.valueChanged.connect(lambda _value: self.update_buttons())

    @staticmethod
    def _heading(text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def threshold(self) -> float:
        return self.accept_spin.value() / 100

    def source(self) -> Source | None:
        """The model the page would suggest with now: the live one, or the chosen run when it knows these
        classes (the page model decides)."""
        ds = self.state.dataset
        return LabelModel.source_for(ds.root if ds is not None else None, self.state.run, self.live_check.isChecked(),
                                     self.state.run_mismatch())

    def update_buttons(self) -> None:
        refusal = None if self.live_check.isChecked() else self.state.run_mismatch()
        self.suggest_button.setEnabled(bool(self.state.run and self.model.queue and self.state.core_loaded
                                            and refusal is None and not self.page.busy()))
        self.suggest_button.setToolTip(literal(refusal or self.suggest_tip))  # a refusal names runs and folders
        self.accept_button.setEnabled(bool(self.model.suggestions and self.model.queue) and not self.model.moving)
        note = self.model.why_not_sure(self.threshold())
        self.sure_note.setText(note)
        self.sure_note.setVisible(bool(note))

    def core_ready(self) -> None:
        """The engine has loaded (after the window showed, often after the last dataset and run reopened): Suggest
        labels can work now, and live suggestions ticked meanwhile are made."""
        self.update_buttons()
        if self.live_check.isChecked():
            self.suggest()

    # ---- suggesting ------------------------------------------------------------------------------
    @after_filing("suggest")  # (over the images still loose once the keys are filed)
    def suggest(self) -> None:
        """A class for every unlabeled image, in batches. Asked with the button, the page's status line shows the
        progress and Cancel; live suggestions follow each key press quietly (a line coming and going would make
        the page jump; the window's status bar shows their progress)."""
        source, page = self.source(), self.page
        ws = self.state.workspace
        live = self.live_check.isChecked()
        if source is None or ws is None or not self.model.queue or page.tasks is None or not self.state.core_loaded:
            if live and self._task is not None and self._task.is_running() and self._task_live:
                self._task.cancel()  # made for images since filed: its late answer would say "ready" for them
            if live:
                self.live_line.waiting(bool(self.model.queue), self.state.core_loaded)
            return
        work = suggestion_work(source.run, ws.root, list(self.model.queue), list(self.model.classes))
        page.keep_focus_on_image()  # disabling the focused button would hand the focus to the threshold box
        self.suggest_button.setEnabled(False)
        if self._task is not None and self._task.is_running():
            self._task.cancel()  # a newer labelling state replaces it
        self._task = page.run_task("suggestions", work, lambda r: self._suggested(r, source), on_error=self._failed,
                                   on_cancelled=self.update_buttons,
                                   status=None if live else self.tr("Suggesting labels…"),
                                   on_progress=self.live_line.progress if live else None)
        self._task_live = live
        if live:
            self.live_line.started(len(self.model.queue))

    def _live_toggled(self, on: bool) -> None:
        """Ticked: suggestions are made, their progress shown under the box; unticked (also by its Cancel): the
        live request under way stops and the page shows the images without them."""
        self.live_line.setVisible(on)
        if on:
            self.suggest()
            return
        if self._task is not None and self._task.is_running() and self._task_live:
            self._task.cancel()
        self.page.refresh()

    def _suggested(self, result: SuggestionResult, source: Source) -> None:
        if source.run is None and self.live_check.isChecked():
            self.live_line.ready(len(result.suggestions))
        if self.model.take(result, source, self.source()) == "foreign":
            show_error(self, self.tr("Suggestions failed"), self.tr(
                "The model knows the classes {0}, not this dataset's: train one here first, or choose a run of "
                "this dataset.").format(", ".join(isolated(c) for c in result.model_classes)))
        # the folder as the page last read it: suggestions change the captions and the order, not the files
        # (listing 20,000 files again on the UI thread added to a 160 ms stall as the suggestions arrived)
        self.page.refresh((list(self.model.queue), list(self.model.classes)))
        self.page.keep_focus_on_image()

    def _failed(self, message: str, details: str) -> None:
        self.live_line.failed()
        show_error(self, self.tr("Suggestions failed"), message, details)
        self.update_buttons()
        self.page.keep_focus_on_image()

    # ---- accepting -------------------------------------------------------------------------------
    def accept_current(self) -> None:
        """Enter files the image on screen into its suggested class; one not offered here is said, not made."""
        name, m = self.model.current(), self.model
        s = m.suggestion(name)
        if s is not None and m.applies(name):
            self.page.assign_current(s[0])
        elif s is not None:
            self.page.view.suggestion.setText(self.tr("The suggested class '{0}' is not one of this dataset's "
                                                      "classes; press a class key instead.").format(
                html.escape(isolated(s[0]))))  # the line is rich text (a bold class name when it is one)

    def accept(self) -> None:
        """Every image whose suggestion is sure enough goes to its class as ONE undoable step, moved in the
        background (thousands of files take a second or more; the window keeps answering)."""
        page, plan = self.page, self.model.plan(self.threshold())
        ws = self.state.workspace
        if ws is not None and not self.model.moving and (chosen := self.confirm(plan)):
            page.do(ws.assign_groups, chosen, large=True, images=sum(map(len, chosen.values())))
        page.keep_focus_on_image()

    def confirm(self, plan: dict[str, list[str]]) -> dict[str, list[str]]:
        """The images that would move, shown (thumbnail, suggested class, how sure), each ticked; what the user
        leaves ticked, or {} when nothing is to move (one step, one Ctrl+Z)."""
        ws = self.state.workspace
        if not plan or ws is None:
            why = self.model.why_not_sure(self.threshold())
            inform(self, self.tr("Nothing to accept"), why or self.tr(
                "No suggestion is at least {0:.0%} sure.").format(self.threshold()))
            return {}
        dialog = AcceptDialog(self, Path(ws.root), plan, self.model, self.threshold(),
                              self.model.checked())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its thumbnails go with it
        return dialog.chosen() if dialog.exec() == AcceptDialog.DialogCode.Accepted else {}


class LiveLine(QWidget):
    """Under the live box while it is ticked: what live suggestions are doing ("Reading the labeled images to learn
    from… 120 of 300", then "Suggesting a class for the unlabeled images… 3 of 8", with Cancel, which unticks the
    box) and when they are ready. It stays while the box is ticked, two lines high, so the page does not jump as
    each key press makes them afresh; the words have the whole width once Cancel goes."""

    def __init__(self, box: QCheckBox) -> None:
        super().__init__()
        self.setObjectName("liveLine")
        self.box = box
        self.text = plain_label()  # names the image it works on
        self.text.setObjectName("liveProgress")
        self.text.setWordWrap(True)
        self.text.setMinimumHeight(2 * self.text.fontMetrics().lineSpacing())
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setObjectName("liveCancel")
        self.cancel.setToolTip(self.tr("Stop computing suggestions (unticks live suggestions)"))
        self.cancel.clicked.connect(lambda: box.setChecked(False))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.cancel)
        self.setVisible(False)
        self.unlabeled = 0  # the images the suggestions are for; the work reads the labeled ones first

    def _say(self, text: str, working: bool) -> None:
        self.text.setText(text)
        self.cancel.setVisible(working)

    def started(self, unlabeled: int) -> None:
        self.unlabeled = unlabeled
        self._say(self.tr("Computing suggestions…"), True)

    def progress(self, done: int, total: int, _what: str) -> None:
        """The work counts every image it reads: the labeled ones (to learn from), then the unlabeled ones; a count
        of both ("32 of 73 images" with 8 unlabeled) read as if 73 images waited for a class."""
        labeled = max(total - self.unlabeled, 0)
        if total <= 0:
            return
        if done < labeled:
            self._say(self.tr("Reading the labeled images to learn from… {0} of {1}").format(done, labeled), True)
        else:
            self._say(self.tr("Suggesting a class for the unlabeled images… {0} of {1}").format(
                min(done - labeled, self.unlabeled), self.unlabeled), True)

    def ready(self, suggested: int) -> None:
        if suggested:
            self._say(self.tr("Suggestions ready for %n unlabeled image(s)", "", suggested), False)
        else:
            self._say(self.tr("Suggestions start once two classes have labeled images"), False)

    def waiting(self, has_images: bool, engine: bool) -> None:
        if not engine:
            self._say(self.tr("Suggestions start once the engine has loaded"), False)
        elif not has_images:
            self._say(self.tr("No unlabeled image left to suggest a class for"), False)

    def failed(self) -> None:
        self._say(self.tr("Suggestions failed; untick and tick the box to try again"), False)
