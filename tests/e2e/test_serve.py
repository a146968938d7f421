"""A real ``mkdocs serve`` on 127.0.0.1: breaking the .bib or a post gives the message and the server keeps
serving; fixing it recovers on the next rebuild. Every wait is bounded; the server is always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SITES, copy_site

POST = "docs/blog/posts/2021-03-04-citing.md"
BASE = "sub/path/"  # serve mounts the site at the path of its site_url (https://example.org/sub/path/)
PAGE = BASE + "blog/2021/03/04/citing-two-papers/"
WAIT = 90  # seconds, for a rebuild to show


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.log_path = root / "serve.log"
        self.log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the server and nothing else
        )

    def get(self, path: str) -> str | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=10) as resp:
                return resp.read().decode("utf-8")
        except (urllib.error.URLError, OSError):
            return None

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, check, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"mkdocs serve exited while waiting for {what}:\n{self.output()}"
            if check():
                return
            time.sleep(0.5)
        raise AssertionError(f"no {what} within {WAIT} s:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        self.log.close()


@pytest.fixture
def server(tmp_path):
    root = copy_site(SITES / "basic", tmp_path / "site-src")
    srv = Server(root)
    try:
        srv.wait_for(lambda: "(Finn et al., 2017)" in (srv.get(PAGE) or ""), "first build")
        yield srv
    finally:
        srv.stop()


def _touch_later(path: Path, text: str) -> None:
    # A new modification time even on file systems with coarse timestamps, so the watcher sees it.
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2
    os.utime(path, (later, later))


def test_a_broken_bib_is_reported_and_a_fixed_one_recovers(server):
    bib = server.root / "_bibliography" / "references.bib"
    good = bib.read_text(encoding="utf-8")
    _touch_later(bib, "@article{finnModelAgnosticMetaLearning2017, title = {Never closed\n")
    server.wait_for(lambda: "references.bib:1: @article entry" in server.output(), "message for the .bib")
    assert "is not closed" in server.output()
    server.wait_for(lambda: "(missing reference)" in (server.get(PAGE) or ""), "page from the broken .bib")
    assert "Traceback" not in server.output()
    _touch_later(bib, good)
    server.wait_for(
        lambda: "(Finn et al., 2017)" in (server.get(PAGE) or ""), "recovery after fixing the .bib"
    )


def test_a_broken_post_is_reported_and_a_fixed_one_recovers(server):
    post = server.root / POST
    good = post.read_text(encoding="utf-8")
    broken = good.replace("{% cite finnModelAgnosticMetaLearning2017 %}", "{% if %}kept{% endif %}", 1)
    assert broken != good
    _touch_later(post, broken)
    server.wait_for(
        lambda: "Liquid: missing expression (the tag is kept as text)" in server.output(), "message"
    )
    server.wait_for(
        lambda: "{% if %}kept{% endif %}" in (server.get(PAGE) or ""), "page with the tag as text"
    )
    assert server.get(BASE) is not None  # the rest of the site is still served
    _touch_later(post, good)
    server.wait_for(
        lambda: "{% if %}kept" not in (server.get(PAGE) or "{% if %}kept"), "recovery of the post"
    )
    assert "(Finn et al., 2017)" in (server.get(PAGE) or "")
    assert "Traceback" not in server.output()
