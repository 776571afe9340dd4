"""The Train form is built from the option declarations (core.training.options)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QSpinBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.training.config import Augmentation, TrainConfig
from desktop_cls.core.training.methods import QUICK, QUICK_UNUSED
from desktop_cls.core.training.options import FILE_ONLY, options
from desktop_cls.gui.pages.train.train_form import TrainForm


@pytest.fixture
def form(qtbot: QtBot, isolated_user_dirs: Path) -> TrainForm:
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    f = TrainForm(AppState(Settings()))
    qtbot.addWidget(f)
    return f


def test_every_option_has_a_control_named_and_limited_as_declared(form: TrainForm) -> None:
    for o in options(TrainConfig):
        if o.level == FILE_ONLY:
            continue
        w = form.fields.controls[o.key]
        assert w.objectName() == o.widget and w.toolTip().startswith(o.help) and w.accessibleName()
        if not w.isEnabledTo(form):  # greyed out: the tooltip also says why (the quick mode's reason first)
            quick = form.fields.raw_values().get("method") == QUICK and o.key in QUICK_UNUSED
            why = "Not used by the quick mode" if quick else o.disabled_help
            assert why in w.toolTip(), o.key
        if isinstance(w, QSpinBox | QDoubleSpinBox):
            assert (w.minimum(), w.maximum()) == pytest.approx((o.lowest_control_value(), o.hi)), o.key
        assert form.findChild(type(w), o.widget) is w


def test_the_form_opens_on_the_declared_defaults(form: TrainForm) -> None:
    from tests.gui.conftest import choose_method

    assert form.method_choice.combo.currentData() == "auto"
    choose_method(form, "scratch")  # the declared defaults are a from-scratch run
    cfg = TrainConfig.from_dict(form.current_config_dict())
    assert cfg == TrainConfig().replace(epochs=15)  # the form opens on 15 epochs (enough for the demo data)


def test_greyed_out_options_follow_their_predicate(form: TrainForm) -> None:
    form.apply_config(TrainConfig(model="resnet18", pretrained=True, image_size=64))
    check = form.fields.controls["pretrained"]
    assert isinstance(check, QCheckBox) and check.isEnabled()
    form.model_combo.setCurrentIndex(form.model_combo.findData("simple_cnn"))
    assert not check.isEnabled()
    assert form.current_config_dict()["pretrained"] is False


def test_options_without_a_control_survive_a_round_trip(form: TrainForm) -> None:
    cfg = TrainConfig(cache_memory_mb=512, augmentation=Augmentation(crop_scale_min=0.3))
    form.apply_config(cfg)
    back = TrainConfig.from_dict(form.current_config_dict())
    assert back.cache_memory_mb == 512 and back.augmentation.crop_scale_min == 0.3


def test_one_click_plans_once_and_the_next_turn_plans_afresh(form: TrainForm, monkeypatch: pytest.MonkeyPatch) -> None:
    """Choosing a method set off 4-7 plans on the UI thread (12 ms each); the same question in one turn of the event
    loop is answered once, another question (a control changed) is planned, and nothing is kept past the turn."""
    from PySide6.QtWidgets import QApplication

    from desktop_cls.gui.pages.train import form_plan

    planned: list[object] = []
    real = form_plan.plan_training

    def plan_training(*args: object) -> object:
        planned.append(args[1])
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(form_plan, "plan_training", plan_training)
    QApplication.processEvents()
    first = form.plan()
    assert form.plan() is first and form.plan() is first and len(planned) == 1
    form.epochs_spin.setValue(form.epochs_spin.value() + 1)
    form.plan()
    assert len(planned) == 2
    QApplication.processEvents()  # the click is over
    form.plan()
    assert len(planned) == 3


def test_the_models_parameter_count_shows_before_the_engine_has_loaded(form: TrainForm) -> None:
    """The count comes from the catalogue, not from a model built with torch: no need to wait for the engine."""
    assert not form.state.core_loaded
    form.model_combo.setCurrentIndex(form.model_combo.findData("resnet50"))
    assert form.model_info.text().endswith(" · 23.53 M parameters")  # with a head for ten classes


def test_the_parameter_count_follows_the_classes_of_the_dataset_opened(form: TrainForm, tiny_folder: Path) -> None:
    from desktop_cls.core.data.dataset import scan
    from tests.gui.conftest import choose_method

    choose_method(form, "scratch")
    form.model_combo.setCurrentIndex(form.model_combo.findData("resnet50"))
    form.state.set_dataset(scan(tiny_folder))
    assert len(form.state.dataset.classes) == 3  # type: ignore[union-attr]
    assert form.model_combo.currentData() == "resnet50"
    assert form.model_info.text().endswith(" · 23.51 M parameters")


def test_the_parameter_count_follows_the_pooling_the_run_will_use(form: TrainForm) -> None:
    """A quick run of Lite2 pools by average and max side by side (core's plan says so): the head, and the count,
    are twice as wide as with average pooling, which a from-scratch Lite2 keeps."""
    from desktop_cls.core.models.catalog import parameter_count
    from tests.gui.conftest import choose_method

    form.model_combo.setCurrentIndex(form.model_combo.findData("efficientnet_lite2"))  # by hand: Custom
    choose_method(form, "quick")  # keeps the bundled backbone shown
    plan = form.plan()
    assert plan is not None and (plan.config.model, plan.config.method, plan.pooling) == (
        "efficientnet_lite2", "quick", "avgmax")
    quick = parameter_count("efficientnet_lite2", 10, "avgmax")
    assert form.model_info.text().endswith(f" · {quick / 1e6:.2f} M parameters")
    choose_method(form, "custom")  # the whole network trains, pooled by average
    assert form.plan().pooling == "avg"  # type: ignore[union-attr]
    assert form.model_info.text().endswith(f" · {parameter_count('efficientnet_lite2', 10) / 1e6:.2f} M parameters")
    assert parameter_count("efficientnet_lite2", 10) != quick
