"""How the .bib files beside this script were cut from ../shared/corpus/bib (run from the repository root:
``python tests/sites/realbib/_bibliography/excerpt.py``). Kept so the excerpts can be remade or widened.

Entries are copied as written, with their @string definitions, except that prose (``abstract``,
``annotation``, ``remark``) and the acknowledgement addresses are left out. The choice of entries is
fixed by the rules below, not by what our output looks like.
"""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[5] / "shared" / "corpus" / "bib"
HERE = Path(__file__).resolve().parent

DROPPED = ("abstract", "annotation", "annote", "remark", "tableofcontents")

# Entries the tests name (each for a reason given in tests/e2e/test_real_bibliographies.py)
TUGBOAT_NAMED = {
    "Peter:TB25-2-128",  # {\cs{starttext}: Practical \ConTeXt}
    "Beeton:TB2-3-35",  # \macro{let} … \macro{raise} … \macro{lower}
    "Hoenig:TB15-2-97",  # \{{Meta\} Font Forum redux}
    "Taylor:TB15-3-353",  # $ \varepsilon $-{\TeX}
    "Anonymous:TB4-1-4",  # {\Dash}
    "Anonymous:TB10-3-445",  # a field given twice
    "Anonymous:TB10-3-461",  # a field given twice
}


def entries(text: str) -> list[tuple[str, str, str]]:
    """(type, key, source) of each @-chunk, braces balanced."""
    out = []
    for m in re.finditer(r"^@(\w+)\s*\{\s*([^,\s]*)", text, re.M):
        depth, i = 0, text.index("{", m.start())
        while True:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                break
        out.append((m.group(1).lower(), m.group(2), text[m.start() : i]))
    return out


def without(source: str, names: tuple[str, ...]) -> str:
    """The entry without the fields ``names`` (one field starts a line: Beebe's and biblatex's layout)."""
    lines, keep, skipping = source.splitlines(), [], False
    for line in lines:
        field = re.match(r"\s+([\w-]+)\s*=", line)
        if field:
            skipping = field.group(1).lower() in names
        elif line.startswith("}"):
            skipping = False
        if not skipping:
            keep.append(line)
    return "\n".join(keep)


