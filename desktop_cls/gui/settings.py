"""App settings: a schema-versioned JSON file under the user config folder.

A corrupt or newer-version file falls back to defaults (the caller shows the notice) and is kept
aside as settings.json.bad (then settings.json.bad-2, -3...: an earlier one is never overwritten; the
newest MAX_BAD_COPIES are kept) instead of being overwritten silently; a single bad field falls back to its
default on its own.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop_cls.core.app_files import AppFileError, read_app_json
from desktop_cls.core.storage import user_config_dir, write_json

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
SCHEMA_VERSION = 1
MAX_RECENT = 10
DEVICE_PATTERN = re.compile(r"auto|cpu|mps|cuda:\d+")
HEX_PATTERN = re.compile(r"(?:[0-9a-fA-F]{2}){0,65536}")  # saveGeometry()/saveState() as hex
SETTINGS_MAX_BYTES = 4 * 1024 * 1024
RUN_STEPS = ("evaluate", "classify", "export")  # the steps done with a run, remembered per run
MAX_BAD_COPIES = 5  # unreadable settings files kept aside; older ones go when another is set aside
# the Export page's formats, in its order; those ticked at first: the common case and the small CPU file
EXPORT_FORMATS = ("safetensors", "torchscript", "onnx", "onnx-int8", "onnx-fp16", "openvino", "web")
EXPORT_DEFAULTS = ("safetensors", "onnx", "onnx-int8")


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
    run_steps: dict[str, list[str]] = field(default_factory=dict)  # run -> the steps done with it ("evaluate", …)
    train_choice_folder: str = ""  # the dataset the Train form's method and epochs were chosen for
    export_formats: list[str] = field(default_factory=lambda: list(EXPORT_DEFAULTS))  # the Export page's ticks
    # labeled folders the user chose on the Evaluate page, newest first: a run's kept evaluation of one is shown
    # again after a restart (one of another folder is only named: a run from someone else may name any folder)
    eval_folders: list[str] = field(default_factory=list)

    def mark_step(self, run: str, step: str, done: bool) -> None:
        """Whether `step` was done with `run`, kept for the recent runs only (the sidebar's badges after a restart)."""
        steps = [s for s in self.run_steps.get(run, []) if s != step] + ([step] if done else [])
        kept = {r: v for r, v in self.run_steps.items() if r in self.recent_runs and r != run}
        self.run_steps = {**kept, **({run: steps} if steps else {})}

    def remember_folder(self, path: str) -> None:
        self.recent_folders = _push(self.recent_folders, path)

    def remember_run(self, path: str) -> None:
        self.recent_runs = _push(self.recent_runs, path)

    def remember_eval_folder(self, path: str) -> None:
        self.eval_folders = _push(self.eval_folders, path)


def _push(items: list[str], item: str) -> list[str]:
    return ([item] + [i for i in items if i != item])[:MAX_RECENT]


def settings_path() -> Path:
    return user_config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """(settings, notice): notice says why some or all defaults were used, or is None.

    The file may come from another computer or another version: it is read only when it is a regular
    file of sane size and depth (core.app_files), and each field is checked on its own, so one bad
    field falls back to its default while the rest is kept."""
    p = path or settings_path()
    if not p.exists():
        return Settings(), None
    try:
        data = read_app_json(p, limit=SETTINGS_MAX_BYTES)
        if not isinstance(data, dict):
            raise ValueError(translate("Settings", "not a JSON object"))
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(translate("Settings", "unsupported schema_version {0}").format(repr(version)))
    except (OSError, ValueError, AppFileError) as e:
        return Settings(), _set_aside(p, e)
    s, bad = Settings(), []
    for f in fields(Settings):
        if f.name in data:
            problem = _field_problem(f.name, data[f.name])
            if problem is None:
                setattr(s, f.name, data[f.name])
            else:
                bad.append(f"{f.name}: {problem}")
    s.last_train_config, dropped = _usable_train_config(s.last_train_config)
    bad += [f"last_train_config.{k}" for k in dropped]
    if not bad:
        return s, None
    return s, translate("Settings", "Some settings could not be used and are back to their defaults: {0}.").format(
        "; ".join(bad))


def _set_aside(p: Path, e: Exception) -> str:
    """Rename the unreadable file to the next free backup name (the link itself, when it is one: never followed);
    the oldest backups beyond MAX_BAD_COPIES go. Returns the notice naming where it is."""
    backups = _backups(p)
    number = max(backups, default=0) + 1
    backup = p.with_name(f"{p.name}.bad" if number == 1 else f"{p.name}.bad-{number}")
    try:
        if os.path.lexists(backup):  # (appeared meanwhile: never replaced)
            raise FileExistsError(backup)
        os.rename(p, backup)
    except OSError:
        backup = p
    else:
        for old in sorted(backups)[:max(0, len(backups) + 1 - MAX_BAD_COPIES)]:
            with contextlib.suppress(OSError):
                os.unlink(backups[old])
    return translate("Settings", "Your settings file could not be read ({0}); defaults are "
                     "used. The old file is at {1}.").format(e, backup)


def _backups(p: Path) -> dict[int, Path]:
    """The unreadable settings files set aside beside p, by number (settings.json.bad is 1)."""
    try:
        names = os.listdir(p.parent)
    except OSError:
        return {}
    found = {1: p.with_name(f"{p.name}.bad")} if f"{p.name}.bad" in names else {}
    for name in names:
        tail = name.removeprefix(f"{p.name}.bad-")
        if tail != name and tail.isascii() and tail.isdigit() and len(tail) < 10:
            found[int(tail)] = p.with_name(name)
    return found


def _field_problem(name: str, value: Any) -> str | None:
    """Why `value` cannot be the setting `name`, or None."""
    if name in ("recent_folders", "recent_runs", "dismissed_runs", "eval_folders"):
        if not isinstance(value, list) or not all(isinstance(v, str) and "\x00" not in v for v in value):
            return translate("Settings", "'{0}' must be a list of paths").format(name)
        return None
    if name in ("language", "theme"):
        allowed = ("system", "en", "zh_CN") if name == "language" else ("system", "light", "dark")
        if value not in allowed:
            return translate("Settings", "'{0}' must be one of {1}").format(name, ", ".join(f'"{a}"' for a in allowed))
        return None
    if name == "default_device":
        if not isinstance(value, str) or not DEVICE_PATTERN.fullmatch(value):
            return translate("Settings", "'{0}' must be one of {1}").format(name, '"auto", "cpu", "mps", "cuda:N"')
        return None
    if name in ("window_geometry", "window_state"):
        if not isinstance(value, str) or not HEX_PATTERN.fullmatch(value):
            return translate("Settings", "'{0}' must be text").format(name)
        return None
    if name == "run_steps":
        if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(s in RUN_STEPS for s in v) for v in value.values()):
            return translate("Settings", "'{0}' must map runs to steps done").format(name)
        return None
    if name == "export_formats":  # known ids only, each once (none ticked is a choice too)
        if not isinstance(value, list) or not all(v in EXPORT_FORMATS for v in value) or len(set(value)) < len(value):
            return translate("Settings", "'{0}' must be a list of {1}").format(
                name, ", ".join(f'"{f}"' for f in EXPORT_FORMATS))
        return None
    if name == "last_train_config":
        return None if isinstance(value, dict) else translate("Settings", "'{0}' must be an object").format(name)
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return None if isinstance(value, bool) else translate("Settings", "'{0}' must be true or false").format(name)
    if not isinstance(value, str) or "\x00" in value:  # data_folder, last_export_dir, train_method
        return translate("Settings", "'{0}' must be text").format(name)
    return None


