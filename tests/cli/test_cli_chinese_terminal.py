"""The command line in Chinese on a terminal: argparse's own texts are translated too, and help, usage and
tables are laid out by terminal columns (a Chinese character takes two)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_cls.cli import main
from desktop_cls.cli.terminal_text import pad, width, wrap
from desktop_cls.core import i18n


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("COLUMNS", "80")
    yield
    i18n.set_language("en")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as e:  # argparse's own exits: --help, a usage error
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_argparse_errors_are_in_chinese(chinese: None, capsys: pytest.CaptureFixture[str]) -> None:
    """A usage error printed English "usage:" and "error: the following arguments are required" to a Chinese user."""
    code, _, err = run_cli(capsys, "scan")
    assert code == 2
    assert err.startswith("用法：desktop-cls scan") and "desktop-cls scan：错误：缺少以下必需参数：dir" in err
    assert "usage" not in err and "error" not in err
    code, _, err = run_cli(capsys, "train", "--device", "tpu")
    assert code == 2 and "参数 --device：无效的选择：'tpu'" in err and "invalid choice" not in err


def test_help_is_chinese_and_fits_the_terminal(chinese: None, capsys: pytest.CaptureFixture[str]) -> None:
    """argparse wrapped by characters, so a Chinese help line took up to twice the terminal's 80 columns."""
    code, out, _ = run_cli(capsys, "train", "--help")
    assert code == 0
    assert "显示此帮助信息并退出" in out and "\n位置参数：\n" in out and "\n训练选项：\n" in out
    for word in ("usage:", "options:", "show this help"):
        assert word not in out
    assert max(width(line) for line in out.splitlines()) <= 80


def test_usage_lines_up_under_a_chinese_prefix(chinese: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "export", "--help")
    first, second = out.splitlines()[:2]
    assert first.startswith("用法：desktop-cls export [")
    indent = len(second) - len(second.lstrip(" "))
    assert indent == width("用法：desktop-cls export ")


def test_english_help_stays_english(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _ = run_cli(capsys, "scan", "--help")
    assert code == 0 and out.startswith("usage: desktop-cls scan") and "show this help message and exit" in out


def test_wrap_counts_columns_and_keeps_closing_marks_on_their_line() -> None:
    text = "图像会缩放为这个尺寸的正方形。越大保留的细节越多，耗时也越多；默认跟随你的图像 [在 8 和 1024 之间]"
    lines = wrap(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(width(line) <= 20 for line in lines)
    assert not any(line[0] in "，。；）" for line in lines)
    assert wrap("one two three", 7) == ["one two", "three"]


def test_pad_counts_wide_characters_twice() -> None:
    assert pad("数字0", 8) == "数字0   " and width(pad("数字0", 8)) == 8
    assert pad("12", 5, right=True) == "   12"


def test_tables_line_up_with_chinese_class_names(chinese: None, capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    """Names were padded by characters, so a row named 数字0 stood three columns right of the others."""
    from desktop_cls.cli.evaluate import _print_scores
    from tests.conftest import make_tiny_folder

    folder = make_tiny_folder(tmp_path / "data", classes=("数字零", "cat"), per_class=3)
    code, out, _ = run_cli(capsys, "scan", str(folder), "--quick")
    rows = [line for line in out.splitlines() if line.startswith("  ") and "#" in line]
    assert code == 0 and len(rows) == 2
    assert len({width(line.split("#")[0]) for line in rows}) == 1

    i18n.set_language()
    scores = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3}
    _print_scores({"per_class": {"数字零": scores, "cat": scores}, "averages": {"macro": scores, "weighted": scores}})
    lines = capsys.readouterr().out.splitlines()
    assert len({width(line) for line in lines}) == 1, lines  # every column ends where its header does
    assert lines[-2].startswith("宏平均") and lines[-1].startswith("加权平均")


@pytest.mark.parametrize("args", [
    ("predict", "run", "a.png", "--threshold", "5"), ("predict", "run", "a.png", "--threshold", "nan"),
    ("predict", "run", "a.png", "--top-k", "0"), ("predict", "run", "a.png", "--every", "0"),
    ("eval", "run", "dir", "--top-k", "-3"), ("serve", "run", "--port", "99999"), ("serve", "run", "--max-batch", "0"),
    ("serve", "run", "--timeout", "-1"), ("lr-find", "dir", "--steps", "0"),
])
def test_numbers_out_of_range_are_usage_errors_that_say_the_range(chinese: None, capsys: pytest.CaptureFixture[str],
                                                                  args: tuple[str, ...]) -> None:
    """--threshold 5 quietly labeled every image 'unknown'; --port 99999 failed late with an OverflowError and a
    wrong guess that the port was taken."""
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and out == ""
    assert f"参数 {args[-2]}：必须在 " in err and f"而不是 {args[-1]}" in err, err


def test_numbers_in_range_pass(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_cls.cli.parser import build_parser

    args = build_parser().parse_args(["predict", "run", "a.png", "--threshold", "1.0", "--top-k", "2"])
    assert args.threshold == 1.0 and args.top_k == 2
    assert build_parser().parse_args(["serve", "run", "--port", "0"]).port == 0


def test_chinese_errors_read_as_chinese_sentences(chinese: None, capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    """Before: "轮次 (epochs)必须…", "…子文件夹。 它里面…", "训练配置 不是有效的 JSON", "[Errno 2] No such file…"."""
    from tests.conftest import make_tiny_folder

    data = make_tiny_folder(tmp_path / "data", per_class=2)
    code, _, err = run_cli(capsys, "train", str(data), "--epochs", "0")
    assert code == 2 and "轮次（epochs）必须在 1 和 10000 之间，而不是 0" in err
    missing = tmp_path / "missing.json"
    code, _, err = run_cli(capsys, "train", str(data), "--config", str(missing))
    assert code == 2 and f"{missing} 不存在" in err and "Errno" not in err
    broken = tmp_path / "broken.json"
    broken.write_text("{bad", encoding="utf-8")
    code, _, err = run_cli(capsys, "train", str(data), "--config", str(broken))
    assert code == 2 and f"错误：{broken} 不是有效的 JSON" in err and "训练配置" not in err
    code, _, err = run_cli(capsys, "train", str(data / "cat"))
    assert code == 2 and "子文件夹。它里面直接放着图像" in err


def test_the_export_measurement_sentence_reads_after_a_note(chinese: None) -> None:
    """"在…的 80 张图像（…）；int8 在另一半上校准上：" put 上 after the note."""
    i18n.set_language()
    sentence = i18n._("on {images}: top-1 agreement with the trained model {agreement:.1%}, accuracy {accuracy:.1%} "
                      "(trained model {reference:.1%})")
    said = sentence.format(images="80 张图像；int8 在另一半上校准", agreement=1, accuracy=1, reference=1)
    assert "校准上" not in said and said.startswith("衡量所用图像：80 张图像")


def test_one_chinese_word_for_backbone() -> None:
    """Two words for one thing ("预训练主干网络…；EfficientNet-Lite0：…最佳骨干网络" in one line of train's plan)."""
    from desktop_cls.core.i18n import locale_dir

    po = (locale_dir() / "zh_CN" / "LC_MESSAGES" / "desktop_cls.po").read_text(encoding="utf-8")
    assert "主干网络" in po and "骨干网络" not in po
