"""Every GUI string is marked for translation, the zh_CN catalogue is complete and current, and the
window really comes up in Chinese and in English.

The coverage test installs a pseudo-translator that wraps in ⟦…⟧ every text the catalogue (or Qt's own)
can answer (and a pseudo gettext for the engine's messages), builds the window, visits every page and
walks all widgets: a text without ⟦ was never passed through tr()/translate(), was looked up under a
context lupdate did not file it under, or was built from a variable lupdate cannot see.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_cls.gui.shell.main_window import MainWindow
from tests.gui.conftest import opened

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "i18n" / "desktop_cls_zh_CN.ts"
OPEN, CLOSE = "⟦", "⟧"

# Groups (see _group) whose texts still wait for another branch. Each entry is an xfail(strict): once those
# strings are marked the test XPASSes and fails, and the entry must be deleted.
PENDING_GROUPS: dict[str, str] = {}
# Engine messages shown on my pages that the engine does not pass through gettext yet: (objectName, text).
# Delete each once i18n-core's wrapping is merged (the pseudo gettext then brackets them).
ENGINE_PENDING: set[tuple[str, str]] = set()
# Contexts of the .ts whose Chinese another engineer writes; delete each once it is translated.
PENDING_CONTEXTS: set[str] = set()
GROUPS = ("data", "label", "banner", "viewer", "shortcuts", "window", "train", "evaluate", "classify", "export")


class PseudoTranslator(QTranslator):
    """Answers, with the source in ⟦…⟧, every lookup the catalogue could answer: a (context, source) that lupdate
    extracted (the committed .ts, which test_catalogue_matches_the_sources keeps equal to the sources), or one
    of Qt's own texts (standard buttons, tab scroll buttons: what qtbase_zh_CN.qm answers). A text looked up
    under a context lupdate did not file it under stays bare and is reported. (PySide's self.tr tries the class
    names of the object's MRO in turn, down to QWidget and QObject; Qt has no texts of ours there.)"""

    def __init__(self) -> None:
        super().__init__()
        self.known = {(context, source) for context, source, _comment in _messages(TS)}
        self.qt = QTranslator()
        self.qt.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))

    def _qt_internal(self, context: str, source: str) -> bool:
        return context.startswith("Q") and bool(self.qt.translate(context, source))

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        """None means 'no translation' (Qt then shows the source); "" would be a translation, an empty one."""
        if not source or source == "QT_LAYOUT_DIRECTION":  # keep left-to-right
            return None
        if (context, source) in self.known or self._qt_internal(context, source):
            return OPEN + source + CLOSE
        return None

    def isEmpty(self) -> bool:
        return False


