"""Core's training plan for the Train form's options: those it shows, or the user's own kept aside while a run
trains (own_choices asks what they will make for a folder opened meanwhile). The plan itself is core's
(planner.plan_training, as the command line asks)."""

from __future__ import annotations

from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.methods import CUSTOM, FINE_TUNE, QUICK, SCRATCH
from desktop_cls.core.training.planner import DataFacts, Plan, Wishes, plan_training
from desktop_cls.gui.pages.train.option_fields import OptionFields
from desktop_cls.gui.widgets.common import TurnCache


class FormPlanner:
    """Plans the form's options; the slots of one click ask 4-7 times (12 ms each): planned once per event-loop
    turn."""

    def __init__(self, fields: OptionFields) -> None:
        self.fields = fields
        self._plans = TurnCache()

    def plan(self, method: str, epochs_chosen: bool, pinned_size: bool, pinned_flips: bool, raw: dict[str, Any],
             ds: Any) -> Plan | None:
        """The plan for options `raw` (OptionFields.raw_values) on the dataset `ds` (None: none open): the method's,
        with the epochs, image size and flips the user set; None while the options are not a valid configuration."""
        info = MODELS.get(raw["model"] or "")  # the quick and fine-tune methods keep a bundled backbone shown
        kept_model = info.name if method in (QUICK, FINE_TUNE) and info is not None and info.bundled_weights else None
        wishes = Wishes(method=method, model=kept_model, image_size=raw["image_size"] if pinned_size else None,
                        epochs=raw["epochs"] if epochs_chosen else None,
                        hflip=raw["augmentation.hflip"] if pinned_flips else None,
                        vflip=raw["augmentation.vflip"] if pinned_flips else None)
        values = self.fields.config_values(raw)
        if wishes.method != CUSTOM:  # the method sets the model, its start and the mode
            values.update(method=SCRATCH, pretrained=False)
        try:
            return self._plans.get((wishes, repr(values), id(ds)), lambda: plan_training(
                TrainConfig.from_dict(values), wishes, DataFacts.of(ds) if ds is not None else None), keep=ds)
        except UserError:
            return None
