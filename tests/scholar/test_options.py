"""Tag markup splitting, as described in the reference's "Tag options" table and the paragraph after it."""

from __future__ import annotations

import pytest

from mkdocs_scholar.scholar.errors import ScholarError
from mkdocs_scholar.scholar.options import TagOptions, parse_markup, split_list

# -- keys -----------------------------------------------------------------------------------------------


def test_leading_words_are_the_keys_in_written_order():
    assert parse_markup("ruby smalltalk microscope").keys == ["ruby", "smalltalk", "microscope"]


def test_empty_markup_gives_no_keys_and_default_options():
    assert parse_markup("") == TagOptions(keys=[])
    assert parse_markup("   \n ") == TagOptions(keys=[])


@pytest.mark.parametrize("key", ["smith:2020", "a-b_c.d", "knuth:ct:a", "averroes/hannes"])
def test_keys_keep_colons_slashes_dashes_underscores_and_dots(key):
    # Reference: keys like `smith:2020` and `a-b_c.d` are used verbatim in id/href.
    assert parse_markup(f"{key} -c").keys == [key]


def test_trailing_comma_stays_part_of_the_key():
    # Reference: `{% cite ruby, smith:2020 %}` gives (missing reference), because the key is "ruby,".
    assert parse_markup("ruby, smith:2020").keys == ["ruby,", "smith:2020"]


def test_keys_stop_at_the_first_dash_token():
    options = parse_markup("ruby -l 24 smalltalk")
    assert options.keys == ["ruby"]
    # A value runs to the next option, so a word after it belongs to the value (as in jekyll-scholar).
    assert options.locators == ["24 smalltalk"]


# -- every option, short and long -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "attribute"),
    [
        ("-c", "cited"),
        ("--cited", "cited"),
        ("-C", "cited_in_order"),
        ("--cited_in_order", "cited_in_order"),
        ("--clear", "clear"),
        ("-A", "suppress_author"),
        ("--suppress_author", "suppress_author"),
    ],
)
def test_flag_options_switch_their_field_on(markup, attribute):
    options = parse_markup(f"ruby {markup}")
    assert getattr(options, attribute) is True
    assert options.unknown == []


def test_cited_in_order_also_restricts_to_cited_keys():
    # Reference: -C gives "only the cited keys, in order of first cite"; jekyll-scholar sets @cited too.
    options = parse_markup("-C")
    assert options.cited is True and options.cited_in_order is True


def test_cited_alone_does_not_imply_citation_order():
    assert parse_markup("--cited").cited_in_order is False


@pytest.mark.parametrize(
    ("markup", "attribute", "expected"),
    [
        ("-q @book", "query", "@book"),
        ("--query @article[year>=2017]", "query", "@article[year>=2017]"),
        ("-h ul", "list_tag", "ul"),
        ("--bibliography_list_tag ul", "list_tag", "ul"),
        ("-p post1", "prefix", "post1"),
        ("--prefix post1", "prefix", "post1"),
        ("-t More details", "text", "More details"),
        ("--text More details", "text", "More details"),
        ("-s ieee", "style", "ieee"),
        ("--style chicago-author-date", "style", "chicago-author-date"),
        ("-g year", "group_by", "year"),
        ("--group_by type,year", "group_by", "type,year"),
        ("-G descending", "group_order", "descending"),
        ("--group_order descending,ascending", "group_order", "descending,ascending"),
        ("-O article,book", "type_order", "article,book"),
        ("--type_order article,book", "type_order", "article,book"),
        ("-T my_layout", "template", "my_layout"),
        ("--template my_layout", "template", "my_layout"),
        ("-o 2", "offset", 2),
        ("--offset 2", "offset", 2),
        ("-m 5", "max", 5),
        ("--max 5", "max", 5),
        ("-o 0", "offset", 0),
    ],
)
def test_value_options_store_their_value(markup, attribute, expected):
    options = parse_markup(markup)
    assert getattr(options, attribute) == expected
    assert options.unknown == []


@pytest.mark.parametrize(
    ("markup", "attribute", "expected"),
    [
        ("-f other", "files", ["other"]),
        ("--file other", "files", ["other"]),
        ("-l 24", "locators", ["24"]),
        ("--locator 24", "locators", ["24"]),
        ("-L chapter", "labels", ["chapter"]),
        ("--label chapter", "labels", ["chapter"]),
    ],
)
def test_repeatable_options_collect_a_list(markup, attribute, expected):
    assert getattr(parse_markup(f"ruby {markup}"), attribute) == expected


def test_type_order_does_not_overwrite_group_by():
    # jekyll-scholar's -O assigns @group_by (reference, Known defects 10); we keep the two apart on purpose.
    options = parse_markup("-g year -O article,book")
    assert options.group_by == "year"
    assert options.type_order == "article,book"


