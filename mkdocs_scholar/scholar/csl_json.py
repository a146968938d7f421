"""BibEntry -> CSL-JSON item: the step between the .bib loader and the CSL formatter.

``bibtex.py`` gives raw LaTeX fields; this module maps BibTeX/biblatex types and fields to CSL-JSON
variables, decodes text with ``latex.latex_to_rich`` (so values carry the rich-text markers described in
``latex.py``), parses names with pybtex's BibTeX name rules and dates from ``date`` or ``year``/``month``.
The formatter (``csl.py``) turns the items into citeproc-py references.

Only CSL variables citeproc-py knows are emitted (it warns about others). Values are plain Unicode rich
text, never HTML-escaped; URL/DOI/ISBN/ISSN and numbers carry no markers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import pybtex.errors
from pybtex.database import Person

from .bibtex import PERSON_FIELDS, BibEntry, BibFile, BibIssue
from .latex import ET_AL, latex_to_rich, rich_to_plain, unknown_macros

__all__ = [
    "NAME_FIELDS",
    "SHOWN_FIELDS",
    "TYPE_MAP",
    "check_bib",
    "entry_to_csl",
    "parse_date",
    "parse_name",
    "parse_names",
]

#: BibTeX/biblatex entry type -> CSL type (types not listed become "document").
TYPE_MAP: Mapping[str, str] = MappingProxyType(
    {
        "article": "article-journal",
        "inproceedings": "paper-conference",
        "conference": "paper-conference",
        "proceedings": "book",
        "mvproceedings": "book",
        "book": "book",
        "mvbook": "book",
        "bookinbook": "book",
        "inbook": "chapter",
        "incollection": "chapter",
        "suppbook": "chapter",
        "suppcollection": "chapter",
        "collection": "book",
        "mvcollection": "book",
        "phdthesis": "thesis",
        "mastersthesis": "thesis",
        "thesis": "thesis",
        "techreport": "report",
        "report": "report",
        "manual": "report",
        "misc": "document",
        "online": "webpage",
        "electronic": "webpage",
        "www": "webpage",
        "unpublished": "manuscript",
        "patent": "patent",
        "periodical": "periodical",
        "suppperiodical": "periodical",
        "dataset": "dataset",
        "software": "software",
        "set": "document",
        "reference": "book",
        "mvreference": "book",
        "inreference": "entry-encyclopedia",
        "booklet": "pamphlet",
        "standard": "standard",
        "letter": "personal_communication",
        "audio": "song",
        "music": "song",
        "video": "motion_picture",
        "movie": "motion_picture",
        "artwork": "graphic",
        "image": "graphic",
        "review": "review",
        "legislation": "legislation",
        "jurisdiction": "legal_case",
        "performance": "performance",
    }
)

#: BibTeX/biblatex name field -> CSL name variable
NAME_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "author": "author",
        "editor": "editor",
        "translator": "translator",
        "bookauthor": "container-author",
    }
)

_THESIS_GENRES: Mapping[str, str] = MappingProxyType(
    {
        "phdthesis": "PhD thesis",
        "mastersthesis": "Master's thesis",
        "mathesis": "Master's thesis",
        "candthesis": "Candidate thesis",
        "techreport": "Technical report",
        "resreport": "Research report",
        "software": "Computer software",
        "datacd": "CD-ROM",
        "audiocd": "Audio CD",
        # biblatex's patent localization keys
        "patent": "Patent",
        "patentde": "German patent",
        "patenteu": "European patent",
        "patentfr": "French patent",
        "patentuk": "British patent",
        "patentus": "U.S. patent",
        "patreq": "Patent request",
        "patreqde": "German patent request",
        "patreqeu": "European patent request",
        "patreqfr": "French patent request",
        "patrequk": "British patent request",
        "patrequs": "U.S. patent request",
    }
)

#: The fields whose text ``entry_to_csl`` decodes for a style to print (the rest are identifiers, URLs,
#: or notes for the .bib's own maintainer, such as Beebe's ``bibsource`` and ``acknowledgement``).
SHOWN_FIELDS: frozenset[str] = (
    frozenset(
        """
    title subtitle titleaddon shorttitle journaltitle journal journalsubtitle booktitle booksubtitle
    booktitleaddon maintitle mainsubtitle maintitleaddon series eventtitle eventtitleaddon venue volume
    volumes number issue pages pagetotal chapter edition version publisher school institution
    organization location address howpublished type pubstate note addendum abstract keywords language
    eprinttype archiveprefix date year month day urldate eventdate origdate relatedstring
    """.split()
    )
    | PERSON_FIELDS
)

# biblatex's localisation keys that a field may hold instead of text (english.lbx, long forms)
_BIBSTRINGS: Mapping[str, str] = MappingProxyType(
    {
        "newseries": "new series",
        "oldseries": "old series",
        "inpress": "in press",
        "inpreparation": "in preparation",
        "forthcoming": "forthcoming",
        "submitted": "submitted",
        "prepublished": "pre-published",
    }
)
# `relatedtype` -> how biblatex introduces the related entries (english.lbx, long forms)
_RELATED_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "bytranslator": "Translated as",
        "multivolume": "Volumes",
        "origpubas": "Originally published as",
        "origpubin": "Originally published in",
        "reprintas": "Reprinted as",
        "reprintfrom": "Reprinted from",
        "reprintof": "Reprint of",
        "reviewof": "Review of",
        "translationas": "Translated as",
        "translationfrom": "Translated from",
        "translationof": "Translation of",
    }
)

# CSL types whose container is a book or proceedings (booktitle), not a journal
_IN_BOOK_TYPES = frozenset({"chapter", "paper-conference", "entry-encyclopedia"})
_ARTICLE_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper", "periodical"})

# eprinttype -> URL prefix for the eprint identifier (biblatex's standard eprint handlers)
_EPRINT_URLS: Mapping[str, str] = MappingProxyType(
    {
        "arxiv": "https://arxiv.org/abs/",
        "jstor": "https://www.jstor.org/stable/",
        "hdl": "https://hdl.handle.net/",
        "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
        "googlebooks": "https://books.google.com/books?id=",
    }
)
_EPRINT_ARCHIVES: Mapping[str, str] = MappingProxyType(
    {"arxiv": "arXiv", "jstor": "JSTOR", "hdl": "HDL", "pubmed": "PubMed", "googlebooks": "Google Books"}
)

# biblatex langid -> BCP 47 tag (CSL "language")
_LANGIDS: Mapping[str, str] = MappingProxyType(
    {
        "english": "en",
        "american": "en-US",
        "usenglish": "en-US",
        "british": "en-GB",
        "ukenglish": "en-GB",
        "german": "de-DE",
        "ngerman": "de-DE",
        "austrian": "de-AT",
        "naustrian": "de-AT",
        "swissgerman": "de-CH",
        "french": "fr-FR",
        "italian": "it-IT",
        "spanish": "es-ES",
        "portuguese": "pt-PT",
        "brazilian": "pt-BR",
        "dutch": "nl-NL",
        "swedish": "sv-SE",
        "danish": "da-DK",
        "norwegian": "nb-NO",
        "finnish": "fi-FI",
        "polish": "pl-PL",
        "czech": "cs-CZ",
        "russian": "ru-RU",
        "greek": "el-GR",
        "latin": "la",
        "japanese": "ja-JP",
        "chinese": "zh-CN",
    }
)

_MONTHS: Mapping[str, int] = MappingProxyType(
    {
        name: number
        for number, names in enumerate(
            (
                ("january", "jan", "janvier", "januar", "enero", "gennaio"),
                ("february", "feb", "février", "fevrier", "februar", "febrero", "febbraio"),
                ("march", "mar", "mars", "märz", "marz", "marzo"),
                ("april", "apr", "avril", "abril", "aprile"),
                ("may", "mai", "mayo", "maggio"),
                ("june", "jun", "juin", "juni", "junio", "giugno"),
                ("july", "jul", "juillet", "juli", "julio", "luglio"),
                ("august", "aug", "août", "aout", "agosto"),
                ("september", "sep", "sept", "septembre", "septiembre", "settembre"),
                ("october", "oct", "octobre", "oktober", "octubre", "ottobre"),
                ("november", "nov", "novembre", "noviembre"),
                ("december", "dec", "décembre", "decembre", "dezember", "diciembre", "dicembre"),
            ),
            start=1,
        )
        for name in names
    }
)
# CSL seasons: 1 spring, 2 summer, 3 autumn, 4 winter
_SEASONS: Mapping[str, int] = MappingProxyType(
    {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
)

_DATE_FIELDS = (("urldate", "accessed"), ("eventdate", "event-date"), ("origdate", "original-date"))
_DOI_PREFIX_RE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_URL_WRAPPER_RE = re.compile(r"^\s*\\(?:url|path)\s*[{|](.*)[}|]\s*$", re.S)
_URL_ESCAPE_RE = re.compile(r"\\([_%#&~$])")
_EDTF_DATE_RE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:T[\d:.+Z-]*)?([?~%]?)$")
_YEAR_RE = re.compile(r"^(-?\d{1,4})$")
_YEAR_RANGE_RE = re.compile(r"^(\d{1,4})\s*(?:-{1,3}|\u2013|\u2014|/)\s*(\d{1,4})$")
_RANGE_SEP_RE = re.compile(r"\s*(?:--?-?|\u2013|\u2014|/)\s*")


def entry_to_csl(entry: BibEntry) -> dict:
    """One BibEntry as a CSL-JSON item (``id`` is the key exactly as written)."""
    f = entry.fields
    csl_type = _csl_type(entry)
    item: dict = {"id": entry.key, "type": csl_type}

    def text(name: str) -> str | None:
        value = f.get(name)
        if value is None or not value.strip():
            return None
        return latex_to_rich(value) or None

    def plain(name: str) -> str | None:
        value = text(name)
        return rich_to_plain(value) if value else None

    def put(var: str, value: str | None) -> None:
        if value and var not in item:
            item[var] = value

    # -- names
    for field_name, var in NAME_FIELDS.items():
        names = parse_names(entry.persons.get(field_name, []))
        if names:
            item[var] = names

    # -- titles
    put("title", _joined(text("title"), text("subtitle"), text("titleaddon")))
    put("title-short", text("shorttitle"))
    journal = _joined(text("journaltitle") or text("journal"), text("journalsubtitle"))
    book = _joined(text("booktitle"), text("booksubtitle"), text("booktitleaddon"))
    main = _joined(text("maintitle"), text("mainsubtitle"), text("maintitleaddon"))
    if csl_type in _IN_BOOK_TYPES:
        put("container-title", book or journal or main)
    elif csl_type in _ARTICLE_TYPES:
        put("container-title", journal or book)
    else:
        # a @book or @proceedings has no booktitle in biblatex (Beebe repeats the title there)
        put("container-title", journal or main)
    if main and item.get("container-title") != main and csl_type not in _ARTICLE_TYPES:
        # a volume of a multi-volume work whose container is already taken: the main title is the series
        put("collection-title", main)
    put("collection-title", _series(f.get("series")) or text("series"))
    put("event", _joined(text("eventtitle"), text("eventtitleaddon")))
    put("event-place", text("venue"))

    # -- numbers
    put("volume", plain("volume"))
    put("number-of-volumes", plain("volumes"))
    number = plain("number")
    if csl_type in _ARTICLE_TYPES:
        put("issue", number or plain("issue"))
    elif number and f.get("series") and csl_type in ({"book", "chapter", "paper-conference"}):
        put("collection-number", number)
    else:
        put("number", number)
    pages = f.get("pages")
    if pages and pages.strip():
        # CSL makes the en dash from "-" (and abbreviates ranges as the style asks)
        put("page", rich_to_plain(latex_to_rich(re.sub(r"\s*-{2,3}\s*", "-", pages))))
    put("number-of-pages", plain("pagetotal"))
    put("chapter-number", plain("chapter"))
    put("edition", plain("edition"))
    put("version", plain("version"))

    # -- publication
    put("publisher", text("publisher"))
    for name in ("school", "institution", "organization"):
        put("publisher", text(name))
    put("publisher-place", text("location") or text("address"))
    howpublished = text("howpublished")
    if howpublished and "publisher" not in item and not _looks_like_url(f.get("howpublished", "")):
        item["publisher"] = howpublished
        howpublished = None
    genre = _genre(entry)
    put("genre", genre)
    pubstate = (f.get("pubstate") or "").strip()
    put("status", _BIBSTRINGS.get(pubstate.lower()) or text("pubstate"))

    # -- identifiers and links
    doi = f.get("doi")
    if doi and doi.strip():
        put("DOI", _DOI_PREFIX_RE.sub("", _raw_url(doi)))
    put("ISBN", plain("isbn"))
    put("ISSN", plain("issn"))
    url = f.get("url")
    if url and url.strip():
        put("URL", _raw_url(url))
    elif howpublished and _looks_like_url(f.get("howpublished", "")):
        put("URL", _raw_url(_extract_url(f["howpublished"])))
        howpublished = None
    _eprint(entry, item)

    # -- dates
    issued = _issued(entry)
    if issued:
        item["issued"] = issued
    for field_name, var in _DATE_FIELDS:
        value = f.get(field_name)
        if value and value.strip():
            parsed = parse_date(rich_to_plain(latex_to_rich(value)))
            if parsed:
                item[var] = parsed

    # -- notes
    put("note", _joined(text("note"), howpublished, text("addendum"), _related_note(entry), sep=". "))
    put("abstract", text("abstract"))
    put("keyword", text("keywords"))
    language = plain("language")
    if not language and f.get("langid"):
        language = _LANGIDS.get(f["langid"].strip().lower())
    put("language", language)
    return item


def check_bib(bib: BibFile) -> list[BibIssue]:
    """What the mapping to CSL cannot do faithfully, as issues: entry types it does not know (shown as
    "document") and LaTeX macros it does not know (dropped, their argument printed), one issue per type
    or macro and file, naming the first entry that uses it and how many more do.

    A scan of the raw fields, without decoding them: cheap enough for every build.
    """
    types: dict[str, list[BibEntry]] = {}
    macros: dict[str, list[BibEntry]] = {}
    for entry in bib.entries.values():
        if entry.type not in TYPE_MAP:
            types.setdefault(entry.type, []).append(entry)
        for name, value in entry.fields.items():
            if name in SHOWN_FIELDS and "\\" in value:
                for macro in unknown_macros(value):
                    users = macros.setdefault(macro, [])
                    if not users or users[-1] is not entry:
                        users.append(entry)
    issues = []
    for type_name, users in types.items():
        issues.append(
            BibIssue(
                bib.path,
                users[0].line,
                users[0].key,
                f"unknown entry type '@{type_name}' of entry '{users[0].key}'{_more(users)}; it is formatted "
                "as a plain document (use a BibTeX or biblatex type such as @misc or @report)",
            )
        )
    for macro, users in macros.items():
        issues.append(
            BibIssue(
                bib.path,
                users[0].line,
                users[0].key,
                f"unknown LaTeX macro \\{macro} in entry '{users[0].key}'{_more(users)}; it is left out and "
                "its argument printed as it is (write in the .bib file the text the macro stands for)",
            )
        )
    return sorted(issues, key=lambda i: i.line or 0)


def _more(users: list[BibEntry]) -> str:
    others = len(users) - 1
    return f" and {others} more entr{'ies' if others > 1 else 'y'} in this file" if others else ""


def parse_names(raws: list[str]) -> list[dict]:
    """A name list as written (``persons`` of a BibEntry) -> CSL names.

    A list that ends in ``and others`` ends with ``{"literal": ET_AL}``: the formatter prints the names
    the style shows and then the locale's "et al." (``csl.py``), as biblatex does for "and others".
    """
    names = [n for n in (parse_name(raw) for raw in raws) if n]
    if names and raws and raws[-1].strip().lower() == "others":
        names.append({"literal": ET_AL})
    return names


def parse_name(raw: str) -> dict | None:
    """A BibTeX name as written -> a CSL name dict; None for "others" (the style adds et al.).

    A name entirely in braces (``{Corporate Names Inc.}``) is a literal. Parts are decoded from LaTeX and
    carry no markers.
    """
    raw = raw.strip()
    if not raw or raw.lower() == "others":
        return None
    if _fully_braced(raw):
        literal = rich_to_plain(latex_to_rich(raw[1:-1]))
        return {"literal": literal} if literal else None
    # pybtex reports odd names ("too many commas") through its global error hook: capture them here
    # so nothing is printed or raised; capture() puts the hook back when it ends
    with pybtex.errors.capture():
        person = Person(raw)

    def part(names: list[str]) -> str:
        return rich_to_plain(latex_to_rich(" ".join(names))).strip()

    name: dict[str, str] = {}
    family = part(person.last_names)
    given = part(person.first_names + person.middle_names)
    particle = part(person.prelast_names)
    suffix = part(person.lineage_names)
    if family:
        name["family"] = family
    if given:
        name["given"] = given
    if particle:
        name["non-dropping-particle"] = particle
    if suffix:
        name["suffix"] = suffix
    if not name:
        literal = rich_to_plain(latex_to_rich(raw))
        return {"literal": literal} if literal else None
    return name


def parse_date(text: str) -> dict | None:
    """A biblatex ``date`` value (ISO 8601 / EDTF: ``2017``, ``2017-05-03``, ``2017/2018``, ``2017/``)
    -> CSL-JSON date; text that is no such date becomes ``{"literal": text}``."""
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start = _edtf_parts(start_text.strip())
        end = _edtf_parts(end_text.strip())
        if start and end:
            return _with_circa({"date-parts": [start[0], end[0]]}, start[1] or end[1])
        if start and end_text.strip() in ("", ".."):
            # open-ended range: CSL-JSON has no portable form that citeproc-py renders, so print it
            return {"literal": f"{_show(start[0])}\u2013"}
        if end and start_text.strip() in ("", ".."):
            return {"literal": f"\u2013{_show(end[0])}"}
        return {"literal": text}
    single = _edtf_parts(text)
    if single:
        parts, circa = single
        if len(parts) >= 2 and 21 <= parts[1] <= 24:
            # EDTF seasons 21-24 (spring … winter)
            return _with_circa({"date-parts": [[parts[0]]], "season": parts[1] - 20}, circa)
        return _with_circa({"date-parts": [parts]}, circa)
    return {"literal": text}


# --------------------------------------------------------------------------------------------------


def _csl_type(entry: BibEntry) -> str:
    subtype = entry.fields.get("entrysubtype", "").strip().lower()
    if entry.type == "article":
        if subtype == "magazine":
            return "article-magazine"
        if subtype == "newspaper":
            return "article-newspaper"
    return TYPE_MAP.get(entry.type, "document")


def _genre(entry: BibEntry) -> str | None:
    written = entry.fields.get("type")
    if written and written.strip():
        value = written.strip()
        return _THESIS_GENRES.get(value.lower()) or latex_to_rich(value)
    return _THESIS_GENRES.get(entry.type) if entry.type in ("phdthesis", "mastersthesis") else None


def _joined(*parts: str | None, sep: str = ": ") -> str | None:
    """Join title parts as biblatex prints them ("Title: Subtitle"); no doubled punctuation."""
    out = ""
    for part in parts:
        if not part:
            continue
        if not out:
            out = part
        elif rich_to_plain(out).rstrip()[-1:] in ".?!:;":
            out = f"{out} {part}"
        else:
            out = f"{out}{sep}{part}"
    return out or None


def _series(value: str | None) -> str | None:
    """A ``series`` that is a localisation key or a number: "new series", "3rd series" (biblatex prints
    an integer series as an ordinal followed by "series")."""
    value = (value or "").strip()
    if value.isdigit():
        n = int(value)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix} series"
    return _BIBSTRINGS.get(value.lower()) if value.lower() in ("newseries", "oldseries") else None


def _related_note(entry: BibEntry) -> str | None:
    """biblatex's ``related`` entries as a sentence: "Translation of: Les rites de passage (1909)"."""
    if not entry.related:
        return None
    kind = (entry.fields.get("relatedtype") or "").strip().lower()
    intro = latex_to_rich(entry.fields.get("relatedstring") or "") or _RELATED_TYPES.get(kind, "Related")
    works = []
    for other in entry.related:
        title = _joined(
            latex_to_rich(other.fields.get("title") or ""), latex_to_rich(other.fields.get("subtitle") or "")
        )
        issued = _issued(other)
        year = issued["date-parts"][0][0] if issued and "date-parts" in issued else None
        if title:
            works.append(f"{title} ({year})" if year else title)
    if not works:
        return None
    intro = intro[:1].upper() + intro[1:]
    return f"{intro}: {'; '.join(works)}"


