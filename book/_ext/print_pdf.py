"""Print the built website as PDFs: one per page of the book, and the whole book in one file.

Route: the HTML of ``_build/html`` (numbering, cross-references, executed outputs, figures and
bibliography exactly as on the website) is printed by headless Chromium (Playwright's
``page.pdf``) with the print stylesheet of ``book/_ext/reader_pages.py``, which wraps code and
output lines. Before printing, a displayed equation or table that is still wider than the page is
set in a smaller font until it fits, and the script fails if anything is still cut at the margin.

The book (``_build/pdf/book.pdf``) is a title page and a table of contents with page numbers,
then every page of ``_toc.yml`` in order, then the index of theorems and the index of terms.
Links between pages become links inside the book; each page gets its page number and the PDF
an outline (bookmarks) by part and chapter. Each page of the book is also written on its own
(``_build/pdf/NAME.pdf``, numbered from 1) with its links to other pages pointing at their PDFs.

Usage: ``python book/_ext/print_pdf.py [--site _build/html] [--out _build/pdf] [--toc _toc.yml]``
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import os
import pathlib
import shutil
import sys
import threading
import time
import urllib.parse

import yaml

A4 = {"format": "A4", "margin": {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}}
#: Tick labels of course_lib.plotting: 10 pt on a 100 dpi canvas. Printed at ``scale`` CSS px per
#: image pixel (0.75 pt per CSS px) they measure ``TICK_PT_PER_SCALE * scale`` points.
TICK_PT_PER_SCALE = 10 * 100 / 72 * 0.75
MIN_TICK_PT = 7.0
#: The printed column in CSS pixels (210 mm - 2 x 16 mm at 96 px per inch): pages are laid out
#: at this width before the margin checks, as Chromium lays them out to print.
PRINT_WIDTH_PX = round((210 - 32) / 25.4 * 96)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

# Wait for MathJax and every image, then shrink what is still wider than the printed column.
PREPARE_JS = """async () => {
  document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; });
  await Promise.all([...document.images].map(i => i.complete ? null :
      new Promise(r => { i.onload = r; i.onerror = r; })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  // a hidden code cell is not part of the text (in homework it holds the solution): drop its source
  document.querySelectorAll('div.cell.tag_hide-input details.above-input, div.cell.tag_remove-input .cell_input')
    .forEach(d => d.remove());
  if (location.pathname.includes('/homework/'))  // the students' PDF carries no solution
    document.querySelectorAll('div.solution, .solution.dropdown').forEach(d => d.remove());
  const fitted = [];
  const wide = el => el.scrollWidth > el.clientWidth + 1;
  for (const el of document.querySelectorAll(
      'article mjx-container[display="true"], article table, article pre, article .MathJax_Display')) {
    let box = el.closest('.math-wrapper, .table-wrapper, div.pst-scrollable-table-container') || el;
    for (let size = 95; size >= 55 && (wide(el) || wide(box)); size -= 5) {
      el.style.fontSize = size + '%';
      fitted.push(el.tagName);
    }
  }
  const cut = [];
  for (const el of document.querySelectorAll('article pre, article table, article mjx-container[display="true"], article img')) {
    const article = document.querySelector('article');
    const right = el.getBoundingClientRect().right, limit = article.getBoundingClientRect().right + 2;
    if (right > limit || (el.tagName !== 'IMG' && el.scrollWidth > el.clientWidth + 2))
      cut.push(el.tagName + ': ' + (el.textContent || el.getAttribute('src') || '').slice(0, 60).replace(/\\s+/g, ' '));
  }
  const figures = [...document.querySelectorAll('article figure img')].filter(i => i.naturalWidth > 0)
    .map(i => ({src: i.getAttribute('src'), scale: i.getBoundingClientRect().width / i.naturalWidth}));
  return {fitted: fitted.length, cut, figures};
}"""


def toc_entries(toc_path):
    """[(part caption or None, docname)] in reading order, from a jb-book ``_toc.yml``."""
    toc = yaml.safe_load(pathlib.Path(toc_path).read_text(encoding="utf-8"))
    entries = [(None, toc["root"])]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            entries.append((part.get("caption"), chapter["file"]))
            for section in chapter.get("sections", []) or []:
                entries.append((part.get("caption"), section["file"]))
    return entries


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _chromium():
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and pathlib.Path(candidate).exists():
            return candidate
    raise SystemExit("make pdf needs Chromium: `sudo apt-get install chromium` (Debian/Ubuntu).")


def _title(tab):
    return tab.evaluate("() => (document.querySelector('article h1') || {}).textContent || document.title") \
        .replace("#", "").strip()


def _numbers_pdf(tab, count):
    """A PDF of ``count`` A4 pages carrying only their page number at the foot."""
    pages = "".join(f'<div class="p"><span>{i}</span></div>' for i in range(1, count + 1))
    tab.set_content(
        "<style>@page{size:A4;margin:0}body{margin:0;font:10pt sans-serif;color:#444}"
        ".p{height:297mm;position:relative;page-break-after:always}"
        ".p span{position:absolute;bottom:9mm;width:100%;text-align:center}</style>" + pages)
    return tab.pdf(format="A4", margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})


def _front_pdf(tab, title, author, rows):
    items = []
    for kind, text, page in rows:
        if kind == "part":
            items.append(f'<li class="part">{html.escape(text)}</li>')
        else:
            items.append(f'<li><span>{html.escape(text)}</span><b>{page}</b></li>')
    tab.set_content(
        "<style>body{font:11pt 'DejaVu Serif',serif;margin:0}h1{font-size:26pt;margin:0 0 8mm}"
        ".cover{padding-top:60mm;page-break-after:always;text-align:center}ul{list-style:none;padding:0}"
        "li{display:flex;justify-content:space-between;border-bottom:1px dotted #bbb;padding:2px 0}"
        "li.part{font-weight:bold;margin-top:10px;border:0}</style>"
        f'<div class="cover"><h1>{html.escape(title)}</h1><p>{html.escape(author)}</p></div>'
        f"<h2>Contents</h2><ul>{''.join(items)}</ul>")
    return tab.pdf(**A4)


def _link_target(uri, base, docs):
    """The docname an absolute link into the served site points at, or None."""
    if not uri.startswith(base):
        return None
    path = urllib.parse.urlsplit(uri).path.lstrip("/")
    if path.endswith(".html"):
        path = path[:-5]
    return path if path in docs else None


def _rewrite_links(writer, base, docs, resolve):
    """Rewrite the links into the served site: ``resolve(target, fragment)`` gives a page index
    of ``writer`` (a link inside the PDF) or a URI string (a link to another PDF)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    for page in writer.pages:
        for annot_ref in page.get("/Annots", []) or []:
            annot = annot_ref.get_object()
            action = annot.get("/A")
            if not action or action.get("/S") != "/URI":
                continue
            uri = str(action.get("/URI"))
            if not uri.startswith(base):
                continue
            target = _link_target(uri, base, docs)
            if target is None:  # a file of the site outside the book (a notebook, a slide deck)
                action[NameObject("/URI")] = TextStringObject(uri[len(base):].lstrip("/"))
                continue
            where = resolve(target, urllib.parse.urlsplit(uri).fragment)
            if isinstance(where, int):
                dest = ArrayObject([writer.pages[where].indirect_reference, NameObject("/Fit")])
                annot[NameObject("/A")] = DictionaryObject({NameObject("/S"): NameObject("/GoTo"),
                                                            NameObject("/D"): dest})
            else:
                action[NameObject("/URI")] = TextStringObject(where)


def build(site, out, toc):
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    site, out = pathlib.Path(site), pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = toc_entries(toc)
    docs = [d for _, d in entries]
    back = [d for d in ("prf-prf", "genindex") if (site / f"{d}.html").is_file()]
    missing = [d for d in docs if not (site / f"{d}.html").is_file()]
    if missing:
        raise SystemExit(f"pages missing from {site}: {missing}; build the website first (make site).")

    from playwright.sync_api import sync_playwright

    server, base = _serve(site)
    problems = []
    t_start = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1000}).new_page()
        tab.emulate_media(media="print")
        printed, tick_pt = {}, {}
        for doc in docs + back:
            tab.goto(f"{base}/{doc}.html", wait_until="load")
            report = tab.evaluate(PREPARE_JS)
            if report["cut"]:
                problems.append(f"{doc}: cut at the margin: {report['cut'][:5]}")
            for fig in report["figures"]:
                tick_pt[f"{doc}: {fig['src']}"] = round(TICK_PT_PER_SCALE * fig["scale"], 2)
            printed[doc] = (PdfReader(BytesIO(tab.pdf(**A4))), _title(tab))
            print(f"printed {doc}: {len(printed[doc][0].pages)} pages", flush=True)
        counts = {d: len(r.pages) for d, (r, _) in printed.items()}
        total = sum(counts.values())

        # the table of contents: print it once to learn its length, then with the page numbers
        def rows(offset):
            page, part, out_rows = offset + 1, object(), []
            for caption, doc in entries:
                if caption != part and caption:
                    out_rows.append(("part", caption, None))
                part = caption
                out_rows.append(("doc", printed[doc][1], page))
                page += counts[doc]
            for doc in back:
                out_rows.append(("doc", printed[doc][1], page))
                page += counts[doc]
            return out_rows

        title = printed[docs[0]][1]
        author = "The Mathematics of Deep Learning course team"
        front = PdfReader(BytesIO(_front_pdf(tab, title, author, rows(0))))
        front = PdfReader(BytesIO(_front_pdf(tab, title, author, rows(len(front.pages)))))
        numbers = PdfReader(BytesIO(_numbers_pdf(tab, len(front.pages) + total)))
        browser.close()
    server.shutdown()

    # the whole book
    writer = PdfWriter()
    writer.append(front)
    start, parts = {}, {}
    for caption, doc in entries + [(None, d) for d in back]:
        start[doc] = len(writer.pages)
        writer.append(printed[doc][0], import_outline=False)
        parent = None
        if caption:
            if caption not in parts:
                parts[caption] = writer.add_outline_item(title=caption, page_number=start[doc])
            parent = parts[caption]
        writer.add_outline_item(title=printed[doc][1], page_number=start[doc], parent=parent)
    for i, page in enumerate(writer.pages):
        if i >= len(front.pages):
            page.merge_page(numbers.pages[i])
    _rewrite_links(writer, base, set(start), lambda target, frag: start[target])
    writer.add_metadata({"/Title": title, "/Author": author})
    with open(out / "book.pdf", "wb") as fh:
        writer.write(fh)

    # one PDF per page of the book; a lecture or homework carries the bibliography at its end
    bib = "book/bibliography"
    for doc in docs + back:
        single = PdfWriter()
        single.append(printed[doc][0])
        n_own = len(single.pages)
        with_bib = doc.startswith(("lectures/", "homework/")) and bib in printed
        if with_bib:
            single.append(printed[bib][0])
        for i, page in enumerate(single.pages):
            page.merge_page(numbers.pages[i])

        def resolve(target, frag, doc=doc, n_own=n_own, with_bib=with_bib):
            if target == doc:
                return 0
            if target == bib and with_bib:
                return n_own
            return pathlib.PurePosixPath(target).name + ".pdf"

        _rewrite_links(single, base, set(start), resolve)
        single.add_metadata({"/Title": f"{printed[doc][1]} ({title})", "/Author": author})
        with open(out / f"{pathlib.PurePosixPath(doc).name}.pdf", "wb") as fh:
            single.write(fh)

    small = {k: v for k, v in tick_pt.items() if v < MIN_TICK_PT}
    summary = {"pages": len(writer.pages), "documents": {d: counts[d] for d in docs + back},
               "figures": len(tick_pt), "tick_label_pt_min": min(tick_pt.values(), default=None),
               "tick_label_pt_below_min": small,
               "seconds": round(time.perf_counter() - t_start, 1), "problems": problems}
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"wrote {out / 'book.pdf'} ({len(writer.pages)} pages) and {len(docs + back)} page PDFs "
          f"in {summary['seconds']} s")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="_build/html")
    parser.add_argument("--out", default="_build/pdf")
    parser.add_argument("--toc", default="_toc.yml")
    args = parser.parse_args(argv)
    return build(args.site, args.out, args.toc)


if __name__ == "__main__":
    raise SystemExit(main())
