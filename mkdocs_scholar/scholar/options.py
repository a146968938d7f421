"""Tag markup → TagOptions: the first step of every scholar tag (cite, bibliography, reference, …).

A Liquid tag hands us its raw markup (`ruby smith:2020 -l 24 & 32 --file other`); we return the keys and
the options as a plain record, and the tag then calls the engine with it. Interpolating `{{ var }}` in
values and resolving keys as Liquid variables is the tag's job, not ours.

The splitting follows jekyll-scholar (reference, "Tag options" and the paragraph after it): leading
whitespace-separated tokens that do not start with `-` are the keys; the rest is cut at option names, so a
value is everything up to the next option and may contain spaces. An option name only counts where it
follows whitespace (or starts the text), so `arXiv:1803-02999` or `sec. 8-2` stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from mkdocs_scholar.scholar.errors import ScholarError

# What `-r`/`--remove_duplicates` compares when given no fields (jekyll-scholar's default).
DEFAULT_DUPLICATE_FIELDS: tuple[str, ...] = ("year", "title")


@dataclass
class TagOptions:
    """Keys and options of one tag; every tag gets all of them and uses only some."""

    keys: list[str]
    cited: bool = False
    # -C also sets `cited` (only cited keys), as jekyll-scholar does; this flag adds "keep citation order".
    cited_in_order: bool = False
    clear: bool = False
    # None = off; given without fields it holds DEFAULT_DUPLICATE_FIELDS, so consumers never re-derive it.
    remove_duplicates: list[str] | None = None
    suppress_author: bool = False
    files: list[str] = field(default_factory=list)
    query: str | None = None
    list_tag: str | None = None
    prefix: str | None = None
    text: str | None = None
    locators: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    offset: int | None = None
    max: int | None = None
    style: str | None = None
    group_by: str | None = None
    group_order: str | None = None
    # jekyll-scholar assigns -O to group_by (reference, Known defects 10); we keep it apart on purpose.
    type_order: str | None = None
    template: str | None = None
    # Options we did not recognise and stray text after a flag, as written; the caller warns about them.
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Spec:
    """How one option is written and where its value goes."""

    long: str
    short: str | None
    kind: str  # "flag" | "value" (last wins) | "repeat" (appended) | "int" | "fields" (optional list)
    attr: str


_SPECS: tuple[_Spec, ...] = (
    _Spec("cited", "c", "flag", "cited"),
    _Spec("cited_in_order", "C", "flag", "cited_in_order"),
    _Spec("clear", None, "flag", "clear"),
    _Spec("remove_duplicates", "r", "fields", "remove_duplicates"),
    _Spec("suppress_author", "A", "flag", "suppress_author"),
    _Spec("file", "f", "repeat", "files"),
    _Spec("query", "q", "value", "query"),
    _Spec("bibliography_list_tag", "h", "value", "list_tag"),
    _Spec("prefix", "p", "value", "prefix"),
    _Spec("text", "t", "value", "text"),
    _Spec("locator", "l", "repeat", "locators"),
    _Spec("label", "L", "repeat", "labels"),
    _Spec("offset", "o", "int", "offset"),
    _Spec("max", "m", "int", "max"),
    _Spec("style", "s", "value", "style"),
    _Spec("group_by", "g", "value", "group_by"),
    _Spec("group_order", "G", "value", "group_order"),
    _Spec("type_order", "O", "value", "type_order"),
    _Spec("template", "T", "value", "template"),
)
_BY_LONG = MappingProxyType({spec.long: spec for spec in _SPECS})
_BY_SHORT = MappingProxyType({spec.short: spec for spec in _SPECS if spec.short})

# Where an option starts. The options text has its whitespace collapsed to single spaces, so "follows
# whitespace" is `(?<= )`. A known short option splits even when its value is glued on (`-l24`), as
# jekyll-scholar's `\B-x` does; an unknown short one only counts standing alone, so a value such as
# `-draft` or `-5` is not mistaken for an option.
_OPTION_START = re.compile(
    r"(?:(?<= )|^)(?:"
    r"--(?P<long>[^\W\d][\w-]*)(?=[= ]|$)"
    rf"|-(?P<short>[{''.join(_BY_SHORT)}])"
    r"|-(?P<other>[A-Za-z])(?= |$)"
    r")"
)


def parse_markup(markup: str) -> TagOptions:
    """Split a tag's markup into keys and options; raise ScholarError for a missing or bad value."""
    tokens = markup.split()
    keys: list[str] = []
    for token in tokens:
        if token.startswith("-"):
            break
        keys.append(token)
    options = TagOptions(keys=keys)
    # jekyll-scholar re-joins the remaining tokens with single spaces; so do we, which also lets a tag
    # written over several lines behave like one written on one line.
    text = " ".join(tokens[len(keys) :])
    if text:
        _parse_options(text, options)
    return options


