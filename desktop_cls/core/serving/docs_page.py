"""/docs without a network: the OpenAPI description as one static HTML page.

FastAPI's default /docs loads Swagger UI's script and style sheet from a CDN; offline (the usual case
for this app) the page stays blank. This page needs nothing but the server: every endpoint with its
parameters, request body types and answers, and a link to the machine-readable /openapi.json.
"""

from __future__ import annotations

import html
import json
from typing import Any

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}"
          "code,pre{background:#f3f3f3;padding:.1em .3em;border-radius:3px}h2{margin-top:1.6em}"
          ".m{font-weight:bold;text-transform:uppercase;margin-right:.5em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}")


def _e(value: object) -> str:
    return html.escape(str(value))


def _operation(path: str, method: str, op: dict[str, Any]) -> list[str]:
    out = [f"<h2><span class=m>{_e(method)}</span><code>{_e(path)}</code></h2>"]
    if op.get("summary"):
        out.append(f"<p>{_e(op['summary'])}</p>")
    params = op.get("parameters", [])
    if params:
        out.append("<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>")
        for p in params:
            schema = json.dumps(p.get("schema", {}), ensure_ascii=False)
            out.append(f"<tr><td><code>{_e(p.get('name'))}</code></td><td>{_e(p.get('in'))}</td>"
                       f"<td><code>{_e(schema)}</code></td></tr>")
        out.append("</table>")
    body = op.get("requestBody", {}).get("content", {})
    if body:
        out.append("<p>body: " + ", ".join(f"<code>{_e(t)}</code>" for t in body) + "</p>")
    answers = op.get("responses", {}).items()
    codes = ", ".join(f"<code>{_e(c)}</code> {_e(r.get('description', ''))}" for c, r in answers)
    if codes:
        out.append(f"<p>answers: {codes}</p>")
    return out


def render_docs(spec: dict[str, Any]) -> str:
    """The whole page for an OpenAPI dict; no script, no external resource."""
    info = spec.get("info", {})
    parts = [f"<!doctype html><html><head><meta charset=utf-8><title>{_e(info.get('title', 'API'))}</title>",
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{_e(info.get('title', 'API'))} {_e(info.get('version', ''))}</h1>",
             f"<p>{_e(info.get('description', ''))}</p><p><a href=\"/openapi.json\">openapi.json</a></p>"]
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            parts.extend(_operation(path, method, op))
    parts.append("</body></html>")
    return "\n".join(parts)
