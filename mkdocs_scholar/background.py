"""Files written on one thread while the pages render.

Every page with reader features has a .bib file of its own in the built site (``reader.py``). Written
where the page is rendered, the build waited for each file to be created: on the benchmark's machine that
was 0.2 s for 200 posts (cProfile of a warm build: ``open`` and ``mkdir``), a twentieth of the build. A
thread does it meanwhile: creating and writing a file waits on the system, not on Python. ``finish``
waits for the files and says which could not be written, before the build ends (so ``--strict`` counts
them).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class FileWriter:
    """One build's background writes: each job returns what it could not write, as messages."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: list[Future[list[str]]] = []

    def submit(self, job: Callable[..., list[str]], *args: object) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mkdocs-scholar-files")
        self._jobs.append(self._pool.submit(job, *args))

    def finish(self) -> list[str]:
        """Wait for every job; their messages in the order they were given. The thread ends here."""
        messages: list[str] = []
        for job in self._jobs:
            try:
                messages.extend(job.result())
            except Exception as exc:  # noqa: BLE001 - a file the build could not write is a warning
                messages.append(f"a page's .bib file could not be written: {exc}")
        self._jobs = []
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        return messages
