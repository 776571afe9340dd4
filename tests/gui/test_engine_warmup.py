"""What the engine task loads once the window shows, and what it leaves out: torch's compiler stack, which
nothing the window asks for needs."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Loading the engine freezes every object there is out of the cycle collector: the other tests' go back."""
    yield
    gc.unfreeze()


def test_loading_the_engine_and_what_the_window_asks_of_it_import_no_compiler_stack(tmp_path: Path) -> None:
    """torch's compiler stack and sympy were 2.2 s of the engine's 5 s import, brought in by the models built on
    torch's meta device for the Train form's parameter counts (`nn.init` reaches `torch._compile` there) and by
    torchvision (its ops import `torch._dynamo`): the counts and the check for a backbone's downloaded weights,
    both asked on the UI thread, now need neither."""
    code = ("import sys; from desktop_cls.gui.shell import engine; engine.load_engine(None, None); "
            "from desktop_cls.core.models.catalog import MODELS, parameter_count; "
            "from desktop_cls.core.training.config import TrainConfig; "
            "from desktop_cls.gui.pages.train.weights_dialog import missing_weights_model; "
            "counts = [parameter_count(name, n) for name in MODELS for n in (1, 3, 1000)]; "
            "missing = missing_weights_model(TrainConfig(model='resnet18', pretrained=True)); "
            "print(missing, min(counts) > 0, *[m for m in ('torch._dynamo', 'sympy', 'torchvision') "
            "if m in sys.modules])")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TORCH_HOME=str(tmp_path / "torch"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
                         env=env)
    assert out.stdout.split() == ["resnet18", "True"]


def test_the_engine_task_loads_the_health_checks_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the check's thread, beside the UI thread, when the first folder is checked."""
    import desktop_cls.core.data as data
    from desktop_cls.gui.shell import engine

    monkeypatch.delitem(sys.modules, "desktop_cls.core.data.health", raising=False)
    monkeypatch.delattr(data, "health", raising=False)
    engine.load_engine(None, None)
    assert "desktop_cls.core.data.health" in sys.modules


def test_what_the_engine_loaded_is_frozen_out_of_the_cycle_collector() -> None:
    """A full collection walked every object of torch, torchvision and Qt in one step that keeps the interpreter
    lock (0.2-0.5 s, on whichever thread it fell, the window's included): once the engine has loaded, those are
    in the collector's permanent generation, and the collector is on again as before."""
    import torch

    from desktop_cls.gui.shell import engine

    was_on = gc.isenabled()
    engine.load_engine(None, None)
    walked = {id(o) for o in gc.get_objects()}  # what a full collection walks: the permanent generation is not
    assert id(torch.nn.Module) not in walked
    assert id(vars(torch.nn.Module)) not in walked
    assert gc.get_freeze_count() > 0
    assert gc.isenabled() == was_on


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="torch's libraries are loaded early on Linux")
def test_preloading_loads_libtorch_without_importing_torch() -> None:
    """Loading libtorch keeps the interpreter lock throughout (0.25-0.9 s): it happens before the window, and only
    the library loads there, not torch's seconds of Python."""
    code = ("import sys; from desktop_cls.gui.shell.engine import preload_torch_libraries; "
            "preload_torch_libraries(); maps = open('/proc/self/maps').read(); "
            "print('libtorch_cpu.so' in maps, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_the_app_loads_torchs_libraries_before_it_builds_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_cls.gui.shell import app, engine, main_window

    order: list[str] = []

    class Built(Exception):
        pass

    def window(*args: object, **kwargs: object) -> None:
        order.append("window")
        raise Built

    monkeypatch.setattr(engine, "quicker_pyside_import_check", lambda: order.append("pyside check"))
    monkeypatch.setattr(engine, "preload_torch_libraries", lambda: order.append("libraries"))
    monkeypatch.setattr(main_window, "MainWindow", window)
    for quiet in ("setup_logging", "install_exception_hooks", "ignore_file_size_signal"):
        monkeypatch.setattr(app, quiet, lambda: None)
    with pytest.raises(Built):
        app.run_app()
    assert order == ["pyside check", "libraries", "window"]


def test_pysides_check_of_each_import_reads_the_file_and_keeps_no_source(tmp_path: Path) -> None:
    """PySide looked for "PySide6" in each imported module's source through inspect, which kept every line of
    every module in linecache (1.1 million lines, about 95 MB, once torch was loaded): the same answer now comes
    from the file's bytes, and nothing is kept."""
    (tmp_path / "uses_qt.py").write_text("import PySide6.QtCore\n")
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n")
    code = ("import sys, linecache; import PySide6.QtCore; from desktop_cls.gui.shell.engine import "
            "quicker_pyside_import_check; quicker_pyside_import_check(); quicker_pyside_import_check(); "
            f"sys.path.insert(0, {str(tmp_path)!r}); import uses_qt, plain_module; "
            "features = sys.modules['shibokensupport.feature'].pyside_feature_dict; "
            "print(features['uses_qt'], features['plain_module'], "
            "any(name.endswith(('uses_qt.py', 'plain_module.py')) for name in linecache.cache))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["0", "-1", "False"]
