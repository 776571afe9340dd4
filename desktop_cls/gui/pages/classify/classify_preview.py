"""The Classify page's preview: the image (or live frame), the prediction in large type and the top-k bars. A
classified file is shown as the model saw it (core's decoder, a photo off the UI thread: picture_loading); a picture
that arrives after the preview moved on (another row, a video, a live frame, a heat map) is dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop_cls.core.i18n import isolated
from desktop_cls.gui.pages.classify.webcam import draw_caption
from desktop_cls.gui.widgets.common import ScaledImageLabel, on_white, rgb_array_to_qimage
from desktop_cls.gui.widgets.literal_text import plain_label
from desktop_cls.gui.widgets.picture_loading import PictureLoader, screen_limit

TOP_K = 5
UNKNOWN = "unknown"  # core.inference.predictor.UNKNOWN (that module imports torch)


class PredictionPreview(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.image = ScaledImageLabel()
        self.image.setObjectName("classifyPreview")
        self.image.setAccessibleName(self.tr("Image being classified"))
        self.image.setMinimumSize(self.fontMetrics().height() * 12, self.fontMetrics().height() * 12)
        self.image.setWordWrap(True)  # why a file cannot be shown
        self._pictures = PictureLoader(self)  # a classified file's picture, a large one on the images lane
        self.caption = plain_label()  # the class seen, or why the file could not be read
        self.caption.setObjectName("predictionLabel")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)  # why a file could not be read is long: on one line it widened the page
        f = self.caption.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.caption.setFont(f)
        self.bars: list[tuple[QLabel, QProgressBar]] = []
        self.percents: list[QLabel] = []  # beside each bar, in the window's text colour: drawn on the bar, the words
        bars = QGridLayout()  # straddled its fill and its background, hard to read in either theme
        for i in range(TOP_K):
            name, bar, percent = plain_label(), QProgressBar(), QLabel()  # a class name
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setObjectName(f"topkBar{i}")
            bar.setAccessibleName(self.tr("Confidence of choice {0}").format(i + 1))
            percent.setObjectName(f"topkPercent{i}")
            percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            percent.setMinimumWidth(percent.fontMetrics().horizontalAdvance("100.0%"))
            bars.addWidget(name, i, 0)
            bars.addWidget(bar, i, 1)
            bars.addWidget(percent, i, 2)
            self.bars.append((name, bar))
            self.percents.append(percent)
        self.hint = QLabel()  # what to do, until there is something to show
        self.hint.setObjectName("classifyHint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.above = QVBoxLayout()  # the live video's controls go here
        lay = QVBoxLayout(self)
        lay.addLayout(self.above)
        lay.addWidget(self.hint, 1)
        lay.addWidget(self.image, 1)
        lay.addWidget(self.caption)
        lay.addLayout(bars)
        self.clear()  # no bars until there is a result

    def show_waiting(self, classes: int) -> None:
        """A model is ready, nothing is classified yet: how to give it an image, and no bars (nothing to rank)."""
        self.clear(self.tr("Model ready: %n class(es)", "", classes))
        self.hint.setText(self.tr(
            "Drop an image here, or press “Classify images…” to choose some: the class it sees appears here with "
            "the confidence of each likely class. “Classify a folder…” lists every image of a folder on the right; "
            "“Webcam” classifies live."))
        self._waiting(True)

    def _waiting(self, on: bool) -> None:
        """The hint in the image's place, or the image."""
        self.hint.setVisible(on)
        self.image.setVisible(not on)

    def set_image(self, pix: QPixmap, smooth: bool = True) -> None:
        """A picture made here (a heat map): a file's picture still on its way is not shown over it."""
        self._pictures.forget()
        self._waiting(False)
        self.image.set_image(pix, smooth=smooth)

    def show_file(self, path: str) -> None:
        """A classified file's picture as the model saw it, at no more than the screen's size; a large one is decoded
        off the UI thread, the image's place saying so meanwhile (never the picture before under this file)."""
        self._waiting(False)
        if not self._pictures.load(path, screen_limit(self), lambda picture: self._show_picture(path, picture)):
            self.image.clear_image()
            self.image.setText(self.tr("Opening {0}…").format(isolated(Path(path).name)))

    def _show_picture(self, path: str, picture: QImage | str) -> None:
        if isinstance(picture, QImage) and not picture.isNull():
            self.image.set_image(QPixmap.fromImage(picture))
            return
        self.image.clear_image()
        reason = picture if isinstance(picture, str) and picture else self.tr("not an image")
        self.image.setText(self.tr("{0} cannot be read as an image: {1}.").format(isolated(Path(path).name),
                                                                                 reason.rstrip(".")))

    def show_loading(self, model: str) -> None:
        """Nothing shown while the model named loads (the page's words: ClassifyPage)."""
        self.clear(QCoreApplication.translate("ClassifyPage", "Loading {0}…").format(isolated(model)))

    def show_video(self, path: str) -> None:
        """Nothing shown while a video is classified: its result is a plot; the caption names the file."""
        self.clear(QCoreApplication.translate("ClassifyPage", "Video: {0}").format(isolated(Path(path).name)))

    def show_frame(self, img: QImage, overlay: Any = None, caption: str = "") -> None:
        """A live frame as it is shown: under the latest heat map overlay when there is one, with the latest
        prediction drawn on it (the frame itself may be newer than both: the model never holds the video up)."""
        self._pictures.forget()
        self._waiting(False)
        shown = on_white(img)
        if overlay is not None:
            shown = rgb_array_to_qimage(overlay).scaled(shown.size(), Qt.AspectRatioMode.IgnoreAspectRatio)
        if caption:
            shown = draw_caption(shown, caption)
        self.image.set_image(QPixmap.fromImage(shown), smooth=False)

    def clear(self, caption: str = "") -> None:
        """Nothing shown: a video's result is a plot, not the image classified before it (nor one on its way)."""
        self._pictures.forget()
        self.image.clear_image()
        self._waiting(False)
        self.caption.setText(caption)
        for (name, bar), percent in zip(self.bars, self.percents, strict=True):
            name.setText("")
            bar.setVisible(False)
            percent.setVisible(False)

    def show_prediction(self, p: Any) -> None:
        """A core Prediction: its class and confidence, and the bars of its top classes."""
        self._waiting(False)
        if p.label is None:
            self.caption.setText(self.tr("Cannot read this image: {0}").format(p.error))
        else:
            label = self.tr("unknown") if p.label == UNKNOWN else p.label
            self.caption.setText(f"{label} — {p.confidence:.1%}")
        for i, ((name, bar), percent) in enumerate(zip(self.bars, self.percents, strict=True)):
            if i < len(p.top_k):
                label, prob = p.top_k[i]
                name.setText(label)
                bar.setValue(round(prob * 1000))
                bar.setFormat(f"{prob:.1%}")  # (read out by screen readers)
                percent.setText(f"{prob:.1%}")
            else:
                name.setText("")
            bar.setVisible(i < len(p.top_k))
            percent.setVisible(i < len(p.top_k))

    def shutdown(self) -> None:
        self._pictures.shutdown()
