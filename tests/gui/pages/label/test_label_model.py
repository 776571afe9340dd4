"""The Label page's decisions, without a window: which suggestions apply, which model they come from, and that
a model of another dataset's classes never labels this one."""

from __future__ import annotations

from collections.abc import Iterator

from desktop_cls.core.data.labeling_journal import Move, Operation
from desktop_cls.gui.pages.label.label_model import LabelModel, Source, SuggestionResult

LETTERS = ["A", "B", "C", "D", "E"]


def model_with(names: list[str], classes: list[str] = LETTERS) -> LabelModel:
    m = LabelModel()
    m.show(names, classes)
    return m


def test_the_source_is_the_live_model_or_a_run_of_these_classes() -> None:
    assert LabelModel.source_for(None, "/runs/r1", live=False, refusal=None) is None  # no dataset open
    assert LabelModel.source_for("/ds", "/runs/r1", live=False, refusal=None) == Source("/ds", "/runs/r1")
    assert LabelModel.source_for("/ds", "/runs/r1", live=True, refusal=None) == Source("/ds", None)
    assert LabelModel.source_for("/ds", None, live=False, refusal=None) is None  # no model chosen
    # the chosen run was trained on other classes: nothing suggests (the live model still may)
    assert LabelModel.source_for("/ds", "/runs/fonts", live=False, refusal="trained on /fonts") is None
    assert LabelModel.source_for("/ds", "/runs/fonts", live=True, refusal="trained on /fonts") == Source("/ds", None)


def test_a_model_that_knows_other_classes_is_refused_even_without_a_run_record() -> None:
    m = model_with(["a.png", "b.png"])
    source = Source("/ds", "/models/letters_j.onnx")
    result = SuggestionResult({"a.png": ("J", 0.99), "b.png": ("A", 0.95)}, ("A", "J"))
    assert m.take(result, source, now=source) == "foreign"
    assert m.suggestions == {} and m.plan(0.5) == {}  # "Accept above 90 %" has nothing to accept


def test_suggestions_of_another_dataset_or_run_are_dropped() -> None:
    m = model_with(["a.png"])
    result = SuggestionResult({"a.png": ("A", 0.9)}, ("A", "B"))
    assert m.take(result, Source("/old", "/runs/r1"), now=Source("/ds", "/runs/r1")) == "stale"
    assert m.take(result, Source("/ds", "/runs/r1"), now=Source("/ds", "/runs/r2")) == "stale"
    assert m.suggestions == {}
    assert m.take(result, Source("/ds", "/runs/r1"), now=Source("/ds", "/runs/r1")) == "taken"
    assert not m.stale(Source("/ds", "/runs/r1"))
    assert m.stale(Source("/ds", "/runs/r2")) and m.stale(None)  # another run chosen, or nothing to use


def test_the_plan_takes_sure_suggestions_of_this_datasets_classes_by_class() -> None:
    names = [f"img_{i}.png" for i in range(6)]
    m = model_with(names)
    found = {"img_0.png": ("A", 0.95), "img_1.png": ("B", 0.91), "img_2.png": ("A", 0.89),
             "img_3.png": ("Z", 0.99), "img_4.png": ("A", 0.90), "gone.png": ("A", 0.99)}  # gone: labeled meanwhile
    source = Source("/ds", None)
    assert m.take(SuggestionResult(found, tuple(LETTERS)), source, now=source) == "taken"
    assert m.plan(0.90) == {"A": ["img_0.png", "img_4.png"], "B": ["img_1.png"]}
    assert m.plan(0.5)["A"] == ["img_0.png", "img_2.png", "img_4.png"]
    assert not m.applies("img_3.png") and m.suggestion("img_3.png") == ("Z", 0.99)  # said, never applied
    assert m.applies("img_0.png") and not m.applies(None)


def test_the_queue_puts_the_least_sure_first_and_keeps_its_place() -> None:
    m = LabelModel()  # suggestions that arrive before an image is on screen order the whole queue
    source = Source("/ds", None)
    m.take(SuggestionResult({"a.png": ("A", 0.9), "b.png": ("B", 0.4), "c.png": ("C", 0.7)}, tuple(LETTERS)),
           source, now=source)
    m.show(["a.png", "b.png", "c.png", "d.png"], LETTERS)
    assert m.queue == ["d.png", "b.png", "c.png", "a.png"]  # no suggestion counts as 0 % sure
    assert m.caption("b.png") == "B 40%" and m.caption("d.png") == "d.png"
    assert m.go_to(10) and m.current() == "a.png"
    m.show(["d.png", "b.png"], LETTERS)  # two were labeled: the place is kept inside the queue
    assert m.current() == "b.png"
    assert m.go_to(-3) and m.current() == "d.png"
    m.clear()
    assert m.current() is None and not m.go_to(0) and m.suggestions == {} and m.source is None


