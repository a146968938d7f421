"""Formatting a long bibliography on every core.

citeproc-py is pure Python: one process formats on one core. When a bibliography has many entries no
cache knows (a publications page over a whole .bib, built for the first time), ``format_all`` cuts the
work into chunks that forked worker processes format while this process formats chunks too, from the
other end of the list. This process only takes a chunk no worker has started, so neither side waits for
the other, and the result is the list a loop in this process would make: each entry is formatted alone.

Workers are forked for one call and stopped at its end: they inherit everything loaded (the style, the
parsed file, the page's numbering), so nothing but the finished texts crosses between processes.
``spawn`` would run the program's main module again in each worker, which a script calling MkDocs without
an ``if __name__ == "__main__"`` guard does not survive. Forking is only safe while this process runs no
other thread (a lock held by one at that moment stays locked in the child), so while other threads run
(``mkdocs serve``'s rebuilds, once its server thread has started), in a daemonic process (a
multiprocessing pool's worker), off Linux, or with ``MKDOCS_SCHOLAR_WORKERS=0`` all is done here.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# Below this many entries to format, forking a worker costs about what it saves.
PARALLEL_MIN = 300
CHUNK = 40
MAX_WORKERS = 3

log = logging.getLogger("mkdocs.plugins.mkdocs_scholar.pool")  # shown by `mkdocs build -v`

_task: Callable[[int], str] | None = None  # what the forked workers run: set only during format_all


def workers() -> int:
    """Worker processes besides this one: one per other core the process may use, or as many as the
    environment variable ``MKDOCS_SCHOLAR_WORKERS`` says (``0``: this process only)."""
    value = os.environ.get("MKDOCS_SCHOLAR_WORKERS", "").strip()
    if value.isdigit():
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    # Capped: the cores a process may use are not the CPU time a container grants it, and each worker
    # is a copy of the build's process.
    return max(0, min(cores - 1, MAX_WORKERS))


def _can_fork() -> bool:
    import multiprocessing  # only here: a warm build formats nothing and never needs it

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon  # a daemonic process may not have children
    )


def _chunk(start: int, end: int) -> list[str]:
    assert _task is not None
    return [_task(i) for i in range(start, end)]


def _claim(counter: Any, total: int) -> int | None:
    """The next chunk nobody has taken, or None: workers and this process take chunks in turn."""
    with counter.get_lock():
        index = counter.value
        if index >= total:
            return None
        counter.value = index + 1
        return index


def _work(chunks: list[tuple[int, int]], counter: Any, writer: Connection) -> None:
    """A worker: formats chunks until none is left, sending each as it is done."""
    try:
        while (index := _claim(counter, len(chunks))) is not None:
            writer.send((index, _chunk(*chunks[index])))
        writer.send(None)
    except BaseException:  # noqa: BLE001 - the chunks it did not send are formatted by the parent
        pass
    finally:
        writer.close()


def format_all(count: int, format_one: Callable[[int], str]) -> list[str]:
    """``[format_one(0), …, format_one(count - 1)]``, on every core when that pays."""
    global _task
    extra = workers()
    if extra == 0 or count < PARALLEL_MIN or not _can_fork():
        return [format_one(i) for i in range(count)]
    chunks = [(i, min(i + CHUNK, count)) for i in range(0, count, CHUNK)]
    results: list[list[str] | None] = [None] * len(chunks)
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    processes, readers = [], []
    _task = format_one
    gc.freeze()  # the children's collector leaves what exists now alone: fewer pages copied on write
    try:
        for _ in range(min(extra, len(chunks) - 1)):
            try:
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(chunks, counter, writer), daemon=True)
                process.start()
            except OSError:  # no more processes (limits): the others and this process do the work
                break
            writer.close()
            processes.append(process)
            readers.append(reader)

        log.debug(f"formatting {count} entries in this process and {len(processes)} worker processes")

        def receive(timeout: float | None) -> None:
            for reader in wait(readers, timeout):
                try:
                    message = reader.recv()
                except (EOFError, OSError):  # the worker ended (or died): what it did not send is redone
                    message = None
                if message is None:
                    readers.remove(reader)
                    reader.close()
                else:
                    results[message[0]] = message[1]

        while (index := _claim(counter, len(chunks))) is not None:
            results[index] = _chunk(*chunks[index])
            receive(0)  # keep the workers' pipes from filling while this process works
        while readers:
            receive(None)
        for process in processes:
            process.join()
        out: list[str] = []
        for index, part in enumerate(results):
            out.extend(part if part is not None else _chunk(*chunks[index]))
        return out
    finally:
        _task = None
        gc.unfreeze()
        for process in processes:  # after an error here: no worker outlives the call
            if process.is_alive():
                process.terminate()
            process.join()
        for reader in readers:
            reader.close()
