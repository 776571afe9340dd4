"""Worker processes for work that is mostly Python, such as reading the headers or pixels of many small
pictures: threads doing it hold the interpreter lock, and in the window its UI thread waited for that lock
(stalls of 0.3-2 s while a 100,000-image folder was read and checked). Processes share no lock, and each
starts in the caller's language, so the problems they describe read as the rest of the app."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from desktop_cls.core.i18n import current_language, set_language


def worth_processes(items: int, from_items: int) -> bool:
    """Enough items to repay starting the processes (about a second), and more than one core to run them."""
    return items >= from_items and (os.cpu_count() or 1) > 1


def reading_pool(items: int, from_items: int, threads: int) -> Executor:
    """Worker processes for `from_items` items or more, else `threads` threads."""
    if worth_processes(items, from_items):
        return ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=set_language, initargs=(current_language(),))
    return ThreadPoolExecutor(max_workers=threads)
