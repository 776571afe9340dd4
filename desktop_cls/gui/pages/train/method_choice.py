"""The Train form's method (automatic, quick, fine-tune, from scratch or custom): the combo box, the line that says
what the method does (and for Automatic, what it chose and why), and what a method writes into the form — the model,
whether it starts pretrained and, until the user sets them, the epochs. The plan itself is core's
(planner.plan_training, as the command line asks); picking a model by hand makes the method Custom.

Custom trains the whole network (a fine-tune when it starts from ImageNet weights), so every option below applies;
only options loaded from a quick run whose backbone is not a bundled one keep the quick mode there, and the line
under the method says so. The form never holds a combination the engine refuses: a model the quick mode cannot use
turns it into whole-network training, with a note."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QWidget

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.methods import AUTO, CUSTOM, FINE_TUNE, QUICK, SCRATCH, method_name
from desktop_cls.core.training.planner import Plan
from desktop_cls.gui.pages.train.option_fields import OptionFields
from desktop_cls.gui.widgets.common import sentences
from desktop_cls.gui.widgets.option_controls import changed_signal


class TrainForm(Protocol):
    """What the method reads and writes of the Train form (train_form.TrainForm)."""

    state: Any  # AppState: the open dataset
    fields: OptionFields
    model_combo: QComboBox
    pretrained_check: QCheckBox
    epochs_spin: QSpinBox
    size_follower: Any  # train_suggestions.ImageSizeFollower
    flips_follower: Any  # train_suggestions.FlipsFollower: its hint says whether the method uses flips

    def plan(self, size_open: bool = False, flips_open: bool = False) -> Plan | None:
        """Core's training plan for the form's settings (None while they are invalid)."""

    def update_enabled(self) -> None:
        """Grey out what does not apply to the current choices."""


def after_opening(folder: str, opened: str, method: str, epochs_chosen: bool) -> tuple[str, bool]:
    """The method, and whether the user's epochs stay, once the folder `opened` is open: the choices made for
    `folder` ("": not known) stay with it; another folder gets Automatic, with its epochs, again."""
    if folder and folder != opened and (method != AUTO or epochs_chosen):
        return AUTO, False
    return method, epochs_chosen


class MethodChoice(QObject):
    """`epochs_chosen`: the user set the epochs (or a past run's options were loaded), so the method keeps them."""

    def __init__(self, form: TrainForm) -> None:
        super().__init__(form if isinstance(form, QWidget) else None)
        self.form = form
        self.combo = QComboBox()
        self.combo.setObjectName("methodCombo")
        self.combo.setAccessibleName(self.tr("Training method"))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(24)
        for text, key in (
            (self.tr("Automatic (recommended)"), AUTO),  # short: the line below says what it chose and why
            (self.tr("Pretrained network, quick"), QUICK),
            (self.tr("Pretrained network, fine-tune"), FINE_TUNE),
            (self.tr("From scratch"), SCRATCH),
            (self.tr("Custom: the model and options below"), CUSTOM),
        ):
            self.combo.addItem(text, key)
        self.combo.setToolTip(self.tr(
            "Quick: a network already trained on a million photos stays as it is and only a new last layer "
            "learns your classes, in seconds; the best start with few images. Fine-tune: the same network, then "
            "all of it adapts to your images; slower, often better with many images. From scratch: a small "
            "network learns everything from your images; good with thousands of small images."))
        self.hint = QLabel()
        self.hint.setObjectName("methodReason")
        self.hint.setWordWrap(True)
        self.applying = False  # the method is writing the form: those changes are not the user's
        self.epochs_chosen = False
        self.folder = ""  # the dataset the method and epochs were chosen for ("": not known)
        self.waiting = False  # a run trains (the form shows its options: own_choices): no plan until it ends

    def follow_form(self) -> None:
        """Follow the form's controls and the open dataset (once the form has made its controls)."""
        form = self.form
        form.epochs_spin.valueChanged.connect(self._epochs_edited)
        self.combo.currentIndexChanged.connect(lambda _i: self._chosen())
        self.combo.activated.connect(self._picked_again)
        form.state.dataset_changed.connect(self.dataset_opened)
        form.state.dataset_checked.connect(self.dataset_opened)  # the same folder: what the check let a run read
        form.model_combo.currentIndexChanged.connect(lambda _i: self._overridden())
        form.pretrained_check.toggled.connect(lambda _on: self._overridden())
        changed_signal(form.fields.controls["val_fraction"]).connect(lambda *_: self.publish_plan())

    def dataset_opened(self, index: Any) -> None:
        """Another dataset gets the automatic choice again (what suits one folder rarely suits the next); the same
        one, reopened, keeps what the user chose for it. While a run trains, that waits for its end (own_choices
        calls again then, and says meanwhile what the plan will be)."""
        if self.waiting:
            return
        method, self.epochs_chosen = after_opening(self.folder, index.root, self.key(), self.epochs_chosen)
        if method != self.key():
            self.set_key(method)
        self.folder = index.root
        self.apply()

    def publish_plan(self) -> None:
        """The plan into the app state: the Data page and the Train page's ready line say what a run would do (the
        form's own options, not a resumed run's it shows)."""
        if self.waiting:
            return
        ds = self.form.state.dataset
        self.form.state.set_plan(ds.root if ds is not None else None, self.form.plan())

    def key(self) -> str:
        return str(self.combo.currentData())

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

    def apply(self) -> None:
        """The plan's model, start and epochs into the controls; its reason under the method (not over a resumed
        run's options: the form's own are planned for once it ends)."""
        form = self.form
        if self.waiting:
            return
        plan = form.plan() if self.key() != CUSTOM else None
        if plan is None:
            self.show_custom()
            return
        cfg = plan.config
        self.applying = True
        try:
            form.fields.write("model", cfg.model)
            form.fields.write_switch("pretrained", cfg.pretrained)
            form.fields.file_only["method"] = cfg.method
            if not self.epochs_chosen:
                form.epochs_spin.setValue(cfg.epochs)
        finally:
            self.applying = False
        form.update_enabled()
        form.size_follower.suggest()
        form.flips_follower.suggest()
        plain = self._plain_words(plan.method)
        reason = plan.reason("method")
        self.hint.setText(self.tr("{reason}. {details}").format(
            reason=reason[:1].upper() + reason[1:], details=plain) if self.key() == AUTO else plain)
        self.publish_plan()

    def _epochs_edited(self, _value: int) -> None:
        if not self.applying:
            self.epochs_chosen = True

    def _chosen(self) -> None:
        """The user picked a method. Custom then trains the whole network with the options below (a quick mode left
        by the method before would grey out the epochs and refuse most models)."""
        if self.key() == CUSTOM:
            self.form.fields.file_only["method"] = SCRATCH  # a fine-tune when the model starts pretrained
            self.form.update_enabled()
            self.form.size_follower.suggest()
            self.form.flips_follower.suggest()
        self.apply()

    def _picked_again(self, _index: int) -> None:
        """Custom picked again while it shows a loaded quick run's mode: the whole network trains (as the line
        under it offers)."""
        if self.key() == CUSTOM and self.form.fields.file_only.get("method") == QUICK:
            self._chosen()

    def _overridden(self) -> None:
        """The user picked another model (or start) by hand: the method becomes Custom, keeping their choice, and
        says why; in Custom's quick mode a model it cannot use switches to whole-network training."""
        if self.applying:
            return
        form = self.form
        if self.key() == CUSTOM:
            self._keep_valid()
            return
        plan = form.plan()
        if plan is not None and (form.model_combo.currentData(), form.pretrained_check.isChecked()) != (
                plan.config.model, plan.config.pretrained):
            form.fields.file_only["method"] = SCRATCH  # fine-tune when the user ticks pretrained
            self.set_key(CUSTOM)
            form.update_enabled()
            form.size_follower.suggest()  # now planned from the user's model, not the method's
            form.flips_follower.suggest()
            self.show_custom(self.tr("The method is now Custom, because you chose the model by hand."))

    def _keep_valid(self) -> None:
        """Custom in the quick mode (a loaded quick run's options) with a model or start it cannot use: the whole
        network trains instead, and the line under the method says so."""
        form = self.form
        if form.fields.file_only.get("method") != QUICK:
            self.show_custom()
            return
        try:
            TrainConfig.from_dict(form.fields.config_values())
        except UserError:
            form.fields.file_only["method"] = SCRATCH
            form.update_enabled()
            form.size_follower.suggest()
            form.flips_follower.suggest()
            self.show_custom(self.tr("The quick mode needs a network that starts from ImageNet weights, so the "
                                     "whole network trains now."))
            return
        self.show_custom()

    def show_custom(self, note: str = "") -> None:
        """The line under Custom: which mode it trains in and where the network starts, with `note` (why the form
        changed) first."""
        form = self.form
        model = form.model_combo.currentText()
        values = form.fields.config_values()
        if form.fields.file_only.get("method") == QUICK:
            text = self.tr("Custom, quick mode (as in the loaded options): {0} stays as it is and only a new last "
                           "layer learns, so epochs, batch size, learning rate and augmentation are not used. "
                           "Choose Custom again to train the whole network.").format(model)
        else:
            if values.get("pretrained"):
                text = self.tr("Custom: the whole {0} network is fine-tuned from its ImageNet weights, with the "
                               "options below.").format(model)
            elif values.get("weights_file"):
                text = self.tr("Custom: the whole {0} network trains from the weights file set under Advanced, with "
                               "the options below.").format(model)
            else:
                text = self.tr("Custom: the whole {0} network trains from random weights, with the options "
                               "below.").format(model)
            text = sentences(text, self.tr("For the quick mode, choose “Pretrained network, quick” as the method."))
        self.hint.setText(sentences(note, text))
        self.publish_plan()

    def set_key(self, key: str) -> None:
        self.combo.blockSignals(True)
        try:
            self.combo.setCurrentIndex(self.combo.findData(key))
        finally:
            self.combo.blockSignals(False)
        if key == CUSTOM:
            self.show_custom()

    def show_config(self, cfg: TrainConfig) -> None:
        """A past run's options were loaded: their method, and their epochs kept whatever the method. The quick and
        fine-tune methods keep a bundled backbone; other quick runs stay Custom in the quick mode."""
        self.epochs_chosen = True
        bundled = MODELS[cfg.model].bundled_weights
        if cfg.method == QUICK and bundled:
            self.set_key(QUICK)
        elif cfg.method == FINE_TUNE and bundled:
            self.set_key(FINE_TUNE)
        else:
            self.set_key(CUSTOM)

    def restore(self, method: str, epochs_follow_method: bool, folder: str = "") -> None:
        """Last session's method, chosen for the dataset `folder`; Automatic stays Automatic (not the method it
        chose last time)."""
        self.folder = folder
        known = method_name(method)  # "fine_tune": as earlier versions saved it
        if known is not None and known != CUSTOM:
            self.epochs_chosen = not epochs_follow_method
            self.set_key(known)
            self.apply()
