"""The engine's and CLI's messages reach the user in their language: the catalogue matches the sources, every
message has a Simplified Chinese translation with the same placeholders, the shipped .mo is the compiled .po,
every user error is marked for translation, and the language follows the environment."""

from __future__ import annotations

import ast
import importlib.util
import io
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from desktop_cls.core import i18n
from desktop_cls.core.errors import UserError

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "resources" / "locale"
POT = LOCALE / "desktop_cls.pot"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "desktop_cls.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}  # as dev.py passes them to Babel


def engine_sources() -> list[Path]:
    """The files `dev.py translations` extracts from (the engine, the command line, the self-test, the entry
    point), asked from dev.py itself so the two cannot drift apart."""
    spec = importlib.util.spec_from_file_location("dev_script", REPO / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    files = [REPO / f for f in dev.engine_sources()]
    assert any(f.parent.name == "cli" for f in files) and all(f.is_file() for f in files)
    return files


def extracted_ids() -> set[str | tuple[str, str]]:
    ids: set[str | tuple[str, str]] = set()
    for path in engine_sources():
        for _line, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else (message[0], message[1]))
    return ids


def catalogue_ids(path: Path) -> set[str | tuple[str, str]]:
    with path.open("rb") as f:
        return {m.id if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in read_po(f) if m.id}


def placeholders(text: str) -> Counter[tuple[str, str, str]]:
    """{name}, {value!r}, {n:,} as (name, spec, conversion), counted: a translation must keep every one."""
    return Counter((name, spec or "", conv or "") for _lit, name, spec, conv in string.Formatter().parse(text)
                   if name is not None)


def test_the_catalogue_template_lists_exactly_the_messages_in_the_sources() -> None:
    """A message added, changed or removed without `python3 dev.py translations` fails here."""
    in_sources = extracted_ids()
    assert len(in_sources) > 300
    in_pot = catalogue_ids(POT)
    assert sorted(map(str, in_sources - in_pot)) == [], "not in the .pot: run python3 dev.py translations"
    assert sorted(map(str, in_pot - in_sources)) == [], "stale in the .pot: run python3 dev.py translations"
    assert catalogue_ids(PO) == in_pot, "the zh_CN .po is not updated from the .pot"


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f)
    problems = []
    for m in catalog:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string or ())
        if m.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        for s in strings:
            if placeholders(s) != placeholders(ids[-1]):
                problems.append(f"placeholders differ: {ids[0]!r} -> {s!r}")
        if any(ch.isascii() and ch.isalpha() for ch in strings[0]) and strings[0] == ids[0] and " " in ids[0]:
            problems.append(f"left in English: {ids[0]!r}")
    # Babel's own checks, which `dev.py translations` runs when it compiles (e.g. a %-format it guessed)
    problems += [f"{m.id!r}: {e}" for m, errors in catalog.check() for e in errors]
    assert problems == []


def test_the_shipped_mo_is_the_compiled_po() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f)
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    assert MO.read_bytes() == fresh.getvalue(), "the .mo is stale: run python3 dev.py translations"


# ---- every user-facing error text of the engine is marked -------------------------------------------------
MESSAGE_KEYWORDS = {"cli_fix", "gui_fix", "reason"}
# Calls whose argument at this position is a text for the user: progress(done, total, what), Choice(value, reason)…
TEXT_ARGUMENT = {"ImageLoadError": 2, "Problem": 2, "progress": 2, "FlipChoice": 2, "Choice": 1, "stage": 0,
                 "notice": 0}


