"""Every lecture's reveal.js deck, opened in headless Chromium and measured slide by slide.

For each deck, at its canvas size with every fragment shown: no slide is taller or wider than the
canvas, no code block or table is clipped, every slide has a title, no MyST/Sphinx syntax or raw label
is left (speaker notes included), no code input is shown except in cells tagged ``slides-show-input``,
MathJax typesets without errors, and the PDF handout has one page per slide.
"""

from __future__ import annotations

import json
import pathlib
import re

import nbformat
import pytest

from course_lib.slides import leftovers

ROOT = pathlib.Path(__file__).resolve().parents[2]
SLIDES = ROOT / "_build" / "html" / "slides"
NOTEBOOKS = sorted(p for p in (ROOT / "lectures").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
LECTURES = [p.stem for p in NOTEBOOKS]
#: Smallest font scale the deck may use to make a slide fit (below it, the slide needs splitting or editing).
MIN_SCALE = 0.6
#: A lecture's deck should have roughly 15 to 35 slides.
SLIDE_RANGE = (12, 40)

# One slide, measured in canvas pixels: every visible box (a formula by its container and <mjx-math> box;
# MathJax's clipped assistive MathML and the speaker notes do not count), clipped blocks, title, text.
MEASURE_JS = """() => {
  const cfg = Reveal.getConfig(), s = Reveal.getScale(), sec = Reveal.getCurrentSlide();
  sec.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
  const r = sec.getBoundingClientRect();
  let right = r.left, bottom = r.top;
  for (const e of sec.querySelectorAll('*')) {
    if (e.closest('aside.notes, mjx-assistive-mml')) continue;
    const mj = e.parentElement && e.parentElement.closest('mjx-container');
    if (mj && !(e.tagName === 'MJX-MATH' && e.parentElement === mj)) continue;
    const b = e.getBoundingClientRect();
    if (b.width || b.height) { right = Math.max(right, b.right); bottom = Math.max(bottom, b.bottom); }
  }
  const clipped = [...sec.querySelectorAll('pre, code, table')].filter(e => e.scrollWidth > e.clientWidth + 1).length;
  const scrolls = sec.scrollHeight > sec.clientHeight + 1 && getComputedStyle(sec).overflowY !== 'visible';
  const clone = sec.cloneNode(true);
  clone.querySelectorAll('mjx-container, script').forEach(e => e.remove());
  const notes = sec.querySelector('aside.notes');
  return {height: (bottom - r.top) / s, width: (right - r.left) / s, W: cfg.width, H: cfg.height, clipped, scrolls,
          title: ((sec.querySelector('h1, h2') || {}).textContent || '').trim(), kind: sec.dataset.kind,
          fit: parseFloat(sec.dataset.fit || '1'), text: clone.textContent, notes: notes ? notes.textContent : '',
          pres: [...sec.querySelectorAll('pre')].filter(p => !p.classList.contains('code-input')).map(p => p.textContent),
          mjErrors: sec.querySelectorAll('mjx-merror').length};
}"""

_CITES = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
_LABELS = re.compile(r"^\s*:(?:label|name):\s*(\S+)|^\s*\(([^()\s]+)\)=\s*$|\$\$\s*\(([^()\s]+)\)\s*$", re.M)


def _notebook_facts(path):
    """Labels defined and citation keys used in a lecture, and the lines of its code cells that are not tagged to be shown."""
    nb = nbformat.read(path, as_version=4)
    labels, code_lines = set(), set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            labels.update(x for m in _LABELS.finditer(cell.source) for x in m.groups() if x)
            labels.update(k.strip() for m in _CITES.finditer(cell.source) for k in m.group(1).split(","))
        elif "slides-show-input" not in cell.metadata.get("tags", []):
            for line in cell.source.split("\n"):
                line = line.strip()
                if len(line) >= 20 and not line.startswith("#") and ("=" in line or "(" in line):
                    code_lines.add(line)
    return labels, code_lines


def _broken_links(page, hrefs):
    """Relative links of ``page`` whose file or ``#anchor`` does not exist in the built site."""
    broken = []
    for href in hrefs:
        if re.match(r"^[a-z]+:|^//", href):
            continue
        path, _, anchor = href.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.is_file():
            broken.append(f"{href} (no file)")
        elif anchor and f'id="{anchor}"' not in target.read_text(encoding="utf-8"):
            broken.append(f"{href} (no anchor)")
    return broken


def test_every_lecture_has_a_deck_and_a_handout():
    missing = [name for name in LECTURES if not (SLIDES / f"{name}.slides.html").is_file()]
    assert not missing, f"lectures without slides (run `make slides`): {missing}"
    missing = [name for name in LECTURES if not (SLIDES / f"{name}.slides.pdf").is_file()]
    assert not missing, f"lectures without a PDF handout (run `make slides` with Chromium installed): {missing}"


def test_decks_load_nothing_from_other_hosts():
    pattern = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', re.I)
    offenders = {p.name: pattern.findall(p.read_text(encoding="utf-8")) for p in SLIDES.glob("*.slides.html")}
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"decks that load assets from other hosts: {offenders}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=LECTURES)
def test_deck_fits_and_is_curated(watched_page, site_url, screenshots_dir, path):
    from pypdf import PdfReader

    name = path.stem
    tab, problems = watched_page
    tab.set_viewport_size({"width": 1280, "height": 720})
    tab.goto(f"{site_url}/slides/{name}.slides.html", wait_until="load")
    tab.wait_for_function("() => window.deckReady === true", timeout=60_000)
    n = tab.evaluate("() => Reveal.getTotalSlides()")
    assert SLIDE_RANGE[0] <= n <= SLIDE_RANGE[1], f"{name}: {n} slides, expected about 15 to 35"
    labels, code_lines = _notebook_facts(path)
    failures, shot_kinds = [], {}
    for i in range(n):
        tab.evaluate(f"() => Reveal.slide({i})")
        m = tab.evaluate(MEASURE_JS)
        where = f"slide {i + 1} ({m['title'][:50]!r})"
        if m["height"] > m["H"] + 0.5 or m["width"] > m["W"] + 0.5 or m["clipped"] or m["scrolls"]:
            failures.append(f"{where}: {m['width']:.0f}x{m['height']:.0f} px on a {m['W']}x{m['H']} canvas, "
                            f"{m['clipped']} clipped block(s), scrolls={m['scrolls']}")
        if m["fit"] < MIN_SCALE:
            failures.append(f"{where}: font scaled to {m['fit']} to fit (split the slide)")
        if not m["title"]:
            failures.append(f"{where}: no title")
        for text, what in ((m["text"], "slide"), (m["notes"], "notes")):
            left = leftovers(text)
            if left:
                failures.append(f"{where}: MyST/Sphinx syntax in the {what}: {left}")
            raw = sorted(lab for lab in labels if re.search(r"(?<![\w/#-])" + re.escape(lab) + r"(?![\w-])", text))
            if raw:
                failures.append(f"{where}: raw labels in the {what}: {raw}")
        shown = [line for pre in m["pres"] for line in code_lines if line in pre]
        if shown:
            failures.append(f"{where}: code input shown without the slides-show-input tag: {shown[:2]}")
        if m["mjErrors"]:
            failures.append(f"{where}: {m['mjErrors']} MathJax error(s)")
        if m["kind"] in ("statement", "figure", "result") and m["kind"] not in shot_kinds:
            shot_kinds[m["kind"]] = i
            tab.screenshot(path=str(screenshots_dir / f"slides__{name}__{i + 1}_{m['kind']}.png"))
    assert not failures, f"{name}:\n" + "\n".join(failures)
    hrefs = tab.eval_on_selector_all(".reveal .slides a[href]", "els => els.map(e => e.getAttribute('href'))")
    broken = _broken_links(SLIDES / f"{name}.slides.html", hrefs)
    assert not broken, f"{name}: links from the deck into the website that do not resolve: {broken[:5]}"
    pdf = SLIDES / f"{name}.slides.pdf"
    assert pdf.is_file(), f"{pdf} is missing (run `make slides`)"
    pages = len(PdfReader(pdf).pages)
    assert pages == n, f"{pdf.name}: {pages} pages for {n} slides"
    (screenshots_dir / f"slides__{name}__count.json").write_text(json.dumps({"slides": n}))
    assert not problems, "\n".join(problems)