def test_template_value_keeps_liquid_markup_and_pipes():
    # Observed in the reference: `-T <b>{{index}}|{{key}}|{{type}}</b>{{reference}}`.
    template = "<b>{{index}}|{{key}}|{{type}}</b>{{reference}}"
    assert parse_markup(f"-T {template}").template == template


def test_options_not_given_stay_unset():
    options = parse_markup("ruby")
    assert options.query is None and options.offset is None and options.max is None
    assert options.files == [] and options.locators == [] and options.labels == []
    assert options.remove_duplicates is None


# -- remove_duplicates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("markup", ["-r", "--remove_duplicates", "-r -c"])
def test_remove_duplicates_without_fields_uses_year_and_title(markup):
    # Reference: `bib.uniq!(fields)` with default fields year, title.
    assert parse_markup(markup).remove_duplicates == ["year", "title"]


@pytest.mark.parametrize("markup", ["-r author, journal", "--remove_duplicates author,journal"])
def test_remove_duplicates_takes_a_comma_list_of_fields(markup):
    assert parse_markup(markup).remove_duplicates == ["author", "journal"]


# -- values with spaces and dashes ----------------------------------------------------------------------


def test_locator_value_keeps_its_spaces():
    # Reference: "The value may contain spaces (`-l 24 & 32`)".
    assert parse_markup("ruby -l 24 & 32").locators == ["24 & 32"]


def test_locator_value_keeps_dots_and_spaces():
    assert parse_markup("ruby -l sec. 8.2").locators == ["sec. 8.2"]


def test_repeated_locators_and_labels_keep_their_positions():
    # Reference: -l and -L are repeatable and apply by position to the keys.
    options = parse_markup("ruby microscope -l 24 & 32 -L chapter -l sec. 8.2 -L section")
    assert options.keys == ["ruby", "microscope"]
    assert options.locators == ["24 & 32", "sec. 8.2"]
    assert options.labels == ["chapter", "section"]


def test_repeated_files_are_all_kept_in_order():
    assert parse_markup("-f one --file two -f three").files == ["one", "two", "three"]


def test_single_valued_option_given_twice_keeps_the_last():
    # OptionParser calls the handler once per occurrence; each assignment replaces the previous one.
    assert parse_markup("-p first --prefix second").prefix == "second"


@pytest.mark.parametrize(
    ("markup", "attribute", "expected"),
    [
        ("-l arXiv:1803-02999", "locators", ["arXiv:1803-02999"]),
        ("-l sec. 8-2", "locators", ["sec. 8-2"]),
        ("-p post-1 -c", "prefix", "post-1"),
        ("-f refs-2020", "files", ["refs-2020"]),
        ("-q @*[doi^=10.1145/3-4]", "query", "@*[doi^=10.1145/3-4]"),
        ("-l 24--32", "locators", ["24--32"]),
        ("-l 24 -- 32", "locators", ["24 -- 32"]),
        ("-t state-of-the-art -c", "text", "state-of-the-art"),
    ],
)
def test_dash_inside_a_value_does_not_start_an_option(markup, attribute, expected):
    # Reference: the split is at `\B-x`, i.e. only where the dash does not follow a word character.
    assert getattr(parse_markup(markup), attribute) == expected


def test_dash_word_that_is_not_an_option_stays_in_the_value():
    # `-draft` is no option of ours standing alone, so it is part of the prefix.
    assert parse_markup("-p post -draft").prefix == "post -draft"


def test_known_short_option_may_have_its_value_glued_on():
    # jekyll-scholar splits at `\B-l` whatever follows, so `-l24` is locator 24.
    assert parse_markup("ruby -l24").locators == ["24"]


def test_markup_over_several_lines_reads_like_one_line():
    # jekyll-scholar re-joins the tokens with single spaces.
    options = parse_markup("ruby\n  -l 24\n  &  32\n  -f other")
    assert options.locators == ["24 & 32"]
    assert options.files == ["other"]


# -- --opt=value and quotes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "attribute", "expected"),
    [
        ("--file=other", "files", ["other"]),
        ("--offset=3", "offset", 3),
        ("--query=@book", "query", "@book"),
        ("--locator=24 & 32", "locators", ["24 & 32"]),
        ("--prefix=a=b", "prefix", "a=b"),
    ],
)
def test_long_option_accepts_an_equals_sign(markup, attribute, expected):
    assert getattr(parse_markup(markup), attribute) == expected


@pytest.mark.parametrize(
    ("markup", "attribute", "expected"),
    [
        ('--file "my refs"', "files", ["my refs"]),
        ("-q '@book'", "query", "@book"),
        ("-t 'see -c here' -A", "text", "see -c here"),
        ('--file="my refs"', "files", ["my refs"]),
    ],
)
def test_quoted_value_loses_its_quotes(markup, attribute, expected):
    assert getattr(parse_markup(markup), attribute) == expected


def test_option_inside_quotes_is_not_parsed():
    options = parse_markup("-t 'see -c here' -A")
    assert options.cited is False
    assert options.suppress_author is True


