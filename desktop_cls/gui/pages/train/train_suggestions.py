"""The Train form's settings that follow the open dataset (image size, flips) until the user sets them.

Both have the same shape: the engine suggests a value with a reason; while the user has not touched the
control it takes the suggestion, afterwards it is "pinned" and the hint offers the suggestion with a Use
button. The suggestions and their reasons come from core's training planner (already in the user's language), the
same one the command line asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from desktop_cls.core.training.choices import Choice, FlipChoice, choose_flips, choose_image_size
from desktop_cls.core.training.config import QUICK, TrainConfig
from desktop_cls.core.training.planner import Plan
from desktop_cls.gui.widgets.common import button


class TrainForm(Protocol):
    """What the followers read and write of the Train form (train_form.TrainForm)."""

    state: Any  # AppState: the open dataset
    model_combo: QComboBox
    pretrained_check: QCheckBox
    image_size_spin: QSpinBox
    hflip_check: QCheckBox
    vflip_check: QCheckBox

    def plan(self, size_open: bool = False, flips_open: bool = False) -> Plan | None:
        """Core's training plan for the form's settings (None while they are invalid)."""


class _FollowsData(QObject):
    """The follow-or-pinned bookkeeping; subclasses say what to suggest, write and compare."""

    pinned_changed = Signal()  # the user set the control, or pressed Use: the plan may change

    def __init__(self, form: TrainForm, hint_name: str, button_name: str) -> None:
        super().__init__(form if isinstance(form, QWidget) else None)
        self.form = form
        self.hint = QLabel()
        self.hint.setObjectName(hint_name)
        self.hint.setWordWrap(True)
        self.use_button = button("", button_name)
        self.use_button.clicked.connect(self.follow)
        self.pinned = False  # True once the user sets the control: a new dataset then only suggests
        self._writing = False

    def row(self) -> QVBoxLayout:
        """The hint with its Use button below it: beside it, in the form's narrow column, the wrapped hint was cut
        to its first two lines ("Suggested 224 px: the bundled")."""
        row = QVBoxLayout()
        row.addWidget(self.hint)
        row.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignLeft)
        return row

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Changes made inside are the program's, not the user's: they do not pin the setting."""
        self._writing = True
        try:
            yield
        finally:
            self._writing = False

    def edited(self, *_args: Any) -> None:
        if not self._writing:
            self.pinned = True
            self.pinned_changed.emit()
        self.update_hint()

    def follow(self) -> None:
        self.pinned = False
        self.suggest()
        self.pinned_changed.emit()

    def suggest(self) -> None:
        self.compute()
        if not self.pinned:
            with self.writing():
                self.take_suggestion()
        self.update_hint()

    def update_hint(self) -> None:
        same = self.matches()
        self.hint.setText(self.reason() if same else self.offer())
        self.use_button.setVisible(not same)

    def compute(self) -> None:
        """Ask the engine for the suggestion for the current dataset and options."""

    def take_suggestion(self) -> None:
        """Write the suggestion into the control(s)."""

    def matches(self) -> bool:
        return True

    def reason(self) -> str:
        return ""

    def offer(self) -> str:
        return ""


class ImageSizeFollower(_FollowsData):
    """The image size: from the model, the dataset's typical image size and whether the backbone is pretrained."""

    def __init__(self, form: TrainForm) -> None:
        super().__init__(form, "imageSizeHint", "useSuggestedSizeButton")
        self.use_button.setToolTip(self.tr("Set the image size to the suggestion"))
        self.suggestion: Choice = choose_image_size(TrainConfig().model, None)
        form.image_size_spin.valueChanged.connect(self.edited)

    def compute(self) -> None:
        plan = self.form.plan(size_open=True)
        if plan is not None:
            self.suggestion = Choice(plan.config.image_size, plan.reason("image_size"))

    def take_suggestion(self) -> None:
        self.form.image_size_spin.setValue(self.suggestion.value)

    def set_size(self, value: int) -> None:
        """A size the user chose (a saved configuration): it stays until Use is pressed."""
        self.pinned = True
        with self.writing():
            self.form.image_size_spin.setValue(value)
        self.update_hint()

    def matches(self) -> bool:
        return self.form.image_size_spin.value() == self.suggestion.value

    def reason(self) -> str:
        return self.suggestion.reason

    def offer(self) -> str:
        return self.tr("Suggested {0}").format(self.suggestion.reason)

    def update_hint(self) -> None:
        super().update_hint()
        self.use_button.setText(self.tr("Use {0} px").format(self.suggestion.value))
        self.use_button.setAccessibleName(self.use_button.text())


class FlipsFollower(_FollowsData):
    """Horizontal and vertical flips: off for digits, letters and left/right classes."""

    def __init__(self, form: TrainForm) -> None:
        super().__init__(form, "flipsHint", "useSuggestedFlipsButton")
        self.use_button.setText(self.tr("Use"))
        self.use_button.setAccessibleName(self.tr("Use the suggested flips"))
        self.use_button.setToolTip(self.tr("Set the flips to the suggestion"))
        self.suggestion: FlipChoice = choose_flips(())
        self.unused = False  # the quick method: no flips whatever is ticked, and the hint says so
        form.hflip_check.toggled.connect(self.edited)
        form.vflip_check.toggled.connect(self.edited)

    def compute(self) -> None:
        plan = self.form.plan(flips_open=True)
        if plan is not None:
            aug = plan.config.augmentation
            self.suggestion = FlipChoice(aug.hflip, aug.vflip, plan.reason("flips"))
            self.unused = plan.config.method == QUICK

    def take_suggestion(self) -> None:
        self.form.hflip_check.setChecked(self.suggestion.hflip)
        self.form.vflip_check.setChecked(self.suggestion.vflip)

    def matches(self) -> bool:
        if self.unused:  # nothing to offer: the reason says flips are not used
            return True
        c, f = self.suggestion, self.form
        return (f.hflip_check.isChecked(), f.vflip_check.isChecked()) == (c.hflip, c.vflip)

    def reason(self) -> str:
        return self.suggestion.reason

    def offer(self) -> str:
        return self.tr("Suggested: {0}").format(self.suggestion.reason)
