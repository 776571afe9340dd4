"""What the command line says to a Chinese user beyond its help: finding kinds, lists, JSON errors, the
"unknown" label, the server's refusals and lr-find's options, all in Chinese words and punctuation, while
JSON and CSV keep their machine values."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import numpy as np
import pytest

from desktop_cls.cli import main, start
from desktop_cls.core import i18n
from tests.cli.test_cli_chinese_terminal import run_cli
from tests.conftest import write_image

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("COLUMNS", "100")
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def _folder_with_a_bad_file(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for name in ("cat", "dog"):
        for i in range(3):
            write_image(root / name / f"{i}.png", rng.integers(0, 255, (20, 20, 3), dtype=np.uint8))
    (root / "cat" / "notes.png").write_bytes(b"not an image at all")
    return root


def test_scan_names_finding_kinds_in_chinese(chinese: None, capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    """scan printed "[not_image] /d/cat/notes.png: 不是图像文件…": the raw kind and an ASCII ": " in Chinese."""
    data = _folder_with_a_bad_file(tmp_path / "d")
    code, out, _ = run_cli(capsys, "scan", str(data))
    line = next(line for line in out.splitlines() if "notes.png" in line)
    assert code == 0 and line.startswith("  【不是图像】") and "notes.png：" in line, line
    assert "not_image" not in out and "notes.png: " not in out
    code, out, _ = run_cli(capsys, "scan", str(data), "--json")
    assert [p["kind"] for p in json.loads(out)["problems"]] == ["not_image"]  # the machine value stays


def test_fail_on_lists_and_counts_in_chinese(chinese: None, capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    """--fail-on joined kinds with ", " and counted findings as "1 not_image"."""
    data = _folder_with_a_bad_file(tmp_path / "d")
    code, _, err = run_cli(capsys, "scan", str(data), "--fail-on", "nope,zilch")
    assert code == 2 and "nope、zilch" in err and "any、corrupt、not_image" in err and ", " not in err
    code, _, err = run_cli(capsys, "scan", str(data), "--fail-on", "not_image,corrupt")
    assert code == 1 and "不是图像 1 个" in err and "not_image" not in err


def test_lists_join_as_the_language_joins_them() -> None:
    assert i18n.join_list(["a", "b", "c"]) == "a, b, c" and i18n.join_list(["a"]) == "a" and i18n.join_list([]) == ""
    i18n.set_language("zh_CN")
    try:
        assert i18n.join_list(["猫", "狗", "鱼"]) == "猫、狗、鱼"
        from desktop_cls.core.training.config import TrainConfig
        from desktop_cls.core.training.options import options

        optimizer = next(o for o in options(TrainConfig) if o.key == "optimizer")
        assert "sgd、adam、adamw" in str(optimizer.problem("rmsprop"))
    finally:
        i18n.set_language("en")


def _catalogue_texts() -> list[str]:
    po = (ROOT / "resources/locale/zh_CN/LC_MESSAGES/desktop_cls.po").read_text(encoding="utf-8")
    ts = (ROOT / "resources/i18n/desktop_cls_zh_CN.ts").read_text(encoding="utf-8")
    web = (ROOT / "resources/web/app.js").read_text(encoding="utf-8")
    return [po, ts, web]


def test_one_word_for_image_in_every_chinese_catalogue() -> None:
    """The catalogues said both 图像 and 图片 for "image"; the glossary's word is 图像."""
    for text in _catalogue_texts():
        assert "图片" not in text and "图像" in text


def test_one_word_for_image_in_the_english_texts() -> None:
    """The window and the engine said "pictures" and "images" for the same thing; the glossary's word is image."""
    import re
    from xml.etree import ElementTree

    from babel.messages.pofile import read_po

    with (ROOT / "resources/locale/desktop_cls.pot").open("rb") as f:
        engine = [" ".join(m.id) if isinstance(m.id, (tuple, list)) else str(m.id) for m in read_po(f) if m.id]
    window = [s.text or "" for s in ElementTree.parse(ROOT / "resources/i18n/desktop_cls_zh_CN.ts").iter("source")]
    said = [t for t in engine + window if re.search(r"\bpictures?\b", t, re.IGNORECASE)]
    assert len(engine) > 500 and len(window) > 500 and not said, said


