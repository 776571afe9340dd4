"""What the Export page shows of the files it wrote, without a widget: one row for the trained model, then one
per format with its size, latency, agreement, accuracy and files (relative to the export folder, so several
formats in their own folders read apart), and which export a selected row means.

Each export is the plain dict the export task returns (ExportResult.to_dict() with the sidecar's and the
script's text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_cls.core.inference.export_words import NOT_HELD_OUT, shown_images, shown_warning

Row = tuple[list[str], dict[str, Any] | None]  # the cells, and the export they show (None: the trained model)


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def size_text(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def timed(export: dict[str, Any]) -> str:
    """An export's time for one image, and that time against the trained model's, the two timed side by side, run
    for run: exports timed at different moments compare by that ratio, not by their milliseconds alone."""
    ms, reference = export["latency_ms"], export["reference_latency_ms"]
    return f"{ms:.2f} ms ({ms / reference:.2f}×)" if reference > 0 else f"{ms:.2f} ms"


class ExportResultsModel:
    def __init__(self) -> None:
        self.exports: list[dict[str, Any]] = []
        self.dest = Path()  # the folder exported into
        self.source = ""  # the model they were exported from ("" when unknown)

    def set_results(self, exports: list[dict[str, Any]], dest: Path, source: str = "") -> None:
        self.exports, self.dest, self.source = list(exports), dest, source

    def made_from_other(self, model: str) -> bool:
        """Whether exports are shown that were made from another model than `model` (they go when it changes)."""
        return bool(self.exports) and self.source != model

    def shown_path(self, file: str) -> str:
        """A file as the user finds it in the export folder: 'onnx-int8/model.onnx', not 'model.onnx'."""
        path = Path(file)
        return path.relative_to(self.dest).as_posix() if path.is_relative_to(self.dest) else path.name

    def add(self, export: dict[str, Any]) -> None:
        """One more format, verified while the others are still being written."""
        self.exports.append(export)

    def rows(self, reference: str, reference_file: str, name: Callable[[str], str] = str) -> list[Row]:
        """The trained model's row (named `reference`, its file `reference_file`), then one per export with its
        format's name (`name` of its id); none before the first export."""
        if not self.exports:
            return []
        first = self.exports[0]
        rows: list[Row] = [([reference, "", f"{first['reference_latency_ms']:.2f} ms", pct(1.0),
                             pct(first["reference_accuracy"]), reference_file], None)]
        for d in self.exports:
            agree = pct(d["top1_agreement"]) + (" ⚠" if shown_warning(d) else "")
            files = " + ".join(self.shown_path(f) for f in d["files"]) or d["path"]
            rows.append(([name(d["format"]), size_text(d["size_bytes"]), timed(d), agree,
                          pct(d["accuracy"]), files], d))
        return rows

    def export_at(self, row: int) -> dict[str, Any] | None:
        """The export a table row shows (row 0 is the trained model)."""
        i = row - 1
        return self.exports[i] if 0 <= i < len(self.exports) else None

    def measured_on(self) -> tuple[bool, str]:
        """(whether images were used, what they were, in the current language), or (False, "") before the first
        export."""
        if not self.exports:
            return False, ""
        first = self.exports[0]
        return bool(first["num_images"]), shown_images(first)

    def learned_from(self) -> bool:
        """Whether the accuracy shown is on images the model may have learned from (none was held out): it is
        then no held-out accuracy, and higher than the one Train and Evaluate report."""
        return bool(self.exports) and bool(self.exports[0]["num_images"]) and \
            self.exports[0].get("images_kind") in NOT_HELD_OUT

    @staticmethod
    def warning(export: dict[str, Any]) -> str | None:
        """An export's agreement warning in the current language."""
        return shown_warning(export)


def default_export_dir() -> str:
    """Where the page exports until the user chooses a folder."""
    return str(Path.home() / "desktop_cls_exports")


def kept_exports(model: str, own: list[str]) -> Any:
    """The task: the exports the run folder MODEL keeps (saved_exports.SavedExports), checked, with why they no
    longer match and the folder to offer (OWN: the user's own export folders); off the UI thread, as every
    exported file is looked at."""

    def work(progress: Any, cancel: Any) -> Any:
        from desktop_cls.core.inference.saved_exports import load_exports

        return load_exports(model, own)

    return work
