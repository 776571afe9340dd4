"""Qt controls for declared options (core.training.options): one control per kind of value.

The Train form builds its rows from these, so a new training option appears in the form without
form code of its own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from desktop_cls.core.training.options import Option


def make_control(opt: Option, items: list[tuple[str, str]] | None = None) -> QWidget:
    """A checkbox, spin box, combo box or line edit for opt, set to its default.

    items: (text, value) pairs for a combo box when its texts differ from the values."""
    w: QWidget
    if opt.kind is bool:
        w = QCheckBox(opt.label)
    elif opt.choice_list() or items:
        w = QComboBox()
        for text, value in items or opt.choice_items():
            w.addItem(text, value)
    elif opt.kind is int:
        w = QSpinBox()
        w.setRange(int(opt.lo if opt.lo is not None else 0), int(opt.hi if opt.hi is not None else 2**31 - 1))
        w.setSpecialValueText(opt.special)
    elif opt.kind is float:
        w = QDoubleSpinBox()
        w.setDecimals(opt.decimals)
        w.setRange(opt.lowest_control_value(), opt.hi if opt.hi is not None else 1e9)
        w.setSingleStep(opt.step)
    else:
        w = QLineEdit()
        w.setPlaceholderText(opt.help)
    w.setObjectName(opt.widget or opt.key.replace(".", "_"))
    w.setToolTip(opt.help)
    w.setAccessibleName(opt.label)
    write_control(w, opt, opt.default)
    return w


def read_control(w: QWidget, opt: Option) -> Any:
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        return w.currentData()
    if isinstance(w, QSpinBox | QDoubleSpinBox):
        return w.value()
    if isinstance(w, QLineEdit):
        text = w.text().strip()
        return text or (None if opt.optional else "")
    raise TypeError(f"no value to read from {type(w).__name__}")


def write_control(w: QWidget, opt: Option, value: Any) -> None:
    if isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        i = w.findData(value)
        if i >= 0:
            w.setCurrentIndex(i)
    elif isinstance(w, QSpinBox):
        w.setValue(int(value))
    elif isinstance(w, QDoubleSpinBox):
        w.setValue(float(value))
    elif isinstance(w, QLineEdit):
        w.setText("" if value is None else str(value))


def changed_signal(w: QWidget) -> SignalInstance:
    """The signal a control emits when the user changes its value."""
    if isinstance(w, QCheckBox):
        return w.toggled
    if isinstance(w, QComboBox):
        return w.currentIndexChanged
    if isinstance(w, QSpinBox | QDoubleSpinBox):
        return w.valueChanged
    if isinstance(w, QLineEdit):
        return w.textChanged
    raise TypeError(f"{type(w).__name__} has no value signal")
