"""Every method and model the Train form offers makes options the engine accepts, and the form shows what they do:
Custom trains the whole network with its fields enabled, a model the quick mode cannot use leaves the quick mode
with a note, and no error box names an exception class."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_cls.core.errors import UserError
from desktop_cls.core.training.config import TrainConfig
from desktop_cls.core.training.planner import DataFacts, Wishes, plan_training
from desktop_cls.gui.pages.train.train_form import TrainForm
from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import open_and_wait, opened

METHODS = ("auto", "quick", "fine-tune", "scratch", "custom")


def pick(form: TrainForm, key: str) -> None:
    combo = form.method_choice.combo
    combo.setCurrentIndex(combo.findData(key))


def choose_model(form: TrainForm, model: str) -> None:
    form.model_combo.setCurrentIndex(form.model_combo.findData(model))


def models(form: TrainForm) -> list[str]:
    return [form.model_combo.itemData(i) for i in range(form.model_combo.count())]


def check_consistent(form: TrainForm, window: MainWindow) -> TrainConfig:
    """The form's options are a valid training the planner accepts as written, and what is greyed out matches
    the mode they train in."""
    cfg = TrainConfig.from_dict(form.current_config_dict())  # raises UserError on a refused combination
    plan_training(cfg, Wishes(method="custom", as_written=True), DataFacts.of(opened(window)))
    quick = cfg.method == "quick"
    assert form.epochs_spin.isEnabled() == (not quick) and form.batch_spin.isEnabled() == (not quick)
    assert ("Not used by the quick mode" in form.epochs_spin.toolTip()) == quick  # greyed out, and says why
    hint = form.method_choice.hint.text()
    if form.method_choice.key() == "custom":
        assert ("quick mode" in hint and "not used" in hint) if quick else "whole" in hint
    return cfg


def test_custom_after_automatic_trains_the_whole_network_and_any_model_is_accepted(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    """The trial's bug: Custom kept Automatic's quick mode (Epochs and Batch size greyed), and Simple CNN then
    made options the engine refused."""
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    assert TrainConfig.from_dict(form.current_config_dict()).method == "quick"
    pick(form, "custom")
    assert form.epochs_spin.isEnabled() and form.batch_spin.isEnabled()
    assert TrainConfig.from_dict(form.current_config_dict()).method == "fine-tune"  # lite0 starts pretrained
    assert "whole EfficientNet-Lite0 network is fine-tuned" in form.method_choice.hint.text()
    choose_model(form, "simple_cnn")
    cfg = check_consistent(form, window)
    assert (cfg.method, cfg.model, cfg.pretrained) == ("scratch", "simple_cnn", False)
    assert "whole Simple CNN (LeNet-style) network trains from random weights" in form.method_choice.hint.text()
    window.train_page.remember_options()  # what made the error box: saving the options as they changed
    assert window.state.settings.last_train_config["model"] == "simple_cnn"


@pytest.mark.parametrize("method", METHODS)
def test_each_method_with_each_model_gives_options_the_engine_accepts(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path, method: str) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    for model in models(form):
        pick(form, "auto")
        pick(form, method)
        check_consistent(form, window)
        choose_model(form, model)
        cfg = check_consistent(form, window)
        assert cfg.model == model
        if form.pretrained_check.isEnabled():  # each start of the model, too
            form.pretrained_check.setChecked(not form.pretrained_check.isChecked())
            check_consistent(form, window)


def test_a_hand_picked_model_under_quick_says_the_method_changed(qtbot: QtBot, window: MainWindow,
                                                                 tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    pick(form, "quick")
    choose_model(form, "efficientnet_lite2")  # another bundled backbone: still the quick method
    assert form.method_choice.key() == "quick"
    assert TrainConfig.from_dict(form.current_config_dict()).method == "quick"
    choose_model(form, "simple_cnn")
    assert form.method_choice.key() == "custom" and form.epochs_spin.isEnabled()
    assert "because you chose the model by hand" in form.method_choice.hint.text()


def test_a_loaded_quick_run_on_a_torchvision_backbone_leaves_the_quick_mode_with_a_note(
        qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    form.apply_config(TrainConfig(model="resnet18", pretrained=True, method="quick", image_size=64))
    assert form.method_choice.key() == "custom" and not form.epochs_spin.isEnabled()
    check_consistent(form, window)
    combo = form.method_choice.combo
    assert "Choose Custom again" in form.method_choice.hint.text()
    combo.activated.emit(combo.currentIndex())  # as the hint offers: Custom picked again trains the whole network
    assert TrainConfig.from_dict(form.current_config_dict()).method == "fine-tune" and form.epochs_spin.isEnabled()
    form.apply_config(TrainConfig(model="resnet18", pretrained=True, method="quick", image_size=64))
    choose_model(form, "simple_cnn")  # the quick mode cannot use it
    cfg = check_consistent(form, window)
    assert cfg.method == "scratch" and form.epochs_spin.isEnabled()
    assert "quick mode needs a network that starts from ImageNet weights" in form.method_choice.hint.text()


def test_a_loaded_quick_run_on_a_bundled_backbone_stays_the_quick_method(qtbot: QtBot, window: MainWindow,
                                                                         tiny_folder: Path) -> None:
    open_and_wait(qtbot, window, tiny_folder)
    form = window.train_page.form
    form.apply_config(TrainConfig(model="efficientnet_lite1", pretrained=True, method="quick", image_size=240))
    assert form.method_choice.key() == "quick"
    form.method_choice.apply()  # a later plan keeps the run's backbone
    assert form.model_combo.currentData() == "efficientnet_lite1"


def test_an_uncaught_user_error_shows_its_sentence_without_a_class_name(qtbot: QtBot, window: MainWindow,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import app

    shown: list[tuple[str, str, str]] = []
    owners: list[object] = []

    def show_error(parent: object, title: str, message: str, details: str = "") -> None:
        owners.append(parent)
        shown.append((title, message, details))

    monkeypatch.setattr("desktop_cls.gui.widgets.dialogs.show_error", show_error)
    monkeypatch.setattr(QApplication, "activeWindow", staticmethod(lambda: None))  # no window has the focus
    try:
        raise UserError("the quick mode trains a last layer on a pretrained backbone")
    except UserError as e:
        app.show_uncaught(e)
    try:
        raise ValueError("an internal mistake")
    except ValueError as e:
        app.show_uncaught(e)
    qtbot.waitUntil(lambda: len(shown) == 2)
    (_t1, user, user_details), (_t2, bug, bug_details) = shown
    assert user == "the quick mode trains a last layer on a pretrained backbone" and user_details == ""
    assert "Error" not in user + bug and "bug" in bug and "an internal mistake" in bug  # its words, not its class
    assert "ValueError: an internal mistake" in bug_details  # the class name only in the folded details
    assert owners == [window, window]  # owned by the window, so nothing drops the box while it shows
    assert not [w for w in window.findChildren(QMessageBox) if w.isVisible()]


def test_the_image_size_offer_shows_all_of_its_lines(qtbot: QtBot, window: MainWindow, tiny_folder: Path) -> None:
    """Beside its Use button, in the form's narrow column, the wrapped offer was cut to "Suggested 224 px: the
    bundled"."""
    open_and_wait(qtbot, window, tiny_folder)
    window.resize(1280, 800)
    window.show_page("train")
    form = window.train_page.form
    pick(form, "fine-tune")
    form.image_size_spin.setValue(64)  # set by hand: the hint offers the suggestion with a Use button
    hint = form.size_follower.hint
    qtbot.waitUntil(lambda: hint.isVisible() and hint.text().startswith("Suggested"))
    qtbot.wait(50)
    assert hint.height() >= hint.heightForWidth(hint.width())
