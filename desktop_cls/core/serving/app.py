"""The HTTP API of `desktop-cls serve` (FastAPI on Starlette).

FastAPI because it gives the OpenAPI description at /openapi.json from the code itself, validates query
parameters into clear 422 answers, and runs on any ASGI server (uvicorn here; tests drive the same app
through httpx without a socket). Its interactive docs load Swagger UI from a CDN, which an offline
app cannot reach, so /docs is a plain page rendered here from the same OpenAPI description.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.i18n import _
from desktop_cls.core.serving.batching import Batcher
from desktop_cls.core.serving.docs_page import render_docs
from desktop_cls.core.serving.runtime import ServedModel
from desktop_cls.core.serving.uploads import ClientGone, RequestProblem, Upload, read_body, split_multipart

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
OPEN_PATHS = frozenset({"/health", "/docs", "/openapi.json"})
_IMAGE_BODY = {"requestBody": {"required": True, "content": {
    "image/*": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}
_BATCH_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


@dataclass(frozen=True, slots=True)
class ServeSettings:
    token: str | None = None  # Bearer token every request but /health and /docs must carry
    loopback_only: bool = True  # refuse Host headers other than loopback names (DNS rebinding)
    max_body_bytes: int = 20_000_000
    body_timeout_s: float = 30.0
    max_batch: int = 32
    max_files: int = 64


class ServeStats:
    """Counters the Export page and the benchmark read (plain ints; a lock keeps them exact)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.errors = 0

    def count(self, ok: bool) -> None:
        with self._lock:
            self.requests += 1
            self.errors += 0 if ok else 1


def problem_response(p: RequestProblem, headers: dict[str, str] | None = None) -> JSONResponse:
    """The server's one error shape: {"error": {"code": a stable word for programs, "message": for people}}."""
    return JSONResponse({"error": {"code": p.code, "message": p.message}}, status_code=p.status, headers=headers)


def http_problem(request: Request, status: int, detail: str) -> RequestProblem:
    """Starlette's own refusals (an unknown path, a method a path does not take) in the shape and language of
    the server's other errors, instead of its English {"detail": "Not Found"}."""
    where = {"method": request.method, "path": request.url.path}
    if status == 404:
        return RequestProblem(404, "not_found", _("nothing answers at {path}; the server's paths are listed at "
                                                  "/docs").format(**where))
    if status == 405:
        return RequestProblem(405, "method_not_allowed", _("{path} does not take {method} requests; see /docs "
                                                           "for how to call it").format(**where))
    return RequestProblem(status, f"http_{status}", detail)


def invalid_request(e: RequestValidationError) -> RequestProblem:
    """A query parameter out of its range or not a number (FastAPI's validation), named with its value."""
    first = e.errors()[0] if e.errors() else {}
    name = str(first.get("loc", ("", "?"))[-1])
    return RequestProblem(422, "invalid_parameter", _("the query parameter {name}={value} is not allowed; see /docs "
                                                      "for its range").format(name=name, value=first.get("input")))


def _check_access(request: Request, settings: ServeSettings) -> JSONResponse | None:
    if settings.loopback_only and request.url.hostname not in LOOPBACK_HOSTS:
        return problem_response(RequestProblem(400, "bad_host", _("this server answers only requests addressed to "
                                                                  "127.0.0.1 or localhost")))
    if settings.token is None or request.url.path in OPEN_PATHS:
        return None
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {settings.token}".encode()):
        return problem_response(RequestProblem(401, "unauthorized", _("send the server's token as "
                                                                      "'Authorization: Bearer TOKEN'")),
                                headers={"WWW-Authenticate": "Bearer"})
    return None


