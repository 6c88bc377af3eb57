"""Every page of the built website, opened in headless Chromium as a reader would."""

from __future__ import annotations

import html.parser
import pathlib
import re
import urllib.parse

import pytest

SITE = pathlib.Path(__file__).resolve().parents[2] / "_build" / "html"

PAGES = sorted(
    p.relative_to(SITE).as_posix()
    for p in SITE.rglob("*.html")
    if not p.relative_to(SITE).parts[0].startswith(("_", ".", "slides"))
) if SITE.is_dir() else []
LECTURES = [p for p in PAGES if p.startswith("lectures/")]

# Remove code, scripts and typeset math, then look at what is left for raw TeX delimiters.
RAW_TEX_JS = """() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .MathJax').forEach(e => e.remove());
  const text = clone.textContent;
  const hits = [];
  for (const d of ['$$', '\\\\(', '\\\\)', '\\\\[', '\\\\]', '\\\\begin{', '\\\\frac']) {
    const i = text.indexOf(d);
    if (i >= 0) hits.push(d + ' near: ' + text.slice(Math.max(0, i - 40), i + 40).replace(/\\s+/g, ' '));
  }
  return hits;
}"""

IMAGES_JS = """async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
  return imgs.filter(i => i.naturalWidth === 0).map(i => i.getAttribute('src'));
}"""

MATHJAX_JS = """async () => {
  const wanted = !!document.querySelector('script[src*="mathjax"]');
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return {wanted, loaded: false, n: 0, errors: 0};
  await MathJax.startup.promise;
  return {wanted, loaded: true, n: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length};
}"""

# A folded dropdown shows its title only: the rest of its content has no rendered height.
FOLDED_JS = """() => [...document.querySelectorAll('div.solution.dropdown')].map(el => {
  const body = [...el.children].filter(c => !c.classList.contains('admonition-title'));
  const h = body.reduce((s, c) => s + c.getBoundingClientRect().height, 0);
  return {id: el.id, visibleHeight: h};
})"""

HIDDEN_INPUT_JS = """() => [...document.querySelectorAll('div.cell.tag_hide-input details')].map(d => d.open)"""


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("id", "name") and v:
                self.ids.add(v)


_ID_CACHE: dict[pathlib.Path, set] = {}


def _ids(path):
    if path not in _ID_CACHE:
        parser = _Ids()
        parser.feed(path.read_text(encoding="utf-8"))
        _ID_CACHE[path] = parser.ids
    return _ID_CACHE[path]