def test_quotes_inside_a_value_are_kept():
    # Only a value wholly wrapped in one pair of quotes loses them.
    assert (
        parse_markup("-q @article[journal ~= 'Nature|Science']").query
        == "@article[journal ~= 'Nature|Science']"
    )
    assert parse_markup("-t 'a' and 'b'").text == "'a' and 'b'"
    assert parse_markup("-t O'Reilly").text == "O'Reilly"
    assert parse_markup("-t 'unclosed -c").text == "'unclosed"


# -- unknown options and stray text ---------------------------------------------------------------------


def test_unknown_long_option_is_recorded_with_its_value():
    options = parse_markup("--sort_by year -c")
    assert options.unknown == ["--sort_by year"]
    assert options.cited is True


def test_unknown_short_option_is_recorded():
    assert parse_markup("ruby -x -c").unknown == ["-x"]


def test_unknown_long_option_with_equals_is_recorded_as_written():
    assert parse_markup("--order=descending").unknown == ["--order=descending"]


def test_long_option_is_matched_by_its_whole_name():
    # `--filename` is not `--file` + "name" (jekyll-scholar's regex would cut it so).
    options = parse_markup("--filename refs")
    assert options.files == []
    assert options.unknown == ["--filename refs"]


def test_stray_text_after_a_flag_is_recorded():
    # jekyll-scholar's OptionParser ignores stray arguments; we keep them so the caller can warn.
    options = parse_markup("ruby -c smalltalk")
    assert options.cited is True
    assert options.unknown == ["smalltalk"]


def test_leading_text_that_is_no_option_is_recorded():
    options = parse_markup("ruby -5 -c")
    assert options.unknown == ["-5"]
    assert options.cited is True


# -- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "-f",
        "--file",
        "--file=",
        "-q",
        "--query",
        "-h",
        "--bibliography_list_tag",
        "-p",
        "--prefix",
        "-t",
        "--text",
        "-l",
        "--locator",
        "-L",
        "--label",
        "-o",
        "--offset",
        "-m",
        "--max",
        "-s",
        "--style",
        "-g",
        "--group_by",
        "-G",
        "--group_order",
        "-O",
        "--type_order",
        "-T",
        "--template",
    ],
)
def test_option_without_its_value_raises(markup):
    with pytest.raises(ScholarError, match="needs a value"):
        parse_markup(f"ruby {markup}")


def test_missing_value_message_names_the_long_option():
    with pytest.raises(ScholarError) as caught:
        parse_markup("ruby -f -c")
    assert caught.value.message == "option -f (--file) needs a value"
    assert caught.value.hint


def test_missing_value_is_detected_before_the_next_option():
    with pytest.raises(ScholarError, match="--file needs a value"):
        parse_markup("--file --cited")


@pytest.mark.parametrize(
    "markup", ["-o -1", "--offset -5", "--max two", "-m 2.5", "-o +3", "-m 1_000", "-o ٣", "--max=-1"]
)
def test_offset_and_max_must_be_non_negative_whole_numbers(markup):
    with pytest.raises(ScholarError, match="whole number"):
        parse_markup(markup)


def test_offset_with_more_digits_than_python_converts_raises_scholar_error():
    with pytest.raises(ScholarError):
        parse_markup("-o " + "9" * 5000)


AWKWARD = [
    "-",
    "--",
    "---",
    "-- --",
    "--=",
    "-=",
    "--file=",
    "'",
    '"',
    "-t '",
    "-t \"'",
    "-l ''",
    '-f ""',
    "key -",
    "-\x00",
    "\x00 -c \x00",
    "-c\u00a0-A",
    "ruby\u2028-l\u3000x",
    "{% cite %}",
    "-r ,,,",
    "-r=",
    "--remove_duplicates=a,b",
    "-o 0x10",
    "-o 00",
    "-m -m -m",
    "-ffff",
    "-f -f -f",
    "--😀 x",
    "-é",
    "--é=1",
    "-q @book[title ~= ( ]",
    "a" * 10000 + " -l " + "b " * 5000,
    "-l " * 2000,
    "\\ -c \\",
    "--cited=yes",
    "--clear=",
]


@pytest.mark.parametrize("markup", AWKWARD)
def test_awkward_markup_raises_nothing_but_scholar_error(markup):
    try:
        result = parse_markup(markup)
    except ScholarError:
        return
    assert isinstance(result, TagOptions)


def test_zero_offset_with_leading_zeros_is_a_number():
    assert parse_markup("-o 00").offset == 0


# -- split_list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("year,month", ["year", "month"]),
        ("year, month ,  day", ["year", "month", "day"]),
        ("none", ["none"]),
        ("", []),
        (" , ,", []),
        (None, []),
        (["year", "month, day"], ["year", "month", "day"]),
    ],
)
def test_split_list_splits_comma_lists(value, expected):
    assert split_list(value) == expected
