"""Benchmark: a generated blog built with scholar and without it, in the same run.

    python bench/run.py                                   # 200 posts x 5 cites, 2,000 entries, apa and ieee
    python bench/run.py --large                           # 1,000 posts x 5 cites, 20,000 entries
    python bench/run.py --posts 50 --cites 3 --entries 500 --styles ieee --runs 5
    python bench/run.py --bib ../shared/corpus/bib/tugboat.bib   # one page: {% bibliography %} of that file

For each style it writes two sites under --workdir: ``scholar`` (posts with ``{% cite %}`` tags and a
``{% bibliography --cited %}``, a synthetic .bib, the plugin on) and ``baseline`` (the same posts with every
citation tag removed beforehand, the plugin off), so both pay for Markdown, Material and its blog plugin.
A third, ``output``, holds the pages as the plugin finishes them, built without it: the time MkDocs and
Material need for the citations and bibliographies as a reader gets them. The plugin's own build can take
less than that: while other plugins read its pages, the tags of its citations and bibliographies wait in
HTML comments (mkdocs_scholar/scholar/hidden.py).
Each is built in a fresh process ``--runs`` times, in rounds (baseline, output, scholar cold with its disk
cache deleted first, scholar warm with the cache kept), so that the machine's drift over minutes falls on
all of them. Wall time is the median; a ratio is the median of each round's ratio to that round's baseline;
peak memory is the largest maximum resident set of the build processes. Then ``mkdocs serve``'s rebuilds
are timed in one process, the way serve runs them (a new config and plugin objects per rebuild, the
process and its memory kept): no change, one post edited, the .bib edited. ``in plugin`` is the time
spent inside the scholar plugin's event handlers (until 2026-12-07 without on_env and on_post_page).

Generated .bib entries are synthetic: names, titles and venues are drawn from small word lists by a seeded
random generator, with some LaTeX (accents, case protection, ``--``) as real files have.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from timing import timed

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE_DIR = Path(".cache") / "mkdocs_scholar"

# -- synthetic content ------------------------------------------------------------------------------
_GIVEN = "Ada Alan Barbara Chen Dana Edsger Fei-Fei Grace Hiro Ines Jürgen Kai Lena Marta Noor Pál".split()
_FAMILY = [
    "Lovelace",
    "Turing",
    "Liskov",
    "Wang",
    "Scott",
    "Dijkstra",
    "Li",
    "Hopper",
    "Tanaka",
    'M{\\"u}ller',
    "Schmidhuber",
    "Nakamura",
    "{\\O}stergaard",
    "Erd{\\H{o}}s",
    "van der Berg",
    "de la Cruz",
    "Kowalski",
    "{\\v{C}}apek",
]
_WORDS = (
    "learning networks deep meta adaptive fast robust sparse graph neural attention models optimal "
    "gradient stochastic inference bayesian generative efficient scalable theory analysis systems "
    "distributed convex kernel methods reinforcement policy representation transfer few-shot data"
).split()
_VENUES = ["Journal of Machine Learning Research", "Neural Computation", "Artificial Intelligence", "TUGboat"]
_CONFS = ["International Conference on Machine Learning", "Advances in Neural Information Processing Systems"]
_TEXT = (
    "Markdown text around the citations, with *emphasis*, `code` and a [link](https://example.org/). "
    "The paragraph is long enough that Markdown and the theme do real work on every page of the site."
)


def synthetic_bib(n: int, rng: random.Random) -> tuple[str, list[str]]:
    """``n`` made-up entries (article, inproceedings, book) and their keys."""
    out, keys = [], []
    for i in range(n):
        authors = " and ".join(
            f"{rng.choice(_FAMILY)}, {rng.choice(_GIVEN)}" for _ in range(rng.choice((1, 2, 3, 4, 6)))
        )
        words = rng.sample(_WORDS, rng.randint(4, 9))
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = "{DNA}"
        title = " ".join(words).capitalize()
        year = rng.randint(1970, 2024)
        key = f"{re.sub(r'[^A-Za-z]', '', authors.split(',')[0]).lower()}{year}{i}"
        kind = rng.choice(("article", "article", "inproceedings", "book"))
        fields = [f"  author = {{{authors}}}", f"  title = {{{title}}}", f"  year = {{{year}}}"]
        if kind == "article":
            fields += [
                f"  journal = {{{rng.choice(_VENUES)}}}",
                f"  volume = {{{rng.randint(1, 40)}}}",
                f"  number = {{{rng.randint(1, 12)}}}",
                f"  pages = {{{(p := rng.randint(1, 900))}--{p + rng.randint(3, 30)}}}",
            ]
        elif kind == "inproceedings":
            fields += [f"  booktitle = {{{rng.choice(_CONFS)}}}", f"  pages = {{{rng.randint(1, 900)}}}"]
        else:
            fields += ["  publisher = {MIT Press}", "  address = {Cambridge, MA}"]
        if rng.random() < 0.5:
            fields.append(f"  doi = {{10.{rng.randint(1000, 9999)}/bench.{i}}}")
        out.append(f"@{kind}{{{key},\n" + ",\n".join(fields) + "\n}\n")
        keys.append(key)
    return "\n".join(out), keys


def post_text(index: int, keys: list[str], cites: int, rng: random.Random) -> tuple[str, str]:
    """One post with ``cites`` citation tags and a cited bibliography, and the same post without them."""
    date = f"20{10 + index % 14:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    head = f"---\ntitle: Post {index}\ndate: {date}\n---\n\n# Post {index}\n\n"
    body, plain = [], []
    for _ in range(cites):
        tag = "{% cite " + rng.choice(keys) + " %}"
        body.append(f"{_TEXT} As shown by {tag}, it holds.\n")
        plain.append(f"{_TEXT} As shown by , it holds.\n")
    tail = "\n## References\n\n{% bibliography --cited %}\n"
    return head + "\n".join(body) + tail, head + "\n".join(plain) + "\n## References\n\n"


def mkdocs_yml(style: str | None, *, blog: bool = True) -> str:
    plugins = ["  - search"] + (["  - blog"] if blog else [])
    if style:
        plugins.append(f"  - scholar:\n      style: {style}")
    nav = "nav:\n  - Home: index.md\n" + ("  - Blog:\n      - blog/index.md\n" if blog else "")
    return "site_name: Bench\ntheme:\n  name: material\nplugins:\n" + "\n".join(plugins) + "\n" + nav


def write_post_sites(base: Path, posts: int, cites: int, entries: int, style: str, seed: int) -> dict:
    rng = random.Random(seed)
    bib, keys = synthetic_bib(entries, rng)
    sites = {"scholar": base / "scholar", "baseline": base / "baseline"}
    for name, root in sites.items():
        shutil.rmtree(root, ignore_errors=True)
        (root / "docs" / "blog" / "posts").mkdir(parents=True)
        (root / "mkdocs.yml").write_text(mkdocs_yml(style if name == "scholar" else None), encoding="utf-8")
        (root / "docs" / "index.md").write_text("# Bench\n", encoding="utf-8")
        (root / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (sites["scholar"] / "_bibliography").mkdir()
    (sites["scholar"] / "_bibliography" / "references.bib").write_text(bib, encoding="utf-8")
    post_rng = random.Random(seed + 1)
    for i in range(posts):
        with_tags, without = post_text(i, keys, cites, post_rng)
        name = f"post-{i:05d}.md"
        (sites["scholar"] / "docs" / "blog" / "posts" / name).write_text(with_tags, encoding="utf-8")
        (sites["baseline"] / "docs" / "blog" / "posts" / name).write_text(without, encoding="utf-8")
    return {
        **sites,
        "post": "docs/blog/posts/post-00000.md",
        "bib": "_bibliography/references.bib",
        "pages": posts,
        "cites": posts * cites,
    }


def write_bib_sites(base: Path, bib: Path, style: str) -> dict:
    sites = {"scholar": base / "scholar", "baseline": base / "baseline"}
    for name, root in sites.items():
        shutil.rmtree(root, ignore_errors=True)
        (root / "docs").mkdir(parents=True)
        (root / "mkdocs.yml").write_text(
            mkdocs_yml(style if name == "scholar" else None, blog=False), encoding="utf-8"
        )
        tag = "{% bibliography %}" if name == "scholar" else ""
        (root / "docs" / "index.md").write_text(f"# Publications\n\n{tag}\n", encoding="utf-8")
    (sites["scholar"] / "_bibliography").mkdir()
    shutil.copyfile(bib, sites["scholar"] / "_bibliography" / "references.bib")
    return {**sites, "post": "docs/index.md", "bib": "_bibliography/references.bib", "pages": 1, "cites": 0}


# -- running builds -----------------------------------------------------------------------------------
@dataclass
class Run:
    wall: float  # the whole process, as `mkdocs build` takes
    cpu: float  # CPU seconds of the process and its workers: less disturbed by other load than wall time
    rss_mb: float
    plugin: float
    bib: float


def _env() -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def _driver(args: list[str], *, imports: str = "") -> tuple[float, dict]:
    """Run the driver in a fresh process; ``imports`` (comma-separated modules) are imported before it
    builds (bench/memory.py)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--driver",
            *(["--import", imports] if imports else []),
            *args,
        ],
        capture_output=True,
        text=True,
        env=_env(),
    )
    wall = time.perf_counter() - start
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"build failed ({' '.join(args)}):\n{proc.stderr[-3000:]}")
    return wall, json.loads(lines[-1])


