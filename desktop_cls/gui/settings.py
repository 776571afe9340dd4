"""App settings: a schema-versioned JSON file under the user config folder.

A corrupt or newer-version file falls back to defaults (the caller shows the notice) and is kept
aside as settings.json.bad instead of being overwritten silently.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop_cls.core.storage import user_config_dir, write_json

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
SCHEMA_VERSION = 1
MAX_RECENT = 10
DEVICE_PATTERN = re.compile(r"auto|cpu|mps|cuda:\d+")


@dataclass
class Settings:
    recent_folders: list[str] = field(default_factory=list)
    recent_runs: list[str] = field(default_factory=list)
    window_geometry: str = ""  # hex of QMainWindow.saveGeometry()
    window_state: str = ""
    last_train_config: dict[str, Any] = field(default_factory=dict)
    image_size_follows_data: bool = True  # False once the user typed an image size
    flips_follow_data: bool = True  # False once the user set the flips themselves
    train_method: str = ""  # the Train form's method: "auto", "quick", "fine_tune", "scratch", "custom"
    epochs_follow_method: bool = True  # False once the user set the epochs themselves
    last_export_dir: str = ""
    dismissed_runs: list[str] = field(default_factory=list)  # interrupted runs the user chose not to resume
    language: str = "system"  # "system", "en" or "zh_CN" (gui/shell/language.py)
    theme: str = "system"  # "system", "light" or "dark"
    default_device: str = "auto"  # the Train form starts on it: "auto", "cpu", "mps" or "cuda:N"
    data_folder: str = ""  # runs, models and caches; "" is the platform's folder (core.storage)

    def remember_folder(self, path: str) -> None:
        self.recent_folders = _push(self.recent_folders, path)

    def remember_run(self, path: str) -> None:
        self.recent_runs = _push(self.recent_runs, path)


def _push(items: list[str], item: str) -> list[str]:
    return ([item] + [i for i in items if i != item])[:MAX_RECENT]


def settings_path() -> Path:
    return user_config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """(settings, notice): notice says why defaults were used, or is None."""
    p = path or settings_path()
    if not p.exists():
        return Settings(), None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(translate("Settings", "not a JSON object"))
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(translate("Settings", "unsupported schema_version {0}").format(repr(version)))
        known = {f.name for f in fields(Settings)}
        s = Settings(**{k: v for k, v in data.items() if k in known})
        for name in ("recent_folders", "recent_runs", "dismissed_runs"):
            value = getattr(s, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(translate("Settings", "'{0}' must be a list of paths").format(name))
        if not isinstance(s.last_train_config, dict):
            raise ValueError(translate("Settings", "'{0}' must be an object").format("last_train_config"))
        for name, allowed in (("language", ("system", "en", "zh_CN")), ("theme", ("system", "light", "dark"))):
            if getattr(s, name) not in allowed:
                raise ValueError(translate("Settings", "'{0}' must be one of {1}").format(
                    name, ", ".join(f'"{a}"' for a in allowed)))
        if not isinstance(s.default_device, str) or not DEVICE_PATTERN.fullmatch(s.default_device):
            raise ValueError(translate("Settings", "'{0}' must be one of {1}").format(
                "default_device", '"auto", "cpu", "mps", "cuda:N"'))
        if not isinstance(s.data_folder, str) or "\x00" in s.data_folder:
            raise ValueError(translate("Settings", "'{0}' must be a folder path or \"\"").format("data_folder"))
        if not isinstance(s.train_method, str):  # a method the form does not know is ignored there
            raise ValueError(translate("Settings", "'{0}' must be text").format("train_method"))
        for name in ("image_size_follows_data", "flips_follow_data", "epochs_follow_method"):
            if not isinstance(getattr(s, name), bool):
                raise ValueError(translate("Settings", "'{0}' must be true or false").format(name))
        return s, None
    except (OSError, ValueError, TypeError, json.JSONDecodeError) as e:
        backup = p.with_name(p.name + ".bad")
        try:
            os.replace(p, backup)
        except OSError:
            backup = p
        return Settings(), translate("Settings", "Your settings file could not be read ({0}); defaults are "
                                     "used. The old file is at {1}.").format(e, backup)


def save_settings(s: Settings, path: Path | None = None) -> None:
    data = {"schema_version": SCHEMA_VERSION, **asdict(s)}
    write_json(path or settings_path(), data)
