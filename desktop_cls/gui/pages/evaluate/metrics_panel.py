"""The Evaluate page's numbers: the summary (accuracy on how many images of which split, top-k, the epoch the
model was kept at, the pictures it learned that were left out) and the per-class table with its averages; a class
without images shows dashes and says why."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.evaluate.metrics_table import MetricsRow, MetricsTable
from desktop_cls.gui.widgets.common import sentences
from desktop_cls.gui.widgets.literal_text import literal

FEW_IMAGES = 50  # fewer evaluated images than this: the accuracy is a rough estimate


class MetricsPanel(QWidget):
    def __init__(self, save_button: QPushButton) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setObjectName("evalSummary")
        self.summary.setWordWrap(True)
        self.table = MetricsTable("metricsTable", self.tr("Per-class metrics"), [
            self.tr("Class"), self.tr("Precision"), self.tr("Recall"), self.tr("F1"), self.tr("Images")])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(save_button)

    def clear(self) -> None:
        self.table.show_rows([])
        self.summary.setText("")

    def show_result(self, d: dict[str, Any], kept: tuple[int, int] | None) -> None:
        """The report's summary and per-class rows, then the macro and weighted averages."""
        self.summary.setText(self._summary(d, kept))
        average = {"macro": self.tr("macro average"), "weighted": self.tr("weighted average")}
        per_class = d["per_class"]
        present = sum(1 for m in per_class.values() if m["support"])
        rows = [_row(name, m, self._absent_tip(name, d["split"], m["precision"] is not None)
                     if not m["support"] else "") for name, m in per_class.items()]
        tip = self.tr("Over the {0} classes that have images here; a class without images is left "
                      "out").format(present) if present < len(per_class) else ""
        rows += [_row(average.get(k, k), m, tip, average=True) for k, m in d["averages"].items()]
        self.table.show_rows(rows)

    def _absent_tip(self, name: str, split: str, predicted: bool) -> str:
        """Why a class's score is a dash (or a plain 0), and that the averages leave it out."""
        where = {"validation": self.tr("the validation images"), "val": self.tr("the validation images"),
                 "test": self.tr("the test images")}.get(split, self.tr("the evaluated images"))
        tip = self.tr("No images of '{0}' among {1}: it has no recall, and the macro average leaves it "
                      "out.").format(isolated(name), where)
        if predicted:
            tip = sentences(tip, self.tr("The model did predict it, wrongly each time: those are false positives."))
        return literal(tip)

    def _split_words(self, split: str) -> str:
        return {"validation": self.tr("validation images"), "val": self.tr("validation images"),
                "test": self.tr("test images")}.get(split, self.tr("images"))

    def _summary(self, d: dict[str, Any], kept: tuple[int, int] | None) -> str:
        """Accuracy, on how many images of which split, top-k, the epoch of the model and a warning for few images."""
        n = d["num_images"]
        where = self._split_words(d["split"])
        folds = d.get("cross_validation_folds")
        if folds:  # the model learned from every image: each is shown as predicted by a model that had not
            text = self.tr("<b>Accuracy {acc:.1%}</b> by {folds}-fold cross-validation on {n:,} images (the model "
                           "learned from all of them; each is scored by a model that had not)").format(
                    acc=d["accuracy"], folds=folds, n=n)
            kept = None  # one fit, no epochs to choose from
        else:
            text = self.tr("<b>Accuracy {acc:.1%}</b> on {n:,} {where}").format(acc=d["accuracy"], n=n, where=where)
        topk = next((k for k in d if k.startswith("top") and k.endswith("_accuracy")), None)
        k = topk.removeprefix("top").removesuffix("_accuracy") if topk else ""
        if topk and k.isdigit() and int(k) < len(d["classes"]):  # among all the classes it is always right
            text += self.tr(" · top-{k} accuracy {acc:.1%}").format(k=k, acc=d[topk])
        if kept:
            text += " " + self.tr("· model of epoch {0} of {1} (the best on validation, as training reported)").format(
                *kept)
        text += self.tr(".")
        if n < FEW_IMAGES:
            text += self.tr(" ⚠ Few images: treat this as a rough estimate.")
        if d.get("note"):  # the engine's words (translated there): pictures it learned, left out or maybe not
            text += "<br>" + html.escape(d["note"])
        return text


def _row(name: str, m: dict[str, Any], tip: str, average: bool = False) -> MetricsRow:
    """A row of the report as shown (a score it has none of is a dash) and as sorted (a dash below any score)."""
    p, r, f = (m[key] for key in ("precision", "recall", "f1"))
    return MetricsRow(name, (_shown(p), _shown(r), _shown(f), f"{m['support']:,}"),
                      (_value(p), _value(r), _value(f), float(m["support"])), tip, average)


def _shown(score: float | None) -> str:
    return "—" if score is None else f"{score:.3f}"


def _value(score: float | None) -> float:
    return -1.0 if score is None else float(score)