def write_output_site(sites: dict) -> Path:
    """The ``output`` site: the scholar site's pages as the plugin renders them (citations and bibliographies
    in place, from a warm build, their tags shown), written as plain Markdown and built without the plugin,
    with only its raw-HTML Markdown extension. Its build time is what MkDocs, Markdown and Material take for
    the finished pages: the scholar build goes below it by what hiding the tags saves them."""
    out = sites["scholar"].parent / "output"
    _driver(["dump", str(sites["scholar"]), str(out)])
    return out


def build_once(root: Path, *, cold: bool) -> Run:
    if cold:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    wall, out = _driver(["build", str(root)])
    return Run(wall, out["cpu_s"], out["maxrss_mb"], out["plugin_s"], out["bib_s"])


def serve_rebuilds(root: Path, post: str, bib: str | None) -> dict:
    _, out = _driver(["serve", str(root), post, bib or ""])
    return out


# -- the driver: runs inside the measured process -------------------------------------------------------
def _timers(root: Path) -> dict[str, float]:
    """Wrap the scholar plugin's event handlers ("plugin") and the engine's .bib loading and formatting
    ("bibliography": Library.load, CitationState.finish) to add up the time spent in them. Only for a site
    that uses the plugin: importing it to wrap it would put its import time and memory into the baseline's
    and the output's figures."""
    spent = {"plugin": 0.0, "bibliography": 0.0}
    if not re.search(r"^  - scholar\b", (root / "mkdocs.yml").read_text(encoding="utf-8"), re.M):
        return spent
    try:
        from mkdocs_scholar.plugin import ScholarPlugin
        from mkdocs_scholar.scholar.engine import CitationState, Library
    except ImportError:
        return spent
    events = (
        "on_config",
        "on_files",
        "on_nav",
        "on_page_markdown",
        "on_env",
        "on_post_page",
        "on_post_build",
        "on_serve",
    )
    targets = [(ScholarPlugin, name, "plugin") for name in events]
    targets += [(Library, "load", "bibliography"), (CitationState, "finish", "bibliography")]
    for cls, name, bucket in targets:
        original = getattr(cls, name, None)
        if original is None:
            continue

        setattr(cls, name, timed(original, spent, bucket))
    return spent


