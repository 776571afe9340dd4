"""`desktop-cls serve`: the HTTP API answers like `predict`, refuses bad requests with JSON, survives
clients that vanish, and needs a token off loopback. The server runs in-process on an ephemeral port."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import shutil
import socket
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from desktop_cls.core.errors import UserError
from desktop_cls.core.inference.predictor import Predictor, expand_inputs
from desktop_cls.core.serving.app import ServeSettings, create_app
from desktop_cls.core.serving.batching import Batcher
from desktop_cls.core.serving.runtime import ServedModel
from desktop_cls.core.serving.server import RunningServer, check_binding


@pytest.fixture(scope="module")
def served(trained_run: tuple[Path, Path]) -> Iterator[tuple[RunningServer, Path, Path]]:
    run, data = trained_run
    with _serving(run, ServeSettings(max_body_bytes=200_000)) as server:
        yield server, run, data


@contextlib.contextmanager
def _serving(run: Path, settings: ServeSettings) -> Iterator[RunningServer]:
    """A server with the default upload timeout unless a test asks for a short one: a short timeout shared by
    every test turned a slow (busy) machine's ordinary upload into a 408."""
    server = RunningServer(ServedModel.open(run), "127.0.0.1", 0, settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _prediction(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "prediction" in body, f"{response.status_code}: {body}"
    return body["prediction"]


def _client(server: RunningServer) -> httpx.Client:
    return httpx.Client(base_url=server.info().url, timeout=30)


def test_answers_equal_predict_on_every_file(served: tuple[RunningServer, Path, Path]) -> None:
    server, run, data = served
    files = expand_inputs([data])
    expected = {p.path: p for p in Predictor.load(run, device="cpu").predict_paths(files, top_k=3)}
    with _client(server) as c:
        singles = [_prediction(c.post("/predict", content=Path(f).read_bytes())) for f in files]
        batch = c.post("/predict/batch", files=[("files", (f, Path(f).read_bytes())) for f in files]).json()
    assert len(batch["predictions"]) == len(files)
    for f, one, many in zip(files, singles, batch["predictions"], strict=True):
        want = expected[f]
        for got in (one, many):
            assert got["label"] == want.label
            assert [t["label"] for t in got["top_k"]] == [lab for lab, _p in want.top_k]
            assert np.allclose([t["probability"] for t in got["top_k"]], [p for _l, p in want.top_k], atol=1e-5)
    assert batch["classes"] == ["cat", "dog", "fish"] and batch["model"] == server.model.id


def test_confidences_are_calibrated_like_predict(trained_run: tuple[Path, Path], tmp_path: Path) -> None:
    """A run with a fitted temperature: the server divides the logits by it, as predict does."""
    run = tmp_path / "calibrated"
    shutil.copytree(trained_run[0], run, ignore=shutil.ignore_patterns("checkpoints", "tensorboard"))
    meta = json.loads((run / "model.json").read_text())
    (run / "model.json").write_text(json.dumps({**meta, "temperature": 2.5}))
    files = expand_inputs([trained_run[1]])[:6]
    expected = Predictor.load(run, device="cpu").predict_paths(files, top_k=3)
    app = create_app(ServedModel.open(run), ServeSettings())

    async def calls() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            return [(await c.post("/predict", content=Path(f).read_bytes())).json() for f in files]

    got = asyncio.run(calls())
    assert got[0]["classes"] == ["cat", "dog", "fish"]
    for want, answer in zip(expected, got, strict=True):
        pred = answer["prediction"]
        assert pred["label"] == want.label and abs(pred["confidence"] - want.confidence) < 1e-5
    uncalibrated = Predictor.load(trained_run[0], device="cpu").predict_paths(files[:1], top_k=3)[0]
    assert got[0]["prediction"]["confidence"] < uncalibrated.confidence


def test_model_health_and_offline_docs(served: tuple[RunningServer, Path, Path]) -> None:
    server, _run, _data = served
    with _client(server) as c:
        model = c.get("/model").json()
        assert model["classes"] == ["cat", "dog", "fish"] and model["input_size"] == [16, 16]
        assert "val_accuracy" in model["metrics"]
        assert "white" in model["transparency"]  # the server composites transparent pictures as the app does
        assert c.get("/health").json()["status"] == "ok"
        docs = c.get("/docs").text
        assert "/predict/batch" in docs and "<script" not in docs and "cdn" not in docs.lower()


def _bad(c: httpx.Client, body: bytes, **kw: object) -> tuple[int, dict[str, str]]:
    r = c.post("/predict", content=body, **kw)  # type: ignore[arg-type]
    return r.status_code, r.json()["error"]


def test_bad_requests_get_json_errors(served: tuple[RunningServer, Path, Path],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    server, _run, data = served
    png = next((data / "cat").iterdir()).read_bytes()
    with _client(server) as c:
        status, err = _bad(c, b"hello, not an image")
        assert status == 422 and err["code"] == "not_image"
        assert "send the bytes of an image file" in err["message"] and "extension" not in err["message"]
        assert _bad(c, png[: len(png) // 2])[1]["code"] == "corrupt"  # a truncated file
        assert _bad(c, b"")[0] == 400
        status, err = _bad(c, b"\0" * 300_000)
        assert status == 413 and err["code"] == "too_large"
        monkeypatch.setattr("desktop_cls.core.data.imaging.MAX_PIXELS", 100)  # 16 x 16 is now a "bomb"
        status, err = _bad(c, png)
        assert status == 422 and err["code"] == "too_large" and "decompression bomb" in err["message"]
        assert c.post("/predict?top_k=0", content=png).status_code == 422
        assert c.post("/predict/batch", files=[("files", ("a.png", png)), ("files", ("b.png", png))]).status_code == 200
        assert _bad(c, png, headers={"Host": "attacker.example"})[1]["code"] == "bad_host"


def _raw(server: RunningServer, head: bytes, body: bytes, close: bool) -> bytes:
    """Send bytes on a plain socket; unless close, read one whole answer (headers and Content-Length bytes)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head + body)
        if close:
            return b""
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def _length(answer: bytes) -> int:
    m = re.search(rb"(?i)content-length:\s*(\d+)", answer)
    return int(m.group(1)) if m else 0


def test_client_closing_mid_upload_leaves_the_server_serving(served: tuple[RunningServer, Path, Path]) -> None:
    server, _run, data = served
    png = next((data / "dog").iterdir()).read_bytes()
    head = f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(png)}\r\n\r\n".encode()
    for _i in range(5):
        _raw(server, head, png[:50], close=True)
    with _client(server) as c:
        assert c.post("/predict", content=png).json()["prediction"]["label"] == "dog"


def test_slow_client_gets_408(trained_run: tuple[Path, Path]) -> None:
    head = b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n"
    with _serving(trained_run[0], ServeSettings(body_timeout_s=0.5)) as server:
        answer = _raw(server, head, b"x" * 10, close=False)  # then nothing more: the server's timeout answers
    status, _sep, rest = answer.partition(b"\r\n")
    assert b" 408 " in status
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "too_slow"


def test_token_required_off_loopback(trained_run: tuple[Path, Path]) -> None:
    with pytest.raises(UserError, match="token"):
        check_binding("0.0.0.0", None)
    check_binding("0.0.0.0", "s3cret")
    check_binding("127.0.0.1", None)
    model = ServedModel.open(trained_run[0], runtime="torch")
    app = create_app(model, ServeSettings(token="s3cret", loopback_only=False))

    async def calls() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://192.0.2.1") as c:
            return [(await c.get("/model")).status_code,
                    (await c.get("/model", headers={"Authorization": "Bearer wrong"})).status_code,
                    (await c.get("/model", headers={"Authorization": "Bearer s3cret"})).status_code,
                    (await c.get("/health")).status_code]

    assert asyncio.run(calls()) == [401, 401, 200, 200]


def test_requests_waiting_together_share_one_model_call() -> None:
    release = threading.Event()
    sizes: list[int] = []

    def model(images: Sequence[np.ndarray]) -> np.ndarray:
        sizes.append(len(images))
        release.wait(10)
        return np.stack(images)

    async def scenario() -> list[np.ndarray]:
        b = Batcher(model, max_batch=8)
        first = asyncio.ensure_future(b.submit([np.zeros(1)]))
        while not sizes:  # the first call is running (and held)
            await asyncio.sleep(0.001)
        rest = [asyncio.ensure_future(b.submit([np.full(1, i)])) for i in range(1, 4)]
        await asyncio.sleep(0.01)
        release.set()
        out = [await f for f in (first, *rest)]
        await b.aclose()
        return out

    out = asyncio.run(scenario())
    assert sizes == [1, 3]  # the lone first request did not wait; the three that queued went together
    assert [float(o[0][0]) for o in out] == [0.0, 1.0, 2.0, 3.0]


def test_multipart_upload_is_split_in_memory() -> None:
    from desktop_cls.core.serving.uploads import split_multipart

    body = io.BytesIO()
    for name, data in (("a.png", b"\x89PNG one"), ("b.png", b"two\r\n--not-the-boundary")):
        body.write(f'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'.encode())
        body.write(data + b"\r\n")
    body.write(b'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--XyZ--\r\n')
    parts = split_multipart(body.getvalue(), "multipart/form-data; boundary=XyZ", max_files=4)
    assert [(p.name, p.data) for p in parts] == [("a.png", b"\x89PNG one"), ("b.png", b"two\r\n--not-the-boundary")]


def test_a_port_in_use_is_said_before_the_model_is_opened_in_each_front_ends_words(tmp_path: Path) -> None:
    """The Export page's Serve box waited for the model (and its checks) before saying the port was taken, then
    asked for a command-line flag; the port is tried first, and each front end names its own way out."""
    from desktop_cls.core.serving.server import start_in_background

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(UserError) as raised:  # no model there: it was never opened
            start_in_background(str(tmp_path / "no-such-run"), port=port)
    assert str(port) in str(raised.value)
    assert "Port box" in raised.value.for_gui() and "--port" not in raised.value.for_gui()
    assert "--port" in raised.value.for_cli()
