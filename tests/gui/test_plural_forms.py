"""The window's counts read right for every number: Qt's plural forms ("%n image(s)") come from the English
catalogue in English ("1 image", "2 images") and from the Chinese one (one form) in Chinese; without a
catalogue Qt shows "1 image(s)". The English catalogue holds exactly the counted texts of the sources."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QCoreApplication

from tests.gui.test_translations import _tool

REPO = Path(__file__).resolve().parents[2]
EN_TS = REPO / "resources" / "i18n" / "desktop_cls_en.ts"
ZH_TS = REPO / "resources" / "i18n" / "desktop_cls_zh_CN.ts"


def _move(n: int) -> str:
    return QCoreApplication.translate("AcceptDialog", "Move %n image(s)", "", n)


def test_english_counts_in_the_singular_and_the_plural(language: Any) -> None:
    from desktop_cls.gui.pages.data.dataset_summary import SummaryCounts
    from desktop_cls.gui.pages.train.train_messages import RunCounts

    language("en")
    assert [_move(n) for n in (0, 1, 2)] == ["Move 0 images", "Move 1 image", "Move 2 images"]
    assert RunCounts().finished(1, 2.0, "ok") == "Finished 1 epoch in 2.0 s; ok."
    assert RunCounts().finished(2, 2.0, "ok").startswith("Finished 2 epochs in")
    assert RunCounts().stopped(1, 1, "ok").startswith("Stopped after 1 of 1 epoch;")
    counts = SummaryCounts()
    assert counts.images_in_classes(1, 1) == "<b>1</b> image in <b>1</b> class"
    assert counts.images_in_classes(12000, 2) == "<b>12,000</b> images in <b>2</b> classes"
    assert counts.problems(0).endswith(">0 problems</a>") and counts.problems(1).endswith(">1 problem</a>")
    assert counts.unlabeled(1) == "1 unlabeled image lies directly in the folder."  # the verb agrees too
    assert counts.unlabeled(2) == "2 unlabeled images lie directly in the folder."
    everything = [QCoreApplication.translate("ClassFilter", "All classes (%Ln image(s))", "", n) for n in (1, 12000)]
    assert everything == ["All classes (1 image)", "All classes (12,000 images)"]  # the Data page's class filter


def test_chinese_has_one_form_for_every_number(language: Any) -> None:
    from desktop_cls.gui.pages.train.train_messages import RunCounts

    language("zh_CN")
    assert [_move(n) for n in (0, 1, 2)] == ["移动 0 张图像", "移动 1 张图像", "移动 2 张图像"]
    assert RunCounts().finished(1, 2.0, "好") == "用 2.0 秒完成了 1 个轮次；好。"


def test_the_outcome_of_a_one_epoch_run(language: Any) -> None:
    from desktop_cls.gui.pages.train.train_messages import outcome

    language("en")
    result = SimpleNamespace(best_val_accuracy=0.5, extra={}, cancelled=False, epochs_done=1, epochs=1,
                             train_seconds=3.0, best_epoch=1, run_dir="/runs/r")
    log, _status = outcome(result, 10)
    assert log.startswith("Finished 1 epoch in 3.0 s;")


def _numerus(ts: Path) -> dict[tuple[str, str], list[str]]:
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        for m in context.iter("message"):
            if m.get("numerus") == "yes":
                t = m.find("translation")
                forms = [f.text or "" for f in t.iter("numerusform")] if t is not None and t.get("type") is None else []
                out[(context.findtext("name") or "", m.findtext("source") or "")] = forms
    return out


def test_the_english_catalogue_has_both_forms_of_every_counted_text(tmp_path: Path) -> None:
    """Refreshed like dev.py translations does (lupdate -pluralonly); each entry finished, in two forms."""
    fresh = tmp_path / "en.ts"
    sources = sorted(str(p.relative_to(REPO)) for p in (REPO / "desktop_cls" / "gui").rglob("*.py"))
    r = subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete", "-locations", "none",
                        "-pluralonly", "-target-language", "en", "-silent"], cwd=REPO, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    shipped = _numerus(EN_TS)
    assert set(shipped) == set(_numerus(fresh)), "the English catalogue is stale: run dev.py translations"
    bad = {key: forms for key, forms in shipped.items()
           if len(forms) != 2 or any(not f or "(s)" in f or "(es)" in f for f in forms)}
    assert bad == {}
    qm = tmp_path / "en.qm"
    r = subprocess.run([_tool("pyside6-lrelease"), "-silent", str(EN_TS), "-qm", str(qm)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and qm.read_bytes() == EN_TS.with_suffix(".qm").read_bytes(), "the en .qm is stale"


def test_every_text_with_a_plural_left_to_the_reader_is_counted_by_qt() -> None:
    """A "(s)" outside a %n text would show as "image(s)" in English: every one is a plural form of Qt's."""
    counted = {key for key in _numerus(ZH_TS)}
    loose = [(context.findtext("name"), m.findtext("source")) for context in ET.parse(ZH_TS).getroot().iter("context")
             for m in context.iter("message") if "(s)" in (m.findtext("source") or "")
             and (context.findtext("name"), m.findtext("source")) not in counted]
    assert loose == []