def step(kind: str, *moves: tuple[str | None, str | None], target: int | None = None) -> Operation:
    return Operation(9, kind, tuple(Move(*m) for m in moves), "", target)


def test_a_step_that_only_moves_images_is_followed_without_reading_the_folder() -> None:
    ops = {1: step("assign", ("a.png", "cat/a.png")), 2: step("create_class", (None, "bird"))}
    assert LabelModel.changes(step("assign", ("a.png", "cat/a.png"), ("dog/c.png", "cat/c.png")), ops) == (
        {"a.png"}, [])
    assert LabelModel.changes(step("trash", ("b.png", ".desktop_cls/trash/3/b.png")), ops) == ({"b.png"}, [])
    assert LabelModel.changes(step("undo", ("cat/a.png", "a.png"), target=1), ops) == (set(), ["a.png"])
    assert LabelModel.changes(step("assign", (None, "bird"), ("a.png", "bird/a.png")), ops) is None  # a new class
    assert LabelModel.changes(step("delete_class", ("cat", ".desktop_cls/trash/3/cat")), ops) is None  # a folder
    assert LabelModel.changes(step("undo", ("bird", None), target=2), ops) is None
    assert LabelModel.changes(None, ops) is None  # not a step (the trash emptied)
    m = model_with(["a.png", "c.png"])
    assert m.listing({"c.png"}, ["b.png"]) == (["a.png", "b.png"], LETTERS)  # in the folder's order
    assert m.holds(["c.png", "a.png"], LETTERS) and not m.holds(["a.png"], LETTERS)
    m = model_with(["a.png", "b.png", "c.png", "d.png"])
    m.go_to(1)
    m.drop({"b.png"})
    assert m.queue == ["a.png", "c.png", "d.png"] and m.current() == "c.png"  # the next one takes its place
    m.go_to(2)
    m.drop({"d.png"})
    assert m.current() == "c.png"


def test_arriving_suggestions_never_change_the_image_on_screen() -> None:
    """The live model refits after each key and its suggestions arrive a few seconds later: they used to reorder
    the queue and show its first image, so a key pressed just then labeled an image the user had not seen."""
    m = model_with(["a.png", "b.png", "c.png", "d.png"])
    source = Source("/ds", None)
    assert m.current() == "a.png"
    m.take(SuggestionResult({"a.png": ("A", 0.9), "b.png": ("B", 0.4), "c.png": ("C", 0.7)}, tuple(LETTERS)),
           source, now=source)
    m.show(list(m.queue), LETTERS)  # what the page does with them
    assert m.current() == "a.png" and m.position == 0
    assert m.queue == ["a.png", "d.png", "b.png", "c.png"]  # the others: least sure first
    m.go_to(2)  # (a.png, left, goes to its place in the order: b.png is second now)
    assert m.current() == "b.png" and m.position == 1
    m.take(SuggestionResult({"b.png": ("B", 0.99), "c.png": ("C", 0.1)}, tuple(LETTERS)), source, now=source)
    m.show(list(m.queue), LETTERS)
    assert m.current() == "b.png" and m.queue.index("b.png") == 1  # the strip does not move under it either
    m.forget_suggestions()
    m.show(["0.png", "a.png", "b.png", "c.png", "d.png"], LETTERS)  # the folder's order: followed where it went
    assert m.current() == "b.png"


def test_the_image_on_screen_leaves_the_queue_by_its_place() -> None:
    """A key press labels the image on screen: with 20,000 loose images a pass over the queue at each key was
    the UI thread's; the image leaves by its position, and images taken from elsewhere still leave."""

    class Counted(list[str]):
        passes = 0

        def __iter__(self) -> Iterator[str]:
            Counted.passes += 1
            return super().__iter__()

    m = model_with([])
    m.queue = Counted(f"{i:05d}.png" for i in range(20_000))
    m.go_to(700)
    m.drop({"00700.png"})
    assert Counted.passes == 0 and m.current() == "00701.png" and len(m.queue) == 19_999
    m.drop({"00701.png", "09000.png"})  # a step that took more (a drop of several files): a pass is fine
    assert m.current() == "00702.png" and "09000.png" not in m.queue


