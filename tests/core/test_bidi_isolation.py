"""A name holding text-direction controls (a class folder "cat\u202egnp.exe") cannot reorder the sentence it is put
in: core's quoted() wraps it in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE after taking its own controls out,
and the terminal keeps that pair while escaping every other control."""

from __future__ import annotations

import pytest

from desktop_cls.core.i18n import BIDI_CONTROLS, isolated, quoted
from desktop_cls.core.names import for_terminal
from desktop_cls.core.training.choices import choose_flips

FSI, PDI = "\u2068", "\u2069"


def _controls(text: str) -> list[str]:
    return [ch for ch in text if ch in BIDI_CONTROLS]


NAMES = ["cat\u202egnp.exe", "a\u202db", "\u2067x", "y\u2069", "\u200fz\u200e", "\u202a\u202c"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_isolated_and_its_own_controls_do_not_leak(name: str) -> None:
    shown = isolated(name)
    assert shown[0] == FSI and shown[-1] == PDI
    assert _controls(shown) == [FSI, PDI]
    assert shown[1:-1] == "".join(ch for ch in name if ch not in BIDI_CONTROLS)


def test_a_sentence_with_a_quoted_name_keeps_its_logical_order() -> None:
    sentence = "Class {name} has no images.".format(name=quoted("cat\u202egnp.exe"))
    assert sentence == f"Class '{FSI}catgnp.exe{PDI}' has no images."
    assert _controls(sentence) == [FSI, PDI]


def test_core_messages_that_quote_class_names_isolate_them() -> None:
    reason = choose_flips(["left\u202e", "right", "up"]).reason
    assert f"'{FSI}left{PDI}'" in reason
    assert _controls(reason) == [FSI, PDI] * (reason.count("'") // 2)  # each name its own pair, nothing else


def test_the_terminal_keeps_an_isolated_name_and_escapes_a_lone_control() -> None:
    assert for_terminal(quoted("cat\u202egnp.exe")) == f"'{FSI}catgnp.exe{PDI}'"
    assert for_terminal("a\u2068b") == "a\\u2068b"  # an isolate left open would reach to the line's end
    assert for_terminal("a\u202eb") == "a\\u202eb"
