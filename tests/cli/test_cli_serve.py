"""`desktop-cls serve` and `export --format web` from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from desktop_cls.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_serve_refuses_another_host_without_a_token(capsys: pytest.CaptureFixture[str],
                                                    trained_run: tuple[Path, Path]) -> None:
    code = main(["serve", str(trained_run[0]), "--host", "0.0.0.0"])
    err = capsys.readouterr().err
    assert code == 2 and "0.0.0.0" in err and "--token" in err


def test_serve_prints_its_address_and_answers(trained_run: tuple[Path, Path]) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "desktop_cls", "serve", str(trained_run[0]), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if m:
                url = m.group(1)
                break
        assert url is not None
        image = next((trained_run[1] / "dog").iterdir()).read_bytes()
        answer = httpx.post(f"{url}/predict?top_k=2", content=image).json()
        assert answer["prediction"]["label"] == "dog" and len(answer["prediction"]["top_k"]) == 2
    finally:
        proc.terminate()
        proc.wait(30)


def test_export_web_reports_the_page(capsys: pytest.CaptureFixture[str], trained_run: tuple[Path, Path],
                                     tmp_path: Path) -> None:
    from desktop_cls.core.errors import UserError
    from desktop_cls.core.inference.export_web import web_runtime_dir

    try:
        web_runtime_dir()
    except UserError:
        pytest.skip("ONNX Runtime Web is not fetched (python dev.py web-runtime)")
    code = main(["export", str(trained_run[0]), "--format", "web", "--out", str(tmp_path / "page")])
    out = capsys.readouterr().out
    assert code == 0 and "index.html in a browser" in out
    assert (tmp_path / "page" / "index.html").is_file()


def test_serve_says_it_is_opening_the_model_before_the_slow_load(capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """Nothing was printed until the server was ready, minutes later with --runtime auto on a busy machine."""
    from desktop_cls.core.errors import UserError
    from desktop_cls.core.serving.runtime import ServedModel

    def slow_open(*args: object, **kwargs: object) -> None:
        assert f"opening {tmp_path / 'run'}" in capsys.readouterr().err  # said before the load starts
        raise UserError("stop here")

    monkeypatch.setattr(ServedModel, "open", slow_open)
    assert main(["serve", str(tmp_path / "run")]) == 2
    assert "stop here" in capsys.readouterr().err
