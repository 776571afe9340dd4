"""A run keeps its last evaluation and exports for the next start: read back as they were, marked stale with the
reason once the images, their classes, the model or an exported file changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_cls.core.inference import saved_evaluation as se
from desktop_cls.core.inference import saved_exports as sx
from desktop_cls.core.inference.export_result import ExportResult
from desktop_cls.core.run_dir import CONFIG, MODEL, RUN_INFO
from tests.conftest import make_tiny_folder

CLASSES = ("cat", "dog", "fish")


def make_run(base: Path) -> Path:
    """A run folder as far as kept results care: config, run.json naming its classes, and a model file."""
    run = base / "run"
    run.mkdir(parents=True)
    (run / CONFIG).write_text("{}", encoding="utf-8")
    (run / RUN_INFO).write_text(json.dumps({"status": "finished", "classes": list(CLASSES)}), encoding="utf-8")
    (run / MODEL).write_bytes(b"weights")
    return run


def evaluation_of(folder: Path, seed: int = 0) -> dict[str, Any]:
    """What the Evaluate page's task returns for the images of `folder` (Evaluation.to_dict() and its "_" keys)."""
    from desktop_cls.core.data.dataset import scan
    from desktop_cls.core.inference.evaluation import Evaluation
    from desktop_cls.core.inference.metrics import classification_report

    samples = scan(folder, val_fraction=0.0).samples
    rng = np.random.default_rng(seed)
    y = np.array([s.label for s in samples])
    logits = rng.normal(size=(len(y), len(CLASSES)))
    logits[np.arange(len(y)), y] += 2.0
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    paths = tuple(s.path for s in samples)
    ev = Evaluation(classification_report(y, probs, CLASSES), paths, y, probs, "validation", ())
    d = ev.to_dict()
    pred = probs.argmax(axis=1)
    d["_samples"] = [(p, int(t), int(k), float(probs[i, k])) for i, (p, t, k) in enumerate(zip(paths, y, pred,
                                                                                               strict=True))]
    d["_curves"] = ev.curves()
    d["_epoch"] = (3, 4)
    return d