def _broken_internal_links(page, hrefs):
    broken = []
    base = SITE / page
    for href in hrefs:
        parts = urllib.parse.urlsplit(href)
        if parts.scheme or href.startswith(("mailto:", "javascript:", "//")):
            continue
        target = base if not parts.path else (base.parent / urllib.parse.unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{href} (no file {target.relative_to(SITE.resolve()) if target.is_relative_to(SITE.resolve()) else target})")
            continue
        frag = urllib.parse.unquote(parts.fragment)
        if frag and target.suffix == ".html" and frag not in _ids(target):
            broken.append(f"{href} (no anchor #{frag})")
    return broken


def test_site_has_pages():
    assert "index.html" in PAGES and LECTURES, "the built site has no lecture pages"


def test_no_external_scripts_or_styles():
    """Offline reading: no page loads a script, stylesheet or font from another host."""
    pattern = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', re.I)
    offenders = {}
    for page in PAGES:
        text = (SITE / page).read_text(encoding="utf-8")
        ext = [u for u in pattern.findall(text) if 'rel="canonical"' not in u]
        if ext:
            offenders[page] = ext
    assert not offenders, f"pages that load assets from other hosts: {offenders}"


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser(watched_page, site_url, screenshots_dir, page):
    tab, problems = watched_page
    tab.goto(f"{site_url}/{page}", wait_until="load")
    if 'http-equiv="Refresh"' in (SITE / page).read_text(encoding="utf-8"):
        # a redirect page (index.html): follow it, then test the page it leads to
        tab.wait_for_url(lambda url: not url.endswith("/" + page), timeout=10_000)
        tab.wait_for_load_state("load")
    tab.wait_for_timeout(100)
    mj = tab.evaluate(MATHJAX_JS)
    assert mj["loaded"] or not mj["wanted"], "the page includes MathJax but it did not load"
    assert mj["errors"] == 0, f"{mj['errors']} MathJax errors (mjx-merror) on the page"
    if page in LECTURES:
        assert mj["loaded"] and mj["n"] > 50, f"only {mj['n']} typeset equations on a lecture page"
    raw = tab.evaluate(RAW_TEX_JS)
    assert not raw, f"raw TeX left in the visible text: {raw}"
    bad_imgs = tab.evaluate(IMAGES_JS)
    assert not bad_imgs, f"images that did not load: {bad_imgs}"
    unfolded = [s for s in tab.evaluate(FOLDED_JS) if s["visibleHeight"] > 0]
    assert not unfolded, f"solutions shown unfolded: {unfolded}"
    assert not any(tab.evaluate(HIDDEN_INPUT_JS)), "a hide-input cell is shown open"
    hrefs = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    # index.html redirects to the root page: resolve links against where the browser is now
    current = urllib.parse.urlsplit(tab.url).path.lstrip("/") or "index.html"
    broken = _broken_internal_links(current, hrefs)
    assert not broken, f"internal links that do not resolve: {broken}"
    if page in LECTURES:
        tab.screenshot(path=str(screenshots_dir / (page.replace("/", "__").removesuffix(".html") + ".png")))
    tab.wait_for_timeout(200)  # let late requests fail visibly
    assert not problems, "\n".join(problems)


# --- figures, alt text, indices, search and reader-facing text (issue 18) -------------------------------------------

# Every image of a page: its alt text, and for a figure its caption and the scale at which it is shown.
FIGURES_JS = """async () => {
  const imgs = [...document.querySelectorAll('article img')];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
  return imgs.map(i => {
    const fig = i.closest('figure');
    const cap = fig ? (fig.querySelector('.caption-text') || fig.querySelector('figcaption')) : null;
    return {src: i.getAttribute('src'), alt: i.getAttribute('alt') || '', caption: cap ? cap.textContent : null,
            shown: i.getBoundingClientRect().width, natural: i.naturalWidth};
  });
}"""

# course_lib.plotting draws tick labels at 10 pt on a 100 dpi canvas: 10 * 100 / 72 px before scaling.
TICK_PX_AT_FULL_SIZE = 10 * 100 / 72
MIN_TICK_PX = 9.0

# Sentences written for the book's maintainers, or stale, that a reader must not meet. The phrases
# inside lecture notebooks are listed in NOTEBOOK_PHRASES until those notebooks are edited.
STALE_PHRASES = [
    "the parts already written",
    "described here as the plan",
    "whose key is missing",
    "Entries are added to",
    "execute_notebooks",
]
NOTEBOOK_PHRASES = [
    "the timing glued in",  # spectral_edge_tracy_widom, cell 7d0aa8ea
    "the test suite recomputes",  # glm_replica_amp, cell a6fde52d
    "the test suite checks",  # glm_replica_amp c6f2c358, perceptron_capacity 7915d51b
]


def _article_text(page):
    text = (SITE / page).read_text(encoding="utf-8")
    start, end = text.find("<article"), text.find("</article>")
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", text[start:end], flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith(("lectures/", "homework/", "book/"))])
def test_figures_alt_text_and_size(watched_page, site_url, page):
    tab, problems = watched_page
    tab.set_viewport_size({"width": 1400, "height": 900})
    tab.goto(f"{site_url}/{page}", wait_until="load")
    bad = []
    for img in tab.evaluate(FIGURES_JS):
        alt = img["alt"].strip()
        if not alt or re.search(r"\.(png|svg|jpe?g)$", alt) or "_images/" in alt:
            bad.append(f"{img['src']}: alt text {alt!r} is a file path or empty")
        if img["caption"] is not None:
            if len(alt) < 15:
                bad.append(f"{img['src']}: alt text {alt!r} does not describe the figure")
            tick_px = TICK_PX_AT_FULL_SIZE * img["shown"] / max(img["natural"], 1)
            if img["natural"] and tick_px < MIN_TICK_PX:
                bad.append(f"{img['src']}: shown at {img['shown']:.0f} of {img['natural']} px, tick labels "
                           f"{tick_px:.1f} px < {MIN_TICK_PX}")
    assert not bad, "\n".join(bad)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("phrase", STALE_PHRASES + NOTEBOOK_PHRASES)
def test_no_stale_or_maintainer_phrase(phrase):
    hits = [p for p in PAGES if phrase.lower() in _article_text(p).lower()]
    assert not hits, f"{phrase!r} on {hits}"


def test_proof_index_and_general_index():
    proofs = _article_text("prf-prf.html")
    assert "Index of theorems, definitions and propositions" in proofs
    assert re.search(r"Theorem 9\.1 \(", proofs), "the proof index does not list 'Theorem 9.1 (title)'"
    assert not re.search(r"\b(def|thm|prop|lem)-[a-z]", proofs), "raw labels in the proof index"
    terms = (SITE / "genindex.html").read_text(encoding="utf-8")
    entries = re.findall(r"<li><a href=", terms)
    assert len(entries) >= 100, f"only {len(entries)} entries in the index of terms"
    for term in ("Tracy", "replica method", "double descent"):
        assert term in terms, f"{term!r} missing from the index of terms"
    welcome = (SITE / "book" / "welcome.html").read_text(encoding="utf-8")
    assert "prf-prf.html" in welcome and "genindex.html" in welcome, "the welcome page links no index"


def test_search_snippets_come_from_the_text(watched_page, site_url):
    tab, problems = watched_page
    tab.goto(f"{site_url}/search.html?q=semicircle", wait_until="load")
    tab.wait_for_selector("#search-results li p.context", timeout=30_000)
    tab.wait_for_timeout(1000)
    snippets = tab.eval_on_selector_all("#search-results li p.context", "els => els.map(e => e.textContent)")
    assert snippets
    bad = [s for s in snippets if "semicircle" not in s.lower() or re.search(r"\bBinder\b|\bRepository\b", s)]
    assert not bad, f"snippets without the search term or with header text: {bad[:3]}"
