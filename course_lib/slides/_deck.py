"""Curated reveal.js decks from the lecture notebooks.

A deck shows what a lecturer shows; the rules below pick it from the notebook, so a lecture needs
no tags to get a good deck (tags refine it, see :data:`TAGS`):

* a title slide (the lecture's number and title, a link to its page) and the learning goals;
* one slide per ``##``/``###`` section, with its short paragraphs, lists, tables and display equations;
  a long paragraph puts only its first sentence on the slide and all of it into the speaker notes;
* every definition, theorem, proposition, lemma, algorithm … on a slide of its own, numbered as on the
  website; its proof goes to the speaker notes;
* every figure on a slide of its own, with its number and caption; figures scale to the canvas;
* the printed result of every experiment and check as a short block (at most :data:`RESULT_LINES` lines);
  the "**Check.**" paragraph that justifies its tolerance goes to that slide's speaker notes;
* code input never, except in cells tagged ``slides-show-input``; solutions never; dropdowns and
  asides (paragraphs opening with a bold run-in title) in the speaker notes;
* the exercises (statements only) and the references at the end.

Slides whose estimated height exceeds the canvas are split ("(cont.)"); in the browser every slide is
then measured and its font scaled down until it fits (:data:`FIT_JS`), so no slide scrolls or is clipped.
"""

from __future__ import annotations

import dataclasses
import html
import json
import pathlib
import re

from ._myst import PROOF_KINDS, Context, glue_outputs, glue_png, math_with_tag, numbered_title, parse, resolve_inline

__all__ = ["Slide", "TAGS", "WIDTH", "HEIGHT", "build_slides", "deck_html", "markdown_html"]

#: The canvas of every deck (16:9, a projector's shape).
WIDTH, HEIGHT = 1280, 720
#: Estimated body height (px) a slide may hold before it is split.
BUDGET = 560
#: Longest result shown on a slide; longer printouts are cut and given in full in the notes.
RESULT_LINES = 10
#: Cell tags that refine the default selection (one source of truth: the notebook's cell metadata).
TAGS = {
    "slides-skip": "leave the cell out of the deck",
    "slides-notes": "put the whole cell into the speaker notes",
    "slides-show": "show the whole markdown cell on the slide (no curation of its paragraphs)",
    "slides-show-input": "show the code input of this cell",
    "slides-new": "start a new slide at this cell",
}
_WORDS_ON_SLIDE = 60
#: Which slides may take more content of a kind (when it fits): prose and results join statements and each other.
_SHARES = {"text": {"text", "section", "statement", "result"}, "result": {"result", "text", "statement", "section"},
           "exercise": {"exercise", "section"}}
_FIRST_SENTENCE_WORDS = 45


# --------------------------------------------------------------------------------------------- HTML

def _md():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(dollarmath_plugin, double_inline=True)
    md.add_render_rule("math_inline", lambda self, tokens, idx, options, env:
                       "\\(" + html.escape(tokens[idx].content, quote=False) + "\\)")
    md.add_render_rule("math_inline_double", lambda self, tokens, idx, options, env:
                       "\\[" + html.escape(tokens[idx].content, quote=False) + "\\]")
    md.add_render_rule("math_block", lambda self, tokens, idx, options, env:
                       '<div class="math">\\[' + html.escape(tokens[idx].content, quote=False) + "\\]</div>\n")
    return md


_MD = None


_PROTECTED = re.compile(r"(\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\]\([^)]*\))", re.S)


def _dashes(text):
    """``Polyak--Ruppert`` -> ``Polyak–Ruppert`` (as Sphinx's smartquotes on the website), not in math or code."""
    return "".join(part if k % 2 else re.sub(r"(?<=\w)--(?=\w)| -- ", lambda m: m.group(0).replace("--", "\u2013"), part)
                   for k, part in enumerate(_PROTECTED.split(text)))


def markdown_html(text):
    """Markdown (with ``$…$`` and ``$$…$$`` math) to HTML for MathJax (``\\(…\\)``, ``\\[…\\]``)."""
    global _MD
    if _MD is None:
        _MD = _md()
    return _MD.render(_dashes(text))


