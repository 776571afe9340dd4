"""`desktop-cls serve`: classify images over HTTP for other programs (loopback unless a token is given)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from desktop_cls.cli.output import number_in, say
from desktop_cls.cli.predict import MODEL_HELP
from desktop_cls.cli.progress import Progress
from desktop_cls.core.i18n import _


def cmd_serve(args: argparse.Namespace) -> int:
    from desktop_cls.core.serving.app import ServeSettings
    from desktop_cls.core.serving.runtime import ServedModel
    from desktop_cls.core.serving.server import RunningServer, check_binding, check_port_free

    token = args.token or os.environ.get("DESKTOP_CLS_TOKEN") or None
    check_binding(args.host, token)  # before the slow model load
    check_port_free(args.host, args.port)
    # said first: the load (and with --runtime auto, ONNX Runtime's export and check) can take minutes
    Progress().line(_("opening {model}; the server starts when it is ready...").format(model=args.model))
    model = ServedModel.open(args.model, device=args.device, runtime=args.runtime,
                             allow_code=args.trust_torchscript)
    settings = ServeSettings(token=token, max_body_bytes=args.max_body_mb * 1_000_000,
                             body_timeout_s=args.timeout, max_batch=args.max_batch)
    server = RunningServer(model, args.host, args.port, settings)
    info = server.start()
    say(_("serving {model} ({runtime}: {reason})").format(model=info.model_id, runtime=info.runtime,
                                                        reason=info.runtime_reason))
    if info.token_required:
        say(_("every request except /health and /docs must send 'Authorization: Bearer TOKEN'"))
    say(_("try: {curl}").format(curl=info.curl_example()))
    say(_("API documentation: {url}/docs").format(url=info.url))
    say(_("listening on {url} (Ctrl+C stops)").format(url=info.url), flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        server.stop()
        sys.stderr.write(_("stopped after {count} requests").format(count=server.stats.requests) + "\n")
    return 0


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("serve", help=_("classify images over HTTP (POST /predict) for other programs"))
    sp.add_argument("model", help=_(MODEL_HELP))
    sp.add_argument("--host", default="127.0.0.1",
                    help=_("address to listen on (default 127.0.0.1: this machine only; any other needs --token)"))
    sp.add_argument("--port", type=number_in(int, 0, 65535), default=8765,
                    help=_("port (default 8765; 0 picks a free one)"))
    sp.add_argument("--token", help=_("Bearer token every request must send (or set DESKTOP_CLS_TOKEN)"))
    sp.add_argument("--runtime", choices=["auto", "torch", "onnxruntime"], default="auto",
                    help=_("auto: ONNX Runtime when it agrees with PyTorch on a check batch and is faster"))
    sp.add_argument("--max-body-mb", type=number_in(int, 1, 4096), default=20,
                    help=_("largest request accepted, in MB (default 20)"))
    sp.add_argument("--timeout", type=number_in(float, 0.1, 3600), default=30.0,
                    help=_("seconds a client may take to send its upload (default 30)"))
    sp.add_argument("--max-batch", type=number_in(int, 1, 4096), default=32,
                    help=_("most images that go through the model together (default 32)"))
    sp.add_argument("--trust-torchscript", action="store_true",
                    help=_("allow opening TorchScript files (they contain code: only from sources you trust)"))
    sp.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="cpu",
                    help=_("where the model runs (default cpu; auto: a GPU when there is one)"))
    sp.set_defaults(func=cmd_serve)