@pytest.fixture
def kept(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    """(run, images, the evaluation kept in the run)."""
    run, data = make_run(tmp_path), make_tiny_folder(tmp_path / "data", per_class=4)
    d = evaluation_of(data)
    assert se.keep_evaluation(str(run), str(data), se.folder_state(data), d) == ""
    return run, data, d


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN, a tuple to a list of the same items."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and a != a:
        return b != b
    return bool(a == b)


def test_an_evaluation_kept_in_the_run_comes_back_as_it_was(kept: tuple[Path, Path, dict[str, Any]]) -> None:
    run, data, d = kept
    saved = se.load_evaluation(str(run), str(data), CLASSES)
    assert saved.note == "" and saved.stale == ()
    assert saved.result is not None
    back = {k: v for k, v in saved.result.items() if k not in ("_folder", "_model")}
    want = {k: v for k, v in d.items() if k != "misclassified"}
    assert _same(back, want)
    assert saved.result["_model"] == str(run) and saved.result["_folder"] == str(data)
    assert not any(p.name.endswith(".tmp") for p in run.iterdir())  # written atomically, nothing left beside it


def test_a_kept_evaluation_of_other_images_is_not_shown_for_these(kept: tuple[Path, Path, dict[str, Any]],
                                                                 tmp_path: Path) -> None:
    run, data, _d = kept
    other = make_tiny_folder(tmp_path / "other", per_class=2)
    saved = se.load_evaluation(str(run), str(other), CLASSES)
    assert saved.result is None and saved.note == "" and saved.folder == str(data.resolve())  # named, not shown


@pytest.mark.parametrize("change, reason", [
    ("add", "images were added, removed, moved or changed since"),
    ("edit", "images were added, removed, moved or changed since"),
    ("rename", "the class folders changed since (now: cat, dog, goldfish)"),
    ("model", "the model was trained again or replaced since"),
    ("gone", "cannot be read"),
])
def test_a_kept_evaluation_is_stale_once_the_images_their_classes_or_the_model_change(
        kept: tuple[Path, Path, dict[str, Any]], change: str, reason: str) -> None:
    run, data, _d = kept
    if change == "add":
        (data / "dog" / "new.png").write_bytes((data / "cat" / "cat_00.png").read_bytes())
    elif change == "edit":
        with open(data / "dog" / "dog_01.png", "ab") as f:
            f.write(b"\0")
    elif change == "rename":
        (data / "fish").rename(data / "goldfish")
    elif change == "model":
        (run / MODEL).write_bytes(b"weights trained further")
    else:
        for p in sorted(data.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        data.rmdir()
    saved = se.load_evaluation(str(run), str(data), CLASSES)
    assert saved.result is not None and saved.note == ""
    assert len(saved.stale) == 1 and reason in saved.stale[0]


def test_a_model_file_outside_a_run_keeps_nothing(tmp_path: Path) -> None:
    data = make_tiny_folder(tmp_path / "data", per_class=2)
    model = tmp_path / "model.safetensors"
    model.write_bytes(b"weights")
    assert se.keep_evaluation(str(model), str(data), se.folder_state(data), evaluation_of(data)) == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "model.safetensors"]


def _exported(dest: Path, fmt: str = "onnx") -> dict[str, Any]:
    """One export as the Export page's task returns it, its files written into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    model, sidecar, script = dest / "model.onnx", dest / "model.json", dest / "model_example.py"
    model.write_bytes(b"onnx" * 100)
    sidecar.write_text('{"classes": ["cat"]}', encoding="utf-8")
    script.write_text("import onnxruntime\n", encoding="utf-8")
    r = ExportResult(fmt, str(model), str(sidecar), 400, True, 1e-5, 1.0, 2.5, files=(str(model),),
                     snippet=str(script), num_images=6, images="6 validation images", accuracy=0.75,
                     reference_accuracy=0.75, latency_ms=1.25, reference_latency_ms=2.0, runtime="ONNX Runtime")
    return {**r.to_dict(), "metadata": sidecar.read_text(encoding="utf-8"), "snippet_text": script.read_text()}


def test_exports_kept_in_the_run_come_back_as_they_were(tmp_path: Path) -> None:
    run, dest = make_run(tmp_path), tmp_path / "exports"
    d = _exported(dest)
    assert sx.keep_exports(str(run), dest, [d]) == ""
    saved = sx.load_exports(str(run))
    assert saved.note == "" and saved.stale == () and saved.dest == str(dest.resolve())
    assert [dict(e) for e in saved.exports] == [d]


@pytest.mark.parametrize("change, reason", [
    ("gone", "model.onnx is gone"),
    ("changed", "model.json changed since it was verified"),
    ("model", "the model was trained again or replaced since"),
])
def test_kept_exports_are_stale_once_a_file_is_gone_or_changed(tmp_path: Path, change: str, reason: str) -> None:
    run, dest = make_run(tmp_path), tmp_path / "exports"
    sx.keep_exports(str(run), dest, [_exported(dest)])
    if change == "gone":
        (dest / "model.onnx").unlink()
    elif change == "changed":
        (dest / "model.json").write_text('{"classes": ["dog"]}', encoding="utf-8")
    else:
        (run / MODEL).write_bytes(b"other weights")
    saved = sx.load_exports(str(run))
    assert len(saved.exports) == 1 and saved.note == ""
    assert len(saved.stale) == 1 and saved.stale[0].endswith(reason)


def test_results_are_kept_beside_a_link_never_through_it(kept: tuple[Path, Path, dict[str, Any]],
                                                         tmp_path: Path) -> None:
    """A run folder from someone else whose evaluation.json is a link to a file of the user's: keeping a result
    replaces the link, and the file it pointed to is left as it was."""
    run, data, d = kept
    users = tmp_path / "users_file.txt"
    users.write_text("mine", encoding="utf-8")
    (run / se.EVALUATION).unlink()
    os.symlink(users, run / se.EVALUATION)
    assert se.keep_evaluation(str(run), str(data), se.folder_state(data), d) == ""
    assert users.read_text(encoding="utf-8") == "mine"
    assert not (run / se.EVALUATION).is_symlink()


def test_an_evaluation_of_other_images_is_named_and_not_walked_unless_the_user_chose_them(
        kept: tuple[Path, Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run keeps its evaluation of DATA; the page asks for the default images (another folder). DATA comes back
    named only, never walked, unless the user chose it in the app (a run from someone else may name any folder);
    then whole, checked against the folder as it is now."""
    run, data, _d = kept
    default = make_tiny_folder(tmp_path / "default", per_class=2)

    def walked(folder: object) -> None:
        raise AssertionError(f"{folder} was walked")

    with monkeypatch.context() as m:
        m.setattr(se, "folder_state", walked)
        named = se.load_evaluation(str(run), str(default), CLASSES, chosen=[str(default)])
    assert named.result is None and named.folder == str(data.resolve()) and named.note == ""

    whole = se.load_evaluation(str(run), str(default), CLASSES, chosen=[str(tmp_path / "x"), str(data)])
    assert whole.result is not None and whole.folder == str(data.resolve()) and whole.stale == ()
    assert whole.result["_folder"] == str(data.resolve())
    (data / "cat" / "cat_00.png").unlink()
    assert se.load_evaluation(str(run), str(default), CLASSES, chosen=[str(data)]).stale == (
        "images were added, removed, moved or changed since",)
    shutil.rmtree(data)  # gone: nothing to show or to name
    assert se.load_evaluation(str(run), str(default), CLASSES, chosen=[str(data)]) == se.SavedEvaluation()