def _cpu_s() -> float:
    """CPU time of this process and of its finished children (formatting workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


class _Watcher:
    """Stands for serve's live-reload server: what plugins ask it to watch is not watched here."""

    def watch(self, path: str, *args: object, **kwargs: object) -> None:
        pass


def dump_rendered(root: Path, out: Path) -> None:
    """Build ``root`` once and write each page's Markdown as the plugin hands it on, with the tags that wait
    in comments shown, under its own front matter, into the site ``out`` (see ``write_output_site``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page

    from mkdocs_scholar.scholar.hidden import show

    rendered: dict[str, str] = {}
    original = Page.render

    def render(self, config, files):  # noqa: ANN001, ANN202
        rendered[self.file.src_uri] = show(self.markdown)
        return original(self, config, files)

    Page.render = render
    config = load_config(config_file=str(root / "mkdocs.yml"))
    build(config)
    config.plugins.on_shutdown()
    shutil.rmtree(out, ignore_errors=True)
    for uri, markdown in rendered.items():
        if not (root / "docs" / uri).is_file():
            continue  # made by Material's blog plugin (archive, category pages): it makes them again
        source = (root / "docs" / uri).read_text(encoding="utf-8")
        head = re.match(r"---\n.*?\n---\n", source, re.S)
        target = out / "docs" / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((head.group(0) + "\n" if head else "") + markdown, encoding="utf-8")
    yml = (root / "mkdocs.yml").read_text(encoding="utf-8")
    yml = re.sub(r"  - scholar:\n(      .*\n)*", "", yml)
    (out / "mkdocs.yml").write_text(yml + "markdown_extensions:\n  - mkdocs_scholar.rawhtml\n", "utf-8")


def driver(argv: list[str]) -> None:
    import importlib
    import logging

    if argv[0] == "--import":
        for name in argv[1].split(","):
            importlib.import_module(name)
        argv = argv[2:]
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    mode, root = argv[0], Path(argv[1])
    spent = _timers(root)
    os.chdir(root)

    def one_build() -> dict:
        before, cpu = dict(spent), _cpu_s()
        t = time.perf_counter()
        config = load_config(config_file=str(root / "mkdocs.yml"))
        build(config)
        config.plugins.on_shutdown()
        return {
            "wall_s": time.perf_counter() - t,
            "cpu_s": _cpu_s() - cpu,
            "plugin_s": spent["plugin"] - before["plugin"],
            "bib_s": spent["bibliography"] - before["bibliography"],
            "rss_mb": _rss_mb(),
        }

    if mode == "dump":
        dump_rendered(root, Path(argv[2]))
        print(json.dumps({"written": argv[2]}))
        return
    if mode == "build":
        out = one_build()
        print(json.dumps({**out, "maxrss_mb": _maxrss_mb(), "cpu_s": _cpu_s()}))
        return
    post, bib = root / argv[2], (root / argv[3]) if argv[3] else None
    steps = {"first build": one_build()}
    # As `mkdocs serve` does after its first build (the plugins learn that rebuilds follow).
    config = load_config(config_file=str(root / "mkdocs.yml"))
    config.plugins.on_serve(_Watcher(), config=config, builder=None)
    steps["no change"] = one_build()
    with post.open("a", encoding="utf-8") as f:
        f.write("\nOne more sentence, as an author would add while `serve` runs.\n")
    steps["one post edited"] = one_build()
    if bib is not None and bib.exists():
        text = bib.read_text(encoding="utf-8")
        # Change one entry's title: a new file hash, one entry's content changed.
        bib.write_text(re.sub(r"title\s*=\s*[{\"]", lambda m: m.group(0) + "Edited ", text, count=1), "utf-8")
        steps[".bib edited"] = one_build()
    for i in range(3):
        steps[f"no change {i + 2}"] = one_build()
    print(json.dumps({"steps": steps, "maxrss_mb": _maxrss_mb()}))


# -- the report ----------------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_case(label: str, sites: dict, runs: int) -> dict:
    base, sch = sites["baseline"], sites["scholar"]
    # One build of each, not counted: it fills the operating system's file cache.
    build_once(base, cold=False)
    build_once(sch, cold=True)
    output = write_output_site(sites)
    # In rounds, each build of a round after the other: the machine's speed drifts over minutes, and a
    # ratio is taken within a round (the median over rounds), between builds a few seconds apart.
    baseline: list[Run] = []
    floor: list[Run] = []
    cold: list[Run] = []
    warm: list[Run] = []
    for _ in range(runs):
        baseline.append(build_once(base, cold=False))
        floor.append(build_once(output, cold=False))
        cold.append(build_once(sch, cold=True))
        warm.append(build_once(sch, cold=False))
    b = median([r.wall for r in baseline])
    ratios = {
        name: median([r.wall / base_run.wall for r, base_run in zip(runs_of, baseline, strict=True)])
        for name, runs_of in (("output", floor), ("cold", cold), ("warm", warm))
    }
    result = {
        "ratios": ratios,
        "case": label,
        "baseline_s": b,
        "cold_s": median([r.wall for r in cold]),
        "warm_s": median([r.wall for r in warm]),
        "output_s": median([r.wall for r in floor]),
        "output_cpu_s": median([r.cpu for r in floor]),
        "output_rss_mb": max(r.rss_mb for r in floor),
        "baseline_cpu_s": median([r.cpu for r in baseline]),
        "cold_cpu_s": median([r.cpu for r in cold]),
        "warm_cpu_s": median([r.cpu for r in warm]),
        "cold_plugin_s": median([r.plugin for r in cold]),
        "warm_plugin_s": median([r.plugin for r in warm]),
        "cold_bib_s": median([r.bib for r in cold]),
        "warm_bib_s": median([r.bib for r in warm]),
        "baseline_rss_mb": max(r.rss_mb for r in baseline),
        "cold_rss_mb": max(r.rss_mb for r in cold),
        "warm_rss_mb": max(r.rss_mb for r in warm),
    }
    shutil.rmtree(sch / CACHE_DIR, ignore_errors=True)
    result["serve"] = serve_rebuilds(sch, sites["post"], sites["bib"])
    result["serve_baseline"] = serve_rebuilds(base, sites["post"], None)
    result["pages"], result["cites"] = sites["pages"], sites["cites"]
    return result


def report(r: dict) -> str:
    b = r["baseline_s"]
    lines = [f"## {r['case']}", ""]
    lines.append(
        "| build | wall (median) | ratio | CPU | CPU ratio | in plugin | bibliography | peak memory "
        "| memory ratio |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    base_rss, base_cpu = r["baseline_rss_mb"], r["baseline_cpu_s"]
    ratio = r["ratios"]  # the median of each round's ratio (bench_case)
    lines.append(
        f"| baseline (no citations, no plugin) | {b:.2f} s | 1.00 | {base_cpu:.2f} s | 1.00 | - | - "
        f"| {base_rss:.0f} MB | 1.00 |"
    )
    w, cpu, rss = r["output_s"], r["output_cpu_s"], r["output_rss_mb"]
    lines.append(
        f"| plugin's output, built without the plugin | {w:.2f} s | {ratio['output']:.2f} | {cpu:.2f} s "
        f"| {cpu / base_cpu:.2f} | - | - | {rss:.0f} MB | {rss / base_rss:.2f} |"
    )
    for kind in ("cold", "warm"):
        w, cpu = r[f"{kind}_s"], r[f"{kind}_cpu_s"]
        lines.append(
            f"| scholar, {kind} cache | {w:.2f} s | {ratio[kind]:.2f} | {cpu:.2f} s | {cpu / base_cpu:.2f} "
            f"| {r[f'{kind}_plugin_s']:.2f} s | {r[f'{kind}_bib_s']:.2f} s "
            f"| {r[f'{kind}_rss_mb']:.0f} MB | {r[f'{kind}_rss_mb'] / base_rss:.2f} |"
        )
    extra = []
    for kind in ("cold", "warm"):
        over = r[f"{kind}_s"] - b
        if r["cites"]:
            extra.append(f"{kind}: {1000 * over / r['cites']:.2f} ms per cite")
        extra.append(f"{kind}: {1000 * over / max(r['pages'], 1):.1f} ms per page")
    lines += ["", "Overhead over the baseline: " + "; ".join(extra) + "."]
    own = r["warm_s"] - r["output_s"]
    lines += [
        f"The finished pages, built without the plugin, take {r['output_s'] - b:.2f} s more than the "
        f"baseline; the warm build {own:+.2f} s more than that: the plugin's own work (imports, Liquid, "
        "citations, the pages' .bib files) less what its hidden tags save the other plugins.",
        "",
    ]
    lines.append(
        "| serve rebuild (one process) | scholar | in plugin | bibliography | memory | baseline | memory |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    base_steps = r["serve_baseline"]["steps"]
    for step, v in r["serve"]["steps"].items():
        bs = base_steps.get(step)
        lines.append(
            f"| {step} | {v['wall_s']:.2f} s | {v['plugin_s']:.2f} s | {v['bib_s']:.2f} s "
            f"| {v['rss_mb']:.0f} MB | "
            + (f"{bs['wall_s']:.2f} s | {bs['rss_mb']:.0f} MB |" if bs else "- | - |")
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--driver":
        driver(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=200)
    ap.add_argument("--cites", type=int, default=5, help="citation tags per post")
    ap.add_argument("--entries", type=int, default=2000, help="entries in the generated .bib")
    ap.add_argument("--large", action="store_true", help="1,000 posts x 5 cites, 20,000 entries")
    ap.add_argument("--bib", type=Path, help="a .bib file: one page with {%% bibliography %%} of all of it")
    ap.add_argument("--styles", default="apa,ieee")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=HERE / "work")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    if args.large:
        args.posts, args.cites, args.entries = 1000, 5, 20000
    # A user's `pip install` byte-compiles the package; a checkout run with PYTHONDONTWRITEBYTECODE would
    # compile it from source in every build process (about 50 ms here), which the installed one never does.
    compileall.compile_dir(str(REPO / "mkdocs_scholar"), quiet=1)
    results = []
    for style in [s.strip() for s in args.styles.split(",") if s.strip()]:
        if args.bib:
            label = f"{args.bib.name}, one page, style {style}"
            sites = write_bib_sites(args.workdir / f"bib-{style}", args.bib.resolve(), style)
        else:
            label = f"{args.posts} posts x {args.cites} cites, {args.entries} entries, style {style}"
            base = args.workdir / f"{args.posts}x{args.cites}x{args.entries}-{style}"
            sites = write_post_sites(base, args.posts, args.cites, args.entries, style, args.seed)
        print(f"... {label}", file=sys.stderr, flush=True)
        result = bench_case(label, sites, args.runs)
        results.append(result)
        print(report(result), flush=True)
    print(f"({os.cpu_count()} cores, Python {sys.version.split()[0]}, median of {args.runs} runs)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
