"""Which files of a folder can be read as images, and their typical size: the checks a scan runs on every file.

Small pictures are mostly Python to read, so from _PROCESS_FILES files the headers are read in worker processes
(core.data.processes) instead of threads, which would hold the interpreter lock the window's UI thread waits for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from PIL import Image

from desktop_cls.core.data.folder_walk import Files
from desktop_cls.core.data.imaging import load_rgb, or_load_error, refuse_from_header
from desktop_cls.core.data.problems import Problem
from desktop_cls.core.data.processes import CHUNKS_PER_WORKER, bounded_map, reading_pool, reading_workers
from desktop_cls.core.errors import ImageLoadError
from desktop_cls.core.events import CancelToken, ProgressFn
from desktop_cls.core.i18n import _

_PROCESS_FILES = 5000  # files whose headers are read in worker processes (core.data.processes), not threads


def _decode_problem(path: str, draft_size: tuple[int, int] | None = None) -> Problem | None:
    """The file's problem when it does not decode (the one way every check decides), else None."""
    err = or_load_error(load_rgb, path, draft_size)
    return Problem(path, err.kind, err.message) if isinstance(err, ImageLoadError) else None


def _check_header(path: str) -> Problem | None:
    """The loader's refusals from the header (imaging.refuse_from_header): checking pixels alone counted an image
    whose decode needs more memory than allowed as usable, and the Train page said 21 images where 20 trained."""
    try:
        with Image.open(path) as im:
            refuse_from_header(path, im, for_size=True)  # as training and thumbnails read it
        return None
    except ImageLoadError as e:
        return Problem(path, e.kind, e.message)
    except Exception:
        return _decode_problem(path)  # the header did not parse: decoding tells why (or that it is fine)


def _check_decode(path: str) -> Problem | None:
    return _decode_problem(path, (64, 64))


def _header_size(path: str) -> tuple[int, int] | None:
    try:
        with Image.open(path) as im:
            w, h = im.size
            # a PNG's getexif() decodes the whole picture to look for EXIF after the pixels: only the header's
            exif = im.getexif() if im.format != "PNG" or "exif" in im.info else {}
            rotated = exif.get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: turned 90 degrees
            return (h, w) if rotated else (w, h)
    except Exception:
        return None


def _header_sizes(paths: list[str]) -> list[tuple[int, int] | None]:
    return [_header_size(p) for p in paths]


def typical_image_size(paths: Sequence[str], limit: int = 200, workers: int | None = None) -> tuple[int, int] | None:
    """Median width and height over an evenly spaced sample, read from file headers only.

    The default training image size is chosen from it; 200 headers take milliseconds on any folder.
    """
    if not paths:
        return None
    sample = list(paths[:: max(1, len(paths) // limit)])[:limit]
    threads = min(len(sample), workers or min(8, (os.cpu_count() or 2) * 2))
    with ThreadPoolExecutor(max_workers=threads) as pool:  # threads for a cold disk; one task each, not a Future a file
        sizes = [s for part in pool.map(_header_sizes, [sample[i::threads] for i in range(threads)])
                 for s in part if s is not None]
    if not sizes:
        return None
    ws = sorted(w for w, _h in sizes)
    hs = sorted(h for _w, h in sizes)
    return ws[len(ws) // 2], hs[len(hs) // 2]


def unreadable(files: Files, verify: str, workers: int | None, progress: ProgressFn,
                cancel: CancelToken | None) -> dict[str, Problem]:
    """Empty files, and with verify 'header' or 'full' the files that fail that check (in parallel:
    PIL releases the GIL while decoding)."""
    paths = files.paths
    bad = {p: Problem(p, "corrupt", _("the file is empty (0 bytes)"))
           for p, size in zip(paths, files.sizes, strict=True) if size == 0} if 0 in files.sizes else {}
    check = {"header": _check_header, "full": _check_decode}.get(verify)
    if check is None:
        if verify != "none":
            raise ValueError(f"verify must be none, header or full, not {verify!r}")
        return bad
    todo = [p for p in paths if p not in bad]
    # a thread pool's map takes no chunks: one task per file was a Future each (memory on 100,000 files) and
    # a lock handover each; a task per block of files keeps both small
    blocks = [todo[i:i + 64] for i in range(0, len(todo), 64)]
    done = 0
    threads = workers or min(16, (os.cpu_count() or 2) * 2)
    ahead = CHUNKS_PER_WORKER * reading_workers(len(todo), _PROCESS_FILES, threads)
    with reading_pool(len(todo), _PROCESS_FILES, threads) as pool:
        for found in bounded_map(pool, partial(_check_block, check), blocks, 1, ahead):
            bad.update((prob.path, prob) for prob in found)
            done += 64
            progress(min(done, len(todo)), len(todo), _("checking images"))
            if cancel is not None and cancel.is_set():
                pool.shutdown(wait=False, cancel_futures=True)  # the blocks not started are dropped
                cancel.raise_if_set()
    return bad


def _check_block(check: Callable[[str], Problem | None], paths: list[str]) -> list[Problem]:
    return [prob for prob in map(check, paths) if prob is not None]
