"""`export --format web --overwrite` into a folder of the user's: only the files the export writes are replaced
(each atomically), everything else there stays; a link as --out is followed like any folder the user names, a
link inside the folder is never written through, and a failed export changes nothing.

The ONNX export itself (tested in test_export_formats) is replaced by a stand-in that writes its three files,
so these tests are about the folder, and fast."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from desktop_cls.core import contained
from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelledError, CancelToken
from desktop_cls.core.inference import export_web as ew
from desktop_cls.core.inference.export import ExportResult

needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="needs POSIX symlinks")
WRITTEN = ["app.js", "index.html", "model.js", "model.json", "model.onnx", "model_example.py",
           "onnxruntime-web/LICENSE", "onnxruntime-web/runtime.js"]


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model to export, a small stand-in for ONNX Runtime Web, and an ONNX export that writes its files."""
    runtime = tmp_path / "ort"
    runtime.mkdir()
    for name in ew.RUNTIME_FILES:
        (runtime / name).write_text("1")
    monkeypatch.setattr(ew, "web_runtime_dir", lambda: runtime)
    monkeypatch.setattr(ew, "resolve_model_path", lambda src: Path(src))

    def fake_onnx(src: Path, fmt: str, out: Path, **_kw: Any) -> ExportResult:
        out.write_bytes(b"new onnx")
        meta = {"classes": ["cat", "dog"], "input_size": [16, 16], "mean": [0, 0, 0], "std": [1, 1, 1]}
        out.with_suffix(".json").write_text(json.dumps(meta))
        out.with_name("model_example.py").write_text("print('new')\n")
        return ExportResult(format=fmt, path=str(out), sidecar=str(out.with_suffix(".json")), size_bytes=8,
                            verified=True, max_abs_diff=0.0, top1_agreement=1.0, seconds=0.0,
                            snippet=str(out.with_name("model_example.py")))

    monkeypatch.setattr(ew, "export_model", fake_onnx)
    model = tmp_path / "run" / "model.safetensors"
    model.parent.mkdir()
    model.write_bytes(b"weights")
    return model


def _tree(root: Path) -> dict[str, bytes | str]:
    """Every entry under root, links not followed: a file's bytes, a link's target, a folder as 'dir'."""
    out: dict[str, bytes | str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = f"link:{os.readlink(p)}" if p.is_symlink() else "dir" if p.is_dir() else p.read_bytes()
    return out


def _old_export(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for rel in WRITTEN:
        (folder / rel).parent.mkdir(exist_ok=True)
        (folder / rel).write_bytes(b"old")
    (folder / "thesis.docx").write_bytes(b"chapter one")
    (folder / "notes").mkdir()
    (folder / "notes" / "todo.txt").write_bytes(b"mine")
    (folder / "onnxruntime-web" / "mine.txt").write_bytes(b"mine too")


def test_overwrite_replaces_only_the_files_the_export_writes(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    _old_export(out)
    ew.export_web(source, out, overwrite=True)
    tree = _tree(out)
    assert tree["thesis.docx"] == b"chapter one" and tree["notes/todo.txt"] == b"mine"
    assert tree["onnxruntime-web/mine.txt"] == b"mine too"
    assert all(tree[rel] != b"old" for rel in WRITTEN)
    assert sorted(tree) == sorted([*WRITTEN, "thesis.docx", "notes", "notes/todo.txt", "onnxruntime-web",
                                   "onnxruntime-web/mine.txt"])  # no staging or `.replaced` folder left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ort", "page", "run"]


def test_a_failed_export_changes_nothing_and_leaves_a_dot_replaced_folder_alone(source: Path,
                                                                                tmp_path: Path) -> None:
    out = tmp_path / "page"
    _old_export(out)
    (tmp_path / ".page.replaced").mkdir()
    (tmp_path / ".page.replaced" / "keep.txt").write_bytes(b"mine")
    before, beside = _tree(out), _tree(tmp_path / ".page.replaced")
    cancel = CancelToken()
    cancel.set()
    with pytest.raises(CancelledError):
        ew.export_web(source, out, overwrite=True, cancel=cancel)
    assert _tree(out) == before and _tree(tmp_path / ".page.replaced") == beside


def test_a_folder_the_export_made_is_gone_after_a_failure(source: Path, tmp_path: Path) -> None:
    cancel = CancelToken()
    cancel.set()
    with pytest.raises(CancelledError):
        ew.export_web(source, tmp_path / "new" / "page", cancel=cancel)
    assert not (tmp_path / "new" / "page").exists()


def test_a_folder_in_place_of_a_file_is_refused_before_anything_moves(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    _old_export(out)
    (out / "model.js").unlink()
    (out / "model.js").mkdir()
    before = _tree(out)
    with pytest.raises(UserError, match=r"model\.js is in the way"):
        ew.export_web(source, out, overwrite=True)
    assert _tree(out) == before


@needs_symlinks
def test_out_as_a_link_to_a_folder_is_exported_into_twice_and_stays_a_link(source: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "thesis.docx").write_bytes(b"chapter one")
    link = tmp_path / "page"
    link.symlink_to(real, target_is_directory=True)
    ew.export_web(source, link, overwrite=True)
    result = ew.export_web(source, link, overwrite=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "thesis.docx").read_bytes() == b"chapter one" and (real / "model.onnx").read_bytes() == b"new onnx"
    assert result.path == str(link / "index.html") and result.size_bytes > 0


@needs_symlinks
def test_links_inside_the_folder_are_never_written_through(source: Path, tmp_path: Path) -> None:
    victim = tmp_path / "home"
    (victim / "Documents").mkdir(parents=True)
    (victim / "thesis.docx").write_bytes(b"chapter one")
    out = tmp_path / "page"
    out.mkdir()
    (out / "index.html").symlink_to(victim / "thesis.docx")
    (out / "onnxruntime-web").symlink_to(victim / "Documents", target_is_directory=True)
    with pytest.raises(contained.Refused, match="onnxruntime-web is a link"):
        ew.export_web(source, out, overwrite=True)
    untouched = {"Documents": "dir", "thesis.docx": b"chapter one"}
    assert _tree(victim) == untouched
    (out / "onnxruntime-web").unlink()
    ew.export_web(source, out, overwrite=True)  # the link in index.html's place is replaced, its target kept
    assert not (out / "index.html").is_symlink() and _tree(victim) == untouched


def test_a_dangling_link_or_a_file_as_out_is_a_clear_message(source: Path, tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text("mine")
    with pytest.raises(UserError, match="is not a folder"):
        ew.export_web(source, tmp_path / "page.txt", overwrite=True)
    if os.name != "nt":
        (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
        with pytest.raises(UserError, match="is not a folder"):
            ew.export_web(source, tmp_path / "gone", overwrite=True)
    assert (tmp_path / "page.txt").read_text() == "mine"


def test_missing_web_runtime_names_the_developer_command_only_in_a_source_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ew, "resources_dir", lambda: tmp_path)
    for checkout, said in ((None, False), (tmp_path, True)):
        monkeypatch.setattr(ew, "source_checkout", lambda c=checkout: c)
        with pytest.raises(UserError) as caught:
            ew.web_runtime_dir()
        fixes = f"{caught.value.cli_fix} {caught.value.gui_fix}"
        assert ("dev.py" in fixes) == said, fixes
        assert said or "released" in fixes
