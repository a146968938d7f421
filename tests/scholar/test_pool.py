"""pool.format_all: the same list as a loop in this process, with forked workers doing part of it."""

from __future__ import annotations

import os
import threading
import time

import pytest

from mkdocs_scholar.scholar import pool

COUNT = pool.PARALLEL_MIN + 50
# State the workers must inherit rather than receive: a fork gives them this process's memory.
TABLE = {i: f"entry {i}" for i in range(COUNT)}


def slow_format(i: int) -> str:
    time.sleep(0.001)  # long enough that a worker is started before this process has done everything
    return f"{TABLE[i]}|{os.getpid()}"


def texts(out: list[str]) -> list[str]:
    return [s.split("|")[0] for s in out]


def pids(out: list[str]) -> set[int]:
    return {int(s.split("|")[1]) for s in out}


needs_fork = pytest.mark.skipif(not pool._can_fork(), reason="forked workers need Linux and one thread")


@needs_fork
def test_workers_format_part_of_the_list_in_order(monkeypatch):
    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "1")
    parent = os.getpid()

    def slower_here(i: int) -> str:
        # A chunk takes this process 0.2 s: the worker has started and claimed one long before the end.
        time.sleep(0.005 if os.getpid() == parent else 0)
        return slow_format(i)

    out = pool.format_all(COUNT, slower_here)
    assert texts(out) == [TABLE[i] for i in range(COUNT)]
    # (a worker is started before this process has formatted every chunk: it formats some)
    assert len(pids(out)) == 2


def test_zero_workers_formats_here(monkeypatch):
    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "0")
    out = pool.format_all(COUNT, slow_format)
    assert texts(out) == [TABLE[i] for i in range(COUNT)] and pids(out) == {os.getpid()}


def test_a_short_list_is_formatted_here(monkeypatch):
    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "1")
    out = pool.format_all(10, slow_format)
    assert texts(out) == [TABLE[i] for i in range(10)] and pids(out) == {os.getpid()}


def test_with_another_thread_running_nothing_is_forked(monkeypatch):
    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "1")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # as `mkdocs serve`'s server thread
    thread.start()
    try:
        out = pool.format_all(COUNT, slow_format)
    finally:
        stop.set()
        thread.join()
    assert pids(out) == {os.getpid()}


@needs_fork
def test_a_worker_that_dies_leaves_its_chunks_to_this_process(monkeypatch):
    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "1")
    parent = os.getpid()

    def dying(i: int) -> str:
        if os.getpid() != parent:
            os._exit(1)  # killed (out of memory, a signal)
        return slow_format(i)

    out = pool.format_all(COUNT, dying)
    assert texts(out) == [TABLE[i] for i in range(COUNT)] and pids(out) == {parent}


def _in_pool_worker(count: int) -> list[str]:
    return pool.format_all(count, slow_format)


@needs_fork
def test_a_daemonic_process_formats_alone(monkeypatch):
    """A multiprocessing pool's worker may not start processes: it formats everything itself."""
    import multiprocessing

    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "1")
    with multiprocessing.get_context("fork").Pool(1) as workers:
        out = workers.apply(_in_pool_worker, (COUNT,))
    assert texts(out) == [TABLE[i] for i in range(COUNT)] and len(pids(out)) == 1


def test_workers_are_capped(monkeypatch):
    monkeypatch.delenv("MKDOCS_SCHOLAR_WORKERS", raising=False)
    assert 0 <= pool.workers() <= pool.MAX_WORKERS
    monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", "7")
    assert pool.workers() == 7  # what the user asks for
