"""The one CSV format for predictions, written the same way by the CLI and the app.

UTF-8 with a byte-order mark: spreadsheet programs (Excel above all) otherwise read the file in the
system's legacy code page and show CJK or accented class names and paths as garbage. A cell that
would start a spreadsheet formula (a class or file named '=HYPERLINK(...)') is written as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from desktop_cls.core.inference.predictor import Prediction
from desktop_cls.core.names import csv_cell
from desktop_cls.core.storage import write_atomic

COLUMNS = ("path", "label", "confidence", "top_k", "error")


def predictions_csv(predictions: Iterable[Prediction]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for p in predictions:
        row = [p.path, p.label or "", f"{p.confidence:.6f}",
               ";".join(f"{lab}:{prob:.6f}" for lab, prob in p.top_k), p.error or ""]
        w.writerow([csv_cell(cell) for cell in row])
    return buf.getvalue().encode("utf-8-sig")


def write_predictions_csv(path: Path, predictions: Iterable[Prediction]) -> int:
    """Atomically (re)writes `path`; returns the number of rows. The caller decides about overwriting."""
    rows = list(predictions)
    write_atomic(Path(path), predictions_csv(rows))
    return len(rows)
