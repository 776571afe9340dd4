"""Flip defaults follow the data: a mirror must not change what an image shows."""

from __future__ import annotations

from desktop_cls.core.training.choices import choose_flips


def test_digits_and_letters_are_not_flipped() -> None:
    for classes in ([str(i) for i in range(10)], list("abcdefgh"), ["A", "B", "C"],
                    ["zero", "one", "two", "three"]):
        choice = choose_flips(classes)
        assert not choice.hflip and not choice.vflip, classes
        assert "digits or letters" in choice.reason


def test_folder_name_and_direction_classes_turn_flips_off() -> None:
    assert not choose_flips(["class_a", "class_b"], "/data/emnist_letters").hflip
    assert not choose_flips(["class_a", "class_b"], "/data/Handwritten-Digits").hflip
    choice = choose_flips(["turn_left", "turn_right", "straight"])
    assert not choice.hflip and "left and right" in choice.reason


def test_photos_keep_the_horizontal_flip() -> None:
    choice = choose_flips(["cat", "dog", "fish"], "/home/me/pets")
    assert choice.hflip and not choice.vflip and "mirrored photo" in choice.reason
    assert choose_flips(["copyright", "brightness"]).hflip  # words that merely contain "right"
