"""What pressing Train (or Find learning rate) asks the engine for: the validated options and the data to train
on, or nothing after telling the user what is missing (Start and the learning-rate finder ask the same)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop_cls.core.data.index_freshness import training_data
from desktop_cls.core.errors import UserError
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.gui.pages.train.train_messages import not_ready
from desktop_cls.gui.pages.train.train_model import Readiness
from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.dialogs import show_error


def training_request(parent: QWidget, ready: Readiness, state: AppState, options: dict[str, Any]
                     ) -> tuple[TrainConfig, Any] | None:
    """(config, data), or None after a message. The scanned index is reused when its split matches the options;
    otherwise the folder is rescanned."""
    if (refusal := not_ready(ready, state)) is not None:
        show_error(parent, *refusal)
    if ready != Readiness.READY or state.dataset is None:
        return None
    try:
        cfg = TrainConfig.from_dict(options)
    except UserError as e:
        show_error(parent, QCoreApplication.translate("TrainPage", "Check the training options"), e.for_gui())
        return None
    return cfg, training_data(cfg.val_fraction, cfg.seed, state.trainable or state.dataset, state.workspace)
