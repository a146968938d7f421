"""background.FileWriter: the pages' .bib files written on a thread while the build goes on."""

from __future__ import annotations

import threading

from mkdocs_scholar.background import FileWriter


def test_jobs_run_on_one_other_thread_and_their_messages_keep_their_order():
    writer = FileWriter()
    threads = []

    def job(name):
        threads.append(threading.current_thread())
        return [f"{name} could not be written"] if name != "fine" else []

    for name in ("a", "fine", "b"):
        writer.submit(job, name)
    assert writer.finish() == ["a could not be written", "b could not be written"]
    assert len(set(threads)) == 1 and threads[0] is not threading.current_thread()
    assert not threads[0].is_alive()  # finish ends the thread: nothing outlives the build


def test_a_job_that_fails_is_a_message_not_a_traceback():
    writer = FileWriter()

    def broken():
        raise ValueError("no room")

    writer.submit(broken)
    writer.submit(lambda: ["after it"])
    assert writer.finish() == ["a page's .bib file could not be written: no room", "after it"]


def test_finish_without_jobs_and_again_after_finishing():
    writer = FileWriter()
    assert writer.finish() == []
    writer.submit(lambda: ["one"])
    assert writer.finish() == ["one"]
    assert writer.finish() == []  # the jobs were let go with their thread
