"""Every lecture's reveal.js deck, opened in headless Chromium."""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SLIDES = ROOT / "_build" / "html" / "slides"
LECTURES = sorted(p.stem for p in (ROOT / "lectures").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)

LEFTOVERS_JS = """() => {
  const clone = document.querySelector('.reveal .slides').cloneNode(true);
  clone.querySelectorAll('pre, code, script, mjx-container').forEach(e => e.remove());
  const text = clone.textContent;
  return [':::{', '```{', '{prf:', '{cite}', '{glue', '{eq}', '{ref}', '$$'].filter(s => text.includes(s));
}"""


def test_every_lecture_has_a_deck():
    missing = [name for name in LECTURES if not (SLIDES / f"{name}.slides.html").is_file()]
    assert not missing, f"lectures without slides (run `make book`): {missing}"


def test_decks_load_nothing_from_other_hosts():
    pattern = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', re.I)
    offenders = {p.name: pattern.findall(p.read_text(encoding="utf-8")) for p in SLIDES.glob("*.slides.html")}
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"decks that load assets from other hosts: {offenders}"


@pytest.mark.parametrize("name", LECTURES)
def test_deck_in_browser(watched_page, site_url, screenshots_dir, name):
    tab, problems = watched_page
    tab.goto(f"{site_url}/slides/{name}.slides.html", wait_until="load")
    tab.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=20_000)
    n = tab.evaluate("() => Reveal.getTotalSlides()")
    assert n > 1, f"the deck has {n} slide(s)"
    mj = tab.evaluate("""async () => { await MathJax.startup.promise;
        return {n: document.querySelectorAll('mjx-container').length,
                errors: document.querySelectorAll('mjx-merror').length}; }""")
    assert mj["n"] > 20 and mj["errors"] == 0, f"MathJax in the deck: {mj}"
    leftovers = tab.evaluate(LEFTOVERS_JS)
    assert not leftovers, f"MyST syntax left in the slides: {leftovers}"
    for k in range(2):
        tab.evaluate(f"() => Reveal.slide({k})")
        tab.wait_for_timeout(600)
        tab.screenshot(path=str(screenshots_dir / f"slides__{name}__{k + 1}.png"))
    assert not problems, "\n".join(problems)
