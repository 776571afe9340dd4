"""The Data page's decisions, without a window: which check result belongs to the dataset shown, how far the
check is, what needs attention, what the class table and the grid list."""

from __future__ import annotations

from desktop_cls.core.data.dataset import DatasetIndex, Problem, Sample
from desktop_cls.gui.pages.data.data_model import CheckResult, CheckStatus, DataPageModel


def index(root: str, per_class: tuple[int, ...] = (3, 1), problems: tuple[Problem, ...] = ()) -> DatasetIndex:
    classes = tuple(f"c{i}" for i in range(len(per_class)))
    samples = tuple(Sample(f"{root}/c{c}/{i}.png", c, "train") for c, n in enumerate(per_class) for i in range(n))
    return DatasetIndex(root=root, layout="class_folders", classes=classes, samples=samples, problems=problems)


def finding(path: str, kind: str = "duplicate") -> Problem:
    return Problem(path, kind, "found by the check")


def test_a_result_for_the_dataset_shown_is_taken() -> None:
    model = DataPageModel()
    a = index("/a")
    tag = model.show(a)
    assert model.checking and model.problems_index is a
    assert model.accept(CheckResult(tag, a.without([], [finding("/a/c0/0.png")])))
    assert model.status is CheckStatus.DONE and [p.kind for p in model.problems] == ["duplicate"]


def test_a_late_result_for_a_folder_shown_before_is_dropped() -> None:
    model = DataPageModel()
    a, b = index("/a"), index("/b")
    tag_a = model.show(a)
    model.show(b)
    assert not model.progressed(tag_a, 5, 10, "comparing")
    assert not model.accept(CheckResult(tag_a, a.without([], [finding("/a/c0/0.png")])))
    assert not model.ended(tag_a, CheckStatus.FAILED, "late")
    assert model.checking and model.index is b and model.problems == () and model.percent == 0


def test_the_same_folder_read_again_is_another_dataset() -> None:
    """A rescan: the first read's check (its files may have changed since) does not describe the second."""
    model = DataPageModel()
    first = index("/a")
    tag_1 = model.show(first)
    model.superseded()  # Rescan pressed: the first read's check stops counting at once
    assert not model.ended(tag_1, CheckStatus.STOPPED)
    tag_2 = model.show(index("/a"))
    assert tag_1 != tag_2 and tag_1.root == tag_2.root
    assert not model.accept(CheckResult(tag_1, first.without([], [finding("/a/c0/0.png")])))


def test_nothing_counts_while_another_folder_is_read() -> None:
    model = DataPageModel()
    tag = model.show(index("/a"))
    model.forget()
    assert not model.accept(CheckResult(tag, index("/a")))
    assert model.status is CheckStatus.IDLE and model.index is None and model.thumbnails(None) == []


def test_progress_in_percent_and_a_stopped_check() -> None:
    model = DataPageModel()
    tag = model.show(index("/a"))
    assert model.progressed(tag, 43, 100, "comparing images")
    assert model.percent == 43 and model.stage == "comparing images"
    assert model.ended(tag, CheckStatus.STOPPED)
    assert not model.checking and not model.progressed(tag, 50, 100, "")  # nothing after it ended
    assert model.index is not None and not model.is_current(model.index)  # shown again: checked again


def test_attention_follows_what_changes_training() -> None:
    model = DataPageModel()
    tag = model.show(index("/a"))
    assert not model.needs_attention()
    model.accept(CheckResult(tag, index("/a", problems=(finding("/a/c0/0.png"),))))
    assert not model.needs_attention()  # a duplicate is worth a look; it does not change what training reads
    tag = model.show(index("/a", problems=(finding("/a/c0/x.png", "corrupt"),)))  # the walk's own finding
    assert model.needs_attention()


def test_class_rows_flag_small_classes_and_the_grid_filters_by_class() -> None:
    model = DataPageModel()
    model.show(index("/a", per_class=(4, 1)))
    rows = model.class_rows()
    assert [(r.name, r.images, r.few) for r in rows] == [("c0", 4, False), ("c1", 1, True)]
    assert rows[0].share == 0.8
    assert model.imbalance() == 4.0
    assert list(model.thumbnails("c1")) == [("/a/c1/0.png", "c1")]
    assert len(model.thumbnails(None)) == 5 and list(model.thumbnails("nope")) == []
