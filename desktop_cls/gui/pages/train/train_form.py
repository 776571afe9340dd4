"""The training options form: one control per declared option (core.training.options), basics first,
the rest under Advanced. Only what is more than a control lives here: the model description, the
learning-rate finder button, and the image size and flips that follow the data."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.catalog import MODELS, PRETRAINED_MODEL
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.methods import AUTO, CUSTOM, FINE_TUNE, QUICK, SCRATCH, method_name
from desktop_cls.core.training.options import ADVANCED, BASIC, FILE_ONLY, KEEP, flatten, options, unflatten
from desktop_cls.core.training.planner import DataFacts, Plan, Wishes, plan_training
from desktop_cls.gui.pages.train.train_suggestions import FlipsFollower, ImageSizeFollower
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import button as _button
from desktop_cls.gui.widgets.option_controls import changed_signal, make_control, read_control, write_control

W = TypeVar("W", bound=QWidget)
FORM_START = {"epochs": 15}  # the form opens on more epochs than the library default (enough for the demo data)
QUICK_UNUSED = {"epochs", "batch_size", "lr", "freeze_epochs", "backbone_lr_factor"}
# add_devices appends the GPUs; the texts are translated where the combo is built
DEVICE_ITEMS = [(str(QT_TRANSLATE_NOOP("TrainForm", "Automatic (GPU if present)")), "auto"),
                (str(QT_TRANSLATE_NOOP("TrainForm", "CPU")), "cpu")]


class TrainForm(QWidget):
    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.options = {o.key: o for o in options(TrainConfig)}
        self.controls: dict[str, QWidget] = {}
        self._held: dict[str, Any] = {}  # the user's value of a greyed-out switch that shows its disabled value
        self._file_only = {k: o.default for k, o in self.options.items() if o.level == FILE_ONLY}
        devices = [(self.tr(text), value) for text, value in DEVICE_ITEMS]
        for key, opt in self.options.items():
            if opt.level != FILE_ONLY:
                self.controls[key] = make_control(opt, devices if key == "device" else None)
                write_control(self.controls[key], opt, FORM_START.get(key, opt.default))
                changed_signal(self.controls[key]).connect(self._update_enabled)
        self.model_combo = self._control("model", QComboBox)
        self.epochs_spin = self._control("epochs", QSpinBox)
        self.batch_spin = self._control("batch_size", QSpinBox)
        self.lr_spin = self._control("lr", QDoubleSpinBox)
        self.device_combo = self._control("device", QComboBox)
        self.image_size_spin = self._control("image_size", QSpinBox)
        self.pretrained_check = self._control("pretrained", QCheckBox)
        self.hflip_check = self._control("augmentation.hflip", QCheckBox)
        self.vflip_check = self._control("augmentation.vflip", QCheckBox)
        self._build_extras()
        self._build_method()
        self.advanced = QGroupBox(self.tr("Advanced"))
        self.advanced.setObjectName("advancedGroup")
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        adv_body = QWidget()
        adv_body.setLayout(self._rows(ADVANCED))
        adv_body.setVisible(False)
        self.advanced.toggled.connect(adv_body.setVisible)
        QVBoxLayout(self.advanced).addWidget(adv_body)
        fl = QVBoxLayout(self)
        method = QFormLayout()
        method.addRow(self.tr("Method"), self.method_combo)
        method.addRow("", self.method_hint)
        fl.addLayout(method)
        fl.addLayout(self._rows(BASIC))
        fl.addWidget(self.advanced)
        fl.addStretch(1)
        self._model_changed()
        self._apply_method()

    def _control(self, key: str, kind: type[W]) -> W:
        w = self.controls[key]
        assert isinstance(w, kind), f"{key}: {type(w).__name__}"
        return cast(W, w)

    def _build_extras(self) -> None:
        self.model_info = QLabel()
        self.model_info.setWordWrap(True)
        self.model_info.setObjectName("modelDescription")
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self._find_lr_tip = self.tr("Run a short learning-rate range test on your data and suggest a value")
        self.find_lr_button = _button(self.tr("Find…"), "findLrButton", self._find_lr_tip)
        self.find_lr_button.setAccessibleName(self.tr("Find a learning rate"))
        self.lr_search_running = False
        self.size_follower = ImageSizeFollower(self)
        self.size_hint, self.use_size_button = self.size_follower.hint, self.size_follower.use_button
        self.flips_follower = FlipsFollower(self)
        self.flips_hint, self.use_flips_button = self.flips_follower.hint, self.flips_follower.use_button
        self.pretrained_check.toggled.connect(lambda _on: self.size_follower.suggest())
        self.size_follower.pinned_changed.connect(self._apply_method)  # an image size set by hand can change it
        self.state.dataset_changed.connect(lambda _index: self.size_follower.suggest())
        self.state.dataset_changed.connect(lambda _index: self.flips_follower.suggest())
        self.flips_follower.update_hint()

    def _rows(self, level: str) -> QFormLayout:
        """The form rows of one level, in declaration order, with the extras next to their option."""
        form = QFormLayout()
        for key, opt in self.options.items():
            if opt.level != level:
                continue
            w = self.controls[key]
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

    def _raw_values(self) -> dict[str, Any]:
        values = dict(self._file_only)
        values.update({k: read_control(w, self.options[k]) for k, w in self.controls.items()})
        return values

    def _update_enabled(self) -> None:
        """Grey out what does not apply to the current choices (each option's enabled_when), saying why in
        the tooltip. A switch that reads as a fixed value when greyed out also shows it (never a ticked
        box that is off) and gets the user's choice back when it applies again."""
        values = self._raw_values()
        values.update(self._held)
        quick = values.get("method") == QUICK
        for key, w in self.controls.items():  # the quick mode has no epochs, batches or learning rate
            opt = self.options[key]
            on = opt.enabled(values) and not (quick and key in QUICK_UNUSED)
            w.setEnabled(on)
            w.setToolTip(opt.help if on or not opt.disabled_help else f"{opt.help}\n\n{opt.disabled_help}")
            if opt.value_when_disabled is KEEP or not isinstance(w, QCheckBox):
                continue
            if not on and key not in self._held:
                self._held[key] = w.isChecked()
                self._write_quietly(w, opt, opt.value_when_disabled)
            elif on and key in self._held:
                self._write_quietly(w, opt, self._held.pop(key))
        self.find_lr_button.setEnabled(not quick and not self.lr_search_running)
        self.find_lr_button.setToolTip(self.tr("The quick mode trains no learning rate to search: only the last "
                                               "layer is fitted, in one step.") if quick else self._find_lr_tip)

    def set_lr_search_running(self, running: bool) -> None:
        """Find… stays greyed out while a search runs, and in the quick mode whatever happens."""
        self.lr_search_running = running
        self._update_enabled()

    def _write_quietly(self, w: QWidget, opt: Any, value: Any) -> None:
        w.blockSignals(True)
        try:
            write_control(w, opt, value)
        finally:
            w.blockSignals(False)

    # ---- the method: automatic, quick, fine-tune, from scratch or custom ------------------------
    def _build_method(self) -> None:
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("methodCombo")
        self.method_combo.setAccessibleName(self.tr("Training method"))
        self.method_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.method_combo.setMinimumContentsLength(24)
        for text, key in (
            (self.tr("Automatic (recommended)"), AUTO),  # short: the line below says what it chose and why
            (self.tr("Pretrained network, quick"), QUICK),
            (self.tr("Pretrained network, fine-tune"), FINE_TUNE),
            (self.tr("From scratch"), SCRATCH),
            (self.tr("Custom: the model and options below"), CUSTOM),
        ):
            self.method_combo.addItem(text, key)
        self.method_combo.setToolTip(self.tr(
            "Quick: a network already trained on a million photos stays as it is and only a new last layer "
            "learns your classes, in seconds; the best start with few images. Fine-tune: the same network, then "
            "all of it adapts to your images; slower, often better with many images. From scratch: a small "
            "network learns everything from your images; good with thousands of small images."))
        self.method_hint = QLabel()
        self.method_hint.setObjectName("methodReason")
        self.method_hint.setWordWrap(True)
        self._applying_method = False
        # until the user sets the epochs (or a past run's options are loaded), the method picks them
        self._epochs_chosen = False
        self.epochs_spin.valueChanged.connect(self._epochs_edited)
        self.method_combo.currentIndexChanged.connect(lambda _i: self._apply_method())
        self.state.dataset_changed.connect(lambda _index: self._apply_method())
        self.model_combo.currentIndexChanged.connect(lambda _i: self._method_overridden())
        self.pretrained_check.toggled.connect(lambda _on: self._method_overridden())

    def plan(self, size_open: bool = False, flips_open: bool = False) -> Plan | None:
        """Core's plan (planner.plan_training, as the command line) for what the form's user set: the method,
        a pinned image size, chosen epochs and flips; the rest follows the open dataset. size_open and
        flips_open ask what the planner would choose for those if they were left open (the hints' offer).
        None while the options do not form a valid configuration."""
        pinned_size = self.size_follower.pinned and not size_open
        pinned_flips = self.flips_follower.pinned and not flips_open
        wishes = Wishes(method=str(self.method_combo.currentData()),
                        image_size=self.image_size_spin.value() if pinned_size else None,
                        epochs=self.epochs_spin.value() if self._epochs_chosen else None,
                        hflip=self.hflip_check.isChecked() if pinned_flips else None,
                        vflip=self.vflip_check.isChecked() if pinned_flips else None)
        ds = self.state.dataset
        values = self._config_values()
        if wishes.method != CUSTOM:  # the method sets the model, its start and the mode
            values.update(method=SCRATCH, pretrained=False)
        try:
            base = TrainConfig.from_dict(values)
            return plan_training(base, wishes, DataFacts.of(ds) if ds is not None else None)
        except UserError:
            return None

    def _plain_words(self, method: str) -> str:
        if method == QUICK:
            return self.tr("Quick: the bundled network, trained on a million photos, stays as it is; only a new last "
                           "layer learns your classes. Takes seconds, and later re-fits reuse the computed image "
                           "features.")
        if method == FINE_TUNE:
            return self.tr("Fine-tune: the new last layer learns first, then the whole bundled network adapts to "
                           "your images at a gentle learning rate. Minutes on a CPU; often better with many images.")
        return self.tr("From scratch: a small network learns everything from your images. Good with thousands of "
                       "small images; weak with few.")

    def _apply_method(self) -> None:
        """The plan's model, start and epochs into the controls; its reason under the method."""
        plan = self.plan() if self.method_combo.currentData() != CUSTOM else None
        if plan is None:
            self.method_hint.setText(self.tr("Custom: training uses the model and options below as set."))
            return
        cfg = plan.config
        self._applying_method = True
        try:
            write_control(self.model_combo, self.options["model"], cfg.model)
            if "pretrained" in self._held:
                # greyed out for this model: what comes back when a model takes it again is the method's
                # choice, not a tick an earlier method made (that was never the user's)
                self._held["pretrained"] = cfg.pretrained
            else:
                self.pretrained_check.setChecked(cfg.pretrained)
            self._file_only["method"] = cfg.method
            if not self._epochs_chosen:
                self.epochs_spin.setValue(cfg.epochs)
        finally:
            self._applying_method = False
        self._update_enabled()
        self.size_follower.suggest()
        plain = self._plain_words(plan.method)
        reason = plan.reason("method")
        self.method_hint.setText(self.tr("{reason}. {details}").format(
            reason=reason[:1].upper() + reason[1:], details=plain) if self.method_combo.currentData() == AUTO
            else plain)

    def _epochs_edited(self, _value: int) -> None:
        if not self._applying_method:
            self._epochs_chosen = True

    def _method_overridden(self) -> None:
        """The user picked another model by hand: the method becomes Custom, keeping their choice."""
        if self._applying_method or self.method_combo.currentData() == CUSTOM:
            return
        plan = self.plan()
        if plan is not None and (self.model_combo.currentData(), self.pretrained_check.isChecked()) != (
                plan.config.model, plan.config.pretrained):
            self._file_only["method"] = SCRATCH  # fine-tune when the user ticks pretrained
            self._set_method_key(CUSTOM)
            self.size_follower.suggest()  # now planned from the user's model, not the method's

    def _set_method_key(self, key: str) -> None:
        self.method_combo.blockSignals(True)
        try:
            self.method_combo.setCurrentIndex(self.method_combo.findData(key))
        finally:
            self.method_combo.blockSignals(False)
        if key == CUSTOM:
            self.method_hint.setText(self.tr("Custom: training uses the model and options below as set."))

    def _model_changed(self) -> None:
        self._update_enabled()
        if not self._applying_method:  # the user's new model re-suggests the size; a method's keeps a set size
            self.size_follower.pinned = False
        self.size_follower.suggest()
        self._describe_model()

    def _describe_model(self) -> None:
        info = MODELS[self.model_combo.currentData() or "quicknet"]
        text = info.description
        if self.state.core_loaded:
            from desktop_cls.core.models.architectures import parameter_count

            n = len(self.state.dataset.classes) if self.state.dataset is not None else 10
            text += self.tr(" · {0:.2f} M parameters").format(parameter_count(info.name, n,
                                                                               info.default_image_size) / 1e6)
        self.model_info.setText(text)

    # ---- the options as a config ----------------------------------------------------------------
    def current_config_dict(self) -> dict[str, Any]:
        """The options as the controls show them; a greyed-out option reads as its value_when_disabled."""
        return TrainConfig.from_dict(self._config_values()).to_dict()

    def _config_values(self) -> dict[str, Any]:
        values = self._raw_values()
        for key, opt in self.options.items():
            if not opt.enabled(values) and opt.value_when_disabled is not KEEP:
                values[key] = opt.value_when_disabled
        return unflatten(values)

    @property
    def size_follows_data(self) -> bool:
        return not self.size_follower.pinned

    @property
    def flips_follow_data(self) -> bool:
        return not self.flips_follower.pinned

    @property
    def method(self) -> str:
        return str(self.method_combo.currentData())

    @property
    def epochs_follow_method(self) -> bool:
        return not self._epochs_chosen

    def apply_saved(self, saved: dict[str, Any], size_follows_data: bool = True,
                    flips_follow_data: bool = True, method: str = "", epochs_follow_method: bool = False) -> None:
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
        known = method_name(method)  # "fine_tune": as earlier versions saved it
        if known is not None and known != CUSTOM:
            self._epochs_chosen = not epochs_follow_method
            self._set_method_key(known)
            self._apply_method()
        self.size_follower.suggest()
        self.flips_follower.suggest()

    def apply_config(self, cfg: TrainConfig) -> None:
        values = flatten(cfg.to_dict())
        write_control(self.model_combo, self.options["model"], cfg.model)  # first: a new model re-suggests the size
        self.size_follower.set_size(cfg.image_size)
        self._held.clear()
        with self.flips_follower.writing():  # a config's flips are the user's: they stay
            for key, w in self.controls.items():
                if key not in ("model", "image_size"):
                    write_control(w, self.options[key], values[key])
        self.flips_follower.pinned = True
        self._epochs_chosen = True  # a past run's epochs are kept, whatever method it used
        self._file_only = {k: values[k] for k in self._file_only}
        if cfg.method == "quick" and cfg.model == PRETRAINED_MODEL:
            self._set_method_key(QUICK)
        elif cfg.pretrained and cfg.model == PRETRAINED_MODEL:
            self._set_method_key(FINE_TUNE)
        else:
            self._set_method_key(CUSTOM)
        self._update_enabled()
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
