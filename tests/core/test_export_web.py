"""`export --format web`: the page, opened from file:// in real headless Chromium, classifies held-out
images like `desktop-cls predict` (labels on >= 99 %, confidences within 1e-3) without any network request."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_cls.core.errors import UserError
from desktop_cls.core.inference.export_web import export_web, web_runtime_dir
from desktop_cls.core.inference.predictor import Predictor
from tests.conftest import write_image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _runtime_missing() -> str | None:
    try:
        web_runtime_dir()
    except UserError:
        return "ONNX Runtime Web is not fetched (python dev.py web-runtime)"
    return None


needs_browser = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None or _runtime_missing() is not None,
    reason=_runtime_missing() or "no headless Chromium: install the Debian packages chromium and chromium-driver "
                                 "(python dev.py test does it)")


def _held_out(root: Path, count: int = 30) -> list[str]:
    """Coloured images like the run's classes, at sizes that make the page resize up, down and sideways."""
    rng = np.random.default_rng(7)
    colours = {"cat": (230, 40, 40), "dog": (40, 230, 40), "fish": (40, 40, 230)}
    files = []
    for i in range(count):
        name = list(colours)[i % 3]
        h, w = int(rng.integers(5, 90)), int(rng.integers(5, 90))
        arr = np.clip(np.array(colours[name]) + rng.normal(0, 60, (h, w, 3)), 0, 255).astype(np.uint8)
        files.append(str(write_image(root / f"{name}_{i:02d}_{w}x{h}.png", arr)))
    for i in range(9):  # clip art: a drawing in part of a transparent canvas, which both cut and letterbox
        name = list(colours)[i % 3]
        h, w = int(rng.integers(20, 120)), int(rng.integers(20, 120))
        rgba = np.zeros((h, w, 4), np.uint8)
        y0, x0 = int(rng.integers(0, h // 2)), int(rng.integers(0, w // 2))
        y1, x1 = int(rng.integers(y0 + 3, h + 1)), int(rng.integers(x0 + 3, w + 1))
        rgba[y0:y1, x0:x1, :3] = np.clip(np.array(colours[name]) + rng.normal(0, 60, (y1 - y0, x1 - x0, 3)), 0, 255)
        rgba[y0:y1, x0:x1, 3] = 255
        files.append(str(write_image(root / f"{name}_clipart_{i}_{w}x{h}.png", rgba)))
    return files


def _browser(lang: str, fake_camera: bool = False) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--lang={lang}",
                f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}"):
        opts.add_argument(arg)
    if fake_camera:  # Chromium's test pattern instead of a real webcam, permission granted
        opts.add_argument("--use-fake-device-for-media-stream")
        opts.add_argument("--use-fake-ui-for-media-stream")
    opts.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return webdriver.Chrome(service=Service(str(DRIVER)), options=opts)


def _wait(driver: Any, script: str, timeout_s: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    status = driver.execute_script("return document.getElementById('status').textContent")
    raise AssertionError(f"the page did not get there: {script}; status: {status}")


@pytest.fixture(scope="module")
def web_folder(trained_run: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if _runtime_missing() is not None:
        pytest.skip(str(_runtime_missing()))
    out = tmp_path_factory.mktemp("web") / "page"
    export_web(trained_run[0], out)
    yield out


@needs_browser
def test_page_classifies_like_predict_offline(web_folder: Path, trained_run: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    files = _held_out(tmp_path / "held_out")
    expected = Predictor.load(trained_run[0], device="cpu").predict_paths(files, top_k=3)
    driver = _browser("en-US")
    try:
        driver.get(web_folder.joinpath("index.html").as_uri())
        assert _wait(driver, "return document.body.dataset.ready") == "true"
        assert "Drop images here" in driver.find_element("id", "dropText").text
        driver.find_element("id", "files").send_keys("\n".join(files))
        got = _wait(driver, f"return window.desktopClsResults.length >= {len(files)} && window.desktopClsResults")
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    finally:
        driver.quit()
    by_name = {g["name"]: g for g in got}
    agree, worst = 0, 0.0
    for want in expected:
        page = by_name[Path(want.path).name]
        agree += page["label"] == want.label
        page_p = {t["label"]: t["probability"] for t in page["top_k"]}
        worst = max(worst, *(abs(page_p[label] - p) for label, p in want.top_k))
    assert agree / len(expected) >= 0.99
    assert worst <= 1e-3  # the promise; in fact the page's resize gives Pillow's very pixels:
    assert worst <= 1e-5  # what remains is float32 arithmetic in another runtime
    assert all(r.startswith(("file:", "blob:", "data:")) for r in resources), resources


@needs_browser
def test_page_speaks_chinese_and_classifies_the_webcam_live(web_folder: Path) -> None:
    driver = _browser("zh-CN", fake_camera=True)
    try:
        driver.get(web_folder.joinpath("index.html").as_uri())
        assert _wait(driver, "return document.body.dataset.ready") == "true"
        assert "拖放" in driver.find_element("id", "dropText").text
        assert "就绪" in driver.find_element("id", "status").text
        driver.find_element("id", "camera").click()
        live = _wait(driver, "return document.getElementById('liveResult').textContent", timeout_s=60)
        assert any(name in live for name in ("cat", "dog", "fish")) and "%" in live
        assert driver.find_element("id", "camera").text == "关闭摄像头"
    finally:
        driver.quit()


def test_export_refuses_a_non_empty_folder_and_keeps_it(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    if _runtime_missing() is not None:
        pytest.skip(str(_runtime_missing()))
    out = tmp_path / "page"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    with pytest.raises(UserError, match="not empty"):
        export_web(trained_run[0], out)
    assert (out / "mine.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page"]  # no staging folder left behind
