"""Path confinement: every path a page or a config value names must stay inside the site's folder."""

from __future__ import annotations

from pathlib import Path


def confined(path: Path, root: Path) -> Path | None:
    """``path`` resolved (symlinks followed), or None if it leaves ``root``."""
    try:
        resolved = path.resolve()
        base = root.resolve()
    except (OSError, RuntimeError):
        return None
    if resolved == base or base in resolved.parents:
        return resolved
    return None
