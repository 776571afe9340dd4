"""Save the Train form's options as a run file for `desktop-cls train --config`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from desktop_cls.gui.widgets.dialogs import save_file_name


def save_run_config(parent: QWidget, config: dict[str, Any], folder: str) -> str | None:
    """Ask where (starting in folder) and write config there; the path written, or None when cancelled."""
    translate = QCoreApplication.translate  # the Train page's texts, in its context
    path = save_file_name(parent, translate("TrainPage", "Save run configuration"),
                          str(Path(folder) / "run-config.json"), translate("TrainPage", "JSON files (*.json)"))
    if not path:
        return None
    from desktop_cls.core.storage import write_json

    write_json(Path(path), config)
    return path
