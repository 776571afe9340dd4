"""The Label page's suggestions: from the chosen run (only when it knows this dataset's classes) or live from
the bundled pretrained network, and accepting the sure ones. Each set of suggestions remembers the run it came
from, so a suggestion of another model is never offered under the chosen one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_cls.gui.state import AppState
from desktop_cls.gui.widgets.common import button
from desktop_cls.gui.work.tasks import TaskFn

LIVE_IMAGE_SIZE: int | None = None  # live suggestions: the size of the backbone a quick run would use

Suggestions = dict[str, tuple[str, float]]  # file name -> (class, confidence)


def suggestion_work(model: str | None, root: Path, names: list[str]) -> TaskFn[Suggestions]:
    """A task that suggests a class for each name: with the run's model, or live (model None)."""

    def work(progress: Any, cancel: Any) -> Suggestions:
        if model is None:
            from desktop_cls.core.training.quick import suggest_labels

            return suggest_labels(root, names, image_size=LIVE_IMAGE_SIZE, progress=progress, cancel=cancel)
        from desktop_cls.core.inference.predictor import Predictor

        preds = Predictor.load(model).predict_paths([root / n for n in names], progress=progress, cancel=cancel)
        return {Path(p.path).name: (p.label, p.confidence) for p in preds if p.label}

    return work


class SuggestionPanel(QWidget):
    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.suggestions: Suggestions = {}
        self.suggested_by: str | None = None  # the run they came from (None: the live model)
        self.suggest_tip = self.tr("Let the current model propose a class for every unlabeled image")
        self.suggest_button = button(self.tr("Suggest labels"), "suggestButton", self.suggest_tip)
        self.accept_spin = QDoubleSpinBox()
        self.accept_spin.setObjectName("acceptThresholdSpin")
        self.accept_spin.setRange(50, 100)
        self.accept_spin.setValue(90)
        self.accept_spin.setSuffix(" %")
        self.accept_spin.setDecimals(0)
        self.accept_button = button(self.tr("Accept suggestions above"), "acceptSuggestionsButton")
        self.live_check = QCheckBox(self.tr("Live suggestions (bundled pretrained model)"))
        self.live_check.setObjectName("liveSuggestCheck")
        self.live_check.setToolTip(self.tr(
            "After each image you label, a new last layer is fitted on the bundled pretrained network's features "
            "of your labelled images (computed once, then cached) and suggests a class for the rest. No trained "
            "model needed."))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.live_check)
        lay.addWidget(QLabel(self.tr("With a trained model")))
        lay.addWidget(self.suggest_button)
        acc = QHBoxLayout()
        acc.addWidget(self.accept_button)
        acc.addWidget(self.accept_spin)
        lay.addLayout(acc)

    def refusal(self) -> str | None:
        """Why the chosen run may not suggest here (its classes are another dataset's), or None."""
        return None if self.live_check.isChecked() else self.state.run_mismatch()

    def update_buttons(self, have_images: bool) -> None:
        refusal = self.refusal()
        self.suggest_button.setEnabled(bool(self.state.run and have_images and self.state.core_loaded
                                            and refusal is None))
        self.suggest_button.setToolTip(refusal or self.suggest_tip)
        self.accept_button.setEnabled(bool(self.suggestions))

    def forget(self) -> None:
        self.suggestions, self.suggested_by = {}, None

    def of_another_run(self, run: str) -> bool:
        return bool(self.suggestions) and self.suggested_by != run and not self.live_check.isChecked()

    def plan(self, queue: list[str]) -> dict[str, list[str]]:
        """class -> names of the images whose suggestion is at least as sure as the threshold."""
        limit = self.accept_spin.value() / 100
        plan: dict[str, list[str]] = {}
        for name in queue:
            s = self.suggestions.get(name)
            if s and s[1] >= limit:
                plan.setdefault(s[0], []).append(name)
        return plan
