"""The example site in a real browser: headless Chromium (Debian's), driven by Selenium through Debian's
chromedriver, on a copy of the site built with MathJax from a local npm install and served on 127.0.0.1.

What a reader does, checked as they would see it: math typeset (also after Material's instant navigation),
the citation preview on hover and on keyboard focus, a citation click landing on its entry, a backlink
returning to the citation, the BibTeX block, and the site-wide bibliography listing the seed's two entries.
Screenshots (light and dark) go to tests/artifacts/ (not committed).

No network: the browser resolves no host but 127.0.0.1 (``--host-resolver-rules``), MathJax comes from
``.ci/mathjax`` (``.ci/run`` installs it with npm) or ``$MKDOCS_SCHOLAR_MATHJAX``. Without Chromium,
chromedriver, Selenium or that MathJax the tests skip and say which is missing.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO, SITES, copy_site, run_mkdocs

ARTIFACTS = REPO / "tests" / "artifacts"
MATHJAX = Path(
    os.environ.get("MKDOCS_SCHOLAR_MATHJAX", REPO / ".ci" / "mathjax" / "node_modules" / "mathjax" / "es5")
)
FINN = "finnModelAgnosticMetaLearning2017"
NICHOL = "nicholFirstOrderMetaLearning2018"
POST = "blog/2019/02/21/iclr-2020-impressions-and-paper-highlights/"
# seed-expected.md (apa): the opening of the first entry, as jekyll-scholar formats it.
FINN_OPENING = (
    "Finn, C., Abbeel, P., & Levine, S. (2017). "
    "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks."
)


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return "Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does it)"
    if not shutil.which("chromedriver"):
        return "chromedriver is not installed (apt-get install chromium-driver; .ci/run does it)"
    if not (MATHJAX / "tex-mml-chtml.js").is_file():
        return f"no local MathJax at {MATHJAX} (npm install --prefix .ci/mathjax mathjax@3; .ci/run does it)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


# -- the site, served --------------------------------------------------------------------------------
class _Handler(SimpleHTTPRequestHandler):
    not_found: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            self.not_found.append(self.path)
        super().send_error(code, message, explain)


@contextlib.contextmanager
def served(src: Path, root: Path) -> Iterator[tuple[str, list[str]]]:
    """A copy of the site ``src`` built in ``root`` for the address it is served at; yields that address
    and the list of paths the server could not find.

    Material's instant navigation follows only links it finds in sitemap.xml, whose URLs come from
    ``site_url`` (it swaps in the page's protocol and host name, not the port or the path), so the site is
    built for ``http://127.0.0.1:PORT/`` once the port is bound, as ``mkdocs serve`` does for itself.
    """
    not_found: list[str] = []
    handler = type("Handler", (_Handler,), {"not_found": not_found})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root / "site")))
    address = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        copy_site(src, root, site_url=address, scholar={"mathjax_url": "assets/mathjax/tex-mml-chtml.js"})
        build = run_mkdocs(root)
        assert build.returncode == 0, build.log
        shutil.copytree(MATHJAX, build.site / "assets" / "mathjax")
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield address, not_found
        httpd.shutdown()
    finally:
        httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, list[str]]]:
    with served(EXAMPLE, tmp_path_factory.mktemp("browser") / "site-src") as address:
        yield address


@pytest.fixture(scope="module")
def base(server) -> str:
    return server[0]


@pytest.fixture(scope="module")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="scholar-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
        # Nothing but this machine: Material's web-font request fails at once instead of reaching out.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never downloads anything
    browser = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


# -- helpers -----------------------------------------------------------------------------------------
def wait_for(condition: Callable[[], object], what: str, timeout: float = 20.0) -> object:
    """Poll ``condition`` until it gives a true value (the browser works asynchronously); fail naming
    ``what`` after ``timeout`` seconds. A bound on waiting, not a measurement."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


# Whether the page runs Material's instant navigation (the example site does; the reader fixture does not).
INSTANT = (
    "JSON.parse(document.getElementById('__config').textContent).features.indexOf('navigation.instant') >= 0"
)


def open_page(driver, url: str) -> None:
    """Load ``url`` and wait until Material handles links: it intercepts them (instant navigation, anchor
    scrolling) only once it has read sitemap.xml, to know which URLs are the site's."""
    driver.get(url)
    wait_for(
        lambda: driver.execute_script(
            "if (document.readyState !== 'complete') return false;"
            f"return !({INSTANT}) || performance.getEntriesByType('resource')"
            ".some(function (e) { return /sitemap\\.xml$/.test(e.name) && e.responseEnd > 0; })"
        ),
        f"{url} to load",
    )


def scroll_to(driver, element) -> None:
    """Scroll ``element`` to the middle of the window and wait until Material has recorded the new offset
    in the history entry (it does so 100 ms after scrolling stops; a click before then can make it restore
    that offset instead of going to the link's anchor, which no reader is quick enough to meet)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    wait_for(
        lambda: driver.execute_script(
            f"return !({INSTANT}) || history.state !== null && Math.abs(history.state.y - window.scrollY) < 1"
        ),
        "Material to record the scroll offset",
    )


def typeset_count(driver) -> int:
    return driver.execute_script("return document.querySelectorAll('article mjx-container').length")


def in_view(driver, element_id: str) -> bool:
    """Whether the element with this id is within the window (looked up afresh: Material may swap the
    content in while we wait)."""
    return driver.execute_script(
        "var el = document.getElementById(arguments[0]); if (!el) return false;"
        "var r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;",
        element_id,
    )


def is_target(driver, element_id: str) -> bool:
    return driver.execute_script(
        "var t = document.querySelector(':target'); return t !== null && t.id === arguments[0];", element_id
    )


def set_scheme(driver, scheme: str) -> None:
    """Switch Material's palette the way a reader does: the toggle in the header."""
    if driver.execute_script("return document.body.getAttribute('data-md-color-scheme')") == scheme:
        return
    for label in driver.find_elements("css selector", "form[data-md-component=palette] label"):
        if label.is_displayed():
            label.click()
            break
    wait_for(
        lambda: driver.execute_script("return document.body.getAttribute('data-md-color-scheme')") == scheme,
        f"the {scheme} palette",
    )


def screenshot(driver, name: str, element=None, margin: int = 16) -> Path:
    """A PNG of the page, or of the region around ``element`` (and the preview, if shown)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if element is None:
        driver.save_screenshot(str(path))
        return path
    box = driver.execute_script(
        """
        var rects = [arguments[0].getBoundingClientRect()];
        var pop = document.getElementById('scholar-preview');
        if (pop && !pop.hidden) rects.push(pop.getBoundingClientRect());
        var x0 = Math.min.apply(null, rects.map(function (r) { return r.left; }));
        var y0 = Math.min.apply(null, rects.map(function (r) { return r.top; }));
        var x1 = Math.max.apply(null, rects.map(function (r) { return r.right; }));
        var y1 = Math.max.apply(null, rects.map(function (r) { return r.bottom; }));
        return [x0 + window.scrollX, y0 + window.scrollY, x1 - x0, y1 - y0];
        """,
        element,
    )
    x, y, w, h = box
    import base64

    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "clip": {
                "x": max(0, x - margin),
                "y": max(0, y - margin),
                "width": w + 2 * margin,
                "height": h + 2 * margin,
                "scale": 1,
            },
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def script_errors(driver) -> list[str]:
    return [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and "127.0.0.1" in e["message"]
    ]


# -- math --------------------------------------------------------------------------------------------
def test_math_is_typeset_and_no_raw_dollar_is_left(driver, base):
    open_page(driver, base + POST)
    # The seed post has more than ten $…$ formulas (tests/e2e/test_seed.py counts the markup).
    wait_for(lambda: typeset_count(driver) > 10, "MathJax output in the post")
    text = driver.execute_script("return document.querySelector('article').innerText")
    assert "$" not in text
    assert "\\(" not in text and "\\frac" not in text
    assert script_errors(driver) == []


def test_math_is_typeset_after_instant_navigation(driver, base):
    open_page(driver, base)  # the home page has no math: MathJax is not loaded there
    assert driver.execute_script("return !!(window.MathJax && window.MathJax.typesetPromise)") is False
    driver.execute_script("window.__scholarNoReload = true")
    driver.find_element(
        "css selector", "article a[href$='/blog/']"
    ).click()  # the home page's link (Material makes it absolute)
    wait_for(lambda: "/blog/" in driver.current_url, "navigation to the blog")
    wait_for(lambda: typeset_count(driver) > 10, "MathJax output on the blog page after instant navigation")
    # Material swapped the content in place: the window (and our marker) survived
    assert driver.execute_script("return window.__scholarNoReload === true")
    # A second instant navigation, MathJax already loaded: the new content is typeset too.
    driver.find_element("css selector", f"article a[href$='{POST.split('/')[-2]}/']").click()
    wait_for(lambda: driver.current_url.endswith(POST), "navigation to the post")
    wait_for(lambda: typeset_count(driver) > 10, "MathJax output on the post after instant navigation")
    assert driver.execute_script("return window.__scholarNoReload === true")


# -- previews ----------------------------------------------------------------------------------------
def citation(driver, key: str):
    """The citation link to ``key`` (waiting for it: instant navigation swaps the content in later)."""
    selector = f"article a.citation[href$='#{key}']"
    return wait_for(lambda: driver.find_elements("css selector", selector), f"the citation of {key}")[0]


def preview(driver):
    return driver.find_element("id", "scholar-preview")


def test_preview_appears_on_hover_with_the_entry_and_moves_nothing(driver, base):
    from selenium.webdriver import ActionChains

    open_page(driver, base + POST)
    set_scheme(driver, "default")
    link = citation(driver, FINN)
    scroll_to(driver, link)
    before = driver.execute_script(
        "return [document.documentElement.scrollHeight, arguments[0].getBoundingClientRect().top]", link
    )
    ActionChains(driver).move_to_element(link).perform()
    box = wait_for(
        lambda: driver.find_elements("css selector", "#scholar-preview:not([hidden])"), "the preview"
    )[0]
    assert box.text.startswith(FINN_OPENING)
    # the same text as the entry in the list below
    assert box.text == driver.find_element("id", FINN).text
    assert link.get_attribute("aria-describedby") == "scholar-preview"
    after = driver.execute_script(
        "return [document.documentElement.scrollHeight, arguments[0].getBoundingClientRect().top]", link
    )
    assert after == before, "showing the preview moved the page"
    screenshot(driver, "preview-light", link.find_element("xpath", "./ancestor::p"))
    set_scheme(driver, "slate")
    ActionChains(driver).move_to_element(citation(driver, NICHOL)).perform()
    wait_for(
        lambda: preview(driver).text.startswith("Nichol, A., Achiam, J., & Schulman, J. (2018)."),
        "Nichol's preview",
    )
    screenshot(driver, "preview-dark", link.find_element("xpath", "./ancestor::p"))
    # leaving the citation hides it
    ActionChains(driver).move_to_element(driver.find_element("css selector", "article h1")).perform()
    wait_for(lambda: not preview(driver).is_displayed(), "the preview to hide")
    set_scheme(driver, "default")


def test_preview_appears_on_keyboard_focus_and_escape_hides_it(driver, base):
    from selenium.webdriver import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(driver, base + POST)
    # Focus the link just before the first citation, then Tab to it, as a keyboard user would.
    driver.execute_script(
        """
        var cite = arguments[0];
        var links = Array.prototype.slice.call(document.querySelectorAll('article a[href]'));
        links[links.indexOf(cite) - 1].focus();
        """,
        citation(driver, FINN),
    )
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("href").endswith(f"#{FINN}")
    wait_for(lambda: preview(driver).is_displayed(), "the preview on focus")
    assert preview(driver).text.startswith(FINN_OPENING)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait_for(lambda: not preview(driver).is_displayed(), "Escape to hide the preview")


def test_on_a_touch_screen_the_first_tap_previews_and_the_second_follows(driver, base):
    open_page(driver, base + POST)
    link = citation(driver, FINN)
    scroll_to(driver, link)

    def tap() -> None:
        box = driver.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "return [r.left + r.width / 2, r.top + r.height / 2];",
            link,
        )
        point = [{"x": box[0], "y": box[1]}]
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    try:
        tap()
        wait_for(lambda: preview(driver).is_displayed(), "the preview after one tap")
        assert preview(driver).text.startswith(FINN_OPENING)
        assert not driver.current_url.endswith(f"#{FINN}")
        tap()
        wait_for(lambda: driver.current_url.endswith(f"#{FINN}"), "the second tap to follow the link")
        wait_for(lambda: not preview(driver).is_displayed(), "the preview to close")
    finally:
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


# -- links between citations and entries ---------------------------------------------------------------
def test_citation_click_lands_on_the_entry_and_the_backlink_returns(driver, base):
    open_page(driver, base + POST)
    link = citation(driver, FINN)
    scroll_to(driver, link)
    link.click()
    wait_for(lambda: driver.current_url.endswith(f"#{FINN}"), "the citation's link")
    wait_for(lambda: in_view(driver, FINN), "the entry in view")
    assert is_target(driver, FINN)
    entry = driver.find_element("id", FINN)
    screenshot(driver, "bibliography-light", entry.find_element("xpath", "./ancestor::ol"))
    backlink = entry.find_element("xpath", "./following-sibling::span[@class='scholar-backlinks']/a")
    assert backlink.text == "↩"
    backlink.click()
    wait_for(lambda: driver.current_url.endswith(f"#cite-{FINN}-1"), "the backlink")
    wait_for(lambda: in_view(driver, f"cite-{FINN}-1"), "the citation in view")
    assert is_target(driver, f"cite-{FINN}-1")
    set_scheme(driver, "slate")
    citation(driver, FINN).click()
    wait_for(lambda: in_view(driver, FINN), "the entry in view")
    entry = driver.find_element("id", FINN)
    screenshot(driver, "bibliography-dark", entry.find_element("xpath", "./ancestor::ol"))
    set_scheme(driver, "default")


def test_bibtex_block_opens_with_the_raw_entry(driver, base):
    open_page(driver, base + POST)
    details = driver.find_element("css selector", f"#{FINN} ~ details.scholar-bibtex")
    # The page holds a link to its .bib file only; opening the block fetches the entry from there.
    assert details.find_elements("css selector", "pre code") == []
    summary = details.find_element("tag name", "summary")
    scroll_to(driver, summary)
    summary.click()
    wait_for(lambda: details.find_elements("css selector", "pre code"), "the BibTeX to be fetched")
    code = details.find_element("css selector", "pre code")
    wait_for(code.is_displayed, "the BibTeX to show")
    assert code.text.startswith(f"@inproceedings{{{FINN},")
    assert "author = {Finn, Chelsea and Abbeel, Pieter and Levine, Sergey}" in code.text
    copy = details.find_element("css selector", ".scholar-copy")
    assert copy.is_displayed()  # the script showed it: the page is a secure context (127.0.0.1)
    screenshot(driver, "bibtex-light", details.find_element("xpath", "./ancestor::li"))


# -- the site-wide bibliography ----------------------------------------------------------------------
def test_site_bibliography_lists_the_seed_entries_and_links_to_the_post(driver, base):
    open_page(driver, base + "bibliography/")
    items = driver.find_elements("css selector", "article ol.bibliography > li")
    ids = [li.find_element("css selector", "[id]").get_attribute("id") for li in items]
    # Sorted by first author: Finn, then Nichol; both are cited in the seed post.
    assert ids == [FINN, NICHOL]
    assert items[0].text.startswith(FINN_OPENING)
    cited_in = items[0].find_element("css selector", ".scholar-cited-in a")
    assert cited_in.text == "ICLR 2020 impressions and paper highlights"
    screenshot(driver, "site-bibliography-light")
    cited_in.click()
    wait_for(lambda: driver.current_url.endswith(f"{POST}#cite-{FINN}-1"), "the link to the citing post")
    wait_for(lambda: in_view(driver, f"cite-{FINN}-1"), "the citation in view")


# -- math in an entry's title, on a page that did not ask for math -----------------------------------
@pytest.fixture(scope="module")
def reader_site(tmp_path_factory) -> Iterator[str]:
    """tests/sites/reader: its first post cites doe2020, whose title holds $\\mathcal{O}(n^2)$, and has no
    use_math."""
    with served(SITES / "reader", tmp_path_factory.mktemp("reader") / "site-src") as (address, _):
        yield address


def test_math_in_an_entry_title_is_typeset_in_the_list_and_in_the_preview(driver, reader_site):
    from selenium.webdriver import ActionChains

    open_page(driver, reader_site + "blog/2021/01/01/first-post/")
    wait_for(
        lambda: driver.execute_script(
            "return document.querySelectorAll("
            "'#doe2020 :is(.scholar-math, .arithmatex) mjx-container').length"
        ),
        "MathJax output in the entry's title",
    )
    link = citation(driver, "doe2020")
    scroll_to(driver, link)
    ActionChains(driver).move_to_element(link).perform()
    wait_for(
        lambda: driver.find_elements("css selector", "#scholar-preview:not([hidden]) mjx-container"),
        "math in the preview",
    )
    assert "\\mathcal" not in preview(driver).text
    screenshot(driver, "preview-math-light", link.find_element("xpath", "./ancestor::p"))


def test_no_script_errors_and_no_missing_files(driver, server):
    _, not_found = server
    assert script_errors(driver) == []
    assert [p for p in not_found if "assets/" in p] == []
