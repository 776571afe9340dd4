"""An export's sentences (which images it was measured on, why its agreement matters) are built from the facts it
keeps, in the language of whoever reads them: exports kept in a run folder in English read back in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.core import i18n
from desktop_cls.core.inference import saved_exports as sx
from desktop_cls.core.inference.export_result import ExportResult
from desktop_cls.core.inference.export_words import agreement_warning, images_text, shown_images, shown_warning
from desktop_cls.core.inference.int8_text import quantization_text, shown_quantization
from tests.core.test_kept_results import make_run


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language("en")


def _kept_int8(tmp_path: Path, data: Path) -> dict[str, Any]:
    """An int8 export of 35 images, one in two of `data`, as the page's task returns it and keeps it."""
    dest = tmp_path / "exports"
    dest.mkdir()
    model, sidecar = dest / "model.onnx", dest / "model.json"
    model.write_bytes(b"onnx")
    sidecar.write_text("{}", encoding="utf-8")
    int8 = {"per_channel": True, "method": "MinMax", "moving_average": True, "in_float": ["head"],
            "sensitive": ["stem", "block_3"], "calibration": 36, "kind": "half",
            "judged": {"agreed": 34, "images": 35, "bound": 0.87, "met": False}}
    r = ExportResult("onnx-int8", str(model), str(sidecar), 4, True, 0.1, 34 / 35, 1.0, files=(str(model),),
                     num_images=35, images=images_text("half", str(data), 35, "onnx-int8"), accuracy=1.0,
                     reference_accuracy=34 / 35, warning=agreement_warning(34 / 35, 35, 1.0, 34 / 35),
                     images_kind="half", images_folder=str(data), quantization=quantization_text(int8), int8=int8)
    return {**r.to_dict(), "metadata": "{}", "snippet_text": ""}


def test_exports_kept_in_english_read_back_in_chinese(tmp_path: Path, english: None) -> None:
    data = tmp_path / "数据"
    run = make_run(tmp_path)
    d = _kept_int8(tmp_path, data)
    assert "one in two" in d["images"] and "other half" in d["images"]  # written in English
    assert sx.keep_exports(str(run), tmp_path / "exports", [d]) == ""
    i18n.set_language("zh_CN")
    (export,) = sx.load_exports(str(run)).exports
    images = shown_images(export)
    assert str(data) in images and "35" in images
    assert not re.findall(r"[A-Za-z]{2,}", images.replace(str(data), "").replace("int8", "")), images
    warning = shown_warning(export)
    assert warning is not None and "35" in warning
    assert not re.findall(r"[A-Za-z]{2,}", warning.replace("onnx", "")), warning
    assert "training images" in d["quantization"]
    quantization = shown_quantization(export)
    assert quantization is not None and "block_3" in quantization
    names = ("int8", "QDQ", "minmax", "stem", "block_3")
    assert not re.findall(r"[A-Za-z]{2,}", re.sub("|".join(names), "", quantization)), quantization


def test_an_export_kept_before_its_facts_were_shows_its_sentence(english: None) -> None:
    old = {"format": "onnx", "images": "6 validation images of /d", "num_images": 6}
    assert shown_images(old) == "6 validation images of /d"
    assert shown_images({**old, "images_kind": "no-such-kind", "images_folder": "/d"}) == old["images"]
    assert shown_quantization({"quantization": "static int8 (QDQ): …"}) == "static int8 (QDQ): …"


def test_an_agreement_below_the_target_says_how_many_images_and_whether_the_export_was_worse(english: None) -> None:
    """97.1 % agreement beside 100 % accuracy against the trained model's 97.1 % read as a contradiction: the
    warning says it is one image of 35, and that the export was not wrong more often on them."""
    better = agreement_warning(34 / 35, 35, 1.0, 34 / 35)
    assert better is not None and "1 of 35 images" in better and "right as often or more often" in better
    worse = agreement_warning(34 / 35, 35, 0.9, 0.95)
    assert worse is not None and "1 of 35 images" in worse and "right as often" not in worse
    assert agreement_warning(0.99, 100) is None and agreement_warning(None, 0) is None


def test_kept_int8_facts_that_are_not_the_apps_are_refused_with_a_note(tmp_path: Path, english: None) -> None:
    import json

    run = make_run(tmp_path)
    d = _kept_int8(tmp_path, tmp_path / "data")
    assert sx.keep_exports(str(run), tmp_path / "exports", [d]) == ""
    kept = json.loads((run / sx.EXPORTS).read_text(encoding="utf-8"))
    kept["exports"][0]["result"]["int8"]["sensitive"] = [{"deep": "x"}]
    (run / sx.EXPORTS).write_text(json.dumps(kept), encoding="utf-8")
    saved = sx.load_exports(str(run))
    assert saved.exports == () and "int8" in saved.note
