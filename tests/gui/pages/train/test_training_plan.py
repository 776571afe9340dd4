"""The command line and the Train form plan a run through core's one planner: for the same folder and the
same settings they reach the same options, for the same reasons; and the plan survives a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.dataset import scan
from desktop_cls.core.training.config import TrainConfig
from tests.conftest import make_tiny_folder

CASES = {  # name: (folder maker, the method the plan should reach)
    "32 px scans, few per class": (lambda root: make_tiny_folder(root, ("0", "1", "2"), per_class=8, size=32),
                                   "quick"),
    "photo-sized, few per class": (lambda root: make_tiny_folder(root, per_class=3, size=128), "quick"),
    "32 px scans, many per class": (lambda root: make_tiny_folder(root, ("0", "1"), per_class=130, size=32),
                                    "scratch"),
}


def _form(qtbot: QtBot) -> Any:
    from desktop_cls.gui.pages.train.train_form import TrainForm
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    form = TrainForm(AppState(Settings()))
    qtbot.addWidget(form)
    return form


def _cli_plan(folder: Path, *flags: str) -> Any:
    from desktop_cls.cli import build_parser
    from desktop_cls.cli.train_options import plan_from_args, train_config

    args = build_parser().parse_args(["train", str(folder), *flags])
    idx = scan(folder, val_fraction=0.2, seed=0, verify="none")
    return plan_from_args(train_config(args), args, idx), idx


def _window_plan(qtbot: QtBot, idx: Any, method: str = "auto") -> Any:
    form = _form(qtbot)
    form.state.set_dataset(idx)
    form.method_choice.combo.setCurrentIndex(form.method_choice.combo.findData(method))
    return form


def _same(cli: Any, form: Any) -> None:
    plan = form.plan()
    assert plan is not None
    assert plan.summary() == cli.summary()
    assert TrainConfig.from_dict(form.current_config_dict()).to_dict() == cli.config.to_dict()
    if not form.size_follower.pinned:  # a pinned size's hint offers what the data would choose instead
        assert form.size_follower.reason() == cli.reason("image_size")
    assert form.flips_follower.reason() == cli.reason("flips")


@pytest.mark.parametrize("case", list(CASES))
def test_the_command_line_and_the_window_plan_the_same(qtbot: QtBot, tmp_path: Path, case: str) -> None:
    make, method = CASES[case]
    cli, idx = _cli_plan(make(tmp_path / "data"))
    assert cli.method == method
    _same(cli, _window_plan(qtbot, idx))


def test_split_folders_and_each_chosen_method_plan_the_same(qtbot: QtBot, split_root: Path) -> None:
    for method in ("auto", "quick", "fine-tune", "scratch"):
        cli, idx = _cli_plan(split_root, *(["--method", method] if method != "auto" else []))
        assert idx.layout == "split_folders"
        _same(cli, _window_plan(qtbot, idx, method))


def test_a_requested_image_size_is_planned_alike(qtbot: QtBot, tmp_path: Path) -> None:
    """The window passes a size set by hand to the planner as the command line passes --image-size."""
    cli, idx = _cli_plan(make_tiny_folder(tmp_path / "data", ("0", "1"), per_class=8, size=32), "--image-size", "32")
    assert cli.method == "scratch"  # 32 px is too small for the pretrained backbone
    form = _window_plan(qtbot, idx)
    form.image_size_spin.setValue(32)  # the user's value: it pins the size and replans
    assert form.method_choice.combo.currentData() == "auto" and form.model_combo.currentData() == "quicknet"
    _same(cli, form)
    open_plan, _idx = _cli_plan(idx.root)  # the hint offers the size left open: as without --image-size
    assert form.size_follower.suggestion.value == open_plan.config.image_size == 224
    form.size_follower.use_button.click()
    _same(open_plan, form)


def test_a_32_px_folder_gets_the_same_image_size_after_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    idx = scan(make_tiny_folder(tmp_path / "data", ("0", "1"), per_class=8, size=32), verify="none")
    first = _window_plan(qtbot, idx)
    saved = (first.current_config_dict(), first.size_follows_data, first.flips_follow_data, first.method,
             first.epochs_follow_method)
    again = _form(qtbot)  # a new window: the saved settings first, then the last folder reopens
    again.apply_saved(*saved)
    again.state.set_dataset(idx)
    assert again.image_size_spin.value() == first.image_size_spin.value() == 224
    assert again.current_config_dict() == first.current_config_dict()


def test_settings_saved_with_the_earlier_spelling_reopen_the_same_method(qtbot: QtBot) -> None:
    form = _form(qtbot)
    saved = TrainConfig(model="efficientnet_lite0", pretrained=True).to_dict()
    saved.pop("method")
    form.apply_saved({**saved, "mode": "full"}, method="fine_tune")  # as an earlier version wrote them
    assert form.method_choice.combo.currentData() == "fine-tune"
    assert TrainConfig.from_dict(form.current_config_dict()).method == "fine-tune"
