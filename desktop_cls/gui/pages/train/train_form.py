"""The training options form: one control per declared option (core.training.options, made by option_fields),
basics first, the rest under Advanced, below the method (method_choice). Only what is more than a control lives
here: the model description, the learning-rate finder button, and the image size and flips that follow the data."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.catalog import MODELS, parameter_count
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.options import ADVANCED, BASIC, flatten
from desktop_cls.core.training.planner import Plan
from desktop_cls.gui.pages.train.form_plan import FormPlanner
from desktop_cls.gui.pages.train.method_choice import MethodChoice
from desktop_cls.gui.pages.train.option_fields import OptionFields
from desktop_cls.gui.pages.train.own_choices import OwnChoices
from desktop_cls.gui.pages.train.train_suggestions import FlipsFollower, ImageSizeFollower
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import CollapsibleGroup
from desktop_cls.gui.widgets.common import button as _button

FORM_START = {"epochs": 15}  # the form opens on more epochs than the library default (enough for the demo data)
# add_devices appends the GPUs; the texts are translated where the combo is built
DEVICE_ITEMS = [(str(QT_TRANSLATE_NOOP("TrainForm", "Automatic (GPU if present)")), "auto"),
                (str(QT_TRANSLATE_NOOP("TrainForm", "CPU")), "cpu")]


class TrainForm(QWidget):
    """The options (OptionFields), the method (MethodChoice) and what follows the data; `plan()` asks core what
    they make."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        devices = [(self.tr(text), value) for text, value in DEVICE_ITEMS]
        self.fields = OptionFields(FORM_START, devices, self.update_enabled)
        self.planner = FormPlanner(self.fields)
        self.model_combo = self.fields.control("model", QComboBox)
        self.epochs_spin = self.fields.control("epochs", QSpinBox)
        self.batch_spin = self.fields.control("batch_size", QSpinBox)
        self.lr_spin = self.fields.control("lr", QDoubleSpinBox)
        self.device_combo = self.fields.control("device", QComboBox)
        self.image_size_spin = self.fields.control("image_size", QSpinBox)
        self.pretrained_check = self.fields.control("pretrained", QCheckBox)
        self.hflip_check = self.fields.control("augmentation.hflip", QCheckBox)
        self.vflip_check = self.fields.control("augmentation.vflip", QCheckBox)
        self.model_info = QLabel()
        self._find_lr_tip = self.tr("Run a short learning-rate range test on your data and suggest a value")
        self.find_lr_button = _button(self.tr("Find…"), "findLrButton", self._find_lr_tip)
        self.lr_search_running = False
        self.size_follower = ImageSizeFollower(self)
        self.flips_follower = FlipsFollower(self)
        self.method_choice = MethodChoice(self)
        self.own_choices = OwnChoices(self)  # kept aside while the form shows a resumed run's options
        self.advanced = CollapsibleGroup(self.tr("Advanced"))
        self._build()
        self._connect()
        self._model_changed()
        self.method_choice.apply()

    def _build(self) -> None:
        """Method, then the basic options, then Advanced (collapsed)."""
        self.model_info.setWordWrap(True)
        self.model_info.setObjectName("modelDescription")
        self.find_lr_button.setAccessibleName(self.tr("Find a learning rate"))
        self.advanced.setObjectName("advancedGroup")
        adv_body = QWidget()
        adv_body.setLayout(self._rows(ADVANCED))
        self.advanced.set_body(adv_body)
        fl = QVBoxLayout(self)
        method = QFormLayout()
        method.addRow(self.tr("Method"), self.method_choice.combo)
        method.addRow("", self.method_choice.hint)
        fl.addLayout(method)
        fl.addLayout(self._rows(BASIC))
        fl.addWidget(self.advanced)
        fl.addStretch(1)

    def _connect(self) -> None:
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.pretrained_check.toggled.connect(lambda _on: self.size_follower.suggest())
        self.size_follower.pinned_changed.connect(self.method_choice.apply)  # a size set by hand can change it
        self.state.dataset_changed.connect(self._follow_data)
        self.state.dataset_changed.connect(lambda _index: self._describe_model())  # its head: the dataset's classes
        self.state.plan_changed.connect(self._describe_model)  # and the run's pooling (the method's, the data's)
        self.flips_follower.update_hint()
        self.method_choice.follow_form()

    def _follow_data(self, _index: Any) -> None:
        """The image size and flips follow a dataset opened, except while a run trains: the form shows what the run
        uses until it ends (own_choices plans for the folder open then)."""
        if not self.method_choice.waiting:
            self.size_follower.suggest()
            self.flips_follower.suggest()

    def _rows(self, level: str) -> QFormLayout:
        """The form rows of one level, in declaration order, with the extras next to their option."""
        form = QFormLayout()
        for key, opt in self.fields.options.items():
            if opt.level != level:
                continue
            w = self.fields.controls[key]
            label = opt.row if opt.kind is bool else opt.label
            if key == "lr":
                row = QHBoxLayout()
                row.addWidget(w, 1)
                row.addWidget(self.find_lr_button)
                form.addRow(label, row)
            else:
                form.addRow(label, w)
            if key == "model":
                form.addRow("", self.model_info)
            elif key == "image_size":
                form.addRow("", self.size_follower.row())
            elif key == "augmentation.vflip":
                form.addRow("", self.flips_follower.row())
        return form

    def update_enabled(self) -> None:
        """Grey out what does not apply (OptionFields), and Find… in the quick mode or while a search runs."""
        quick = self.fields.update_enabled()
        self.find_lr_button.setEnabled(not quick and not self.lr_search_running)
        self.find_lr_button.setToolTip(self.tr("The quick mode trains no learning rate to search: only the last "
                                               "layer is fitted, in one step.") if quick else self._find_lr_tip)

    def set_lr_search_running(self, running: bool) -> None:
        """Find… stays greyed out while a search runs, and in the quick mode whatever happens."""
        self.lr_search_running = running
        self.update_enabled()

    def plan(self, size_open: bool = False, flips_open: bool = False) -> Plan | None:
        """Core's plan (planner.plan_training, as the command line) for what the form's user set: the method,
        a pinned image size, chosen epochs and flips; the rest follows the open dataset. size_open and
        flips_open ask what the planner would choose for those if they were left open (the hints' offer).
        None while the options do not form a valid configuration."""
        choice = self.method_choice
        return self.planner.plan(choice.key(), choice.epochs_chosen, self.size_follower.pinned and not size_open,
                                 self.flips_follower.pinned and not flips_open, self.fields.raw_values(),
                                 self.state.trainable)  # (less what the Data page's check found unreadable)

    def _model_changed(self) -> None:
        self.update_enabled()
        if not self.method_choice.applying:  # the user's new model re-suggests the size; a method's keeps a set size
            self.size_follower.pinned = False
        self.size_follower.suggest()
        self._describe_model()

    def _describe_model(self) -> None:
        info = MODELS[self.model_combo.currentData() or "quicknet"]
        n = len(self.state.dataset.classes) if self.state.dataset is not None else 0
        n = n or 10  # (none yet, as in a pile of unlabeled images: the count for ten)
        plan = self.plan()  # its pooling sizes the head: a quick run's Lite1 or Lite2 puts two vectors side by side
        pooling = plan.pooling if plan is not None and plan.config.model == info.name else "avg"
        count = parameter_count(info.name, n, pooling)  # the catalogue's table: no torch, shown before the engine loads
        self.model_info.setText(info.description + self.tr(" · {0:.2f} M parameters").format(count / 1e6))

    # ---- the options as a config ----------------------------------------------------------------
    def current_config_dict(self) -> dict[str, Any]:
        """The options as the controls show them; a greyed-out option reads as its value_when_disabled."""
        return TrainConfig.from_dict(self.fields.config_values()).to_dict()

    @property
    def size_follows_data(self) -> bool:
        return not self.size_follower.pinned

    @property
    def flips_follow_data(self) -> bool:
        return not self.flips_follower.pinned

    @property
    def method(self) -> str:
        return self.method_choice.key()

    @property
    def epochs_follow_method(self) -> bool:
        return not self.method_choice.epochs_chosen

    def apply_saved(self, saved: dict[str, Any], size_follows_data: bool = True,
                    flips_follow_data: bool = True, method: str = "", epochs_follow_method: bool = False,
                    method_folder: str = "") -> None:
        """Last session's options; image size, flips and epochs keep following the data and the method
        unless the user set them, and Automatic stays Automatic (not the method it chose last time)."""
        if not saved:
            return
        try:
            cfg = TrainConfig.from_dict(saved)
        except UserError:
            return
        self.apply_config(cfg)
        self.size_follower.pinned = not size_follows_data  # first: a size set by hand is part of the plan
        self.flips_follower.pinned = not flips_follow_data
        self.method_choice.restore(method, epochs_follow_method, method_folder)
        self.size_follower.suggest()
        self.flips_follower.suggest()

    def apply_config(self, cfg: TrainConfig) -> None:
        values = flatten(cfg.to_dict())
        self.fields.write("model", cfg.model)  # first: a new model re-suggests the size
        self.size_follower.set_size(cfg.image_size)
        with self.flips_follower.writing():  # a config's flips are the user's: they stay
            self.fields.write_all(values, skip=("model", "image_size"))
        self.flips_follower.pinned = True
        self.method_choice.show_config(cfg)  # a past run's epochs are kept, whatever method it used
        self.update_enabled()
        self.flips_follower.update_hint()

    def add_devices(self, devices: list[Any]) -> None:
        """GPUs by name and memory (and Apple's MPS) next to Automatic and CPU."""
        for d in devices:
            if d.id != "cpu" and self.device_combo.findData(d.id) < 0:
                text = (self.tr("{0} — {1} ({2:.0f} GB)").format(d.id, d.name, d.memory_mb / 1024) if d.memory_mb
                        else f"{d.id} — {d.name}")
                self.device_combo.addItem(text, d.id)
        self._describe_model()


def apply_default_device(device_combo: QComboBox, device: str) -> bool:
    """Put the Train form's device box on `device` when it lists it (a GPU appears once the engine has
    loaded: call again then); False when it does not (yet)."""
    index = device_combo.findData(device)
    if index >= 0:
        device_combo.setCurrentIndex(index)
    return index >= 0