def create_app(model: ServedModel, settings: ServeSettings, stats: ServeStats | None = None) -> FastAPI:
    """The ASGI app serving `model`; stats (if given) counts the requests."""
    counters = stats if stats is not None else ServeStats()
    batcher = Batcher(model.probabilities, settings.max_batch)
    # A 100-megapixel PNG decodes to 300 MB: as many decodes at once as cores bounds the memory, not the speed
    decoding = threading.BoundedSemaphore(os.cpu_count() or 2)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await batcher.aclose()

    app = FastAPI(title="desktop-cls", description=_("Classify images with a trained model."),
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.batcher = batcher

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Any:
        refused = _check_access(request, settings)
        if refused is not None:
            counters.count(False)
            return refused
        try:
            response = await call_next(request)
        except ClientGone:  # nobody reads this answer; it only closes the exchange
            response = problem_response(RequestProblem(400, "incomplete", _("the upload ended early")))
        except Exception:  # never a traceback to the client
            response = problem_response(RequestProblem(500, "internal", _("the server failed on this request")))
        if request.url.path.startswith("/predict"):
            counters.count(response.status_code < 400)
        return response

    @app.exception_handler(RequestProblem)
    async def on_problem(_request: Request, p: RequestProblem) -> JSONResponse:
        return problem_response(p)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        return problem_response(http_problem(request, e.status_code, str(e.detail)), headers=dict(e.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_request: Request, e: RequestValidationError) -> JSONResponse:
        return problem_response(invalid_request(e))

    app.state.decoding = decoding
    _add_routes(app, model, settings, batcher, counters)
    return app


def _add_routes(app: FastAPI, model: ServedModel, settings: ServeSettings, batcher: Batcher,
                counters: ServeStats) -> None:
    @app.get("/health", summary=_("Whether the server is up, and what it has served"))
    async def health() -> dict[str, Any]:
        return {"status": "ok", "model": model.id, "served": {
            "requests": counters.requests, "errors": counters.errors, "model_calls": batcher.batches,
            "images": batcher.images}}

    @app.get("/model", summary=_("The model: classes, input size, runtime and the run's metrics"))
    async def describe() -> dict[str, Any]:
        return model.describe()

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()))

    @app.post("/predict", summary=_("Classify one image (raw body or multipart)"), openapi_extra=_IMAGE_BODY)
    async def predict(request: Request, top_k: int = Query(3, ge=1, le=1000),
                      threshold: float = Query(0.0, ge=0.0, le=1.0)) -> dict[str, Any]:
        uploads = await _uploads(request, settings, settings.max_files)
        if len(uploads) != 1:
            raise RequestProblem(400, "one_image", _("send exactly one image (for several, use /predict/batch)"))
        result = (await _classify(model, batcher, uploads, top_k, threshold, app.state.decoding))[0]
        if "error" in result:
            raise RequestProblem(422, result["error"]["code"], result["error"]["message"])
        return {"model": model.id, "classes": list(model.classes), "prediction": result}

    @app.post("/predict/batch", summary=_("Classify several images (multipart, one part per image)"),
              openapi_extra=_BATCH_BODY)
    async def predict_batch(request: Request, top_k: int = Query(3, ge=1, le=1000),
                            threshold: float = Query(0.0, ge=0.0, le=1.0)) -> dict[str, Any]:
        uploads = await _uploads(request, settings, settings.max_files)
        if not uploads:
            raise RequestProblem(400, "no_image", _("the request holds no image file"))
        results = await _classify(model, batcher, uploads, top_k, threshold, app.state.decoding)
        return {"model": model.id, "classes": list(model.classes), "predictions": results}


async def _uploads(request: Request, settings: ServeSettings, max_files: int) -> list[Upload]:
    """The images of a request: its multipart file parts, or the raw body as one image."""
    try:
        body = await read_body(request.stream(), request.headers.get("content-length"), settings.max_body_bytes,
                               settings.body_timeout_s)
    except ClientDisconnect:
        raise ClientGone() from None
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/"):
        return split_multipart(body, content_type, max_files)
    if not body:
        raise RequestProblem(400, "empty", _("the request body is empty; send the image's bytes"))
    return [Upload(request.query_params.get("name", "upload"), body)]


async def _classify(model: ServedModel, batcher: Batcher, uploads: list[Upload], top_k: int,
                    threshold: float, decoding: threading.BoundedSemaphore) -> list[dict[str, Any]]:
    """Decode on worker threads (a slow decode never blocks other requests), classify through the batcher."""
    loop = asyncio.get_running_loop()

    def decode(u: Upload) -> Any:
        with decoding:
            try:
                return model.decode(u.data, u.name)
            except ImageLoadError as e:
                return e

    decoded = await asyncio.gather(*(loop.run_in_executor(None, decode, u) for u in uploads))
    good = [i for i, d in enumerate(decoded) if not isinstance(d, ImageLoadError)]
    probs = await batcher.submit([decoded[i] for i in good]) if good else None
    preds = model.predictions(probs, [uploads[i].name for i in good], top_k, threshold) if probs is not None else []
    by_index = dict(zip(good, preds, strict=True))
    out: list[dict[str, Any]] = []
    for i, u in enumerate(uploads):
        d = decoded[i]
        if isinstance(d, ImageLoadError):
            out.append({"name": u.name, "error": {"code": d.kind, "message": d.message}})
        else:
            p = by_index[i]
            out.append({"name": u.name, "label": p.label, "confidence": p.confidence,
                        "top_k": [{"label": lab, "probability": pr} for lab, pr in p.top_k]})
    return out
