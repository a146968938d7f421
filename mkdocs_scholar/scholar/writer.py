"""Files written on a thread of their own while the build goes on.

Each page's .bib file (reader.py) is written as soon as the page is rendered, so that the build does not
hold every page's BibTeX. Making a file and its folder is the operating system's work, not Python's (on
the project's machine about 0.6 ms a page, most of it in ``mkdir`` and ``open``), and the build waited for
it. A thread that only writes lets the build go on meanwhile: Python runs other threads while one waits
for the system.

The thread ends as soon as nothing is left to write, and ``pool.py`` waits for it before it forks (a
fork is only safe while no other thread runs). ``wait`` returns what could not be written, for the build
to report at its end.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

Job = Callable[[], list[str]]  # writes something; returns what could not be written


class Writer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: deque[Job] = deque()
        self._thread: threading.Thread | None = None
        self._failed: list[str] = []

    def submit(self, job: Job) -> None:
        """Run ``job`` on the writing thread, after the jobs submitted before it."""
        with self._lock:
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mkdocs_scholar files", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    self._thread = None
                    return
                job = self._jobs.popleft()
            try:
                failed = job()
            except Exception as exc:  # noqa: BLE001 - reported with the others, never lost on a thread
                failed = [f"a file could not be written ({type(exc).__name__}: {exc})"]
            with self._lock:
                self._failed.extend(failed)

    def idle(self) -> None:
        """Wait until everything submitted so far is written and the thread has ended."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def wait(self) -> list[str]:
        """``idle``, then what could not be written since the last ``wait``."""
        self.idle()
        with self._lock:
            failed, self._failed = self._failed, []
        return failed


# One for the process: builds follow one another (``serve``), and pool.py waits for it before forking.
WRITER = Writer()
