"""While a run trains, the (greyed-out) Train form shows what it uses: a new run, the form's own options; a resumed
run, its own — its method, model, image size, epochs and the rest — not the form's. The form's own choices (the
user's) are kept aside meanwhile: they are what the settings remember, and they come back when the run ends
(stopped, finished or failed). A folder opened meanwhile is planned for in the form once the run ends (until then
the form goes on showing what the run uses); the plan it will get there is published at once, so the Data page
says what a run on that folder would do (its split or cross-validation) as soon as it is open: nothing the user can
change before then alters it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.planner import Plan
from desktop_cls.gui.pages.train.form_plan import FormPlanner
from desktop_cls.gui.pages.train.method_choice import MethodChoice, after_opening
from desktop_cls.gui.pages.train.option_fields import OptionFields
from desktop_cls.gui.settings import Settings


@dataclass(frozen=True)
class FormChoices:
    """What the settings remember of the form: its options and what still follows the data and the method."""

    config: dict[str, Any]
    size_follows_data: bool
    flips_follow_data: bool
    method: str
    epochs_follow_method: bool
    folder: str  # the dataset the method and epochs were chosen for

    def save_to(self, settings: Settings) -> None:
        """Into the app's settings, for the next session."""
        settings.last_train_config = self.config
        settings.image_size_follows_data, settings.flips_follow_data = self.size_follows_data, self.flips_follow_data
        settings.train_method, settings.epochs_follow_method = self.method, self.epochs_follow_method
        settings.train_choice_folder = self.folder


@dataclass(frozen=True)
class _Kept:
    choices: FormChoices
    values: dict[str, Any]  # the controls' and file-only values (flat), as they were
    held: dict[str, Any]  # the user's values of greyed-out switches


class TrainForm(Protocol):
    """What is kept and shown of the Train form (train_form.TrainForm)."""

    state: Any  # AppState: the open dataset
    fields: OptionFields
    planner: FormPlanner
    method_choice: MethodChoice
    size_follower: Any  # train_suggestions.ImageSizeFollower
    flips_follower: Any  # train_suggestions.FlipsFollower

    def current_config_dict(self) -> dict[str, Any]:
        """The options as the controls show them."""

    @property
    def size_follows_data(self) -> bool: ...

    @property
    def flips_follow_data(self) -> bool: ...

    @property
    def method(self) -> str: ...

    @property
    def epochs_follow_method(self) -> bool: ...

    def apply_config(self, cfg: TrainConfig) -> None:
        """A configuration into the controls (as a past run's options are loaded)."""

    def update_enabled(self) -> None:
        """Grey out what does not apply to the current choices."""


class OwnChoices:
    """`kept` holds the form's own choices while it shows a resumed run's options (None when it does not);
    `missed`: a folder was opened while a run trained (the form plans for it when the run ends)."""

    def __init__(self, form: TrainForm) -> None:
        self.form = form
        self.kept: _Kept | None = None
        self.missed = False
        form.state.dataset_changed.connect(self._dataset_opened)
        form.state.dataset_checked.connect(self._dataset_opened)

    def remembered(self) -> FormChoices:
        """The form's choices for the settings: its own, never those of the resumed run it shows."""
        return self.kept.choices if self.kept is not None else shown_choices(self.form)

    def hold(self) -> None:
        """A new run starts: the form shows its options (they are the form's own) until it ends."""
        self.form.method_choice.waiting = True  # the method plans nothing (for a folder opened, say) until then

    def show_run(self, cfg: TrainConfig, epochs: int) -> None:
        """The resumed run's options (it trains to `epochs`) into the form, its own kept aside."""
        form, choice = self.form, self.form.method_choice
        if self.kept is None:
            self.kept = _Kept(shown_choices(form), form.fields.raw_values(), dict(form.fields.held))
        self.hold()
        choice.applying = True  # not the user's choices: the method does not turn Custom for the run's model
        try:
            form.apply_config(dataclasses.replace(cfg, epochs=epochs))
        finally:
            choice.applying = False

    def planned_for(self, index: Any) -> Plan | None:
        """The plan the form's own choices will make for the dataset `index` once the run ends (as
        MethodChoice.dataset_opened will choose then), read from them without touching the form."""
        form = self.form
        own, raw = (self.kept.choices, self.kept.values) if self.kept is not None else (
            shown_choices(form), form.fields.raw_values())
        method, epochs_chosen = after_opening(own.folder, index.root, own.method, not own.epochs_follow_method)
        return form.planner.plan(method, epochs_chosen, not own.size_follows_data, not own.flips_follow_data, raw,
                                 index)

    def _dataset_opened(self, index: Any) -> None:
        """While a run trains the form waits for its end; the pages that say what a run would do on the folder
        opened get the plan it will make now."""
        if self.form.method_choice.waiting:
            self.missed = True
            self.form.state.set_plan(index.root, self.planned_for(index))

    def give_back(self) -> None:
        """The run ended: the form's own choices, planned for the folder open now (another may have been opened)."""
        kept, self.kept = self.kept, None
        missed, self.missed = self.missed, False
        form, choice = self.form, self.form.method_choice
        choice.waiting = False
        if kept is None:  # (a new run: the form shows the user's own choices)
            if missed:
                self._plan_again()
            return
        own = kept.choices
        choice.applying = True  # the model's change re-describes it, and is not the user's (no Custom)
        try:
            with form.size_follower.writing():
                form.fields.write("model", kept.values["model"])
        finally:
            choice.applying = False
        form.fields.restore(kept.values, kept.held)
        form.size_follower.pinned, form.flips_follower.pinned = not own.size_follows_data, not own.flips_follow_data
        choice.epochs_chosen, choice.folder = not own.epochs_follow_method, own.folder
        choice.set_key(own.method)
        form.update_enabled()
        self._plan_again()

    def _plan_again(self) -> None:
        """The form planned for the folder open now (the same folder keeps what the user chose for it)."""
        form, choice = self.form, self.form.method_choice
        if form.state.dataset is not None:
            choice.dataset_opened(form.state.dataset)
        else:
            choice.apply()
        form.size_follower.suggest()
        form.flips_follower.suggest()


def shown_choices(form: TrainForm) -> FormChoices:
    """The form's choices as it shows them (OwnChoices.remembered() gives the user's during a resumed run)."""
    return FormChoices(form.current_config_dict(), form.size_follows_data, form.flips_follow_data, form.method,
                       form.epochs_follow_method, form.method_choice.folder)