class PseudoGettext(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return OPEN + message + CLOSE

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return OPEN + (singular if n == 1 else plural) + CLOSE


# ---- walking the widgets ------------------------------------------------------------------------
def _group(widget: QWidget, window: MainWindow) -> str:
    """Which page (or piece of the window) a widget belongs to: its nearest owning ancestor."""
    from desktop_cls.gui.shell.interrupted_runs import InterruptedRunBanner
    from desktop_cls.gui.widgets.image_viewer import ImageViewer

    pages = {id(page): key for key, page in window.pages.items()}
    w: QWidget | None = widget
    while w is not None:
        if id(w) in pages:
            return pages[id(w)]
        if isinstance(w, InterruptedRunBanner):
            return "banner"
        if isinstance(w, ImageViewer):
            return "viewer"
        if w.objectName() == "shortcutsDialog":
            return "shortcuts"
        w = w.parentWidget()
    return "window"


def _texts(w: QWidget) -> Iterator[tuple[str, str]]:
    """(what, text) for every user-visible text a widget carries."""
    yield "toolTip", w.toolTip()
    yield "accessibleName", w.accessibleName()
    yield "statusTip", w.statusTip()
    yield "whatsThis", w.whatsThis()
    if w.isWindow():
        yield "windowTitle", w.windowTitle()
    if isinstance(w, QLabel):
        yield "text", w.text()
    if isinstance(w, QAbstractButton):
        yield "text", w.text()
    if isinstance(w, QLineEdit):
        yield "placeholder", w.placeholderText()
    if isinstance(w, QGroupBox):
        yield "title", w.title()
    if isinstance(w, QAbstractSpinBox):
        yield "specialValue", w.specialValueText()
        for part in ("prefix", "suffix"):
            if hasattr(w, part):
                yield part, getattr(w, part)()
    if isinstance(w, QTabWidget):
        for i in range(w.count()):
            yield f"tab {i}", w.tabText(i)
            yield f"tab tip {i}", w.tabToolTip(i)
    if isinstance(w, QComboBox):
        for i in range(w.count()):
            yield f"item {i}", w.itemText(i)
    if isinstance(w, QMenu):
        yield "title", w.title()
        for a in w.actions():
            yield "action", a.text()
            yield "action tip", a.toolTip() if a.toolTip() != a.text().replace("&", "") else ""
    if isinstance(w, QAbstractItemView) and w.model() is not None:
        model = w.model()
        if isinstance(w, QListWidget) and w.objectName() == "sidebar":
            for r in range(model.rowCount()):
                yield f"row {r}", str(model.data(model.index(r, 0)) or "")
        header = getattr(w, "horizontalHeader", None)
        if header is not None and not header().isHidden():
            for c in range(model.columnCount(QModelIndex())):
                yield f"header {c}", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
    if type(w).__name__ == "PlotWidget":
        item = w.getPlotItem()  # type: ignore[attr-defined]
        yield "plot title", item.titleLabel.text or ""
        for side in ("bottom", "left"):
            yield f"axis {side}", item.getAxis(side).labelText or ""


SHORTCUT = re.compile(r"\b(?:Ctrl|Shift|Alt|Meta|Cmd)\+\S+|\bF\d{1,2}\b")
HTML_TAG = re.compile(r"<[^>]+>|&\w+;")


def _is_data(text: str, data_words: set[str]) -> bool:
    """Class names, file names, paths, numbers, shortcuts, symbols: nothing a translator would touch."""
    rest = HTML_TAG.sub(" ", text)
    for word in sorted(data_words, key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = SHORTCUT.sub(" ", rest)
    return not re.search(r"[^\W\d_]{2,}", rest)  # no word of two letters or more is left


def walk(window: MainWindow, extra_windows: list[QWidget], data_words: set[str]) -> dict[str, list[str]]:
    """{group: ["ObjectClass#name what: text", ...]} for every text that is neither translated nor data;
    under "translated:GROUP", the translated texts seen (the walk must have seen something)."""
    failures: dict[str, list[str]] = {g: [] for g in GROUPS}
    failures.update({f"translated:{g}": [] for g in GROUPS})
    widgets: list[QWidget] = [window, *window.findChildren(QWidget)]
    menus = window.menuBar().findChildren(QMenu)
    for extra in extra_windows:
        widgets += [extra, *extra.findChildren(QWidget)]
    seen: set[int] = set()
    for w in widgets + menus:
        if id(w) in seen:
            continue
        seen.add(id(w))
        group = _group(w, window)
        for what, text in _texts(w):
            text = (text or "").strip()
            if OPEN in text:
                failures[f"translated:{group}"].append(text)
            elif text and not _is_data(text, data_words) and (w.objectName(), text) not in ENGINE_PENDING:
                failures[group].append(f"{type(w).__name__}#{w.objectName()} {what}: {text!r}")
    return failures


@pytest.fixture(scope="module")
def pseudo_failures(tmp_path_factory: pytest.TempPathFactory, qapp: QApplication) -> dict[str, list[str]]:
    """Build the window under the pseudo-translator, open a dataset, visit every page, walk everything.
    The translator is gone again before the first test runs: the other tests need the real catalogues."""
    from desktop_cls.core import i18n
    from desktop_cls.core.data.demo_data import make_demo_dataset

    base = tmp_path_factory.mktemp("pseudo")
    mp = pytest.MonkeyPatch()
    for name in ("DATA", "CACHE", "CONFIG", "LOG"):
        mp.setenv(f"DESKTOP_CLS_{name}_DIR", str(base / name.lower()))
    mp.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    mp.setattr(i18n, "_translation", PseudoGettext())
    translator = PseudoTranslator()
    qapp.installTranslator(translator)
    window = None
    try:
        # the demo's classes, few images each: its health check over 600 images takes minutes on a busy CPU
        data = make_demo_dataset(base / "demo", images_per_class=6)
        (data / "circle" / "broken.png").write_bytes(b"not a picture")  # problems for the Problems tab
        shutil.copy(next((data / "ring").iterdir()), data / "dots" / "copy.png")
        shutil.copy(next((data / "square").iterdir()), data / "unlabeled.png")  # one image to label
        from desktop_cls.gui.shell.main_window import MainWindow
        from desktop_cls.gui.shell.shortcut_list import show_shortcuts

        window = MainWindow(load_core=False)
        window.show()
        window.wait_until_core_loaded()
        window.open_dataset(data)
        deadline_ok = _wait(lambda: window.state.dataset is not None)
        assert deadline_ok, "the demo dataset did not open"
        assert _wait(lambda: window.dataset_page.model.checked is not None), "the health check did not end"
        window.dataset_page.tabs.setCurrentIndex(1)
        window.dataset_page.problems.table.selectRow(0)
        for key in window.pages:
            window.show_page(key)
            qapp.processEvents()
        window.dataset_page.view_thumbnail(0)
        show_shortcuts(window)
        qapp.processEvents()
        extra = [w for w in qapp.topLevelWidgets() if w is not window and w.isVisible()]
        from desktop_cls.gui.shell.language import LANGUAGE_NAMES

        ds = opened(window)
        words = {*LANGUAGE_NAMES.values(),  # the View → Language menu names each language in itself
                 *ds.classes, *(Path(s.path).name for s in ds.samples), str(data), data.name, "desktop_cls",
                 *(d.name for d in window.state.devices), *(d.id for d in window.state.devices), "broken.png",
                 "unlabeled.png", "copy.png"}
        return walk(window, extra, words)
    finally:
        if window is not None:
            window.shutdown()
            for w in qapp.topLevelWidgets():
                w.close()
            window.deleteLater()
        qapp.removeTranslator(translator)
        mp.undo()


def _wait(condition: Any, timeout_ms: int = 30_000) -> bool:
    from PySide6.QtCore import QDeadlineTimer, QThread

    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            return False
        QApplication.processEvents()
        QThread.msleep(10)
    return True


@pytest.mark.parametrize("group", [
    pytest.param(g, marks=pytest.mark.xfail(strict=True, reason=PENDING_GROUPS[g])) if g in PENDING_GROUPS else g
    for g in GROUPS])
def test_every_text_is_translated_or_data(pseudo_failures: dict[str, list[str]], group: str) -> None:
    assert not pseudo_failures[group], "not marked for translation:\n  " + "\n  ".join(pseudo_failures[group])


def test_pseudo_walk_saw_the_opened_dataset(pseudo_failures: dict[str, list[str]]) -> None:
    """The walk is only worth something if it ran over the filled pages, the viewer and the shortcuts list."""
    seen = {g: pseudo_failures[f"translated:{g}"] for g in GROUPS}
    assert "⟦Problems (2)⟧" in seen["data"], seen["data"]  # the tab, once the scan found them
    assert any(t.startswith("⟦All classes (") for t in seen["data"])  # the class filter, filled by the scan
    assert any(t.endswith("(1 of 1 unlabeled)⟧") for t in seen["label"]), seen["label"]
    assert seen["viewer"] and seen["shortcuts"] and seen["banner"]


def test_the_data_rule_does_not_excuse_words() -> None:
    words = {"circle", "/tmp/x/demo"}
    assert _is_data("circle (60)", words) and _is_data("Ctrl+Shift+Z", words) and _is_data("100 %", words)
    assert not _is_data("All classes (600 images)", words)
    assert not _is_data("Undo", words)


def test_insight_views_are_translated(qtbot: QtBot, qapp: QApplication) -> None:
    """The learning-rate dialog and the Evaluate page's curves (built from this package's insight_views)."""
    from desktop_cls.gui.widgets.insight_views import LrFinderDialog, curves_plot, draw_curves, reliability_plot

    translator = PseudoTranslator()
    qapp.installTranslator(translator)
    try:
        dialog = LrFinderDialog({"suggested_lr": 0.01, "lrs": [0.001, 0.01, 0.1], "losses": [2.0, 1.0, 3.0]})
        qtbot.addWidget(dialog)
        plots = [reliability_plot(), curves_plot()]
        roc = curves_plot()
        draw_curves(roc, {"roc": {"positive": "cat", "auc": 0.9, "fpr": [0, 1], "tpr": [0, 1]}})
        pr = curves_plot()
        draw_curves(pr, {"pr": {"cat": {"recall": [0, 1], "precision": [1, 0], "average_precision": 0.5}}})
        bad = []
        for w in [dialog, *dialog.findChildren(QWidget), *plots, roc, pr]:
            for what, text in _texts(w):
                if text and OPEN not in text and not _is_data(text, {"cat"}):
                    bad.append(f"{type(w).__name__} {what}: {text!r}")
        names = [item.name() for item in pr.getPlotItem().listDataItems()]
        assert names == ["⟦{0} (AP {1:.2f})⟧".replace("{0}", "\u2068cat\u2069").replace("{1:.2f}", "0.50")]
        assert not bad, bad
    finally:
        qapp.removeTranslator(translator)


# ---- the catalogue ------------------------------------------------------------------------------
def _messages(ts: Path) -> dict[tuple[str, str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    out = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for m in context.iter("message"):
            out[(name, m.findtext("source") or "", m.findtext("comment") or "")] = m
    return out


def _tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    path = str(found) if found.exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (from PySide6) is needed to check the catalogue")
    return path


def test_catalogue_matches_the_sources(tmp_path: Path) -> None:
    """`python3 dev.py translations` was run after the last string change (same contexts and sources)."""
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p.relative_to(REPO)) for p in (REPO / "desktop_cls" / "gui").rglob("*.py"))
    r = subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(fresh), "-no-obsolete", "-locations", "none",
                        "-silent"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    committed, extracted = set(_messages(TS)), set(_messages(fresh))
    assert not extracted - committed, f"missing from the .ts (run dev.py translations): {extracted - committed}"
    assert not committed - extracted, f"stale in the .ts (run dev.py translations): {committed - extracted}"


def test_compiled_catalogue_is_current(tmp_path: Path) -> None:
    qm = tmp_path / "zh_CN.qm"
    r = subprocess.run([_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(qm)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert qm.read_bytes() == TS.with_suffix(".qm").read_bytes(), "the .qm is stale: run dev.py translations"


PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_every_chinese_entry_is_finished_and_keeps_its_placeholders() -> None:
    problems = []
    for (context, source, _comment), m in _messages(TS).items():
        if context in PENDING_CONTEXTS:
            continue
        t = m.find("translation")
        text = "".join(t.itertext()) if t is not None else ""
        if t is None or t.get("type") in ("unfinished", "obsolete", "vanished") or not text.strip():
            problems.append(f"{context}: {source!r} is not translated")
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"{context}: {source!r} -> {text!r} changes the placeholders")
        elif ("&" in source.replace("&&", "")) != ("&" in text.replace("&&", "")):
            problems.append(f"{context}: {source!r} -> {text!r} loses or adds the keyboard accelerator")
    assert not problems, "\n".join(problems)


def test_pending_contexts_are_still_pending() -> None:
    """An entry in PENDING_CONTEXTS that has been translated must leave the list (it would hide regressions)."""
    unfinished = {context for (context, _s, _c), m in _messages(TS).items()
                  if (t := m.find("translation")) is None or t.get("type") == "unfinished"}
    done = PENDING_CONTEXTS - unfinished
    assert not done, f"translated now, delete from PENDING_CONTEXTS: {done}"


# ---- the window in zh_CN and in English -----------------------------------------------------------
def test_window_in_chinese_then_english(qtbot: QtBot, isolated_user_dirs: Path, language: Any) -> None:
    from desktop_cls.gui.shell.main_window import MainWindow

    def build() -> Any:
        w = MainWindow(load_core=False)
        qtbot.addWidget(w, before_close_func=lambda win: win.shutdown())
        return w

    def cancel_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        return box.button(QDialogButtonBox.StandardButton.Cancel).text()

    assert language("zh_CN") == "zh_CN"
    w = build()
    dp, lp = w.dataset_page, w.label_page
    assert dp.buttons["openDatasetButton"].text() == "打开文件夹(&O)…"
    assert dp.tabs.tabText(1) == "问题"
    assert lp.buttons["undoButton"].text() == "撤销"
    assert dp.path_edit.placeholderText() and re.search(r"[\u4e00-\u9fff]", dp.path_edit.placeholderText())
    assert cancel_text() == "取消"  # Qt's own catalogue: standard dialog buttons
    from desktop_cls.core.i18n import current_language

    assert current_language() == "zh_CN"  # the engine's messages follow the window

    assert language("en") == "en"
    w = build()
    assert w.dataset_page.buttons["openDatasetButton"].text() == "&Open folder…"
    assert w.label_page.buttons["undoButton"].text() == "Undo"
    assert cancel_text() == "Cancel"


def test_qt_file_dialog_is_all_chinese(qtbot: QtBot, language: Any) -> None:
    """Qt's own zh_CN catalogue lacks two of its file dialog's labels (with accelerators): ours has them."""
    from PySide6.QtWidgets import QFileDialog, QLabel

    language("zh_CN")
    dialog = QFileDialog(None, "x")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = [lb.text() for lb in dialog.findChildren(QLabel) if lb.text()]
    assert labels and all(not re.search(r"[A-Za-z]{3}", t) for t in labels), labels
    assert "查找范围(&L)：" in labels


def test_chinese_installs_qts_own_catalogue_even_where_qt_points_elsewhere(qapp: Any, language: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt's standard buttons and file dialog speak Chinese from qtbase_zh_CN.qm, which PySide6 ships in its
    package: found there also when Qt's own answer for its translations folder is a build machine's path."""
    from desktop_cls.gui.shell import language as shell_language

    class Elsewhere:
        LibraryPath = QLibraryInfo.LibraryPath

        @staticmethod
        def path(_which: object) -> str:
            return "/nonexistent/qt/translations"

    for lookup in (QLibraryInfo, Elsewhere):
        monkeypatch.setattr(shell_language, "QLibraryInfo", lookup)
        language("zh_CN")
        names = [Path(t.filePath()).name for t in shell_language._installed]
        assert names == ["qtbase_zh_CN.qm", "desktop_cls_zh_CN.qm"], names
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "文件夹"  # the file list's type
        language("en")
        assert [Path(t.filePath()).name for t in shell_language._installed] == ["desktop_cls_en.qm"]
        assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "Folder"


def test_start_up_installs_the_saved_language_before_the_window(qapp: Any, isolated_user_dirs: Path,
                                                               language: Any) -> None:
    """qapp: translators go on the application, so one must exist (as in the app), whatever ran before."""
    from desktop_cls.gui.settings import Settings, save_settings
    from desktop_cls.gui.shell.app import start_language

    save_settings(Settings(language="zh_CN"))
    settings, notice = start_language()
    assert notice is None and settings.language == "zh_CN"
    assert QCoreApplication.translate("DatasetPage", "Open a dataset folder") == "打开数据集文件夹"

