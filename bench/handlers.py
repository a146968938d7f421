"""Where one build of a site spends its time: each plugin's event handlers, Markdown's conversions and the
theme's templates, timed in one process.

    python bench/handlers.py bench/work/200x5x2000-apa/scholar     # after python bench/run.py
    python bench/handlers.py bench/work/200x5x2000-apa/output
    python bench/handlers.py bench/work/200x5x2000-apa/baseline

The site is built ``--builds`` times (default 2) and the last build is reported, so imports are not counted.
With ``--profile FILE`` the last build also runs under cProfile (its times then count the profiler's
overhead: use them for where the time goes, not for how much).
``markdown`` and ``templates`` include the work they do inside the handlers (Material's blog renders each
post's excerpt in its on_page_context), so the lines overlap and do not add up to the whole build; so
does ``markdown`` the two lines of the plugin's Markdown extension (``mkdocs_scholar/rawhtml.py``), which
the ``output`` site uses too.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import logging
import os
import pstats
import time
from pathlib import Path

from timing import timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path, help="the folder of mkdocs.yml")
    ap.add_argument("--builds", type=int, default=2)
    ap.add_argument(
        "--profile",
        type=Path,
        help="also run the last build under cProfile, save its stats here and print "
        "the plugin's and python-liquid's functions by cumulative time",
    )
    args = ap.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    import jinja2
    import markdown
    import mkdocs.plugins
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    spent: dict[str, float] = collections.defaultdict(float)

    register = mkdocs.plugins.PluginCollection._register_event

    def register_timed(self, event_name, method, plugin_name=None):  # noqa: ANN001, ANN202
        return register(self, event_name, timed(method, spent, f"{plugin_name} on_{event_name}"), plugin_name)

    mkdocs.plugins.PluginCollection._register_event = register_timed
    markdown.Markdown.convert = timed(markdown.Markdown.convert, spent, "markdown (every conversion)")
    jinja2.Template.render = timed(jinja2.Template.render, spent, "templates (every render)")
    # The plugin's Markdown extension runs inside the conversions (so inside "markdown"), not in a handler.
    from mkdocs_scholar import rawhtml

    for cls, label in (
        (rawhtml.RawHtmlPreprocessor, "scholar's Markdown extension, before (stashing the pieces)"),
        (rawhtml.InlinePiecePostprocessor, "scholar's Markdown extension, after (placing citations)"),
    ):
        cls.run = timed(cls.run, spent, label)

    root = args.site.resolve()
    profile = args.profile.resolve() if args.profile else None  # before the chdir
    os.chdir(root)
    for n in range(args.builds):
        spent.clear()
        profiler = cProfile.Profile() if profile and n == args.builds - 1 else None
        start = time.perf_counter()
        config = load_config(config_file=str(root / "mkdocs.yml"))
        if profiler is not None:
            profiler.enable()
        build(config)
        if profiler is not None:
            profiler.disable()
        config.plugins.on_shutdown()
        whole = time.perf_counter() - start
    if profiler is not None:
        profiler.dump_stats(profile)
        pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(r"mkdocs_scholar|liquid/", 40)
    print(f"{whole:7.3f} s  whole build ({root.name})")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.005:
            print(f"{seconds:7.3f} s  {label}")


if __name__ == "__main__":
    main()
