"""Class names and paths in Chinese through training, prediction and export: the run, the exported model's
sidecar and a model loaded back from it keep the names exactly (UTF-8, never escaped into something else)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_tiny_folder

CJK = ("猫", "狗", "鸟")


def test_an_export_keeps_chinese_class_names_in_its_sidecar_and_when_loaded(tmp_path: Path) -> None:
    from desktop_cls.core.inference.export import export_model
    from desktop_cls.core.inference.predictor import Predictor
    from desktop_cls.core.training.config import TrainConfig
    from desktop_cls.core.training.run import fit

    data = make_tiny_folder(tmp_path / "数据" / "动物", classes=CJK, per_class=4)
    cfg = TrainConfig(model="simple_cnn", epochs=1, batch_size=4, image_size=16, seed=0, pretrained=False)
    run = Path(fit(cfg, data, out=tmp_path / "训练").run_dir)
    expected = sorted(CJK)  # class folders are read in sorted order
    assert list(Predictor.load(run).classes) == expected

    target = tmp_path / "导出" / "模型.safetensors"
    res = export_model(run, "safetensors", target)
    sidecar = Path(res.sidecar)
    raw = sidecar.read_bytes()
    assert "猫".encode() in raw  # written as UTF-8 text, readable in any editor
    meta = json.loads(raw.decode("utf-8"))
    assert meta["classes"] == expected

    loaded = Predictor.load(target)
    assert list(loaded.classes) == expected
    pred = loaded.predict_paths([data / "猫"], top_k=3)
    assert len(pred) == 4 and all(p.label in CJK and p.path.endswith(".png") and "动物" in p.path for p in pred)
    assert {name for p in pred for name, _ in p.top_k} <= set(CJK)
