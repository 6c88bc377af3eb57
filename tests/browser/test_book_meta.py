"""Every page of the built site names the book's version and licences, links to "Cite this book", and its launch
buttons open the release's tag (Binder) or the reader edition (Colab: the tag or the `notebooks` branch), never
`main`. Static checks of the HTML in _build/html (the browser tests open the same pages in Chromium)."""

from __future__ import annotations

import html
import pathlib
import re
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from release_tools import ROOT, version  # noqa: E402

SITE = ROOT / "_build" / "html"


def _pages():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE / 'index.html'} does not exist: build the book first (`make book`).")
    skip = ("_static", "_sources", "slides", "student", "_images", "genindex", "search")
    return [p for p in sorted(SITE.rglob("*.html"))
            if p.relative_to(SITE).parts[0] not in skip and p.name not in ("index.html", "genindex.html", "search.html")]


def test_footer_of_every_page():
    v, failures = version(), []
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        footer = re.search(r'<div class="extra_footer">(.*?)</div>', text, re.S)
        if not footer:
            failures.append(f"{page.relative_to(SITE)}: no footer")
            continue
        f = footer.group(1)
        needed = [f"Version {v}", "CC BY-SA 4.0", "creativecommons.org/licenses/by-sa/4.0", f"/blob/v{v}/LICENSE"]
        missing = [n for n in needed if n not in f]
        cite = re.search(r'href="([^"]*)"[^>]*>Cite this book', f)
        on_cite_page = page == SITE / "book" / "cite.html" and cite and cite.group(1) == "#"
        if not on_cite_page and (not cite or not (page.parent / cite.group(1)).resolve().is_file()):
            missing.append("a working link to Cite this book")
        if missing or "{" in f:
            failures.append(f"{page.relative_to(SITE)}: footer lacks {missing or 'filled placeholders'}")
    assert not failures, f"{len(failures)} pages: {failures[:5]}"


def test_launch_buttons_open_the_release():
    v, checked, failures = version(), 0, []
    for page in _pages():
        for href in re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]*)"',
                               page.read_text(encoding="utf-8")):
            href = html.unescape(href)
            checked += 1
            if "mybinder.org" in href and f"/v{v}?" not in href and not href.endswith(f"/v{v}"):
                failures.append(f"{page.relative_to(SITE)}: Binder opens {href}")
            if "colab.research.google.com" in href and not re.search(rf"/blob/(v{re.escape(v)}|notebooks)/", href):
                failures.append(f"{page.relative_to(SITE)}: Colab opens {href}")
    assert checked, "no launch button found on any page"
    assert not failures, f"{len(failures)} launch links not at the release: {failures[:5]}"


def test_cite_page_has_the_bibtex_of_this_version():
    text = (SITE / "book" / "cite.html").read_text(encoding="utf-8")
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert "@book{" in plain and f"edition   = {{Version {version()}}}" in plain
    assert "{{" not in plain.replace("{{The Mathematics", ""), "an unfilled {{ placeholder }} on the cite page"
