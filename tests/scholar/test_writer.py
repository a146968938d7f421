"""The thread that writes pages' .bib files while the build goes on (scholar/writer.py)."""

from __future__ import annotations

import threading
import time

import pytest

from mkdocs_scholar.scholar import pool
from mkdocs_scholar.scholar.writer import Writer


def test_jobs_run_in_order_on_another_thread_which_ends_when_they_are_done():
    writer = Writer()
    ran: list[tuple[int, str]] = []
    before = threading.active_count()
    for n in range(5):
        writer.submit(lambda n=n: ran.append((n, threading.current_thread().name)) or [])
    assert writer.wait() == []
    assert [n for n, _ in ran] == list(range(5))
    assert {name for _, name in ran} == {"mkdocs_scholar files"}
    assert threading.active_count() == before  # no thread waits for work between pages


def test_what_could_not_be_written_is_returned_once_and_a_jobs_error_is_not_lost():
    writer = Writer()
    writer.submit(lambda: ["a.bib: cannot be written"])
    writer.submit(lambda: 1 / 0)
    writer.submit(lambda: [])
    failed = writer.wait()
    assert failed[0] == "a.bib: cannot be written"
    assert "ZeroDivisionError" in failed[1] and len(failed) == 2
    assert writer.wait() == []


@pytest.mark.skipif(pool.workers() == 0 or not pool._can_fork(), reason="forked workers need Linux")
def test_formatting_on_every_core_waits_for_the_files_being_written(monkeypatch):
    """A fork is only safe while no other thread runs: pool.py waits for the writing thread to end
    instead of formatting on one core because it was writing a file at that moment."""
    from mkdocs_scholar.scholar import writer as writer_module

    writer = Writer()
    monkeypatch.setattr(writer_module, "WRITER", writer)
    monkeypatch.setattr(pool, "WRITER", writer)
    done: list[str] = []
    writer.submit(lambda: time.sleep(0.3) or done.append("written") or [])
    assert threading.active_count() > 1
    assert pool._can_fork()
    assert done == ["written"]
