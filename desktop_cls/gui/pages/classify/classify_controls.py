"""The row above the Classify page's pictures: the model to use, the unknown threshold and the heat map switch
(the page adds its command buttons after them). Its texts keep the page's translation context."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit, QWidget

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class ClassifyControls(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("classifyModelEdit")
        self.model_edit.setAccessibleName(translate("ClassifyPage", "Model"))
        self.model_edit.setPlaceholderText(translate("ClassifyPage", "Run folder or exported model"))
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setObjectName("thresholdSpin")
        self.threshold_spin.setAccessibleName(translate("ClassifyPage", "Unknown below confidence"))
        self.threshold_spin.setRange(0, 99)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setDecimals(0)
        self.threshold_spin.setToolTip(translate(
            "ClassifyPage", "Predictions less confident than this are labeled 'unknown' (0 = off)"))
        self.heatmap_check = QCheckBox(translate("ClassifyPage", "Heat map"))
        self.heatmap_check.setObjectName("heatmapCheck")
        self.heatmap_check.setToolTip(translate(
            "ClassifyPage", "Show which parts of the image drove the prediction (Grad-CAM)"))
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(QLabel(translate("ClassifyPage", "Model")))
        self.row.addWidget(self.model_edit, 1)
        self.row.addWidget(QLabel(translate("ClassifyPage", "Unknown below")))
        self.row.addWidget(self.threshold_spin)
        self.row.addWidget(self.heatmap_check)

    def model_path(self) -> str:
        return self.model_edit.text().strip()

    def heatmap(self) -> bool:
        return self.heatmap_check.isChecked()
