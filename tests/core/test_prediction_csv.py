"""One CSV format for predictions (CLI and app), readable by spreadsheets with CJK names."""

from __future__ import annotations

import csv
from pathlib import Path

from desktop_cls.core.inference.prediction_csv import write_predictions_csv
from desktop_cls.core.inference.predictor import Prediction


def test_cjk_names_survive_a_round_trip_and_the_file_has_a_bom(tmp_path: Path) -> None:
    preds = [Prediction("/照片/猫/一.jpg", "猫", 0.93, (("猫", 0.93), ("狗", 0.05))),
             Prediction("/照片/坏.jpg", None, 0.0, (), error="无法读取")]
    out = tmp_path / "预测.csv"
    assert write_predictions_csv(out, preds) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == {"path": "/照片/猫/一.jpg", "label": "猫", "confidence": "0.930000",
                       "top_k": "猫:0.930000;狗:0.050000", "error": ""}
    assert rows[1]["label"] == "" and rows[1]["error"] == "无法读取"
