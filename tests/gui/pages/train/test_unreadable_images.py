"""An image whose header is intact and whose body is cut off (a copy that stopped half way) passes the folder walk,
which reads headers only; the Data page's health check, in the background, finds it unreadable. From then on the
Train page counts, plans and trains on what the check left: the images a run can read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from pytestqt.qtbot import QtBot

from desktop_cls.core.data.dataset import DatasetIndex
from desktop_cls.gui.pages.train.train_model import Readiness
from desktop_cls.gui.pages.train.train_request import training_request
from desktop_cls.gui.shell.main_window import MainWindow
from tests.conftest import make_tiny_folder
from tests.gui.conftest import open_and_check


def _cut_off(path: Path, fmt: str) -> Path:
    """A real image of FMT at PATH, its second half gone: the header still reads, the pixels do not."""
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(path, format=fmt)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _folder(root: Path) -> tuple[Path, list[str]]:
    """Two classes of 6 readable images, and one cut-off image in each (a PNG, a JPEG)."""
    folder = make_tiny_folder(root, classes=("cat", "dog"), per_class=6, size=32)
    cut = [_cut_off(folder / "cat" / "cut.png", "PNG"), _cut_off(folder / "dog" / "cut.jpg", "JPEG")]
    with Image.open(cut[0]) as header_only:  # (what the walk reads still opens)
        assert header_only.size == (64, 64)
    return folder, [str(p) for p in cut]


def test_the_train_page_plans_on_the_images_the_check_could_read(qtbot: QtBot, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    folder, cut = _folder(tmp_path / "data")
    checked = open_and_check(qtbot, window, folder)
    assert {p.path for p in checked.problems if p.kind == "corrupt"} == set(cut)
    state, tp = window.state, window.train_page
    request = training_request(tp, Readiness.READY, state, tp.form.current_config_dict())  # what Train hands over
    assert request is not None and isinstance(data := request[1], DatasetIndex)
    assert len(data.samples) == 12 and not set(cut) & {s.path for s in data.samples}
    plan = state.plan_for(str(folder))
    assert plan is not None
    assert "6 labeled images per class" in plan.reason("method"), plan.reason("method")  # republished
    assert "6 labeled images per class" in tp.form.method_choice.hint.text()
    line = tp.monitor.progress_label.text()
    assert "12 labeled images" in line and "2 images that cannot be read are left out" in line, line
    summary = window.dataset_page.summary.text()  # the Data page says the same of the split
    assert "on all 12 labeled images" in summary, summary
