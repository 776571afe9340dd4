"""Reading an upload safely: a size limit, a time limit, multipart parsed in memory.

Starlette's own form parser spools files over 1 MB to a temporary file; the server promises that
nothing a client sends is written to disk, so the body is read here (at most `limit` bytes, within
`timeout_s`, or a 413 / 408) and multipart is split in memory with python-multipart's streaming parser.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.multipart import MultipartParser, parse_options_header

from desktop_cls.core.i18n import _


class RequestProblem(Exception):
    """A request the server refuses: its HTTP status, a stable code for programs, and a sentence for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ClientGone(Exception):
    """The client closed the connection before the body was complete."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


async def read_body(chunks: AsyncIterator[bytes], declared: str | None, limit: int, timeout_s: float) -> bytes:
    """The whole body, or RequestProblem 413 (over limit) / 408 (not complete within timeout_s)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestProblem(413, "too_large", _("the upload is {size:,} bytes; this server accepts at most "
                                                 "{limit:,}").format(size=int(declared), limit=limit))
    parts: list[bytes] = []

    async def collect() -> None:
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise RequestProblem(413, "too_large", _("the upload is over this server's limit of {limit:,} "
                                                         "bytes").format(limit=limit))
            parts.append(chunk)

    try:
        await asyncio.wait_for(collect(), timeout_s)
    except asyncio.TimeoutError:
        raise RequestProblem(408, "too_slow", _("the upload did not arrive within {seconds:g} s; send it "
                                                "again").format(seconds=timeout_s)) from None
    return b"".join(parts)


def split_multipart(body: bytes, content_type: str, max_files: int) -> list[Upload]:
    """The file parts of a multipart/form-data body, in order (fields without a file name are skipped)."""
    _kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise RequestProblem(400, "bad_multipart", _("multipart body without a boundary"))
    uploads: list[Upload] = []
    header_field, header_value, headers, data = bytearray(), bytearray(), {}, bytearray()

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_part_end() -> None:
        _disp, opts = parse_options_header(headers.get(b"content-disposition", b""))
        if b"filename" in opts:
            if len(uploads) >= max_files:
                raise RequestProblem(413, "too_many_files", _("at most {count} images per request").format(
                    count=max_files))
            uploads.append(Upload(opts[b"filename"].decode("utf-8", "replace") or "upload", bytes(data)))
        headers.clear()
        data.clear()

    parser = MultipartParser(boundary, {
        "on_header_field": lambda b, s, e: header_field.extend(b[s:e]),
        "on_header_value": lambda b, s, e: header_value.extend(b[s:e]),
        "on_header_end": on_header_end, "on_part_data": lambda b, s, e: data.extend(b[s:e]),
        "on_part_end": on_part_end})
    try:
        parser.write(body)
        parser.finalize()
    except RequestProblem:
        raise
    except Exception as e:
        raise RequestProblem(400, "bad_multipart", _("the multipart body is malformed: {error}").format(
            error=e)) from None
    return uploads
