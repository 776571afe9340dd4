"""`train` and the quick method: a flag it never reads (--epochs, --warmup-epochs, --lr, ...) is said to be unused,
with the methods that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_cls.cli import build_parser
from desktop_cls.cli.progress import Progress
from desktop_cls.core.data.dataset import scan
from desktop_cls.core.training.methods import QUICK_READS, QUICK_UNUSED
from tests.conftest import make_tiny_folder


@pytest.fixture(scope="module")
def few(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 images per class: the automatic method is the quick one."""
    return make_tiny_folder(tmp_path_factory.mktemp("few") / "data", per_class=8, size=32)


def said(capsys: pytest.CaptureFixture[str], folder: Path, *flags: str) -> tuple[str, str]:
    """What `train FOLDER FLAGS` says about its plan (the run itself is not started), and the method planned."""
    from desktop_cls.cli.train_options import plan_from_args, say_unused_by_quick, train_config

    args = build_parser().parse_args(["train", str(folder), *flags])
    plan = plan_from_args(train_config(args), args, scan(folder, val_fraction=0.2, seed=0, verify="none"))
    say_unused_by_quick(plan, args, Progress())
    return capsys.readouterr().err, plan.config.method


def test_epochs_under_the_automatic_quick_method_are_said_unused_with_the_methods_that_use_them(
        capsys: pytest.CaptureFixture[str], few: Path) -> None:
    """`train FOLDER --epochs 30` trained a quick run in one step and said nothing of the 30 epochs."""
    err, method = said(capsys, few, "--epochs", "30")
    assert method == "quick"
    assert "--epochs 30 is not used: the automatic choice is the quick method" in err
    assert "--method fine-tune" in err and "--method scratch" in err and err.startswith("warning: ")


def test_every_epoch_like_flag_is_named_and_so_are_the_other_unused_ones(capsys: pytest.CaptureFixture[str],
                                                                        few: Path) -> None:
    err, _ = said(capsys, few, "--warmup-epochs", "2", "--early-stopping-patience", "3", "--step-size", "4",
                  "--freeze-epochs", "0", "--lr", "0.01", "--no-hflip", "--image-size", "64", "--seed", "3")
    assert ("--lr 0.01, --warmup-epochs 2.0, --step-size 4, --early-stopping-patience 3, --no-hflip, "
            "--freeze-epochs 0 are not used") in err  # in the order of --help
    assert "--image-size" not in err and "--seed" not in err  # the quick method reads those


def test_a_quick_method_asked_for_is_told_to_change_method(capsys: pytest.CaptureFixture[str], few: Path) -> None:
    err, _ = said(capsys, few, "--method", "quick", "--epochs", "5")
    assert "--epochs 5 is not used by the quick method" in err and "automatic" not in err


@pytest.mark.parametrize("flags", [("--epochs", "5", "--method", "fine-tune"), ("--epochs", "5", "--method", "scratch"),
                                   ("--image-size", "64",), ()])
def test_nothing_is_said_where_every_flag_is_used(capsys: pytest.CaptureFixture[str], few: Path,
                                                  flags: tuple[str, ...]) -> None:
    assert said(capsys, few, *flags)[0] == ""


def test_what_the_quick_method_reads_is_all_it_reads() -> None:
    """QUICK_UNUSED greys options out in the window and warns on the command line: an option the quick run does
    read must not be in it. Every `cfg.<option>` the quick module reads is in QUICK_READS."""
    import ast

    from desktop_cls.core.training import quick

    tree = ast.parse(Path(quick.__file__).read_text(encoding="utf-8"))
    read = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "cfg"}
    assert read - {"augmentation"} <= QUICK_READS  # augmentation: read only to turn it off (quick.as_run)
    assert "epochs" in QUICK_UNUSED and not QUICK_READS & QUICK_UNUSED