def _inline_html(text):
    out = markdown_html(text).strip()
    return out[3:-4] if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1 else out


# --------------------------------------------------------------------------------------------- estimates

def _plain(text):
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\$\$?([^$]*)\$\$?", lambda m: "x" * max(1, int(len(m.group(1)) * 0.5)), text)
    return re.sub(r"[*_`]", "", text)


def _text_height(text, chars=88, line=35):
    rows = 0
    for ln in text.split("\n"):
        n = len(_plain(ln))
        if ln.lstrip().startswith("|"):
            rows += 1.25
        else:
            rows += max(1, -(-n // chars))
    return rows * line + 18


def _math_height(tex):
    lines = tex.count("\\\\") + 1
    tall = 1.4 if re.search(r"\\(d?frac|sum|int|prod|begin\{(cases|pmatrix|bmatrix))", tex) else 1.0
    return 20 + lines * 42 * tall


def _pre_height(text, chars=118, line=21):
    return 24 + line * sum(max(1, -(-len(ln) // chars)) for ln in text.split("\n"))


def words(text):
    return len(_plain(text).split())


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def first_sentence(text):
    """The first sentence of a Markdown paragraph (not split inside ``$…$``)."""
    pos = 0
    dollars = 0
    for m in _SENTENCE_END.finditer(text):
        dollars = text.count("$", 0, m.start())
        if dollars % 2 == 0 and not text[max(0, m.start() - 5):m.start()].endswith(("e.g.", "i.e.", "cf.", "et al.")):
            pos = m.start()
            break
    return text[:pos] if pos else text


# --------------------------------------------------------------------------------------------- slides

@dataclasses.dataclass
class Slide:
    """One slide: a title (Markdown), HTML items with their estimated heights, and speaker notes (Markdown)."""

    title: str
    kind: str = "text"
    items: list = dataclasses.field(default_factory=list)
    notes: list = dataclasses.field(default_factory=list)
    section: str = ""

    @property
    def height(self):
        return sum(h for _, h in self.items)

    def add(self, html_, height):
        self.items.append((html_, height))


class _Builder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.slides = []
        self.section = ""
        self.current = None
        self.pending_notes = []   # "Check." paragraphs waiting for their result slide
        self.last_statement = None

    # -- slide management
    def new(self, title=None, kind="text"):
        self.current = Slide(title if title is not None else self.section, kind, section=self.section)
        self.slides.append(self.current)
        return self.current

    def target(self, height, kind="text"):
        """The slide to add ``height`` px of ``kind`` content to (a new "(cont.)" slide if it is full)."""
        cur = self.current
        fits = cur is not None and (not cur.items or cur.height + height <= BUDGET)
        if cur is None or cur.kind not in _SHARES[kind] or not fits or cur.section != self.section:
            title = self.section
            if cur is not None and cur.items and cur.section == self.section and kind in ("text", "result", "exercise"):
                title = cur.title if cur.title.endswith("(cont.)") else f"{cur.title} (cont.)"
            return self.new(title, kind)
        if cur.kind == "section" or (kind == "result" and cur.kind == "text"):
            cur.kind = kind
        return cur

    def notes(self, text):
        (self.current or self.new()).notes.append(text)

    # -- content
    def inline(self, text):
        return resolve_inline(text, self.ctx)

    def text_item(self, md_text):
        return markdown_html(md_text), _text_height(md_text)

    def math_item(self, block):
        tex = math_with_tag(block, self.ctx)
        return '<div class="math">\\[' + html.escape(tex, quote=False) + "\\]</div>", _math_height(tex)

    def body_items(self, blocks):
        """HTML items of a directive's body (everything shown)."""
        items = []
        for b in blocks:
            if b.kind == "text":
                items.append(self.text_item(self.inline(b.text)))
            elif b.kind == "math":
                items.append(self.math_item(b))
            elif b.kind == "fence":
                code = "\n".join(b.text.split("\n")[1:-1])
                items.append((f"<pre><code>{html.escape(code)}</code></pre>", _pre_height(code)))
            elif b.kind == "heading":
                items.append((f"<p><strong>{_inline_html(self.inline(b.text))}</strong></p>", 40))
            elif b.kind == "directive" and b.name not in ("solution",):
                if b.name == "prf:proof":
                    continue
                items.extend(self.body_items(b.children))
        return items

    def markdown_of(self, blocks):
        from ._myst import _render_blocks

        return "\n".join(_render_blocks(blocks, self.ctx)).strip()

    def section_start(self, title, level):
        self.flush_pending()
        self.section = title
        self.new(title, "section")

    def flush_pending(self):
        if self.pending_notes and self.current is not None:
            self.current.notes.extend(self.pending_notes)
        self.pending_notes = []

    def statement(self, block):
        """A numbered block as a box of parts (title with the first paragraph, then one part per block), so that
        the browser can move trailing parts to a continuation slide when the slide is too tall."""
        title = numbered_title(block, self.ctx)
        items = self.body_items(block.children) or [("", 0)]
        kind = "exercise" if block.name == "exercise" else "statement"
        head = f'<div class="statement-title">{_inline_html(title)}.</div>'
        parts = []
        for k, (html_, h) in enumerate(items):
            cls = ["boxed", kind] + (["first"] if k == 0 else []) + (["last"] if k == len(items) - 1 else [])
            parts.append((f'<div class="{" ".join(cls)}">' + (head if k == 0 else "") + html_ + "</div>",
                          h + (40 if k == 0 else 0)))
        total = sum(h for _, h in parts)
        if kind == "exercise":
            slide = self.target(total, "exercise")
        else:
            cur = self.current
            slide = cur if cur is not None and cur.kind == "section" and not cur.items else self.new(self.section)
            slide.kind = "statement"
            self.last_statement = slide
            self.current = slide
        for part in parts:
            slide.add(*part)

    def figure(self, png_b64, caption_html="", alt=""):
        self.flush_pending()
        slide = self.new(self.section, "figure")
        cap = f'<div class="caption">{caption_html}</div>' if caption_html else ""
        slide.add(f'<figure><img src="data:image/png;base64,{png_b64}" alt="{html.escape(alt)}">{cap}</figure>', BUDGET)

    def result(self, text, is_check):
        lines = text.rstrip("\n").split("\n")
        shown = lines
        note = None
        if len(lines) > RESULT_LINES:
            shown = lines[:RESULT_LINES - 1] + [f"… ({len(lines) - RESULT_LINES + 1} more lines in the speaker notes)"]
            note = "Full output:\n\n```\n" + text.rstrip("\n") + "\n```"
        body = "\n".join(shown)
        label = "Check: measured vs. theory (asserted in the notebook)" if is_check else "Result"
        item = (f'<div class="result"><div class="result-label">{label}</div>'
                f"<pre><code>{html.escape(body)}</code></pre></div>", _pre_height(body) + 30)
        slide = self.target(item[1], "result")
        slide.add(*item)
        slide.notes.extend(self.pending_notes)
        self.pending_notes = []
        if note:
            slide.notes.append(note)

    # -- cells
    def markdown_cell(self, source, tags):
        blocks = parse(source)
        if "slides-notes" in tags:
            self.notes(self.markdown_of(blocks))
            return
        show_all = "slides-show" in tags or self.section.lower().startswith(("references", "further reading"))
        if "slides-new" in tags:
            self.new(self.section)
        shown_para = False
        i = 0
        while i < len(blocks):
            b = blocks[i]
            i += 1
            if b.kind == "target":
                continue
            if b.kind == "heading":
                text = self.inline(b.text)
                if b.level == 1:
                    self.title_slide(text, blocks)
                else:
                    self.section_start(text, b.level)
                continue
            if b.kind == "directive":
                self.directive(b)
                continue
            if b.kind == "math":
                if shown_para or show_all or b.label:
                    item = self.math_item(b)
                    self.target(item[1]).add(*item)
                else:
                    self.notes("$$\n" + math_with_tag(b, self.ctx) + "\n$$")
                continue
            if b.kind == "fence":
                code = "\n".join(b.text.split("\n")[1:-1])
                self.target(_pre_height(code)).add(f"<pre><code>{html.escape(code)}</code></pre>", _pre_height(code))
                continue
            text = self.inline(b.text)
            stripped = text.lstrip()
            if re.match(r"^\*\*Check[.:]?\*\*", stripped):
                self.pending_notes.append(text)
                shown_para = False
                continue
            is_list = re.match(r"^([-*+]|\d+[.)])\s", stripped) is not None
            is_table = stripped.startswith("|")
            aside = re.match(r"^\*\*[^*]+[.:]\*\*", stripped) is not None
            if show_all or is_list or is_table or (not aside and words(text) <= _WORDS_ON_SLIDE):
                item = self.text_item(text)
                self.target(item[1]).add(*item)
                shown_para = True
                continue
            self.notes(text)
            lead = first_sentence(text)
            if not aside and lead != text and words(lead) <= _FIRST_SENTENCE_WORDS:
                item = self.text_item(lead.rstrip(":") + ("" if lead.rstrip().endswith((".", ":")) else " …"))
                self.target(item[1]).add(*item)
                shown_para = True
            elif aside and words(first_sentence(text)) <= _FIRST_SENTENCE_WORDS:
                # an aside: its run-in title and first sentence stay visible as a pointer to the notes
                lead = first_sentence(text)
                item = self.text_item(lead)
                self.target(item[1]).add(*item)
                shown_para = True
            else:
                shown_para = False

    def title_slide(self, title, blocks):
        slide = self.new(title, "title")
        self.section = title
        number = ""
        for b in blocks:
            if b.kind == "target" and self.ctx.refs.has(b.label):
                number = self.ctx.refs.target(b.label).number
                break
        url = self.ctx.refs.url(self.ctx.docname, "", self.ctx.link_from)
        sub = f"Lecture {number} · " if number else ""
        slide.add(f'<p class="subtitle">{sub}Mathematics of Deep Learning</p>'
                  f'<p class="subtitle"><a href="{html.escape(url)}">the lecture notes on the website</a></p>', 120)

    def directive(self, b):
        if b.name in PROOF_KINDS:
            self.statement(b)
        elif b.name == "prf:proof":
            text = "*Proof.* " + self.markdown_of(b.children)
            target = self.last_statement if self.last_statement is not None else self.current
            (target or self.new()).notes.append(text)
        elif b.name == "solution":
            return
        elif b.name == "glue:figure":
            png = glue_png(self.ctx.glue, b.arg.strip())
            label = b.options.get("name", "")
            number = self.ctx.refs.target(label).numref_text if label and self.ctx.refs.has(label) else ""
            caption = self.markdown_of(b.children)
            cap_html = _inline_html((f"**{number}.** " if number else "") + caption)
            self.figure(png, cap_html, alt=label or b.arg.strip())
        elif b.name == "admonition" and "dropdown" not in b.classes:
            title = self.inline(b.arg) if b.arg else "Note"
            if self.current is not None and self.current.kind == "title":
                self.new(title, "goals")
                self.section = "Introduction"
            items = self.body_items(b.children)
            if self.current.kind == "goals":  # the slide's title says it already
                slide, head = self.current, ""
            else:
                slide = self.target(sum(h for _, h in items) + 40)
                head = f'<div class="statement-title">{_inline_html(title)}</div>'
            slide.add('<div class="admonition">' + head + "\n".join(h for h, _ in items) + "</div>",
                      sum(h for _, h in items) + 40)
        else:  # dropdowns and anything else: speaker notes
            title = self.inline(b.arg) if b.arg else ""
            self.notes((f"**{title}.** " if title else "") + self.markdown_of(b.children))

    def code_cell(self, cell, tags):
        if tags & {"remove-cell", "remove-output", "hide-output"}:  # as on the website: no output shown
            if "slides-show-input" in tags:
                self.target(_pre_height(cell.source)).add(
                    f'<pre class="code-input"><code class="language-python">{html.escape(cell.source)}</code></pre>',
                    _pre_height(cell.source))
            return
        if "slides-show-input" in tags:
            code = cell.source
            item = (f'<pre class="code-input"><code class="language-python">{html.escape(code)}</code></pre>',
                    _pre_height(code))
            self.target(item[1]).add(*item)
        texts, images = [], []
        for out in cell.get("outputs", []):
            if "scrapbook" in out.get("metadata", {}):
                continue
            if out.get("output_type") == "stream":
                if out.get("name") == "stdout":
                    texts.append(out.get("text", ""))
            elif out.get("output_type") in ("execute_result", "display_data"):
                data = out.get("data", {})
                if "image/png" in data:
                    png = data["image/png"]
                    images.append(png if isinstance(png, str) else "")
                elif "text/plain" in data:
                    texts.append(data["text/plain"] + "\n")
        text = "".join(texts).strip("\n")
        if text:
            self.result(text, is_check="check" in tags or re.search(r"^\s*assert\b", cell.source, re.M) is not None)
        for png in images:
            if png:
                self.figure(png.strip())


def build_slides(nb, ctx):
    """The curated slides of an executed lecture notebook (see the module docstring)."""
    builder = _Builder(ctx)
    ctx.glue = glue_outputs(nb)
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        if "slides-skip" in tags or slide_type == "skip":
            continue
        if slide_type == "notes":
            tags.add("slides-notes")
        if cell.cell_type == "markdown":
            builder.markdown_cell(cell.source, tags)
        elif cell.cell_type == "code":
            if "slides-notes" in tags:
                continue
            builder.code_cell(cell, tags)
    builder.flush_pending()
    slides = []
    for s in builder.slides:
        if not s.items and s.notes and slides:   # a title with only notes: the notes join the previous slide
            slides[-1].notes.extend(s.notes)
        elif s.items:
            slides.append(s)
    return slides


# --------------------------------------------------------------------------------------------- page

CSS = """
.reveal { font-size: 26px; }
.reveal .slides { text-align: left; }
.reveal h1 { font-size: 1.9em; text-transform: none; margin-top: 3.5em; }
.reveal h2 { font-size: 1.45em; text-transform: none; margin: 0 0 0.45em 0; line-height: 1.15; }
.reveal p, .reveal li { line-height: 1.35; }
.reveal p { margin: 0.35em 0; }
.reveal ul, .reveal ol { display: block; margin: 0.3em 0 0.3em 1.2em; }
.reveal .subtitle { color: #555; font-size: 0.9em; }
.reveal .boxed, .reveal .admonition {
  border-left: 0.25em solid #2a76dd; background: #f3f7fd; padding: 0.05em 0.7em; margin: 0; }
.reveal .boxed.first { margin-top: 0.4em; padding-top: 0.35em; }
.reveal .boxed.last { margin-bottom: 0.4em; padding-bottom: 0.35em; }
.reveal .admonition { padding: 0.35em 0.7em; margin: 0.4em 0; }
.reveal .exercise { border-left-color: #7a4ddb; background: #f6f3fd; }
.reveal .admonition { border-left-color: #19a35b; background: #f1faf4; }
.reveal .statement-title { font-weight: bold; margin-bottom: 0.2em; }
.reveal .math { margin: 0.3em 0; }
.reveal pre { width: 100%%; box-shadow: none; margin: 0.3em 0; font-size: 0.66em; }
.reveal pre code { white-space: pre-wrap; overflow-wrap: anywhere; max-height: none; overflow: visible;
  padding: 0.4em 0.6em; background: #f6f6f6; }
.reveal .result { margin: 0.4em 0; }
.reveal .result-label { font-size: 0.7em; color: #19753f; font-weight: bold; }
.reveal figure { margin: 0; text-align: center; }
.reveal figure img { max-width: 100%%; height: %(img)dpx; width: auto; object-fit: contain; margin: 0.1em auto;
  display: block; border: 0; box-shadow: none; }
.reveal .caption { font-size: 0.68em; text-align: left; line-height: 1.3; color: #333; }
.reveal table { font-size: 0.8em; margin: 0.3em 0; border-collapse: collapse; }
.reveal table th, .reveal table td { padding: 0.15em 0.5em; border-bottom: 1px solid #ccc; }
.reveal a { color: #1a5fb4; }
html.print-pdf .reveal .slides .pdf-page:last-of-type { page-break-after: avoid; }
"""

#: Runs in the deck: measures every slide at the canvas size and shrinks its font (and a figure's
#: height) until nothing is taller or wider than the canvas; then starts reveal.js.
FIT_JS = r"""
(function () {
  const W = %(width)d, H = %(height)d;
  let mathDone;
  window.deckMath = new Promise(function (resolve) { mathDone = resolve; });
  window.MathJax = {
    tex: {inlineMath: [['\\(', '\\)']], displayMath: [['\\[', '\\]']], processEscapes: true, tags: 'none'},
    options: {ignoreHtmlClass: 'tex2jax_ignore', processHtmlClass: 'tex2jax_process'},
    startup: {pageReady: function () { return MathJax.startup.defaultPageReady().then(mathDone); }}
  };
  function overflow(sec) {
    // every visible box of the slide; MathJax's assistive MathML is clipped to nothing and does not count
    const r = sec.getBoundingClientRect();
    let right = r.left, bottom = r.top;
    sec.querySelectorAll('*').forEach(function (e) {
      // MathJax's assistive MathML is clipped to nothing, and the parts of its stretchy delimiters overflow
      // boxes that hide them: a formula counts by its container and its <mjx-math> box only
      if (e.closest('mjx-assistive-mml, aside.notes')) return;
      const mj = e.parentElement && e.parentElement.closest('mjx-container');
      if (mj && !(e.tagName === 'MJX-MATH' && e.parentElement === mj)) return;
      const b = e.getBoundingClientRect();
      if (b.width || b.height) { right = Math.max(right, b.right); bottom = Math.max(bottom, b.bottom); }
    });
    let clipped = false;
    sec.querySelectorAll('pre, code, table').forEach(function (e) {
      if (e.scrollWidth > e.clientWidth + 1) clipped = true;
    });
    return {height: bottom - r.top, width: right - r.left, clipped: clipped};
  }
  window.deckOverflow = overflow;
  function fit(sec) {
    const m0 = overflow(sec);
    const img = sec.querySelector('figure img');
    if (img && m0.height > H) {
      const h = img.getBoundingClientRect().height;
      img.style.height = Math.max(220, h - (m0.height - H) - 8) + 'px';
    }
    let scale = 1;
    let m = overflow(sec);
    while ((m.height > H || m.width > W || m.clipped) && scale > 0.5) {
      scale = Math.round((scale - 0.04) * 100) / 100;
      sec.style.fontSize = (100 * scale) + '%%';
      m = overflow(sec);
    }
    sec.dataset.fit = String(scale);
  }
  function parts(sec) {
    return Array.prototype.filter.call(sec.children, function (e) {
      return !/^H[12]$/.test(e.tagName) && !(e.tagName === 'ASIDE');
    });
  }
  // Move trailing parts of a slide that is too tall to a continuation slide ("(cont.)"), as often as needed.
  function split(sec) {
    if (sec.dataset.kind === 'figure' || sec.dataset.kind === 'title' || parts(sec).length < 2) return;
    if (overflow(sec).height <= H) return;
    const next = document.createElement('section');
    next.dataset.kind = sec.dataset.kind;
    const h = sec.querySelector('h2'), h2 = document.createElement('h2');
    h2.innerHTML = h.innerHTML + (/\(cont\.\)\s*$/.test(h.textContent) ? '' : ' (cont.)');
    next.appendChild(h2);
    sec.parentNode.insertBefore(next, sec.nextSibling);
    next.style.display = 'block';
    while (overflow(sec).height > H && parts(sec).length > 1) {
      const ps = parts(sec), last = ps[ps.length - 1];
      next.insertBefore(last, h2.nextSibling);
    }
    const rest = parts(sec), moved = parts(next);
    if (rest.length && rest[rest.length - 1].classList.contains('boxed')) rest[rest.length - 1].classList.add('last');
    if (moved.length && moved[0].classList.contains('boxed') && !moved[0].classList.contains('first')) {
      moved[0].classList.add('first');
      let k = rest.length - 1;
      while (k > 0 && !rest[k].classList.contains('first')) k--;
      const t = rest[k] && rest[k].querySelector('.statement-title');
      if (t) {
        const c = t.cloneNode(true);
        c.innerHTML = c.innerHTML.replace(/\.\s*$/, '') + ' (cont.)';
        moved[0].insertBefore(c, moved[0].firstChild);
      }
    }
    next.style.display = '';
  }
  function fitAll() {
    const slides = document.querySelector('.reveal .slides');
    slides.style.width = W + 'px'; slides.style.height = H + 'px';
    slides.style.position = 'absolute'; slides.style.left = '0'; slides.style.top = '0';
    for (let i = 0; i < document.querySelectorAll('.reveal .slides > section').length; i++) {
      const sec = document.querySelectorAll('.reveal .slides > section')[i];
      const display = sec.style.display;
      sec.style.display = 'block';
      split(sec);
      fit(sec);
      sec.style.display = display;
    }
    slides.removeAttribute('style');
  }
  function start() {
    try { fitAll(); } catch (e) { console.warn('slide fitting failed', e); }
    Reveal.initialize({
      width: W, height: H, margin: 0.04, center: false, hash: true, controls: true, progress: true,
      slideNumber: 'c/t', transition: 'none', pdfMaxPagesPerSlide: 1, pdfSeparateFragments: false,
      plugins: [RevealNotes]
    }).then(function () { window.deckReady = true; });
  }
  document.addEventListener('DOMContentLoaded', function () {
    const timeout = new Promise(function (resolve) { setTimeout(resolve, 15000); });
    Promise.race([window.deckMath, timeout]).then(function () {
      (document.fonts ? document.fonts.ready : Promise.resolve()).then(start);
    });
  });
})();
"""


def deck_html(slides, *, title, reveal="reveal.js", mathjax="../_static/mathjax/tex-chtml.js",
              favicon="../_static/favicon.svg"):
    """The reveal.js page of a list of :class:`Slide`."""
    sections = []
    for i, s in enumerate(slides):
        heading = "h1" if s.kind == "title" else "h2"
        notes = ""
        if s.notes:
            notes = ('<aside class="notes tex2jax_ignore">' + markdown_html("\n\n".join(s.notes)) + "</aside>")
        body = "\n".join(h for h, _ in s.items)
        sections.append(f'<section data-kind="{s.kind}" id="slide-{i + 1}">\n'
                        f"<{heading}>{_inline_html(s.title)}</{heading}>\n{body}\n{notes}\n</section>")
    css = CSS % {"img": BUDGET - 60}
    fit = FIT_JS % {"width": WIDTH, "height": HEIGHT}
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(_plain(title))}</title>
<link rel="icon" href="{favicon}">
<link rel="stylesheet" href="{reveal}/dist/reveal.css">
<link rel="stylesheet" href="{reveal}/dist/theme/white.css">
<style>{css}</style>
<script>{fit}</script>
<script defer src="{mathjax}"></script>
</head>
<body>
<div class="reveal"><div class="slides">
{chr(10).join(sections)}
</div></div>
<script src="{reveal}/dist/reveal.js"></script>
<script src="{reveal}/plugin/notes/notes.js"></script>
</body>
</html>
"""


def slide_summary(slides):
    """Counts by kind, for the build log."""
    kinds = {}
    for s in slides:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    return json.dumps(kinds)
