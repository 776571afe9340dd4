"""Every text the Train, Evaluate, Classify and Export pages show goes through Qt's translation, and class
names in Chinese come through those pages intact.

A pseudo-translator wraps whatever Qt is asked to translate in ⟦…⟧; a text on screen without the brackets
was never asked for, so a translator could not change it. Data (class names, numbers, paths) and the
engine's own texts (option labels, reasons: the engine translates those with gettext) are allowed by name.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import make_tiny_folder
from tests.gui.conftest import cell, header, heading, tooltip
from tests.gui.test_evaluate_page import show_result

CJK = ("猫", "狗", "鸟")
# Texts that are data or names, not words to translate.
DATA = {"CPU", "F1 average"}
# Widgets whose text is the engine's (translated there with gettext), with why.
ENGINE_TEXT_WIDGETS = {
    "imageSizeHint": "the engine's reason for the suggested size",
    "flipsHint": "the engine's reason for the suggested flips",
    "modelDescription": "the model catalogue's description",
}


# Widgets of other modules on these pages (gui/widgets/insight_views.py): the window-wide test covers them.
OTHERS = {"reliabilityPlot": "insight_views", "prPlot": "insight_views", "curvesLegend": "insight_views"}


class PseudoTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return f"⟦{source}⟧"

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def pseudo(qapp: Any) -> Iterator[None]:
    translator = PseudoTranslator()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def engine_texts() -> set[str]:
    """The declared options' labels and help: the Train form shows them as the engine words them."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import options

    out: set[str] = set()
    for o in options(TrainConfig):
        out.update(t for t in (o.label, o.row, o.help, o.disabled_help) if isinstance(t, str) and t)
    return out


def texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a widget under root shows or announces."""
    import pyqtgraph as pg

    for w in [root, *root.findChildren(QWidget)]:
        where = f"{type(w).__name__}#{w.objectName()}"
        yield where + " tooltip", w.toolTip()
        yield where + " accessible name", w.accessibleName()
        if isinstance(w, QLabel | QAbstractButton):
            yield where, w.text()
        if isinstance(w, QLineEdit | QPlainTextEdit):
            yield where + " placeholder", w.placeholderText()
        if isinstance(w, QGroupBox):
            yield where + " title", w.title()
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield f"{where} tab {i}", w.tabText(i)
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                item = w.horizontalHeaderItem(c)
                if item is not None:
                    yield f"{where} header {c}", item.text()
                    yield f"{where} header {c} tooltip", item.toolTip()
        if isinstance(w, QComboBox) and w.objectName() in ("methodCombo", "device"):
            for i in range(w.count()):
                yield f"{where} item {i}", w.itemText(i)
        if isinstance(w, pg.PlotWidget):
            item = w.getPlotItem()
            yield where + " title", item.titleLabel.text
            for side in ("left", "bottom"):
                yield f"{where} {side} axis", item.getAxis(side).labelText


def unmarked(root: QWidget, data: Iterable[str] = ()) -> list[str]:
    allowed = DATA | set(data) | engine_texts()
    names = sorted(set(data), key=len, reverse=True)
    problems = []
    for where, text in texts(root):
        if not text or "⟦" in text or text in allowed or any(f"#{name}" in where for name in OTHERS):
            continue
        rest = text
        for name in names:
            rest = rest.replace(name, "")
        if not re.search(r"[^\W\d_]", rest):  # data, numbers, percentages, symbols: no words of ours
            continue
        if any(f"#{name}" in where and " tooltip" not in where for name in ENGINE_TEXT_WIDGETS):
            continue
        if all(part in allowed for part in text.split("\n\n")):  # an option's help and why it is greyed out
            continue
        problems.append(f"{where}: {text!r}")
    return problems


def assert_marked(root: QWidget, data: Iterable[str] = ()) -> None:
    problems = unmarked(root, data)
    assert not problems, "not marked for translation:\n" + "\n".join(problems)


def page_state(tmp_path: Path, classes: tuple[str, ...] = CJK) -> Any:
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.gui.settings import Settings
    from desktop_cls.gui.state import AppState

    state = AppState(Settings())
    state.set_dataset(scan(make_tiny_folder(tmp_path / "数据集", classes=classes, per_class=5)))
    return state


def evaluation(classes: tuple[str, ...] = CJK) -> dict[str, Any]:
    """What the evaluate task hands the page (see tests/gui/test_evaluate_page.py), for these classes."""
    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(len(classes)), 6)
    logits = rng.normal(size=(len(y), len(classes)))
    logits[np.arange(len(y)), y] += 1.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    paths = tuple(f"/图像/{classes[t]}/{i}.png" for i, t in enumerate(y))
    ev = Evaluation(classification_report(y, probs, list(classes)), paths, y, probs, "validation", ())
    d = ev.to_dict()
    pred = probs.argmax(axis=1)
    d["_samples"] = [(p, int(t), int(k), float(probs[i, k])) for i, (p, t, k) in enumerate(zip(paths, y, pred,
                                                                                                 strict=True))]
    d["_curves"] = ev.curves()
    d["_model"] = ""
    d["_epoch"] = (3, 4)
    return d


def predictions(folder: str) -> list[Any]:
    from desktop_cls.core.inference.predictor import Prediction

    return [Prediction(f"{folder}/{name}/{i}.png", name, 0.9 - i / 10, ((name, 0.9 - i / 10), ("狗", 0.05)))
            for i, name in enumerate(CJK)]


def test_the_train_page_marks_every_text(qtbot: QtBot, pseudo: None, tmp_path: Path) -> None:
    from desktop_cls.core.events import BatchEnd
    from desktop_cls.gui.pages.train.train_page import TrainPage
    from desktop_cls.gui.work.tasks import TaskRunner

    state = page_state(tmp_path)
    page = TrainPage(state, TaskRunner())
    qtbot.addWidget(page)
    page.form.advanced.setChecked(True)
    page.form.method_choice.combo.setCurrentIndex(page.form.method_choice.combo.findData("custom"))
    page.monitor.begin(3, None, quick=False)
    page.monitor.event(BatchEnd(1, 2, 4, 2, 0.7, 0.01, 120.0, 30.0, 512.0))
    assert page.monitor.progress_label.text().startswith("⟦Epoch 1/3 · step 2/4")
    assert_marked(page, data=CJK)


def test_the_evaluate_page_marks_every_text_and_shows_chinese_class_names(qtbot: QtBot, pseudo: None,
                                                                          tmp_path: Path) -> None:
    from desktop_cls.gui.pages.evaluate.evaluate_page import EvaluatePage
    from desktop_cls.gui.work.tasks import TaskRunner

    page = EvaluatePage(page_state(tmp_path), TaskRunner())
    qtbot.addWidget(page)
    show_result(page, evaluation())
    cm = page.confusion
    shown = [heading(cm, i, vertical=True) for i in range(cm.rowCount())]
    assert shown == list(CJK) and [heading(cm, j) for j in range(cm.columnCount())] == list(CJK)
    assert "猫" in tooltip(cm, 0, 1) and "狗" in tooltip(cm, 0, 1)
    per_class = [cell(page.metrics.table, r, 0) for r in range(page.metrics.table.rowCount())]
    assert per_class[:3] == list(CJK)
    page.show_cell(0, 0)
    assert all(caption.startswith("猫\n→ 猫") for _path, caption in page.mistakes.model.items)
    assert_marked(page, data=CJK)


def test_the_classify_page_marks_every_text_and_saves_chinese_names(qtbot: QtBot, pseudo: None, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop_cls.gui.pages.classify.classify_page import ClassifyPage
    from desktop_cls.gui.work.tasks import TaskRunner

    page = ClassifyPage(page_state(tmp_path), TaskRunner())
    qtbot.addWidget(page)
    try:
        page._files_batch(predictions(str(tmp_path / "照片")))
        page._files_ended(True)
        assert [cell(page.results.table, r, 1) for r in range(page.results.model.rowCount())] == list(CJK)
        assert page.preview.caption.text().startswith("猫 — ")
        out = tmp_path / "预测.csv"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
        page.results.csv_button.click()
        rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
        assert [r["label"] for r in rows] == list(CJK) and "照片" in rows[0]["path"]
        assert_marked(page, data=CJK)
    finally:
        page.shutdown()


def test_video_results_draw_chinese_class_names_on_the_axis(qtbot: QtBot, pseudo: None) -> None:
    from PySide6.QtGui import QImage, QPainter

    from desktop_cls.core.inference.video_predict import VideoPrediction
    from desktop_cls.gui.pages.classify.video_results import VideoResultsPanel

    panel = VideoResultsPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 400)
    n = 30
    vp = VideoPrediction("/视频/散步.mp4", 10.0, CJK, np.arange(n), np.arange(n) / 10.0,
                         np.array([0] * 10 + [1] * 10 + [-1] * 10), np.full(n, 0.8))
    panel.show_result(vp)
    panel.show()
    qtbot.waitExposed(panel)
    panel.grab()  # the first paint sizes the axis to its widest label; the next one draws every label
    QApplication.processEvents()
    axis = panel.class_plot.getPlotItem().getAxis("left")
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        drawn = [(rect, text) for rect, _flags, text in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()
    words = {text for _rect, text in drawn}
    assert set(CJK) <= words and "⟦unknown⟧" in words  # what pyqtgraph paints, each with room for its glyphs
    assert all(rect.width() > 0 and rect.height() > 0 for rect, text in drawn if text in CJK)
    assert "散步.mp4" in panel.title.text()
    assert_marked(panel, data=CJK)


def test_the_export_page_marks_every_text(qtbot: QtBot, pseudo: None, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.export.export_page import ExportPage
    from desktop_cls.gui.work.tasks import TaskRunner

    page = ExportPage(page_state(tmp_path), TaskRunner())
    qtbot.addWidget(page)
    page._show_model(str(tmp_path / "训练记录"))
    result = {"reference_latency_ms": 1.5, "reference_accuracy": 0.9, "format": "onnx", "size_bytes": 200_000,
              "latency_ms": 0.8, "top1_agreement": 1.0, "accuracy": 0.9, "files": ["/导出/模型.onnx"],
              "path": "/导出/模型.onnx", "num_images": 12, "images": "12 validation images",
              "metadata": '{"classes": ["猫", "狗", "鸟"]}', "snippet_text": "import onnxruntime"}
    page.results.show_results([result], tmp_path)
    assert cell(page.results.table, 0, 0).startswith("⟦")  # the reference row is words too
    assert cell(page.results.table, 1, 5) == "模型.onnx"
    assert "猫" in page.results.meta_view.toPlainText()
    assert_marked(page, data=CJK)


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    """The committed zh_CN catalogue of this checkout (not whichever copy an installed package points at)."""
    translator = QTranslator()
    assert translator.load("desktop_cls_zh_CN", str(Path(__file__).resolve().parents[2] / "resources" / "i18n"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_the_pages_read_in_chinese(qtbot: QtBot, chinese: None, tmp_path: Path) -> None:
    from desktop_cls.gui.pages.evaluate.evaluate_page import EvaluatePage
    from desktop_cls.gui.pages.export.export_page import ExportPage
    from desktop_cls.gui.pages.train.train_page import TrainPage
    from desktop_cls.gui.work.tasks import TaskRunner

    state = page_state(tmp_path)
    train = TrainPage(state, TaskRunner())
    evaluate = EvaluatePage(state, TaskRunner())
    export = ExportPage(state, TaskRunner())
    for page in (train, evaluate, export):
        qtbot.addWidget(page)
    assert train.buttons["trainButton"].text() == "▶ 训练(&R)" and train.buttons["pauseButton"].text() == "暂停"
    assert train.buttons["pauseButton"].toolTip().startswith("暂停或继续")  # the declared action's tip, in Chinese
    assert train.monitor.progress_label.text().startswith("可以在 3 个类别的")
    assert train.monitor.plots.loss_plot.getPlotItem().getAxis("bottom").labelText == "轮次"
    assert train.form.advanced.title() == "高级"
    show_result(evaluate, evaluation())
    headers = [heading(evaluate.metrics.table, c) for c in range(5)]
    assert headers == ["类别", "精确率", "召回率", "F1 分数", "图像"]
    assert "准确率" in evaluate.metrics.summary.text() and "验证集" in evaluate.metrics.summary.text()
    assert evaluate.calibration.ece_label.text().startswith("期望校准误差")
    assert evaluate.right_tabs.tabText(1) == "校准"
    assert header(export.results.table, 0).text() == "格式" and export.buttons["exportButton"].text() == "▶ 导出(&X)"


HAN_GAP = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] +[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]|[。：；] ")


def gap_in(html: str) -> str | None:
    """A space between two Chinese characters, or after a full stop, as the text reads (markup left out): a gap in
    a Chinese sentence."""
    found = HAN_GAP.search(re.sub(r"<[^>]+>", "", html))
    return found.group() if found else None


def test_chinese_sentences_read_without_gaps_between_their_parts(qtbot: QtBot, chinese: None,
                                                                 tmp_path: Path) -> None:
    """'在 18 张验证集图像上 准确率' and '在 … 的 12 张验证集图像 上测量' read with a gap where the parts meet."""
    from desktop_cls.gui.pages.evaluate.evaluate_page import EvaluatePage
    from desktop_cls.gui.pages.export.export_page import ExportPage
    from desktop_cls.gui.work.tasks import TaskRunner

    state = page_state(tmp_path)
    evaluate, export = EvaluatePage(state, TaskRunner()), ExportPage(state, TaskRunner())
    for page in (evaluate, export):
        qtbot.addWidget(page)
    for d in (evaluation(), {**evaluation(), "split": "cross-validation", "cross_validation_folds": 5}):
        show_result(evaluate, d)
        summary = evaluate.metrics.summary.text()
        assert "准确率" in summary and gap_in(summary) is None, summary
    result = {"reference_latency_ms": 1.5, "reference_accuracy": 0.9, "format": "onnx", "size_bytes": 200_000,
              "latency_ms": 0.8, "top1_agreement": 1.0, "accuracy": 0.9, "files": ["/导出/模型.onnx"],
              "path": "/导出/模型.onnx", "num_images": 12, "images": "/data 的 12 张验证集图像",  # as core says it
              "metadata": "{}", "snippet_text": ""}
    export.results.show_results([result], tmp_path)
    measured = export.results.measured_label.text()
    assert "上测量" in measured and gap_in(measured) is None, measured
