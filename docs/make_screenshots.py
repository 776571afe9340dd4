"""Walk the whole app flow offscreen on the demo data and save a screenshot of every page.

    python docs/make_screenshots.py [OUT_DIR]      (default: docs/screenshots)

Each page is captured at 1280x800 and 1920x1080, in the light theme; then the Data, Train, Evaluate and
Classify pages again in the dark theme (*-dark-1280x800.png); last, a new window in Simplified Chinese
shows the main pages at 1280x800 (*-zh_CN-1280x800.png).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="desktop_cls_shots_"))
    for name in ("DATA", "CONFIG", "CACHE", "LOG"):
        os.environ[f"DESKTOP_CLS_{name}_DIR"] = str(tmp / name.lower())

    from PySide6.QtWidgets import QApplication

    from desktop_cls.core.data.demo_data import make_demo_dataset
    from desktop_cls.gui.shell.language import install_language
    from desktop_cls.gui.shell.main_window import MainWindow
    from desktop_cls.gui.widgets.image_viewer import viewer_of
    from desktop_cls.gui.widgets.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    install_language("en")  # English's catalogue holds its plural forms ("600 images", not "600 image(s)")
    data = make_demo_dataset(tmp / "demo-data")
    import shutil

    for i, cls in enumerate(("ring", "cross", "dots", "square", "triangle", "circle")):  # a few to label
        shutil.copy(sorted((data / cls).iterdir())[-1], data / f"unsorted_{i}.png")
    w = MainWindow()
    apply_theme("light")  # whatever the system's scheme: the dark ones come last
    w.show()

    def pump(cond: Callable[[], bool] | None = None, timeout: float = 120.0) -> None:
        """Process events until cond() holds (or for 0.3 s without a condition); the limits are generous
        because a machine shared with other work can be many times slower than an idle one."""
        end = time.time() + (0.3 if cond is None else timeout * 4)
        while time.time() < end:
            app.processEvents()
            if cond is not None and cond():
                return
            time.sleep(0.01)
        if cond is not None:
            raise TimeoutError("the app did not reach the expected state")

    def shoot(page: str, sizes: tuple[tuple[int, int], ...] = ((1280, 800), (1920, 1080)), suffix: str = "") -> None:
        w.show_page(page)
        for size in sizes:
            w.resize(*size)
            pump()
            w.grab().save(str(out / f"{page}{suffix}-{size[0]}x{size[1]}.png"))

    shoot("data")  # the empty state
    os.replace(out / "data-1280x800.png", out / "welcome-1280x800.png")
    os.replace(out / "data-1920x1080.png", out / "welcome-1920x1080.png")
    w.wait_until_core_loaded()
    w.open_dataset(data)
    pump(lambda: w.state.dataset is not None)
    pump()
    shoot("data")
    tp = w.train_page
    w.show_page("train")
    w.resize(1280, 800)
    pump()
    w.grab().save(str(out / "train-method-1280x800.png"))  # the automatic method and its reason
    recipes = tp.form.method_choice.combo
    recipes.setCurrentIndex(recipes.findData("scratch"))  # the quick mode has no learning rate to search
    tp.find_lr()
    pump(lambda: tp.lr_search.dialog is not None, timeout=240)
    pump()
    tp.lr_search.dialog.grab().save(str(out / "lr-finder.png"))
    tp.lr_search.dialog.reject()
    recipes.setCurrentIndex(recipes.findData("auto"))
    tp.form.epochs_spin.setValue(12)
    tp.start()
    pump(lambda: tp.training.task is None, timeout=600)
    tp.form.advanced.setChecked(True)
    shoot("train", ((1024, 640), (1280, 800), (1920, 1080)))
    w.label_page.suggest_panel.suggest()
    pump(lambda: bool(w.label_page.model.suggestions), timeout=120)
    shoot("label")
    w.evaluate_page.evaluate()
    pump(lambda: w.evaluate_page.model.result is not None, timeout=300)
    w.evaluate_page.confusion.setCurrentCell(1, 1)
    shoot("evaluate", ((1024, 640), (1280, 800), (1920, 1080)))
    w.evaluate_page.show_cell(-1, -1)
    if not w.evaluate_page.mistakes.shown:  # a perfect model: show a correct image instead
        w.evaluate_page.show_cell(0, 0)
    w.resize(1280, 800)
    pump()
    w.evaluate_page.mistakes.view_mistake(0)
    viewer = viewer_of(w.evaluate_page.mistakes)
    assert viewer is not None
    pump(lambda: viewer.image_size() != (0, 0))
    viewer.resize(900, 640)
    pump()
    viewer.grab().save(str(out / "viewer.png"))
    viewer.close()
    w.evaluate_page.right_tabs.setCurrentIndex(1)
    w.resize(1280, 800)
    pump()
    w.grab().save(str(out / "evaluate-calibration-1280x800.png"))
    w.evaluate_page.right_tabs.setCurrentIndex(2)
    pump()
    w.grab().save(str(out / "evaluate-curves-1280x800.png"))
    w.evaluate_page.right_tabs.setCurrentIndex(0)
    cp = w.classify_page
    pump(lambda: cp.model.loaded, timeout=120)
    cp.classify_paths([str(data / "ring")])
    pump(lambda: bool(cp.results.predictions), timeout=120)
    shoot("classify")
    cp.controls.heatmap_check.setChecked(True)
    pump(lambda: bool(cp.model.heatmap_shown), timeout=120)
    w.resize(1280, 800)
    pump()
    w.grab().save(str(out / "classify-heatmap-1280x800.png"))
    cp.controls.heatmap_check.setChecked(False)
    ep = w.export_page
    ep.dest_edit.setText(str(tmp / "exports"))
    ep.export()
    pump(lambda: ep.results.table.rowCount() > 0 and ep.buttons["exportButton"].isEnabled(), timeout=900)
    shoot("export")
    apply_theme("dark")
    cp.controls.heatmap_check.setChecked(True)
    pump(lambda: bool(cp.model.heatmap_shown), timeout=120)
    for page in ("data", "train", "evaluate", "classify"):
        shoot(page, ((1280, 800),), "-dark")
    w.shutdown()
    w.close()

    # A new window in Chinese: texts are set when widgets are built, as after the restart the app offers.
    install_language("zh_CN")
    apply_theme("light")
    w = MainWindow()
    w.show()
    w.wait_until_core_loaded()
    w.reopen_last()  # the dataset and model the first window used (settings are shared)
    pump(lambda: w.state.dataset is not None, timeout=300)
    pump()
    w.evaluate_page.evaluate()
    pump(lambda: w.evaluate_page.model.result is not None, timeout=300)
    cp = w.classify_page
    pump(lambda: cp.model.loaded, timeout=120)
    cp.classify_paths([str(data / "ring")])
    pump(lambda: bool(cp.results.predictions), timeout=120)
    for page in ("data", "label", "train", "evaluate", "classify", "export"):
        shoot(page, ((1280, 800),), "-zh_CN")
    w.shutdown()
    install_language("en")
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