def test_the_image_kept_out_of_order_goes_to_its_place_once_left() -> None:
    """Suggestions sort the queue least sure first, but the image on screen keeps its place (a key pressed as they
    arrive labels what was seen): it is the one image out of the order, and only until the user moves on."""
    m = model_with(["a.png", "b.png", "c.png", "d.png"])
    source = Source("/ds", None)
    m.take(SuggestionResult({"a.png": ("A", 0.99), "b.png": ("B", 0.4), "c.png": ("C", 0.7), "d.png": ("D", 0.5)},
                            tuple(LETTERS)), source, now=source)
    m.show(list(m.queue), LETTERS)
    assert m.queue == ["a.png", "b.png", "d.png", "c.png"] and m.current() == "a.png" and m.out_of_order()
    assert m.go_to(0) and m.out_of_order()  # still on it
    assert m.go_to(1) and m.current() == "b.png"  # Skip: the next image as the strip showed it
    assert m.queue == ["b.png", "d.png", "c.png", "a.png"] and m.position == 0 and not m.out_of_order()
    assert m.go_to(3) and m.current() == "a.png" and not m.out_of_order()  # in its place now
    m.forget_suggestions()
    assert not m.out_of_order()


def test_images_leaving_elsewhere_keep_the_image_on_screen_and_an_undo_shows_where_it_acted() -> None:
    m = model_with(["a.png", "b.png", "c.png", "d.png", "e.png"])
    m.go_to(3)
    m.drop({"a.png"})  # an image before the one on screen left: the screen did move on by one
    assert m.current() == "d.png"
    m.drop({"b.png", "d.png"})  # it left too: the one after it
    assert m.current() == "e.png"
    m = model_with(["a.png", "b.png", "c.png", "d.png", "e.png"])
    m.go_to(4)
    m.drop({"b.png", "c.png"}, to_step=True)  # a redo that took them: shown is where they were
    assert m.current() == "d.png"
    assert m.first_of(["e.png", "c.png"]) == m.queue.index("e.png") and m.first_of(["z.png"]) == m.position


def test_an_undo_names_the_images_it_brings_back_and_the_next_listing_shows_the_first() -> None:
    label = step("assign", (None, "cat"), ("b.png", "cat/b.png"), ("d.png", "cat/d.png"))
    assert LabelModel.brought_back(label, undo=True) == ["b.png", "d.png"]
    assert LabelModel.brought_back(label, undo=False) == []  # a redo of a label takes them away again
    imported = step("import", (".desktop_cls/trash/4/x.png", "x.png"))
    assert LabelModel.brought_back(imported, undo=False) == ["x.png"] and not LabelModel.brought_back(imported, True)
    m = model_with(["a.png", "c.png", "e.png"])
    m.go_to(2)
    m.wanted = ["d.png", "b.png"]
    m.show(["a.png", "b.png", "c.png", "d.png", "e.png"], LETTERS)  # (a background undo's listing)
    assert m.current() == "b.png" and m.wanted == []
    m.show(["a.png", "b.png", "c.png", "d.png", "e.png"], LETTERS)  # the next listing keeps the image shown
    assert m.current() == "b.png"


def test_images_whose_step_waits_stay_off_a_listing_and_a_failed_one_comes_back_on_screen() -> None:
    m = model_with(["a.png", "b.png", "c.png", "d.png"])
    m.leaving.add("a.png")  # its class key was pressed; the worker has not filed it yet
    m.drop({"a.png"})
    m.show(["a.png", "b.png", "c.png", "d.png"], LETTERS)  # a listing made before the move: a.png is still there
    assert m.queue == ["b.png", "c.png", "d.png"] and m.current() == "b.png"
    m.leaving.discard("a.png")  # its move failed: it still lies loose
    m.go_to(2)
    m.restore(["a.png"])
    assert m.current() == "a.png" and m.queue == ["b.png", "c.png", "a.png", "d.png"]


def test_a_confidence_the_check_lowered_reads_as_at_least_never_as_the_models_own() -> None:
    """The check caps a suggestion at what the labeled images support (90 % from 8 right of 8): shown as "≥ 90%"
    (the model said more and was right at least that often there), never as a plain "90%"; never rounded up."""
    m = model_with(["a.png", "b.png", "c.png"])
    source = Source("/ds", None)
    result = SuggestionResult({"a.png": ("A", 0.9), "b.png": ("B", 0.62), "c.png": ("C", 0.8996)}, tuple(LETTERS),
                              lowered=frozenset({"a.png", "c.png"}))
    assert m.take(result, source, now=source) == "taken"
    assert m.caption("a.png") == "A ≥ 90%" and m.caption("c.png") == "C ≥ 89%"
    assert m.caption("b.png") == "B 62%" and m.sure("b.png") == "62%"
    m.forget_suggestions()
    assert m.caption("a.png") == "a.png" and m.sure("a.png") == ""
