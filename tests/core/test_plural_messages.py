"""Messages that count something read right for every number: "1 image", "2 images", "0 images" in English
(gettext's plural forms), one form in Chinese, and no "image(s)" left for the reader to decode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from desktop_cls.core import i18n
from desktop_cls.core.data.labeling import Workspace
from desktop_cls.core.errors import UserError
from desktop_cls.core.training.config import TrainConfig
from tests.conftest import make_tiny_folder

POT = Path(__file__).resolve().parents[2] / "resources" / "locale" / "desktop_cls.pot"


@pytest.fixture
def language() -> Iterator[None]:
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(("n", "english", "chinese"), [
    (0, "0 images to the trash", "0 张图像移到回收站"),
    (1, "1 image to the trash", "1 张图像移到回收站"),
    (2, "2 images to the trash", "2 张图像移到回收站"),
])
def test_a_count_reads_in_the_plural_form_its_number_needs(language: None, n: int, english: str,
                                                           chinese: str) -> None:
    i18n.set_language("en")
    text = i18n.ngettext("{count} image to the trash", "{count} images to the trash", n).format(count=n)
    assert text == english
    i18n.set_language("zh_CN")
    text = i18n.ngettext("{count} image to the trash", "{count} images to the trash", n).format(count=n)
    assert text == chinese


def test_labeling_steps_name_one_image_in_the_singular(tmp_path: Path) -> None:
    root = make_tiny_folder(tmp_path / "data", per_class=3)
    ws = Workspace(root)
    one, two = sorted((root / "cat").iterdir())[:2]
    assert ws.assign([one], "dog").description == "1 image to 'dog'"
    assert ws.trash([two]).description == "1 image to the trash"
    dogs = sorted((root / "dog").iterdir())[:2]
    assert ws.assign(dogs, "fish").description == "2 images to 'fish'"


def test_an_unknown_option_is_named_in_the_singular_and_several_in_the_plural() -> None:
    with pytest.raises(UserError, match=r"^unknown training option: colour$"):
        TrainConfig.from_dict({"colour": 1})
    with pytest.raises(UserError, match=r"^unknown training options: colour, size$"):
        TrainConfig.from_dict({"colour": 1, "size": 2})


def test_no_message_leaves_the_plural_to_the_reader() -> None:
    """"image(s)" reads badly in English and cannot be translated well: ngettext gives each number its form."""
    with POT.open("rb") as f:
        ids = [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id]
    assert [i for i in ids if "(s)" in i or "(es)" in i] == []


def test_the_images_an_export_is_measured_on_read_in_the_reader_s_word_order(
        language: None, trained_run: tuple[Path, Path]) -> None:
    """Chinese puts the count after the folder ("/d 的 6 张验证集图像"): a count written before the translated
    description read "6 /d 的验证集图像" on the Export page."""
    from desktop_cls.core.inference.export_report import gather_images
    from desktop_cls.core.models.model_io import read_meta

    run, data = trained_run
    meta = read_meta(run / "model.json")
    i18n.set_language("zh_CN")
    images = gather_images(run / "model.safetensors", meta)
    assert images.count > 1 and images.description == f"{data.resolve()} 的 {images.count} 张验证集图像"
    i18n.set_language("en")
    images = gather_images(run / "model.safetensors", meta)
    assert images.description == f"{images.count} validation images of {data.resolve()}"


def test_class_names_in_a_chinese_message_are_quoted_as_chinese_quotes_them(language: None) -> None:
    """The flips' reason listed the classes as '0'、'1'、'2' in Chinese: English quotes beside a Chinese comma."""
    from desktop_cls.core.training.choices import choose_flips

    i18n.set_language("zh_CN")
    reason = choose_flips(["0", "1", "2", "3"]).reason.replace("\u2068", "").replace("\u2069", "")  # (isolates)
    assert "“0”、“1”、“2”" in reason and "'" not in reason
    i18n.set_language("en")
    assert "'\u20680\u2069', '\u20681\u2069', '\u20682\u2069'" in choose_flips(["0", "1", "2", "3"]).reason