def _raw_url(value: str) -> str:
    """A URL as the browser needs it: LaTeX escapes undone (``\\_`` -> ``_``), no markers, no wrapper."""
    value = value.strip()
    m = _URL_WRAPPER_RE.match(value)
    if m:
        value = m.group(1)
    return _URL_ESCAPE_RE.sub(r"\1", value).replace(" ", "")


def _looks_like_url(value: str) -> bool:
    return bool(re.search(r"\\url\b|https?://", value))


def _extract_url(value: str) -> str:
    m = re.search(r"\\url\s*\{([^}]*)\}", value) or re.search(r"(https?://\S+)", value)
    return m.group(1) if m else value


def _eprint(entry: BibEntry, item: dict) -> None:
    f = entry.fields
    eprint = (f.get("eprint") or "").strip()
    if not eprint:
        return
    kind = (f.get("eprinttype") or f.get("archiveprefix") or "").strip().lower()
    if kind in _EPRINT_URLS:
        ident = _raw_url(eprint)
        if "URL" not in item:
            item["URL"] = _EPRINT_URLS[kind] + ident
        item.setdefault("archive", _EPRINT_ARCHIVES[kind])
        item.setdefault("archive_location", ident)
        if kind == "arxiv" and item["type"] in ("document", "report", "manuscript") and "number" not in item:
            # how arXiv preprints are usually cited: "arXiv:1803.02999"
            item["number"] = f"arXiv:{ident}"
    elif kind:
        item.setdefault("archive", latex_to_rich(f.get("eprinttype") or f.get("archiveprefix") or ""))
        item.setdefault("archive_location", _raw_url(eprint))


