"""Run in a subprocess with QT_SCALE_FACTOR=2 (tests/gui/test_theme.py): shows a thumbnail grid, a problem
preview, a scaled picture and the image viewer, and prints what each one's pixmap is made of as JSON.

    python -m tests.gui.hidpi_probe IMAGE.png
"""

from __future__ import annotations

import json
import sys
import time
from types import SimpleNamespace
from typing import Any


def _pixmap(pix: Any) -> dict[str, float]:
    return {"width": pix.width(), "height": pix.height(), "ratio": pix.devicePixelRatio()}


def main(image: str) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPixmap
    from PySide6.QtWidgets import QApplication, QListView

    from desktop_cls.gui.pages.data.problem_preview import ProblemPreview
    from desktop_cls.gui.widgets.common import ScaledImageLabel
    from desktop_cls.gui.widgets.image_viewer import ImageViewer
    from desktop_cls.gui.widgets.thumbnails import ThumbnailModel

    app = QApplication([])

    def wait(done: Any) -> None:
        deadline = time.monotonic() + 20
        while not done() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    view = QListView()
    model = ThumbnailModel(side=96)
    model.configure_view(view)
    view.show()
    model.set_items([(image, "a caption")])
    model.index(0).data(Qt.ItemDataRole.DecorationRole)
    wait(lambda: image in model._cache)
    thumb = model.index(0).data(Qt.ItemDataRole.DecorationRole)
    model.set_override("/heat/map.png", QImage(1600, 1200, QImage.Format.Format_RGB888))
    heat = model._cache["/heat/map.png"]

    preview = ProblemPreview()
    preview.show()
    preview.show_problem(SimpleNamespace(path=image, message="unreadable"), lambda p: "")

    label = ScaledImageLabel()
    label.resize(200, 150)
    label.show()
    label.set_image(QPixmap(image))

    viewer = ImageViewer([(image, "")], 0)
    viewer.show()
    wait(lambda: not viewer.pixmap_item.pixmap().isNull())
    viewer.set_zoom(1.0)
    shown = viewer.pixmap_item.boundingRect()
    out = {
        "widget_ratio": view.devicePixelRatioF(),
        "thumbnail": _pixmap(thumb),
        "heatmap_thumbnail": _pixmap(heat),
        "preview": _pixmap(preview.this_image.pixmap()),
        "scaled_label": _pixmap(label.pixmap()),
        "viewer": _pixmap(viewer.pixmap_item.pixmap()),
        "viewer_shown": [shown.width(), shown.height()],
        "viewer_status": viewer.status_label.text(),
    }
    viewer.close()
    model.shutdown()
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
