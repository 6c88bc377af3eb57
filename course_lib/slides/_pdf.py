"""PDF handouts of the decks: reveal.js print mode (``?print-pdf``) printed by headless Chromium.

reveal.js lays every slide out on a page of its own in print mode (``pdfMaxPagesPerSlide: 1``);
Playwright's ``page.pdf`` with the page size of the deck's CSS writes one page per slide.
"""

from __future__ import annotations

import os
import pathlib
import shutil

__all__ = ["chromium_path", "write_pdfs"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path():
    """Chromium from ``$CHROMIUM`` or the ``PATH`` (Debian's ``chromium`` package), or None."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and pathlib.Path(candidate).exists():
            return candidate
    return None


def write_pdfs(decks, *, timeout_ms=60_000):
    """Print each ``NAME.slides.html`` of ``decks`` to ``NAME.slides.pdf`` next to it.

    Returns
    -------
    dict
        ``{pdf path: number of slides}`` (slides counted in the deck, one page each).
    """
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("the PDF handouts need Chromium: install it (`apt-get install chromium`) or set CHROMIUM")
    written = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            for deck in decks:
                deck = pathlib.Path(deck).resolve()
                page = browser.new_page()
                page.goto(deck.as_uri() + "?print-pdf", wait_until="load")
                page.wait_for_function("() => window.deckReady === true", timeout=timeout_ms)
                page.wait_for_timeout(300)
                n = page.evaluate("() => Reveal.getTotalSlides()")
                pdf = deck.with_suffix(".pdf")
                page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
                page.close()
                written[pdf] = n
        finally:
            browser.close()
    return written
