"""The Classify page's questions to the user: which images, folder or video, and whether to trust a TorchScript
file. Each returns plain values (empty when the user cancels); the texts keep the page's translation context."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_cls.gui.widgets.dialogs import ask

IMAGE_PATTERN = "*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp"


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def ask_images(parent: QWidget, start: str) -> list[str]:
    files, _ = QFileDialog.getOpenFileNames(parent, translate("ClassifyPage", "Images to classify"), start,
                                            translate("ClassifyPage", "Images ({0})").format(IMAGE_PATTERN))
    return list(files)


def ask_folder(parent: QWidget, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, translate("ClassifyPage", "Folder to classify"), start)


def video_suffixes() -> frozenset[str]:
    """The video files the engine reads (imported when asked: the page is made before the engine loads)."""
    from desktop_cls.core.data.video import VIDEO_SUFFIXES

    return VIDEO_SUFFIXES


def is_video(path: str) -> bool:
    """Whether a dropped file is a video (classified over time) rather than an image."""
    return Path(path).suffix.lower() in video_suffixes()


def ask_video(parent: QWidget, start: str) -> str:
    pattern = " ".join(f"*{s}" for s in sorted(video_suffixes()))
    path, _ = QFileDialog.getOpenFileName(parent, translate("ClassifyPage", "Video to classify"), start,
                                          translate("ClassifyPage", "Videos ({0})").format(pattern))
    return path


def trust_code(parent: QWidget) -> bool:
    """TorchScript files hold program code: open one only when the user says they trust it."""
    title = translate("ClassifyPage", "Open a TorchScript model?")
    text = translate("ClassifyPage", "TorchScript files contain program code. Open it only if you trust where it "
                                     "came from.")
    return ask(parent, title, text)