def _usable_train_config(saved: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The last train options without those the engine refuses (val_fraction "abc" made every
    Open folder fail); returns (kept, names dropped)."""
    from desktop_cls.core.errors import UserError
    from desktop_cls.core.training.config import TrainConfig

    try:
        TrainConfig.from_dict(saved)
        return saved, []
    except (UserError, TypeError, ValueError, AttributeError):
        pass
    kept, dropped = {}, []
    for key, value in saved.items():
        try:
            TrainConfig.from_dict({key: value})
            kept[key] = value
        except (UserError, TypeError, ValueError, AttributeError):
            dropped.append(key)
    try:
        TrainConfig.from_dict(kept)
    except (UserError, TypeError, ValueError, AttributeError):
        return {}, sorted(saved)
    return kept, dropped


def saved_split(s: Settings) -> tuple[float, int]:
    """The validation share and seed of the last train options, as the scanner needs them."""
    from desktop_cls.core.training.config import TrainConfig

    cfg = TrainConfig()
    val, seed = s.last_train_config.get("val_fraction", cfg.val_fraction), s.last_train_config.get("seed", cfg.seed)
    ok_val = isinstance(val, int | float) and not isinstance(val, bool) and 0 <= val < 1
    ok_seed = isinstance(seed, int) and not isinstance(seed, bool)
    return (float(val) if ok_val else cfg.val_fraction), (int(seed) if ok_seed else cfg.seed)


def settings_snapshot(s: Settings, path: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """(where, what) to write, as plain data taken now: the write may happen later, on another thread."""
    return path or settings_path(), copy.deepcopy({"schema_version": SCHEMA_VERSION, **asdict(s)})


def write_settings_snapshot(snapshot: tuple[Path, dict[str, Any]]) -> None:
    """Atomic (temp + sync + rename): the file is the old settings or the new ones, never half of them."""
    path, data = snapshot
    write_json(path, data)


def save_settings(s: Settings, path: Path | None = None) -> None:
    write_settings_snapshot(settings_snapshot(s, path))
