"""Jekyll's URLs (mkdocs_scholar.permalinks). Expected values come from Jekyll's own scenarios in
features/permalinks.feature (file names as its step helpers make them: `DATE-slugified-title.markdown`)
and the placeholder table of jekyllrb.com/docs/permalinks; other cases give their reason in a comment."""

from __future__ import annotations

import datetime as dt
import posixpath

import pytest
from bs4 import BeautifulSoup

from mkdocs_scholar.liquid.site import PageRecord
from mkdocs_scholar.permalinks import (
    Redirect,
    collect_redirects,
    jekyll_url,
    output_file,
    redirect_page,
    write_redirects,
)

MARCH_27 = dt.datetime(2009, 3, 27)


def post(name, style, **meta):
    meta.setdefault("date", MARCH_27)
    return jekyll_url(f"blog/posts/{name}", meta, is_post=True, style=style, posts_dir="blog/posts")


@pytest.mark.parametrize(
    ("name", "style", "meta", "expected_file"),
    [
        ("2009-03-27-none-permalink-schema.markdown", "none", {}, "none-permalink-schema.html"),
        (
            "2009-03-27-pretty-permalink-schema.markdown",
            "pretty",
            {},
            "2009/03/27/pretty-permalink-schema/index.html",
        ),
        (
            "2009-03-27-custom-permalink-schema.markdown",
            "/blog/:year/:month/:day/:title/",
            {"category": "stuff"},
            "blog/2009/03/27/custom-permalink-schema/index.html",
        ),
        (
            "2009-03-27-custom-permalink-schema.markdown",
            "/:categories/:title.html",
            {"category": "stuff"},
            "stuff/custom-permalink-schema.html",
        ),
        (
            "2009-03-27-custom-permalink-schema.markdown",
            "/:month-:day-:year/:title.html",
            {"category": "stuff"},
            "03-27-2009/custom-permalink-schema.html",
        ),
        (
            "2013-04-14-some-post.markdown",
            "date",
            {"permalink": "/custom/posts/1/"},
            "custom/posts/1/index.html",
        ),
        (
            "2013-04-14-some-post.markdown",
            "date",
            {"permalink": "/custom/posts/some.html"},
            "custom/posts/some.html",
        ),
        (
            "2013-04-14-some-post.markdown",
            "date",
            {"permalink": "/custom/posts/some.htm"},
            "custom/posts/some.htm",
        ),
    ],
)
def test_jekylls_own_permalink_scenarios(name, style, meta, expected_file):
    assert output_file(post(name, style, **meta)) == expected_file


def test_default_style_is_date_and_title_keeps_the_file_names_case():
    # The example: _posts/2019-02-21-ICLR-2020.md was at /2019/02/21/ICLR-2020.html.
    url = post("2019-02-21-ICLR-2020.md", "date", date=dt.date(2019, 2, 21))
    assert url == "/2019/02/21/ICLR-2020.html"


def test_categories_are_lower_cased_and_nested_in_order():
    url = post("2009-03-27-x.md", "date", categories=["Science", "ML"])
    assert url == "/science/ml/2009/03/27/x.html"


def test_ordinal_and_weekdate_styles():
    # 2009-03-27 is the 86th day of 2009 (31 + 28 + 27), a Friday in ISO week 13.
    assert post("2009-03-27-x.md", "ordinal") == "/2009/086/x.html"
    assert post("2009-03-27-x.md", "weekdate") == "/2009/W13/Fri/x.html"


def test_slug_title_and_name_placeholders():
    # :title is the file's slug as written (pretty, cased); :slug lower-cases it and replaces
    # non-alphanumerics; :name is the whole file name slugified. Front matter `slug` overrides both.
    name = "2009-03-27-Hello_World.v2.md"
    assert post(name, "/:title/") == "/Hello_World.v2/"
    assert post(name, "/:slug/") == "/hello-world-v2/"
    assert post(name, "/:name/") == "/2009-03-27-hello-world-v2/"
    assert post(name, "/:title/", slug="My Slug") == "/My-Slug/"


def test_front_matter_date_and_time_placeholders():
    url = post(
        "2009-03-27-x.md",
        "/:year/:i_month/:i_day/:hour:minute:second/:title",
        date=dt.datetime(2010, 1, 5, 7, 8, 9),
    )
    assert url == "/2010/1/5/070809/x"
    assert output_file(url) == "2010/1/5/070809/x.html"  # Jekyll adds the output extension to the file


