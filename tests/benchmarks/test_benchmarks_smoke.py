"""Each benchmark runs and reports (tiny sizes). Never a timing assertion: speed lives in docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def run(module: str, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "report.json"
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen",
               DESKTOP_CLS_DATA_DIR=str(tmp_path / "data"), DESKTOP_CLS_CACHE_DIR=str(tmp_path / "cache"),
               DESKTOP_CLS_CONFIG_DIR=str(tmp_path / "config"), DESKTOP_CLS_LOG_DIR=str(tmp_path / "log"))
    r = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *args, "--json", str(out)], cwd=REPO,
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
def test_train_throughput_smoke(tmp_path: Path) -> None:
    report = run("train_throughput", tmp_path, "--smoke", "--device", "cpu", "--large", "20")
    loops = {(r["case"], r["loop"]) for r in report["rows"]}
    assert any(r["case"].startswith("resnet18 64px, 20 images") and "first_epoch_vs_steady" in r
               for r in report["rows"])
    assert ("simple_cnn 32px, 2 epochs", "seed") in loops and ("simple_cnn 32px, 2 epochs", "engine") in loops
    assert all(r["steady_images_per_s"] > 0 and 0 <= r["test_accuracy"] <= 1 for r in report["rows"])


def test_startup_smoke(tmp_path: Path) -> None:
    report = run("startup", tmp_path, "--runs", "1")
    assert report["median_s"] > 0


def test_engine_load_smoke(tmp_path: Path) -> None:
    report = run("engine_load", tmp_path, "--runs", "1")
    assert report["median_s"] > 0 and len(report["runs"]) == 1 and report["runs"][0]["modules"] > 0


def test_ui_latency_smoke(tmp_path: Path) -> None:
    report = run("ui_latency", tmp_path, "--smoke")
    overall = report["all"]
    assert overall["ticks"] > 0 and overall["max_ms"] >= overall["p99_ms"] >= overall["p50_ms"] >= 0
    assert {"open", "pages", "scroll", "train"} <= set(report["phases"])
    assert report["train_enabled_s"] <= report["checked_s"]


def test_ui_latency_watchdog_smoke(tmp_path: Path) -> None:
    """The watchdog's file is written (stacks only when the UI thread missed 80 ms, so maybe none here)."""
    run("ui_latency", tmp_path, "--smoke", "--watchdog", str(tmp_path / "stacks.txt"))
    assert (tmp_path / "stacks.txt").is_file()


def test_ui_session_smoke(tmp_path: Path) -> None:
    """Its folder's data and label steps on a small generated folder, each action's ticks and the watchdog's file."""
    report = run("ui_session", tmp_path, "--smoke", "--watchdog", str(tmp_path / "stacks.txt"))
    actions = {r["action"]: r for r in report["actions"]}
    assert {"open the folder", "scroll the grid", "label: number key", "label: rename a class"} <= set(actions)
    assert all(r["ticks"] > 0 and r["max_ms"] >= 0 for r in actions.values())
    assert (tmp_path / "stacks.txt").is_file()


def test_confusion_matrix_smoke(tmp_path: Path) -> None:
    report = run("confusion_matrix", tmp_path, "--classes", "3,12", "--runs", "1")
    assert [r["classes"] for r in report["rows"]] == [3, 12]
    assert all(v["fill_ms"] >= 0 and v["paint_ms"] >= 0 for r in report["rows"] for v in r["views"].values())
    assert all(set(r["views"]) == {"now"} for r in report["rows"])


def test_data_clicks_smoke(tmp_path: Path) -> None:
    report = run("data_clicks", tmp_path, "--smoke")
    assert report["ms"]["grid: Ctrl+A"] >= 0 and "viewer from the grid (again)" in report["ms"]


def test_grid_scroll_smoke(tmp_path: Path) -> None:
    report = run("grid_scroll", tmp_path, "--smoke")
    assert report["rows"] >= 200 and report["peak_rss_mb"] > 0 and "scroll" in report["phases"]
    assert report["decoded"] >= 1 and report["batches"] >= 1


def test_settings_write_smoke(tmp_path: Path) -> None:
    report = run("settings_write", tmp_path, "--changes", "3")
    assert report["written_on_ui_thread"]["max_ms"] >= report["written_on_ui_thread"]["median_ms"] > 0
    assert report["handed_to_lane"]["median_ms"] > 0