def test_a_malformed_json_file_is_explained_in_chinese_with_its_place(chinese: None,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    """The message wrapped json's English "Expecting value: line 1 column 1 (char 0)"."""
    config = tmp_path / "options.json"
    config.write_text('{"epochs": 3,\n  "lr": }', encoding="utf-8")
    code, _, err = run_cli(capsys, "train", str(tmp_path), "--config", str(config))
    assert code == 2 and "不是有效的 JSON：第 2 行第 9 列处缺少值或值拼写有误" in err, err
    assert not re.search("[A-Za-z]{4,}", err.split("JSON")[-1])  # no English words after the file's name
    config.write_bytes(b'{"epochs": "\xff"}')
    code, _, err = run_cli(capsys, "train", str(tmp_path), "--config", str(config))
    assert code == 2 and "不是 UTF-8 文本" in err


def _call(app: Any, method: str, path: str) -> httpx.Response:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            return await c.request(method, path)

    return asyncio.run(send())


def test_serve_answers_unknown_paths_and_methods_in_its_error_shape(chinese: None) -> None:
    """An unknown path got Starlette's {"detail": "Not Found"}, unlike every other error of the server."""
    from desktop_cls.core.serving.app import ServeSettings, create_app

    model = SimpleNamespace(probabilities=lambda images: np.zeros((len(images), 2)), id="m", classes=("a", "b"))
    app = create_app(model, ServeSettings())  # type: ignore[arg-type]
    missing = _call(app, "GET", "/nowhere")
    assert missing.status_code == 404 and "detail" not in missing.json()
    error = missing.json()["error"]
    error = missing.json()["error"]
    assert error["code"] == "not_found" and "/nowhere 处没有任何接口" in error["message"]
    wrong = _call(app, "GET", "/predict")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    assert "不接受 GET 请求" in wrong.json()["error"]["message"] and "POST" in wrong.headers["allow"]
    out_of_range = _call(app, "POST", "/predict?top_k=0")
    assert out_of_range.status_code == 422 and out_of_range.json()["error"]["code"] == "invalid_parameter"
    assert "top_k=0" in out_of_range.json()["error"]["message"]


def test_unknown_is_said_in_chinese_but_written_as_the_machine_value(chinese: None, tmp_path: Path) -> None:
    from desktop_cls.cli.predict import _prediction_line, _segment_label
    from desktop_cls.core.inference.prediction_csv import write_predictions_csv
    from desktop_cls.core.inference.predictor import UNKNOWN, Prediction

    below = Prediction("/d/a.png", UNKNOWN, 0.55, (("cat", 0.55), ("dog", 0.45)))
    line = _prediction_line(below, threshold=0.9)
    assert line == "/d/a.png：未知（55.0%）  （其次：dog 45%）", line
    # a class that is really called "unknown" is its name, not the word
    named = Prediction("/d/b.png", "unknown", 0.95, (("unknown", 0.95), ("dog", 0.05)))
    assert _prediction_line(named, threshold=0.9).startswith("/d/b.png：unknown（")
    assert _segment_label("unknown", ("cat", "dog")) == "未知" and _segment_label("unknown", ("unknown",)) == "unknown"
    csv_file = tmp_path / "p.csv"
    write_predictions_csv(csv_file, [below])
    assert "unknown" in csv_file.read_text(encoding="utf-8-sig") and "未知" not in csv_file.read_text("utf-8-sig")


def test_lr_find_offers_only_the_options_it_uses(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """lr-find --help listed --epochs, --schedule, --calibrate, --lr…: options a range test never reads."""
    _, out, _ = run_cli(capsys, "lr-find", "--help")
    for unused in ("--epochs", "--schedule", "--warmup-epochs", "--early-stopping-patience", "--calibrate",
                   "--class-weighting", "--compile", "--cache", "--num-workers", "--freeze-epochs", "--lr "):
        assert unused not in out, unused
    for used in ("--model", "--batch-size", "--optimizer", "--weight-decay", "--val-split", "--hflip", "--weights"):
        assert used in out, used
    code, _, err = run_cli(capsys, "lr-find", str(tmp_path), "--epochs", "3")
    assert code == 2 and "--epochs" in err


def test_version_help_is_translated(chinese: None, capsys: pytest.CaptureFixture[str]) -> None:
    """argparse 3.11 gives --version its help in English without looking it up."""
    _, out, _ = run_cli(capsys, "--help")
    assert "显示程序的版本号并退出" in out and "show program" not in out


def test_output_piped_into_head_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """BrokenPipeError is an OSError: the OSError branch caught it first and raised it, a traceback under head."""
    def piped(_args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(start, "cmd_gui", piped)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main([]) == 0


def test_argparse_choices_are_listed_as_chinese_lists(chinese: None, capsys: pytest.CaptureFixture[str]) -> None:
    """argparse joined the choices of an invalid value with ", "."""
    code, _, err = run_cli(capsys, "train", "--optimizer", "rmsprop")
    assert code == 2 and "'sgd'、'adam'、'adamw'" in err and "', '" not in err


def test_runs_joins_its_two_sentences_as_chinese_does(chinese: None, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An interrupted run's note put an ASCII space after "。"."""
    from desktop_cls.cli import runs

    row = {"run": str(tmp_path / "r"), "status": "interrupted", "stopped_by": None, "model": "quicknet",
           "dataset": None, "quick": False, "epochs_done": 0, "epochs": 5, "best_val_accuracy": None, "resume": None}
    monkeypatch.setattr(runs, "run_rows", lambda base: [row])
    code, out, _ = run_cli(capsys, "runs", "--dir", str(tmp_path))
    note = out.splitlines()[1].strip()
    assert code == 0 and "。" in note and "。 " not in note, note


def test_an_opening_bracket_never_ends_a_help_line() -> None:
    """train --help ended a line with "（" and began the next with "几秒）"."""
    from desktop_cls.cli.terminal_text import wrap

    assert wrap("一二三四（五六）", 10) == ["一二三四", "（五六）"]
    assert wrap("一二三四，五六", 8) == ["一二三", "四，五六"]  # a closing mark still takes its character along


def test_every_finding_kind_has_a_chinese_name(chinese: None) -> None:
    """One list of names in core serves the CLI and the Data page; none may be left in English."""
    from desktop_cls.core.data.health import PROBLEM_KINDS
    from desktop_cls.core.data.problems import problem_name

    names = [problem_name(kind) for kind in PROBLEM_KINDS]
    assert all(not re.search("[A-Za-z]", name) for name in names), names
    assert len(set(names)) == len(names)