def test_a_date_with_an_offset_is_moved_into_the_sites_timezone():
    # 2023-07-01 01:30 +0900 is 2023-06-30 16:30 UTC: Jekyll on a UTC machine dates the URL June 30.
    meta = {"date": dt.datetime(2023, 7, 1, 1, 30)}
    url = jekyll_url(
        "blog/posts/2023-07-01-x.md",
        meta,
        is_post=True,
        posts_dir="blog/posts",
        date_offset=dt.timedelta(hours=9),
        timezone=dt.timezone.utc,
    )
    assert url == "/2023/06/30/x.html"


@pytest.mark.parametrize(
    ("path", "style", "meta", "expected"),
    [
        # features/permalinks.feature, "Use pretty permalink schema for pages"
        ("awesome.html", "pretty", {}, "/awesome/"),
        ("index.html", "pretty", {}, "/"),
        # page.rb: pages take /:path/:basename with the style's ending; index pages are their folder.
        ("about.md", "date", {}, "/about.html"),
        ("docs/guide.md", "none", {}, "/docs/guide.html"),
        ("docs/index.md", "date", {}, "/docs/"),
        ("about.md", "/:categories/:title/", {}, "/about/"),
        ("about.md", "/:year/:title", {}, "/about"),
        ("about.md", "date", {"permalink": "/me/"}, "/me/"),
    ],
)
def test_page_urls(path, style, meta, expected):
    assert jekyll_url(path, meta, is_post=False, style=style) == expected


def test_non_html_outputs_have_no_jekyll_url_here():
    assert jekyll_url("feed.xml", {}, is_post=False) is None


def test_redirect_page_links_relatively_to_the_new_url():
    html = redirect_page("2019/02/21/ICLR-2020.html", "blog/2019/02/21/iclr-2020/")
    soup = BeautifulSoup(html, "html.parser")
    href = soup.select_one("link[rel=canonical]")["href"]
    assert href == "../../../blog/2019/02/21/iclr-2020/"
    # Resolved from the old file's folder, the link reaches the new page.
    assert posixpath.normpath(posixpath.join("2019/02/21", href)) == "blog/2019/02/21/iclr-2020"
    assert f"url={href}" in soup.select_one("meta[http-equiv=refresh]")["content"]


def test_write_redirects_never_overwrites_and_reports_a_taken_url(tmp_path):
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "index.html").write_text("the real about page")
    (tmp_path / "taken.html").write_text("another page")
    problems = write_redirects(
        tmp_path,
        [
            Redirect("about/index.html", "about/", "about.md"),  # same place: nothing to do
            Redirect("taken.html", "new/", "old.md"),
            Redirect("2019/02/21/x.html", "blog/2019/02/21/x/", "blog/posts/2019-02-21-x.md"),
            Redirect("../outside.html", "x/", "evil.md"),
        ],
    )
    assert (tmp_path / "about" / "index.html").read_text() == "the real about page"
    assert (tmp_path / "taken.html").read_text() == "another page"
    assert (tmp_path / "2019/02/21/x.html").is_file()
    assert not (tmp_path.parent / "outside.html").exists()
    assert len(problems) == 1 and "old.md" in problems[0] and "/taken.html" in problems[0]


def test_collect_redirects_adds_redirect_from():
    records = [
        PageRecord("about.md", "about/", {"redirect_from": ["/me.html", "old-about/"]}),
        PageRecord(
            "blog/posts/2020-01-02-x.md", "blog/2020/01/02/x/", {"date": dt.datetime(2020, 1, 2)}, True
        ),
    ]
    redirects, notes = collect_redirects(records, style="date", timezone="UTC", posts_dirs=["blog/posts"])
    assert notes == []
    assert [(r.old_file, r.new_url) for r in redirects] == [
        ("about.html", "about/"),
        ("me.html", "about/"),
        ("old-about/index.html", "about/"),
        ("2020/01/02/x.html", "blog/2020/01/02/x/"),
    ]


def test_an_unknown_timezone_is_reported_and_utc_used():
    _, notes = collect_redirects([], style="date", timezone="Mars/Olympus", posts_dirs=[])
    assert notes and "Mars/Olympus" in notes[0]
