"""Running the API on uvicorn: loopback by default, a token for anything else, start and stop from any thread.

uvicorn because it is the ASGI server FastAPI is built and tested with, it is pure Python plus optional
speed-ups (so the app bundle stays portable), and one `Server` object can run in a background thread and be
told to stop, which is what the Export page's Serve button needs.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from desktop_cls.core.errors import UserError
from desktop_cls.core.events import CancelToken
from desktop_cls.core.i18n import _
from desktop_cls.core.serving.app import ServeSettings, ServeStats, create_app
from desktop_cls.core.serving.runtime import ServedModel

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Anything but loopback makes the model reachable from other machines: only with a token."""
    if not is_loopback(host) and not token:
        raise UserError(_("binding {host} makes the model reachable from other machines, so it needs a token "
                          "that every request must send (Authorization: Bearer TOKEN)").format(host=host),
                        cli_fix=_("add --token TOKEN (for example --token {example}), or leave out --host to serve "
                                  "on 127.0.0.1 only").format(example=secrets.token_urlsafe(16)),
                        gui_fix=_("set a token, or serve on 127.0.0.1 only"))


def check_port_free(host: str, port: int) -> None:
    """Before the slow model load: a port another program already listens on is said at once, not after it."""
    if port == 0:  # any free port
        return
    address = host.strip("[]")
    try:
        with socket.create_server((address, port), family=socket.AF_INET6 if ":" in address else socket.AF_INET):
            pass
    except OSError as e:
        raise port_in_use(host, port) from e


def port_in_use(host: str, port: int) -> UserError:
    return UserError(_("could not serve on {host} port {port}: another program may be using it").format(
        host=host, port=port), cli_fix=_("choose another with --port"),
        gui_fix=_("choose another port in the Port box (0 picks a free one)"))


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What a front end shows once the server is up (plain values; crosses threads)."""

    url: str
    host: str
    port: int
    model_id: str
    runtime: str
    runtime_reason: str
    token_required: bool

    def curl_example(self, image: str = "IMAGE.jpg") -> str:
        auth = ' -H "Authorization: Bearer $TOKEN"' if self.token_required else ""
        return f'curl{auth} --data-binary @{image} {self.url}/predict'


class RunningServer:
    """uvicorn serving one model on a background thread; stop() returns once the socket is closed."""

    def __init__(self, model: ServedModel, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 settings: ServeSettings | None = None) -> None:
        import uvicorn

        check_binding(host, settings.token if settings else None)
        self.model = model
        self.stats = ServeStats()
        settings = replace(settings or ServeSettings(), loopback_only=is_loopback(host))
        self.settings = settings
        self.app = create_app(model, settings, self.stats)
        config = uvicorn.Config(self.app, host=host, port=port, log_level="warning", access_log=False,
                                timeout_keep_alive=5, limit_concurrency=256, lifespan="on",
                                h11_max_incomplete_event_size=64 * 1024)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="serve", daemon=True)
        self.host, self.requested_port = host, port

    def start(self, timeout_s: float = 30.0) -> ServerInfo:
        """Start serving; raises UserError when the address cannot be bound."""
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise port_in_use(self.host, self.requested_port)
            time.sleep(0.02)
        return self.info()

    @property
    def port(self) -> int:
        sockets: list[Any] = [s for srv in self._server.servers for s in srv.sockets]
        return int(sockets[0].getsockname()[1])

    def info(self) -> ServerInfo:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return ServerInfo(f"http://{shown}:{self.port}", self.host, self.port, self.model.id,
                          self.model.choice.runtime, self.model.choice.reason, self.settings.token is not None)

    def wait(self) -> None:
        """Block until the server stops (Ctrl+C in a terminal: KeyboardInterrupt, then stop())."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(10)


# Servers started for a front end that must not hold the server object itself (the window: only plain
# values cross its threads). Keyed by port; start/stop may block, so call them off the UI thread.
_background: dict[int, RunningServer] = {}
_background_lock = threading.Lock()


def start_in_background(source: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
                        device: str = "cpu", cancel: CancelToken | None = None) -> ServerInfo:
    """Open the model, start serving it, and return where (the model load takes seconds: not on a UI thread).
    A cancel set while the model opens raises CancelledError before anything listens."""
    check_binding(host, token)
    check_port_free(host, port)
    model = ServedModel.open(source, device=device)
    if cancel is not None:
        cancel.raise_if_set()
    server = RunningServer(model, host, port, ServeSettings(token=token))
    info = server.start()
    with _background_lock:
        _background[info.port] = server
    return info


def stop_in_background(port: int) -> int:
    """Stop the server started on `port`; returns how many requests it answered (0 if none runs there)."""
    with _background_lock:
        server = _background.pop(port, None)
    if server is None:
        return 0
    server.stop()
    return server.stats.requests


def requests_served(port: int) -> int:
    """Requests answered so far by the background server on `port` (a plain int, safe from any thread)."""
    with _background_lock:
        server = _background.get(port)
    return server.stats.requests if server is not None else 0