def user_error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """UserError and every class of desktop_cls/core derived from it, by name."""
    names = {"UserError"}
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        (b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")) in names for b in node.bases):
                    names.add(node.name)
                    grew = True
    return names


def is_marked(node: ast.expr) -> bool:
    """A text that goes through gettext: _("...") (with .format), a variable, or what a function returns."""
    if isinstance(node, ast.Constant):
        return node.value == "" or not isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return False
    if isinstance(node, ast.IfExp):
        return is_marked(node.body) and is_marked(node.orelse)
    if isinstance(node, ast.BinOp):
        return is_marked(node.left) and is_marked(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return is_marked(node.func.value)
    return True  # a name, an attribute, a call of _ or of a function that words its own text


def unmarked_messages(trees: dict[str, ast.Module]) -> dict[str, list[int]]:
    errors = user_error_classes(trees)
    found: dict[str, list[int]] = {}
    for rel, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            texts: list[ast.expr] = [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
            if name in TEXT_ARGUMENT:
                at = TEXT_ARGUMENT[name]
                texts += node.args[at:at + 1] + [k.value for k in node.keywords if k.arg == "message"]
            elif name in errors:
                texts += node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
            bad = [t.lineno for t in texts if not is_marked(t)]
            if bad:
                found.setdefault(rel, []).extend(bad)
    return found


def core_trees() -> dict[str, ast.Module]:
    return {p.relative_to(REPO).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(REPO.glob("desktop_cls/core/**/*.py"))}


def test_every_user_error_and_notice_of_the_engine_is_marked_for_translation() -> None:
    assert unmarked_messages(core_trees()) == {}


def test_the_static_check_sees_an_unmarked_message() -> None:
    """The check itself: an f-string, a plain string and a fix in English are found; wrapped ones are not."""
    source = '''
class StepGone(UserError):
    pass
def f(p, e):
    raise UserError(f"{p} is gone")
    raise StepGone("nothing to do")
    raise UserError(_("{path} is gone").format(path=p), cli_fix="add --overwrite")
    raise ImageLoadError(p, "corrupt", "cannot decode: {}".format(e))
    raise UserError(_("fine"), gui_fix=_("tick it"))
    raise ImageLoadError(p, "corrupt", _("cannot decode: {error}").format(error=e))
    loop.notice(message)
    found.append(Problem(p, "unreadable", f"cannot read {p}"))
    cb.notice("stopped early")
    progress(1, 2, "decoding images")
    return Choice(224, f"224 px: {why}"), method_for("quick", reason="as chosen"), progress(1, 2, _("saving"))
'''
    assert sorted(unmarked_messages({"x.py": ast.parse(source)})["x.py"]) == [5, 6, 7, 8, 12, 13, 14, 15, 15]


# ---- the language in use --------------------------------------------------------------------------------------
def test_a_real_engine_error_comes_out_in_the_chosen_language(tmp_path: Path) -> None:
    """(tests/conftest.py puts English back after each test.)"""
    from desktop_cls.core.data.labeling import Workspace
    from desktop_cls.core.run_dir import new_run_dir
    from desktop_cls.core.training.config import TrainConfig

    assert i18n.set_language("zh_CN") == "zh_CN"
    with pytest.raises(UserError) as e:
        TrainConfig.from_json("[]")
    assert str(e.value) == "训练配置必须是一个 JSON 对象"
    with pytest.raises(UserError) as e:
        Workspace(tmp_path / "missing")
    assert str(e.value) == f"找不到文件夹：{tmp_path / 'missing'}"
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "x").write_text("taken")
    with pytest.raises(UserError) as e:
        new_run_dir(tmp_path / "run", "quicknet")
    assert e.value.for_cli() == (f"{tmp_path / 'run'} 已存在且不是空的；"
                                 "请为 --out 选择一个新文件夹，或用 --resume 继续那次训练")
    with pytest.raises(UserError) as e:
        TrainConfig(epochs=0).validate()
    assert "轮次" in str(e.value) and "epochs" in str(e.value) and "在 1 和 10000 之间" in str(e.value)

    assert i18n.set_language("en") == "en"
    with pytest.raises(UserError) as e:
        TrainConfig.from_json("[]")
    assert str(e.value) == "the training configuration must be a JSON object"


def test_option_words_follow_the_language_chosen_after_import() -> None:
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import options

    opts = {o.key: o for o in options(TrainConfig)}  # declared (and cached) while the language was English
    i18n.set_language("zh_CN")
    assert (opts["epochs"].label, opts["batch_size"].special, opts["optimizer"].choice_label("adamw"),
            opts["schedule"].choice_label("one_cycle")) == ("轮次", "自动", "AdamW", "单周期")
    assert opts["momentum"].disabled_help == "仅用于 SGD 优化器（Adam 和 AdamW 会自行调整步长）"
    i18n.set_language("en")
    assert (opts["epochs"].label, opts["schedule"].choice_label("one_cycle")) == ("Epochs", "One-cycle")
    assert opts["device"].choice_items()[0] == ("Automatic", "auto")


def test_every_choice_of_every_option_has_words() -> None:
    """No combo box shows an identifier: each choice (models included) has a label other than itself."""
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.options import CHOICE_LABELS, options

    missing = [(o.key, c) for o in options(TrainConfig) for c in o.choice_list() if c not in CHOICE_LABELS]
    assert missing == []
    assert CHOICE_LABELS["one_cycle"] == "One-cycle" and CHOICE_LABELS["adamw"] == "AdamW"


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),  # Traditional is not shipped; Simplified is the closer one
    ({"LANG": "zh_HK"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),  # not shipped: the source language
    ({"LANG": ""}, "en"),
    ({}, "en"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),  # LANGUAGE is a preference list, read first
    ({"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, "zh_CN"),  # its first supported entry wins
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL overrides LANG
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "", "LC_ALL": "", "LANG": "zh_CN.GB18030"}, "zh_CN"),  # empty variables are skipped
])
def test_system_language(environ: dict[str, str], expected: str) -> None:
    assert i18n.system_language(environ) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("zh_CN.UTF-8", "zh_CN"), ("zh-Hans", "zh_CN"), ("zh", "zh_CN"), ("zh_TW", "zh_CN"), ("en_GB", "en"),
    ("en-US", "en"), ("C", "en"), ("sr_RS@latin", None), ("de_DE", None), ("", None),
])
def test_match_language(name: str, expected: str | None) -> None:
    assert i18n.match_language(name) == expected


def test_set_language_without_a_choice_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.set_language(None) == "zh_CN" and i18n._("export done") == "导出完成"
    monkeypatch.setenv("LANG", "C")
    assert i18n.set_language(None) == "en" and i18n._("export done") == "export done"


@pytest.mark.parametrize(("model", "typical"), [("quicknet", (459, 438)), ("resnet18", (100, 100))])
def test_the_image_size_reason_reads_as_one_chinese_sentence(model: str, typical: tuple[int, int]) -> None:
    """"your images are {images}" with images = "typically 459×438" read "你的图像为 通常为 459×438" (the
    verb twice) on the Train form; the size description carries the verb in Chinese."""
    from desktop_cls.core.training.choices import choose_image_size

    i18n.set_language("zh_CN")
    reason = choose_image_size(model, typical).reason
    w, h = typical
    assert f"你的图像通常为 {w}×{h}；" in reason and "为 通常为" not in reason