def _issued(entry: BibEntry) -> dict | None:
    f = entry.fields
    date = f.get("date")
    if date and date.strip():
        return parse_date(rich_to_plain(latex_to_rich(date)))
    year_text = rich_to_plain(latex_to_rich(f.get("year") or "")).strip()
    if not year_text:
        return None
    m = _YEAR_RE.match(year_text)
    if not m:
        r = _YEAR_RANGE_RE.match(year_text)
        if r:
            return {"date-parts": [[int(r.group(1))], [int(r.group(2))]]}
        return {"literal": year_text}
    year = int(m.group(1))
    month_text = rich_to_plain(latex_to_rich(f.get("month") or "")).strip()
    day_text = rich_to_plain(latex_to_rich(f.get("day") or "")).strip()
    months, season, day = _parse_month(month_text)
    if day is None and day_text.isdigit():
        day = int(day_text)
    if season is not None:
        return {"date-parts": [[year]], "season": season}
    if not months:
        return {"date-parts": [[year]]}
    if len(months) == 2:
        return {"date-parts": [[year, months[0]], [year, months[1]]]}
    if day is not None and 1 <= day <= 31:
        return {"date-parts": [[year, months[0], day]]}
    return {"date-parts": [[year, months[0]]]}


def _parse_month(text: str) -> tuple[list[int], int | None, int | None]:
    """Month field -> (one or two month numbers, season, day). Unknown text gives nothing."""
    if not text:
        return [], None, None
    low = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("/", "-").strip(" .")
    season = _SEASONS.get(low)
    if season is not None:
        return [], season, None
    pieces = [p.strip(" .") for p in _RANGE_SEP_RE.split(low) if p.strip(" .")]
    months: list[int] = []
    day = None
    for piece in pieces[:2]:
        words = piece.split()
        if not words:
            continue
        number = _month_number(words[0])
        if number is None:
            return [], None, None
        months.append(number)
        if len(words) == 2 and words[1].isdigit() and len(pieces) == 1:
            day = int(words[1])  # "September 4"
    if len(months) == 2 and months[0] == months[1]:
        months = months[:1]
    return months, None, day


def _month_number(word: str) -> int | None:
    if word.isdigit():
        n = int(word)
        return n if 1 <= n <= 12 else None
    return _MONTHS.get(word.rstrip("."))


def _edtf_parts(text: str) -> tuple[list[int], bool] | None:
    m = _EDTF_DATE_RE.match(text)
    if not m:
        return None
    parts = [int(m.group(1))]
    for g in (m.group(2), m.group(3)):
        if g is None:
            break
        parts.append(int(g))
    if len(parts) >= 2 and not (1 <= parts[1] <= 12 or 21 <= parts[1] <= 24):
        return None
    if len(parts) == 3 and not 1 <= parts[2] <= 31:
        return None
    return parts, bool(m.group(4))


def _with_circa(date: dict, circa: bool) -> dict:
    if circa:
        date["circa"] = 1
    return date


def _show(parts: list[int]) -> str:
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def _fully_braced(raw: str) -> bool:
    """True for ``{…}`` whose first brace closes at the very end (``{A} and {B}`` is not)."""
    if not (raw.startswith("{") and raw.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i == len(raw) - 1
    return False
