"""Class folders and dataset paths in Chinese characters work on the Data and Label pages: the tutorials
this app follows name their classes 猫 and 狗."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from desktop_cls.gui.widgets.class_button import ClassDropButton
from tests.conftest import make_tiny_folder
from tests.gui.conftest import cell, dataset_line, open_and_wait, opened_viewer


def test_chinese_class_names_and_path_on_the_data_and_label_pages(qtbot: QtBot, window: MainWindow,
                                                                  tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "我的 数据集", classes=("猫", "狗"), per_class=4)
    shutil.copy(root / "猫" / "猫_00.png", root / "新图像.png")  # one image to label
    open_and_wait(qtbot, window, root)
    w = window
    dp = w.dataset_page

    table = {cell(dp.class_table, r, 0): cell(dp.class_table, r, 1) for r in range(dp.class_table.rowCount())}
    assert table == {"猫": "4", "狗": "4"}
    assert "<b>8</b> images in <b>2</b> classes" in dp.summary.text()
    assert sorted(dp.class_filter.itemText(i) for i in range(1, dp.class_filter.count())) == [
        "Not labeled yet (1 image)", "狗 (4)", "猫 (4)"]  # (the image to label has its own choice)
    assert "我的 数据集: 8 images" in dataset_line(w)

    model = dp.thumb_model
    captions = [model.data(model.index(r)) for r in range(model.rowCount())]
    assert sorted(set(captions)) == ["狗", "猫"] and len(captions) == 8
    first = model.index(0)
    path = model.data(first, Qt.ItemDataRole.UserRole + 1)
    assert "我的 数据集" in path
    model.data(first, Qt.ItemDataRole.DecorationRole)  # asks for the thumbnail: it decodes on the pool
    qtbot.waitUntil(lambda: path in model._cache, timeout=10_000)
    assert model._cache[path] is not model._broken  # the picture was read from the Chinese path

    dp.view_thumbnail(0)
    viewer = opened_viewer(dp)
    assert viewer.windowTitle().startswith(Path(path).name)
    assert viewer.caption_label.text() in ("Class: \u2068猫\u2069", "Class: \u2068狗\u2069")
    viewer.close()

    w.show_page("label")
    lp = w.label_page
    buttons = {b.class_name: b for b in lp.findChildren(ClassDropButton) if b.objectName().startswith("classButton")}
    assert set(buttons) == {"猫", "狗"}
    keys = {name: b.text().split()[0] for name, b in buttons.items()}
    assert sorted(keys.values()) == ["1", "2"] and all(b.text().endswith(n) for n, b in buttons.items())
    assert f"key {keys['猫']}" in buttons["猫"].toolTip() and "'\u2068猫\u2069'" in buttons["猫"].toolTip()
    assert {lp.classes.class_list.item(i).text() for i in range(lp.classes.class_list.count())} == {"猫 (4)", "狗 (4)"}
    assert lp.view.caption.text().startswith("\u2068新图像.png\u2069")

    w.activateWindow()
    qtbot.waitUntil(lp.hasFocus)
    QTest.keyClick(lp, getattr(Qt.Key, f"Key_{keys['狗']}"))
    assert (root / "狗" / "新图像.png").is_file() and lp.model.queue == []