def with_parents(chosen: list[tuple[str, str]], everything: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``chosen`` (key, source) plus the entries their ``crossref`` names, in the file's order."""
    wanted = {k.lower() for k, _src in chosen}
    for _key, src in chosen:
        ref = re.search(r"crossref\s*=\s*[\"{]([^\"}]+)", src)
        if ref:
            wanted.add(ref.group(1).strip().lower())
    return [(k, src) for k, src in everything if k.lower() in wanted]


def strings_used(chunks: list[str], defined: dict[str, str]) -> list[str]:
    used = set()
    for chunk in chunks:
        for m in re.finditer(r"=\s*([A-Za-z][\w:.+/-]*)\s*[,#\n]|#\s*([A-Za-z][\w:.+/-]*)", chunk):
            used.add((m.group(1) or m.group(2)).lower())
    return [source for name, source in defined.items() if name in used]


def write(name: str, header: str, chunks: list[str], defined: dict[str, str]) -> None:
    strings = strings_used(chunks, defined)
    body = "\n".join(strings) + "\n\n" + "\n\n".join(chunks) + "\n"
    (HERE / name).write_text(header + "\n" + body, encoding="utf-8")


def main() -> None:
    # biblatex-examples.bib: every entry
    text = (CORPUS / "biblatex-examples.bib").read_text(encoding="utf-8")
    parsed = entries(text)
    defined = {src.split("{")[1].split("=")[0].strip().lower(): src for t, _k, src in parsed if t == "string"}
    chunks = [without(src, DROPPED) for t, k, src in parsed if t != "string"]
    write(
        "biblatex-examples.bib",
        "% biblatex-examples.bib, the example database of the biblatex package (CTAN biblatex;\n"
        "% Debian texlive-bibtex-extra, texmf-dist/bibtex/bib/biblatex/biblatex/; LPPL 1.3). Every\n"
        "% entry, copied as written, without the prose annotation and abstract fields. Cut by excerpt.py.\n",
        chunks,
        defined,
    )

    # tugboat.bib: the named entries, every "and others" list, every title with math or a control
    # sequence name, and every 25th entry
    text = (CORPUS / "tugboat.bib").read_text(encoding="utf-8")
    parsed = entries(text)
    defined = {src.split("{")[1].split("=")[0].strip().lower(): src for t, _k, src in parsed if t == "string"}
    articles = [(k, src) for t, k, src in parsed if t not in ("string", "preamble", "comment")]
    picked = []
    for n, (key, src) in enumerate(articles):
        title = re.search(r"\n\s+title\s*=\s*(.*?)\n\s+[\w-]+\s*=", src, re.S)
        title_text = title.group(1) if title else ""
        if (
            key in TUGBOAT_NAMED
            or re.search(r"author\s*=[^=]*\band\s+others\b", src)
            or "$" in title_text
            or re.search(r"\\(cs|macro)\{", title_text)
            or n % 25 == 0
        ):
            picked.append((key, src))
    chosen = [without(src, (*DROPPED, "acknowledgement")) for _k, src in with_parents(picked, articles)]
    write(
        "tugboat-sample.bib",
        "% Excerpt of tugboat.bib, Nelson H. F. Beebe's bibliography of the TUGboat journal (TeX Live,\n"
        "% texmf-dist/bibtex/bib/beebe/; public domain): the entries excerpt.py chooses, copied as written,\n"
        "% without the abstract, remark and acknowledgement fields (and the @string addresses they use).\n",
        chosen,
        defined,
    )

    # typeset.bib: every entry whose acknowledgement names a macro the file never defines (real breakage),
    # every title with LaTeX in it, and every 15th entry
    text = (CORPUS / "typeset.bib").read_text(encoding="utf-8")
    parsed = entries(text)
    defined = {src.split("{")[1].split("=")[0].strip().lower(): src for t, _k, src in parsed if t == "string"}
    undefined = {"ack-bnb", "ack-jpl", "ack-fm", "ack-hk", "ack-rw", "ack-mc", "ack-ps", "ack-mb", "ack-jf"}
    books = [(k, src) for t, k, src in parsed if t not in ("string", "preamble", "comment")]
    picked = []
    for n, (key, src) in enumerate(books):
        ack = re.search(r"acknowledgement\s*=\s*([^\n]*)", src)
        uses_undefined = ack and any(re.search(rf"\b{u}\b", ack.group(1)) for u in undefined)
        title = re.search(r"\n\s+title\s*=\s*(.*?)\n\s+[\w-]+\s*=", src, re.S)
        if uses_undefined or (title and "\\" in title.group(1)) or n % 15 == 0:
            picked.append((key, src))
    chosen = [without(src, DROPPED) for _k, src in with_parents(picked, books)]
    # the acknowledgement macros the file defines are addresses: left out, so here every one is undefined
    defined = {k: v for k, v in defined.items() if not k.startswith("ack-")}
    write(
        "typeset-sample.bib",
        "% Excerpt of typeset.bib, Nelson H. F. Beebe's bibliography on typesetting (TeX Live,\n"
        "% texmf-dist/bibtex/bib/beebe/; public domain): the entries excerpt.py chooses, copied as written,\n"
        "% without the annote, abstract, remark and tableofcontents fields. The acknowledgement fields\n"
        "% stay; the original leaves ack-bnb, ack-jpl and seven more undefined (they live in other files\n"
        "% of the collection), and here the ack-* definitions it does have (addresses) are left out too:\n"
        "% every one is undefined.\n",
        chosen,
        defined,
    )


if __name__ == "__main__":
    main()
