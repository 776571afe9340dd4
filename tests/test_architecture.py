"""The layout docs stay true: README's module list and docs/architecture.md name every module; every module
stays small enough to read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop_cls"
MAX_LINES = 400  # a module past this holds more than one concern: move a cohesive part out


def modules(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("sub", ["cli", "core", "core/data", "core/models", "core/training", "core/inference",
                                 "core/serving", "gui", "gui/shell", "gui/work", "gui/widgets", "gui/pages",
                                 "gui/pages/data", "gui/pages/label", "gui/pages/train", "gui/pages/evaluate",
                                 "gui/pages/classify", "gui/pages/export"])
def test_docs_name_every_module(sub: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Development"):]
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in modules(PACKAGE / sub):
        assert re.search(rf"\b{name}\b", block), f"README's module list lacks {sub}/{name}.py"
        assert re.search(rf"`{name}`|\b{name}\b", architecture), f"docs/architecture.md lacks {sub}/{name}.py"


def test_docs_name_only_modules_that_exist() -> None:
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    existing = {p.stem for p in PACKAGE.rglob("*.py")}
    for table in re.findall(r"\| module \| what it is for \|\n\|---\|---\|\n((?:\|.*\n)+)", architecture):
        for cell in re.findall(r"^\| ([^|]+) \|", table, flags=re.M):
            for name in re.findall(r"`([a-z_]+)`", cell):
                assert name in existing, f"docs/architecture.md names {name}, which is not a module"


@pytest.mark.parametrize("sub", ["core", "cli", "gui"])
def test_modules_stay_under_the_size_limit(sub: str) -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (PACKAGE / sub).rglob("*.py")}
    assert sizes, f"no modules found under desktop_cls/{sub}"
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


MAX_FUNCTION_LINES = 60  # a longer function of the engine does several things: give each its name


def test_engine_functions_read_in_one_screen() -> None:
    import ast

    long = {}
    for p in (PACKAGE / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(PACKAGE)}:{node.name}"] = n
    assert not long, f"engine functions over {MAX_FUNCTION_LINES} lines: {long}"


# What starts a thread (or a process) in Python or Qt. In the window only gui/work/ may use them: everything
# else runs work as a request of work.tasks.TaskRunner, so every request has its cancel token, reports on
# the UI thread and is joined when the window closes.
THREAD_MAKERS = {"Thread", "QThread", "QThreadPool", "QRunnable", "ThreadPoolExecutor", "ProcessPoolExecutor",
                 "Process", "Timer", "start_new_thread", "moveToThread", "QtConcurrent"}


def _thread_makers(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name) and node.id in THREAD_MAKERS:
            found.add(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in THREAD_MAKERS:
            found.add(node.attr)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[-1] in THREAD_MAKERS}
            if isinstance(node, ast.ImportFrom) and node.module in ("concurrent.futures", "multiprocessing"):
                found.add(node.module)
    return found


def test_only_gui_work_creates_threads() -> None:
    offenders = {str(p.relative_to(PACKAGE)): sorted(found) for p in (PACKAGE / "gui").rglob("*.py")
                 if not p.is_relative_to(PACKAGE / "gui" / "work") and (found := _thread_makers(p))}
    assert not offenders, f"threads made outside gui/work/ (run the work through TaskRunner): {offenders}"


def test_the_thread_rule_sees_what_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text("import threading\nfrom PySide6.QtCore import QThread\nthreading.Thread(target=print)\n"
                      "w.moveToThread(t)\n", encoding="utf-8")
    assert _thread_makers(sample) == {"Thread", "QThread", "moveToThread"}


# GUI functions read in one screen too: a long constructor becomes named build steps.
def test_gui_functions_read_in_one_screen() -> None:
    import ast

    long = {}
    for p in (PACKAGE / "gui").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(PACKAGE)}:{node.name}"] = n
    assert not long, f"GUI functions over {MAX_FUNCTION_LINES} lines (split them into named steps): {long}"


# A page module holds the page and nothing else (its panels, models and dialogs live beside it), and its
# constructor only sets fields and calls Page.build.
PAGE_MAX_LINES, PAGE_INIT_MAX_LINES = 250, 40


def _page_modules() -> list[Path]:
    """The modules that define a Page subclass."""
    page_class = re.compile(r"^class \w+\((\w+, )?Page\)", re.M)
    return [p for p in (PACKAGE / "gui" / "pages").rglob("*.py") if page_class.search(p.read_text(encoding="utf-8"))]


def test_pages_are_short_and_their_constructors_only_set_fields() -> None:
    import ast

    pages = PACKAGE / "gui" / "pages"
    assert len(_page_modules()) >= 6
    long, inits = {}, {}
    for p in [*_page_modules(), pages / "train" / "train_form.py"]:
        key = p.relative_to(pages).as_posix()
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > PAGE_MAX_LINES:
            long[key] = n
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "__init__" and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > PAGE_INIT_MAX_LINES:
                    inits[key] = length
    assert not long, f"page modules over {PAGE_MAX_LINES} lines (move a panel or a model beside the page): {long}"
    assert not inits, f"page constructors over {PAGE_INIT_MAX_LINES} lines (use Page.build's steps): {inits}"