def test_label_scale_smoke(tmp_path: Path) -> None:
    """The default steps, the Accept suggestions question answered with its Move button (it waited for a click)."""
    report = run("label_scale", tmp_path, "--loose", "60", "--accept", "30", "--thumbs", "10")
    assert report["accepted"] == 30 and report["page_undo_s"] >= 0 and report["thumb_warm_ms"] >= 0


def test_label_suggest_smoke(tmp_path: Path) -> None:
    report = run("label_scale", tmp_path, "--loose", "120", "--only-suggest", "--cancel-after", "10")
    assert report["suggested"] == report["queue"] == 120 and report["progress_reports"] >= 1
    assert report["cancel_to_end_s"] >= 0


def test_predict_latency_smoke(tmp_path: Path) -> None:
    report = run("predict_latency", tmp_path, "--smoke", "--device", "cpu")
    assert {r["backend"] for r in report["rows"]} == {"torch", "onnx"}
    assert all(r["folder_images_per_s"] > 0 for r in report["rows"])


def test_decode_speed_smoke(tmp_path: Path) -> None:
    report = run("decode_speed", tmp_path, "--smoke")
    assert len(report["rows"]) == 4 and all(r["pil_ms"] > 0 and r["torchvision_ms"] > 0 for r in report["rows"])


@pytest.mark.slow
def test_export_formats_smoke(tmp_path: Path) -> None:
    report = run("export_formats", tmp_path, "--smoke")
    formats = {(r["dataset"], r["format"]) for r in report["rows"]}
    assert {("demo", "onnx-int8"), ("demo", "onnx-fp16"), ("demo", "onnx")} <= formats
    assert all(r["size_bytes"] > 0 and r["latency_ms"] > 0 and 0 <= r["top1_agreement"] <= 1
               and r["num_images"] > 0 for r in report["rows"])


@pytest.mark.slow
def test_few_images_smoke(tmp_path: Path) -> None:
    report = run("few_images", tmp_path, "--smoke")
    methods = {r["method"] for r in report["rows"]}
    assert methods == {"quick", "scratch", "fine-tune"}  # auto picks quick for 3 images per class
    assert all(0 <= r["test_accuracy"] <= 1 and r["seconds"] > 0 for r in report["rows"])
    assert report["refit"]["features_computed"] == 0 and report["refit"]["head_seconds"] >= 0


def test_health_findings_scale_smoke(tmp_path: Path) -> None:
    report = run("health_findings", tmp_path, "--scale", "300")
    assert report["images"] >= 300 and report["false_findings"] == 0
    assert report["first_scan"]["progress_calls"]["reading images"] > 0
    assert report["rescan"]["progress_calls"] == {}  # nothing read or compared again


def test_large_folder_smoke(tmp_path: Path) -> None:
    report = run("large_folder", tmp_path, "--smoke", "--folder", str(tmp_path / "images"))
    row = report["rows"][0]
    assert row["bare_walk"]["files"] >= row["images"] == row["walk"]["images"] == 60
    assert row["health_cold"]["findings"] == 0  # distinct by construction: any copy found is a false finding
    assert row["walk"]["peak_rss_mb"] > 0
    assert row["walk_train"]["cpu_seconds"] > 0 and row["walk_train_cpu_vs_bare"] > 0


def test_health_lock_smoke(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for i in range(12):
        folder = tmp_path / "images" / f"c{i % 2}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (16, 16, 3), np.uint8)).save(folder / f"{i}.png")
    report = run("health_lock", tmp_path, "--folder", str(tmp_path / "images"), "--cache", str(tmp_path / "c"))
    assert report["images"] == 12 and report["candidate_cache_bytes"] > 0
    assert {"candidates, read", "hash cache read", "descriptor array"} <= set(report["steps"])


def test_serve_smoke(tmp_path: Path) -> None:
    report = run("serve", tmp_path, "--smoke")
    assert report["predict_one_file_ms"] > 0
    assert {r["max_batch"] for r in report["rows"]} == {1, 32}
    for r in report["rows"]:
        assert r["one_client"]["requests"] > 0 and r["many_clients"]["p99_ms"] >= r["many_clients"]["p50_ms"] > 0
        assert r["images_per_model_call"] >= 1


def test_journal_replay_smoke(tmp_path: Path) -> None:
    report = run("journal_replay", tmp_path, "--smoke")
    assert [r["steps"] for r in report["rows"]] == [50, 100] and all(r["open_s"] >= 0 for r in report["rows"])


def test_kept_results_smoke(tmp_path: Path) -> None:
    report = run("kept_results", tmp_path, "--images", "60", "--classes", "3")
    assert report["images"] == 60 and report["file_mb"] > 0 and report["read_back_s"] >= 0
