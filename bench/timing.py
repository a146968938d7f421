"""Adding up the time spent in a function, for the scripts of bench/: each call timed around the function,
without a profiler (whose overhead is larger than the calls measured here)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[..., Any], spent: dict[str, float], label: str) -> Callable[..., Any]:
    """``fn``, adding the seconds each call takes to ``spent[label]``."""

    @functools.wraps(fn)  # keeps a handler's attributes: MkDocs reads an event's priority from them
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

    return run
