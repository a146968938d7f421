"""Shared test helpers: build a fixture site with a real ``mkdocs build`` and read its pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
EXAMPLE = REPO / "example_site"
SHARED = REPO.parent / "shared"
# The generator every end-to-end build runs: `mkdocs` unless told otherwise, so the whole suite also runs on
# ProperDocs: `MKDOCS_SCHOLAR_GENERATOR=properdocs python -m pytest tests/e2e`.
GENERATOR = os.environ.get("MKDOCS_SCHOLAR_GENERATOR", "mkdocs")


@dataclass
class Build:
    """A finished build: its folder, exit code, MkDocs' log and the built site."""

    root: Path
    returncode: int
    log: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def warnings(self) -> list[str]:
        # Match MkDocs' own log lines: Material prints a notice containing "WARNING" on every build.
        return [line for line in self.log.splitlines() if re.match(r"^WARNING\s+-", line)]

    def page(self, rel: str) -> BeautifulSoup:
        path = self.site / rel
        if path.is_dir():
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def find_page(self, pattern: str) -> Path:
        hits = sorted(
            p for p in self.site.rglob("*.html") if re.search(pattern, p.relative_to(self.site).as_posix())
        )
        assert hits, (
            f"no built page matches {pattern!r}; built: "
            f"{sorted(p.relative_to(self.site).as_posix() for p in self.site.rglob('*.html'))}"
        )
        return hits[0]

    def soup(self, path: Path) -> BeautifulSoup:
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def run_mkdocs(
    root: Path, *, strict: bool = True, command: str | None = None, verbose: bool = False
) -> Build:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    args = [sys.executable, "-m", command or GENERATOR, "build", "-d", str(root / "site")]
    if strict:
        args.append("--strict")
    if verbose:
        args.append("--verbose")
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    return Build(root, proc.returncode, proc.stdout + proc.stderr)


def copy_site(src: Path, dest: Path, **config_changes: object) -> Path:
    """Copy a site folder, changing mkdocs.yml keys; ``scholar={…}`` changes the plugin's options."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("site", "__pycache__"))
    if config_changes:
        path = dest / "mkdocs.yml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        scholar = config_changes.pop("scholar", None)
        config.update(config_changes)
        if scholar is not None:
            plugins = []
            for plugin in config.get("plugins", []):
                if plugin == "scholar" or (isinstance(plugin, dict) and "scholar" in plugin):
                    base = plugin["scholar"] if isinstance(plugin, dict) else {}
                    plugin = {"scholar": {**(base or {}), **scholar}}
                plugins.append(plugin)
            config["plugins"] = plugins
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return dest


@pytest.fixture
def build_site(tmp_path):
    """``build_site(src, strict=True, **mkdocs_yml_changes)`` → Build of a copy of ``src``."""

    def build(src: Path, *, strict: bool = True, **changes: object) -> Build:
        root = copy_site(src, tmp_path / "site-src", **changes)
        return run_mkdocs(root, strict=strict)

    return build
