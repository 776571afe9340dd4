"""The work held back for the Label page's key presses still being filed (gui.filing), without a window: it starts
in the order asked once the count falls to zero, a later request of the same kind replaces the one held, work that
queues steps of its own holds the rest back again, and a bug in one does not keep the others from starting."""

from __future__ import annotations

import pytest

from desktop_cls.gui.filing import Filing


def test_held_work_starts_in_the_order_asked_once_the_last_image_is_filed(qapp: object) -> None:
    filing, ran = Filing(), list[str]()
    assert not filing.hold(lambda: ran.append("now"))  # nothing waits: the caller goes on at once
    filing.set_count(2)
    assert filing.hold(lambda: ran.append("open A"), "opening A", "open")
    assert filing.hold(lambda: ran.append("import 1"), "importing images")
    assert filing.hold(lambda: ran.append("import 2"), "importing images")  # (no key: both kept)
    assert filing.hold(lambda: ran.append("open B"), "opening B", "open")  # replaces opening A
    assert filing.next_up() == "opening B" and filing.holds("open")
    filing.set_count(1)
    assert ran == []
    filing.set_count(0)
    assert ran == ["import 1", "import 2", "open B"] and not filing.holds("open")


def test_work_that_queues_steps_holds_the_rest_back_again(qapp: object) -> None:
    filing, ran = Filing(), list[str]()
    def first() -> None:
        ran.append("first")
        filing.set_count(3)  # it pressed keys of its own

    filing.set_count(1)
    filing.hold(first)
    filing.hold(lambda: ran.append("second"))
    filing.set_count(0)
    assert ran == ["first"]
    filing.set_count(0)
    assert ran == ["first", "second"]


def test_a_bug_in_one_held_work_does_not_stop_the_others(qapp: object, caplog: pytest.LogCaptureFixture) -> None:
    filing, ran = Filing(), list[str]()

    def broken() -> None:
        raise KeyError("oops")

    filing.set_count(1)
    filing.hold(broken)
    filing.hold(lambda: ran.append("import"))
    filing.set_count(0)
    assert ran == ["import"] and "work held for the labeling steps failed" in caplog.text


def test_closing_forgets_what_was_held(qapp: object) -> None:
    filing, ran = Filing(), list[str]()
    filing.set_count(1)
    filing.hold(lambda: ran.append("train"), "training", "train")
    filing.forget_held()
    filing.set_count(0)
    assert ran == [] and filing.next_up() == ""
