"""Combo boxes of the Train form show words ("AdamW", "One-cycle"), in the app's language, while the option
values the form reads stay the identifiers the engine and config files use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from desktop_cls.core import i18n
from desktop_cls.gui.pages.train.train_form import TrainForm
from tests.gui.conftest import child


def make_form(qtbot: QtBot) -> TrainForm:
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    form = TrainForm(AppState(Settings()))
    qtbot.addWidget(form)
    return form


def combo(form: TrainForm, name: str) -> QComboBox:
    return child(form, QComboBox, name)


def test_combos_show_words_and_the_form_reads_identifiers(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    from tests.gui.conftest import choose_method

    form = make_form(qtbot)
    choose_method(form, "custom")
    optimizer, schedule = combo(form, "optimizerCombo"), combo(form, "scheduleCombo")
    assert [optimizer.itemText(i) for i in range(optimizer.count())] == ["SGD", "Adam", "AdamW"]
    assert optimizer.currentText() == "AdamW" and schedule.currentText() == "One-cycle"
    assert "one_cycle" not in [schedule.itemText(i) for i in range(schedule.count())]
    assert combo(form, "modelCombo").findText("EfficientNet-Lite0") >= 0
    values = form.current_config_dict()
    assert (values["optimizer"], values["schedule"]) == ("adamw", "one_cycle")

    schedule.setCurrentIndex(schedule.findText("Cosine"))
    optimizer.setCurrentIndex(optimizer.findText("SGD"))
    values = form.current_config_dict()
    assert (values["optimizer"], values["schedule"]) == ("sgd", "cosine")


def test_combos_show_chinese_words_in_chinese(qtbot: QtBot, isolated_user_dirs: Path) -> None:
    i18n.set_language("zh_CN")
    form = make_form(qtbot)
    schedule = combo(form, "scheduleCombo")
    shown = [schedule.itemText(i) for i in range(schedule.count())]
    assert shown == ["恒定", "阶梯", "余弦", "单周期", "先预热，然后恒定"]
    assert schedule.currentData() == "one_cycle"
    assert combo(form, "precisionCombo").itemText(0) == "自动"