def split_list(value: str | Sequence[str] | None) -> list[str]:
    """`"year, month"` → `["year", "month"]`: for config keys such as sort_by, order and group_by.

    A YAML list (`sort_by: [year, month]`) is accepted too, since jekyll-scholar wraps values with
    `Array(...)` before splitting them on commas.
    """
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    parts: list[str] = []
    for item in items:
        parts.extend(part.strip() for part in str(item).split(","))
    return [part for part in parts if part]


def _parse_options(text: str, options: TagOptions) -> None:
    match = _OPTION_START.search(text)
    # Text before the first recognisable option (`-5 …`, `-xyz …`) is not an option we know.
    leading = text[: match.start()] if match else text
    if leading.strip():
        options.unknown.append(leading.strip())
    while match is not None:
        value_start = match.end()
        inline = match["long"] is not None and text.startswith("=", value_start)
        if inline:
            value_start += 1
        value, following = _read_value(text, value_start)
        written = match.group(0)
        spec = _lookup(match)
        if spec is None:
            options.unknown.append(f"{written}={value}" if inline else f"{written} {value}".rstrip())
        else:
            _apply(spec, written, value, options)
        match = following


def _lookup(match: re.Match[str]) -> _Spec | None:
    if match["short"]:
        return _BY_SHORT[match["short"]]
    if match["long"]:
        return _BY_LONG.get(match["long"])
    return None


def _read_value(text: str, start: int) -> tuple[str, re.Match[str] | None]:
    """The value starting at `start` and the next option after it (None at the end).

    A value wrapped in quotes (`--file "my refs"`) loses its quotes and may contain option-like text;
    the quote only wraps the value if the option or the end of the markup follows its first closing
    partner, so `'a' and 'b'` or `O'Reilly` are kept literally.
    """
    begin = start
    while begin < len(text) and text[begin] == " ":
        begin += 1
    if begin < len(text) and text[begin] in "'\"":
        close = text.find(text[begin], begin + 1)
        if close != -1:
            after = close + 1
            while after < len(text) and text[after] == " ":
                after += 1
            if after == len(text):
                return text[begin + 1 : close], None
            following = _OPTION_START.match(text, after)
            if following is not None:
                return text[begin + 1 : close], following
    following = _OPTION_START.search(text, start)
    end = following.start() if following else len(text)
    return text[start:end].strip(), following


def _apply(spec: _Spec, written: str, value: str, options: TagOptions) -> None:
    if spec.kind == "flag":
        setattr(options, spec.attr, True)
        if spec.attr == "cited_in_order":
            options.cited = True
        # jekyll-scholar's OptionParser ignores stray words after a flag; we keep them for a warning.
        if value:
            options.unknown.append(value)
        return
    if spec.kind == "fields":
        options.remove_duplicates = split_list(value) or list(DEFAULT_DUPLICATE_FIELDS)
        return
    if not value:
        raise ScholarError(f"option {_name(spec, written)} needs a value", hint=_hint_for(spec))
    if spec.kind == "repeat":
        getattr(options, spec.attr).append(value)
    elif spec.kind == "int":
        setattr(options, spec.attr, _whole_number(spec, written, value))
    else:
        setattr(options, spec.attr, value)


def _whole_number(spec: _Spec, written: str, value: str) -> int:
    # ASCII digits only: int() would also take "+3", "1_000" and non-Latin digits.
    if re.fullmatch(r"[0-9]+", value):
        try:
            return int(value)
        except ValueError:  # more digits than Python converts (sys.int_info.default_max_str_digits)
            pass
    shown = value if len(value) <= 40 else value[:40] + "…"
    raise ScholarError(
        f"option {_name(spec, written)} needs a whole number of 0 or more, not {shown!r}",
        hint=f"e.g. `--{spec.long} 2`",
    )


def _name(spec: _Spec, written: str) -> str:
    return written if written.startswith("--") else f"{written} (--{spec.long})"


def _hint_for(spec: _Spec) -> str:
    examples = {
        "file": "e.g. `--file other` for _bibliography/other.bib",
        "query": "e.g. `--query @article[year>=2017]`",
        "locator": "e.g. `-l 24` or `-l sec. 8.2`",
        "label": "e.g. `-L chapter -l 3`",
    }
    return examples.get(spec.long, f"write `--{spec.long} VALUE` after the keys, or remove the option")
