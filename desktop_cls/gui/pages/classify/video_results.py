"""A classified video file: the top class of every frame over time, its confidence, the segments, a CSV.

The frames are decoded and classified by the engine (core.inference.video_predict) in a background task;
this panel only draws the plain arrays that come back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.widgets.common import button, home_folder
from desktop_cls.gui.widgets.dialogs import save_file_name, show_error
from desktop_cls.gui.widgets.literal_text import plain_label
from desktop_cls.gui.widgets.plot_theme import BLUE, ORANGE, themed_plot

MAX_SEGMENTS_LISTED = 8


class VideoResultsPanel(QWidget):
    """Two plots sharing the time axis (class, confidence), a summary of segments and Save CSV."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Any = None  # core VideoPrediction
        self.start_folder: Callable[[], str] = home_folder  # where Save CSV opens (the page sets its own)
        self.title = plain_label()  # the video's file name
        self.title.setObjectName("videoTitle")
        self.title.setWordWrap(True)
        self.class_plot = themed_plot(pg.PlotWidget())
        self.class_plot.setObjectName("videoClassPlot")
        self.class_plot.setAccessibleName(self.tr("Top class over time"))
        self.class_plot.setLabel("left", self.tr("class"))
        self.class_plot.showGrid(x=True, y=True, alpha=0.2)
        self.class_curve = self.class_plot.plot([], [], pen=None, symbol="s", symbolSize=5, symbolBrush=BLUE,
                                                symbolPen=BLUE)
        self.confidence_plot = themed_plot(pg.PlotWidget())
        self.confidence_plot.setObjectName("videoConfidencePlot")
        self.confidence_plot.setAccessibleName(self.tr("Confidence over time"))
        self.confidence_plot.setLabel("left", self.tr("confidence"))
        self.confidence_plot.setLabel("bottom", self.tr("time"), units="s")
        self.confidence_plot.setYRange(0, 1)
        self.confidence_plot.setXLink(self.class_plot)
        self.confidence_curve = self.confidence_plot.plot([], [], pen=pg.mkPen(ORANGE, width=1.5))
        self.summary = plain_label()  # class names
        self.summary.setObjectName("videoSummary")
        self.summary.setWordWrap(True)
        self.csv_button = button(self.tr("Save CSV…"), "saveVideoCsvButton",
                                 self.tr("One row per frame: frame, time, class, confidence"))
        self.csv_button.clicked.connect(self.save_csv)
        self.close_button = button(self.tr("Close"), "closeVideoResultsButton", self.tr("Back to the image table"))
        self.close_button.clicked.connect(self.closed.emit)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.csv_button)
        row.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.class_plot, 2)
        lay.addWidget(self.confidence_plot, 1)
        lay.addWidget(self.summary)

    def show_result(self, vp: Any) -> None:
        self.result = vp
        n_classes = len(vp.classes)
        ticks = [(i, name) for i, name in enumerate(vp.classes)]
        if bool((vp.class_index < 0).any()):
            ticks.append((-1, self.tr("unknown")))
        self.class_plot.getAxis("left").setTicks([ticks])
        self.class_plot.setYRange(-1.5 if ticks[-1][0] == -1 else -0.5, n_classes - 0.5)
        self.class_curve.setData(vp.times, vp.class_index.astype(np.float64))
        self.confidence_curve.setData(vp.times, vp.confidence)
        duration = float(vp.times[-1]) if len(vp.times) else 0.0
        title = self.tr("{0}: %n frame(s) classified over {1:.1f} s", "", len(vp.frames)).format(
            isolated(Path(vp.path).name), duration)
        if vp.incomplete:  # a truncated file just ends; the count it announced tells
            title += "\n" + self.tr("Only {0} of the {1} frames this file announces could be decoded: it looks "
                                    "truncated or damaged, and the rest was not classified.").format(
                len(vp.frames), vp.expected)
        self.title.setText(title)
        segments = vp.segments()
        lines = [self.tr("{0:.1f}–{1:.1f} s: {2} ({3:.0%})").format(s["start_s"], s["end_s"], isolated(s["label"]),
                                                                       s["mean_confidence"])
                 for s in segments[:MAX_SEGMENTS_LISTED]]
        if len(segments) > MAX_SEGMENTS_LISTED:
            lines.append(self.tr("… {0} more changes of class; the CSV has every frame").format(
                len(segments) - MAX_SEGMENTS_LISTED))
        self.summary.setText("\n".join(lines))

    def save_csv(self) -> None:
        if self.result is None:
            return
        default = Path(self.result.path).with_suffix(".csv").name
        path = save_file_name(self, self.tr("Save frame predictions"), str(Path(self.start_folder()) / default),
                              self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            self.result.write_csv(Path(path))
        except OSError as e:
            show_error(self, self.tr("CSV not saved"), self.tr("Cannot write {0}: {1}").format(path, e))
