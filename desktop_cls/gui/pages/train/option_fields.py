"""The Train form's controls, one per declared option (core.training.options), and which of them apply.

An option that does not apply to the current choices (its enabled_when) is greyed out, its tooltip saying why; a
switch that reads as a fixed value when greyed out also shows that value (never a ticked box that is off) and gets
the user's choice back when it applies again. The options that have no control (FILE_ONLY) are kept as values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QWidget

from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.methods import QUICK, QUICK_UNUSED
from desktop_cls.core.training.options import FILE_ONLY, KEEP, Option, options, unflatten
from desktop_cls.gui.widgets.option_controls import changed_signal, make_control, read_control, write_control

W = TypeVar("W", bound=QWidget)


class OptionFields:
    """`controls`: the control of each option that has one, by key, in declaration order."""

    def __init__(self, start: dict[str, Any], devices: list[tuple[str, str]], changed: Callable[[], None]) -> None:
        self.options = {o.key: o for o in options(TrainConfig)}
        self.controls: dict[str, QWidget] = {}
        self.held: dict[str, Any] = {}  # the user's value of a greyed-out switch that shows its disabled value
        self.file_only = {k: o.default for k, o in self.options.items() if o.level == FILE_ONLY}
        for key, opt in self.options.items():
            if opt.level != FILE_ONLY:
                self.controls[key] = make_control(opt, devices if key == "device" else None)
                write_control(self.controls[key], opt, start.get(key, opt.default))
                changed_signal(self.controls[key]).connect(changed)

    def control(self, key: str, kind: type[W]) -> W:
        w = self.controls[key]
        assert isinstance(w, kind), f"{key}: {type(w).__name__}"
        return cast(W, w)

    def write(self, key: str, value: Any) -> None:
        write_control(self.controls[key], self.options[key], value)

    def write_switch(self, key: str, on: bool) -> None:
        """A choice made for the user (a method's): a greyed-out switch gets it when it applies again."""
        if key in self.held:
            self.held[key] = on
        else:
            self.control(key, QCheckBox).setChecked(on)

    def write_all(self, values: dict[str, Any], skip: tuple[str, ...]) -> None:
        """A whole configuration's flat values (but the keys in skip) into the controls and the file-only values."""
        self.held.clear()
        for key, w in self.controls.items():
            if key not in skip:
                write_control(w, self.options[key], values[key])
        self.file_only = {k: values[k] for k in self.file_only}

    def restore(self, values: dict[str, Any], held: dict[str, Any]) -> None:
        """Values read before (raw_values) and the switches held then, back as they were: written quietly, as
        greying out the half-written form would hold (and later give back) values that were never the user's."""
        for key, w in self.controls.items():
            _write_quietly(w, self.options[key], values[key])
        self.file_only = {k: values[k] for k in self.file_only}
        self.held = dict(held)

    def raw_values(self) -> dict[str, Any]:
        values = dict(self.file_only)
        values.update({k: read_control(w, self.options[k]) for k, w in self.controls.items()})
        return values

    def config_values(self, raw: dict[str, Any] | None = None) -> dict[str, Any]:
        """The options as the controls show them (nested), or as `raw` (raw_values read before) holds them; a
        greyed-out option reads as its value_when_disabled."""
        values = dict(raw) if raw is not None else self.raw_values()
        for key, opt in self.options.items():
            if not opt.enabled(values) and opt.value_when_disabled is not KEEP:
                values[key] = opt.value_when_disabled
        return unflatten(values)

    def update_enabled(self) -> bool:
        """Grey out what does not apply to the current choices; True in the quick mode (it has no epochs, batches,
        learning rate or augmentation: core's QUICK_UNUSED)."""
        values = self.raw_values()
        values.update(self.held)
        quick = values.get("method") == QUICK
        for key, w in self.controls.items():
            opt = self.options[key]
            unused = quick and key in QUICK_UNUSED
            on = opt.enabled(values) and not unused
            # the method's reason first: a warm-up greyed out by its schedule is, in the quick mode, no option at all
            why = _quick_unused() if unused else opt.disabled_help if not opt.enabled(values) else ""
            w.setEnabled(on)
            w.setToolTip(opt.help if on or not why else f"{opt.help}\n\n{why}")
            if opt.value_when_disabled is KEEP or not isinstance(w, QCheckBox):
                continue
            if not on and key not in self.held:
                self.held[key] = w.isChecked()
                _write_quietly(w, opt, opt.value_when_disabled)
            elif on and key in self.held:
                _write_quietly(w, opt, self.held.pop(key))
        return quick


def _quick_unused() -> str:
    """Why a greyed-out option does not apply in the quick mode (its tooltip adds it)."""
    return QCoreApplication.translate("OptionFields", "Not used by the quick mode: it computes each image's "
                                      "features once and fits only the last layer, in one step. Choose another "
                                      "method to train the whole network.")


def _write_quietly(w: QWidget, opt: Option, value: Any) -> None:
    w.blockSignals(True)
    try:
        write_control(w, opt, value)
    finally:
        w.blockSignals(False)
