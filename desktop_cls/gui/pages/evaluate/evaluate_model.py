"""What the Evaluate page decides, without widgets: which images Evaluate scores when none are chosen, whether the
result shown still belongs to the chosen run and those images (its tag), and the evaluation as a task. Tested
without a window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_cls.gui.state import Tag


def evaluation(model: str, folder: str) -> Any:
    """The task: score `model` on the labeled images of `folder`; a plain dict (the report, and under "_" keys the
    samples for the gallery, the curves, the model, the folder, the epoch the model was kept at, and why it could not
    be kept in the run's folder for the next start, if it could not). The folder's state is taken before scoring,
    so a file changed meanwhile makes the kept result stale rather than passing for scored."""

    def work(progress: Any, cancel: Any) -> dict[str, Any]:
        from desktop_cls.core import run_dir as rd
        from desktop_cls.core.inference.evaluation import evaluate
        from desktop_cls.core.inference.predictor import Predictor
        from desktop_cls.core.inference.saved_evaluation import folder_state, keep_evaluation, shown_result

        before = folder_state(folder) if rd.is_run_dir(Path(model)) else None
        ev = evaluate(Predictor.load(model, allow_code=False), folder, progress=progress, cancel=cancel)
        d = shown_result(ev, model, folder)
        d["_not_kept"] = keep_evaluation(model, folder, before, d)
        return d

    return work


def kept_evaluation(run: str, folder: str, classes: tuple[str, ...], chosen: list[str]) -> Any:
    """The task: the evaluation the run's folder keeps of these images (saved_evaluation.SavedEvaluation), checked,
    with why it no longer matches, or of other images among `chosen` (folders the user chose in the app); read off
    the UI thread (a large one is megabytes, and the folder is walked)."""

    def work(progress: Any, cancel: Any) -> Any:
        from desktop_cls.core.inference.saved_evaluation import load_evaluation

        return load_evaluation(run, folder, classes, chosen)

    return work


@dataclass(slots=True)
class EvaluateModel:
    """`result`: the evaluation shown (None when none is); `tag`: the (images, model) it was computed for;
    `taken_down`: the tag of the last result taken down because it no longer fitted (the empty page says why)."""

    result: dict[str, Any] | None = None
    tag: Tag | None = None
    taken_down: Tag | None = None
    kept_asked: Tag | None = None  # the (images, run) whose kept evaluation was last read

    def read_kept(self, run: str | None, folder: str, is_run: bool) -> bool:
        """Whether to read the evaluation a run folder keeps of these images: when nothing is shown, once for each
        (images, run), so a result the user saw go does not come back by itself."""
        if self.tag is not None or not run or not folder or not is_run or self.kept_asked == Tag(folder, run):
            return False
        self.kept_asked = Tag(folder, run)
        return True

    @staticmethod
    def default_folder(dataset: str | None, run_fits_dataset: bool, run_dataset: str | None) -> str:
        """The images Evaluate scores when no folder is chosen: the open dataset's, unless the run was trained on
        other classes; then its own dataset's (a resumed run of another folder is scored where it belongs)."""
        if dataset is not None and run_fits_dataset:
            return dataset
        return run_dataset or dataset or ""

    def shows(self, result: dict[str, Any], folder: str | None, model: str) -> None:
        self.result, self.tag, self.taken_down = result, Tag(folder, model), None

    def take_down(self) -> None:
        """The result shown no longer fits (stale): it goes, and what it was of is kept for `why_empty`."""
        self.taken_down, self.result, self.tag = self.tag, None, None

    def clear(self) -> None:
        self.result, self.tag = None, None

    def stale(self, run: str | None, chosen_folder: str, default_folder: str) -> bool:
        """Whether the result shown is of another model, or (no folder being chosen) of other default images."""
        shown = self.tag
        return shown is not None and (shown.run != run or (not chosen_folder and shown.dataset != default_folder))

    def moved_on(self, model: str, folder: str) -> bool:
        """Whether the result shown is of another model or other images than the page would score now: the dataset
        or the run changed while it was computed."""
        shown = self.tag
        return shown is not None and (shown.run != model or shown.dataset != folder)

    def why_empty(self, run: str | None, folder: str) -> str:
        """Why no result is shown, for the empty page: "model" (the result taken down was of another model than
        `run`), "images" (of `run` on other images than `folder`), "" (none was taken down, or the one taken down
        would fit again: the page just says what Evaluate does)."""
        gone = self.taken_down
        if self.tag is not None or gone is None or not run:
            return ""
        if gone.run != run:
            return "model"
        return "images" if folder and gone.dataset != folder else ""
