"""While a resumed run trains, the (greyed-out) Train form shows the run's own options — its method, model, image
size, epochs and the rest — as the run uses them, not the form's. The form's own choices (the user's) are kept
aside meanwhile: they are what the settings remember, and they come back when the run ends (stopped, finished or
failed). A folder opened meanwhile is planned for once they are back (until then the form goes on showing the run's
options)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.pages.train.method_choice import MethodChoice
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
    """`kept` holds the form's own choices while it shows a resumed run's options (None when it does not)."""

    def __init__(self, form: TrainForm) -> None:
        self.form = form
        self.kept: _Kept | None = None

    def remembered(self) -> FormChoices:
        """The form's choices for the settings: its own, never those of the resumed run it shows."""
        return self.kept.choices if self.kept is not None else shown_choices(self.form)

    def show_run(self, cfg: TrainConfig, epochs: int) -> None:
        """The resumed run's options (it trains to `epochs`) into the form, its own kept aside."""
        form, choice = self.form, self.form.method_choice
        if self.kept is None:
            self.kept = _Kept(shown_choices(form), form.fields.raw_values(), dict(form.fields.held))
        choice.showing_run = True  # the method plans nothing (for a folder opened, say) until the run ends
        choice.applying = True  # not the user's choices: the method does not turn Custom for the run's model
        try:
            form.apply_config(dataclasses.replace(cfg, epochs=epochs))
        finally:
            choice.applying = False

    def give_back(self) -> None:
        """The run ended: the form's own choices, planned for the folder open now (another may have been opened)."""
        kept, self.kept = self.kept, None
        if kept is None:
            return
        form, choice, own = self.form, self.form.method_choice, kept.choices
        choice.applying = True  # the model's change re-describes it, and is not the user's (no Custom)
        try:
            with form.size_follower.writing():
                form.fields.write("model", kept.values["model"])
        finally:
            choice.applying = False
        form.fields.restore(kept.values, kept.held)
        form.size_follower.pinned, form.flips_follower.pinned = not own.size_follows_data, not own.flips_follow_data
        choice.showing_run, choice.epochs_chosen, choice.folder = False, not own.epochs_follow_method, own.folder
        choice.set_key(own.method)
        form.update_enabled()
        if form.state.dataset is not None:
            choice.dataset_opened(form.state.dataset)  # plans again (the same folder keeps what the user chose)
        else:
            choice.apply()
        form.size_follower.suggest()
        form.flips_follower.suggest()


def shown_choices(form: TrainForm) -> FormChoices:
    """The form's choices as it shows them (OwnChoices.remembered() gives the user's during a resumed run)."""
    return FormChoices(form.current_config_dict(), form.size_follows_data, form.flips_follow_data, form.method,
                       form.epochs_follow_method, form.method_choice.folder)
