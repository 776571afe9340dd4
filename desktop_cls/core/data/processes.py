"""Worker processes for work that is mostly Python, such as reading the headers or pixels of many small
pictures: threads doing it hold the interpreter lock, and in the window its UI thread waited for that lock
(stalls of 0.3-2 s while a 100,000-image folder was read and checked). Processes share no lock, and each
starts in the caller's language, so the problems they describe read as the rest of the app."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TypeVar

from desktop_cls.core.i18n import current_language, set_language

T = TypeVar("T")
R = TypeVar("R")
CHUNKS_PER_WORKER = 2  # chunks handed out and not yet read back, per worker: enough that none waits for work


def worth_processes(items: int, from_items: int) -> bool:
    """Enough items to repay starting the processes (about a second), and more than one core to run them."""
    return items >= from_items and (os.cpu_count() or 1) > 1


def reading_pool(items: int, from_items: int, threads: int) -> Executor:
    """Worker processes for `from_items` items or more, else `threads` threads."""
    if worth_processes(items, from_items):
        return ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=set_language, initargs=(current_language(),))
    return ThreadPoolExecutor(max_workers=threads)


def one_thread_each(language: str) -> None:
    """A worker process's start for numerical work: its matrix products run on one thread, as the workers already
    share the cores and the numerical library's own threads on top of them mostly wait for each other (twice the
    CPU time on 2 busy cores, measured). It must run before the worker imports numpy, which reads these once: so
    it lives here, in a module that does not import numpy."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    set_language(language)


def reading_workers(items: int, from_items: int, threads: int) -> int:
    """How many workers `reading_pool` with the same arguments runs."""
    return (os.cpu_count() or 1) if worth_processes(items, from_items) else threads


def bounded_map(pool: Executor, fn: Callable[[T], R], items: Sequence[T], chunksize: int, ahead: int) -> Iterator[R]:
    """fn over items, results in order, `chunksize` items a task and at most `ahead` tasks handed out and not yet
    read back. `Executor.map` hands out every chunk at once (6,000 for a 100,000-image health check): one loop
    holding the interpreter lock that long, and a Future for each; here each result read hands out one more."""
    for chunk in bounded_chunks(pool, fn, items, chunksize, ahead):
        yield from chunk


def bounded_chunks(pool: Executor, fn: Callable[[T], R], items: Sequence[T], chunksize: int,
                   ahead: int) -> Iterator[list[R]]:
    """bounded_map, a chunk's results at a time (items[i:i + chunksize] for i = 0, chunksize, ...): a caller in the
    window's process stores a chunk in one step instead of a step per item."""
    pending: deque[Future[list[R]]] = deque()
    for start in range(0, len(items), chunksize):
        pending.append(pool.submit(_map_chunk, fn, items[start:start + chunksize]))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _map_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]
