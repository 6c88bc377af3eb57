"""Sphinx extension: what a reader meets besides the text.

- **Alt text.** Every image inside a figure gets the figure's caption as its ``alt`` text (MyST-NB's
  glued figures otherwise carry the image's file path).
- **Index of terms.** The title of every numbered theorem, definition, proposition, ... (sphinx-proof)
  becomes an entry of the general index, pointing at the statement; ``{index}`` entries of the front
  matter add to it.
- **Proof index.** sphinx-proof's index lists raw labels (``def-erm``); here it lists, chapter by
  chapter, "Definition 1.1 (Empirical risk minimization)".
- **Author-year bibliography.** A pybtex style ``authoryear``: entries sorted by author, year, title
  and labelled "Author, year" as the citations in the text are.
- **Search snippets.** Sphinx's search page builds each result's snippet from the page's
  ``role="main"`` element, which in sphinx-book-theme also holds the header bar (launch buttons,
  "Repository", the page's table of contents); the snippet then showed "...Binder" for every hit.
  A small script makes the snippet come from the article only.
- **PDF links and print style.** Each lecture page and the welcome page link the PDFs written by
  ``make pdf`` (``_build/html/pdf/``); printing a page wraps code and output lines instead of
  cutting them at the margin.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

# --------------------------------------------------------------------------------------- alt text


def _caption_text(figure):
    for child in figure.children:
        if isinstance(child, nodes.caption):
            return re.sub(r"\s+", " ", child.astext()).strip()
    return ""


def _alt_from_captions(app, doctree, docname):
    for figure in doctree.findall(nodes.figure):
        text = _caption_text(figure)
        if not text:
            continue
        for image in figure.findall(nodes.image):
            alt = image.get("alt", "")
            if not alt or alt == image.get("uri") or alt.endswith((".png", ".svg", ".jpg")):
                image["alt"] = text


# ------------------------------------------------------------- proof titles: index and proof index


def _is_proof(node):
    return isinstance(node, nodes.Element) and "realtype" in node.attributes and "label" in node.attributes


def _plain(text):
    """Inline math of a title as plain text: ``$p$-spin`` -> ``p-spin``, ``$\\alpha$`` -> ``alpha``."""
    text = re.sub(r"\$([^$]*)\$", lambda m: re.sub(r"\\([A-Za-z]+)", r"\1", m.group(1)).replace("{", "").replace("}", ""), text)
    return re.sub(r"\s+", " ", text).strip()


def _proof_title(node):
    title = node.get("title", "") or ""
    title = title.strip()
    if title.startswith("(") and title.endswith(")"):
        title = title[1:-1]
    return _plain(title)


class ProofTitles(SphinxTransform):
    """Record each statement's title and add it to the general index (runs while a page is read)."""

    default_priority = 400

    def apply(self, **kwargs):
        _record_proofs(self.env, self.document)


def _record_proofs(env, doctree):
    titles = env.__dict__.setdefault("reader_proof_titles", {})
    docname = env.docname
    for node in list(doctree.findall(_is_proof)):
        title = _proof_title(node)
        label = node["label"]
        titles[label] = {"docname": docname, "title": title, "realtype": node["realtype"],
                         "id": (node.get("ids") or [label])[0]}
        if not title or not node.get("ids"):
            continue
        # an index entry "title" (and "title; Theorem") that points at the statement
        entries = [("single", title, node["ids"][0], "", None)]
        index = addnodes.index(entries=entries, inline=False)
        parent = node.parent
        parent.insert(parent.index(node), index)


def _purge(app, env, docname):
    titles = getattr(env, "reader_proof_titles", {})
    for label in [k for k, v in titles.items() if v["docname"] == docname]:
        del titles[label]


def _merge(app, env, docnames, other):
    mine = env.__dict__.setdefault("reader_proof_titles", {})
    mine.update({k: v for k, v in getattr(other, "reader_proof_titles", {}).items() if v["docname"] in docnames})


def _number(env, docname, realtype, ident):
    nums = env.toc_fignumbers.get(docname, {})
    for figtype in (realtype, "proof"):
        num = nums.get(figtype, {}).get(ident)
        if num:
            return ".".join(map(str, num))
    return ""


def _proof_index_generate(self, docnames=None):
    """Entries of the proof index: "Theorem 9.1 (Tracy–Widom law)", grouped by chapter."""
    env = self.domain.env
    titles = getattr(env, "reader_proof_titles", {})
    proofs = getattr(env, "proof_list", {})
    groups = {}
    for label, values in proofs.items():
        docname = values["docname"]
        info = titles.get(label, {})
        ident = (values.get("ids") or [label])[0]
        number = _number(env, docname, values["realtype"], ident)
        kind = values["realtype"].capitalize()
        name = f"{kind} {number}".strip()
        if info.get("title"):
            name += f" ({info['title']})"
        secnum = env.toc_secnumbers.get(docname, {}).get("", ())
        chapter = env.titles[docname].astext() if docname in env.titles else docname
        heading = (".".join(map(str, secnum)) + ". " if secnum else "") + chapter
        order_num = tuple(int(x) for x in number.split(".") if x.isdigit()) if number else (10**6,)
        groups.setdefault((secnum or (10**6,), heading), []).append(
            (order_num, [name, 0, docname, ident, "", "", ""]))
    content = []
    for (_, heading), entries in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        content.append((heading, [e for _, e in sorted(entries, key=lambda t: (t[0], t[1][0]))]))
    return content, False


# ------------------------------------------------------------------------ author-year bibliography


def _register_authoryear_style():
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting.author_year_title import SortingStyle

    class AuthorYearLabelStyle(BaseLabelStyle):
        """Labels "Author, year", "Author and Other, year", "Author et al., year" (as the citations read)."""

        def format_labels(self, sorted_entries):
            labels = list(self._labels(sorted_entries))
            counts = {}
            for lab in labels:
                counts[lab] = counts.get(lab, 0) + 1
            seen = {}
            for lab in labels:
                if counts[lab] > 1:  # same authors, same year: 1985a, 1985b
                    seen[lab] = seen.get(lab, 0) + 1
                    lab = lab + "abcdefghijklmnopqrstuvwxyz"[seen[lab] - 1]
                yield lab

        def _labels(self, sorted_entries):
            for entry in sorted_entries:
                persons = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [" ".join(p.prelast_names + p.last_names) for p in persons]
                names = [re.sub(r"[{}]", "", n) for n in names]
                if not names:
                    who = entry.fields.get("organization", entry.key)
                elif len(names) == 1:
                    who = names[0]
                elif len(names) == 2:
                    who = f"{names[0]} and {names[1]}"
                else:
                    who = f"{names[0]} et al."
                yield f"{who}, {entry.fields.get('year', 'n.d.')}"

    class AuthorYearStyle(UnsrtStyle):
        default_label_style = AuthorYearLabelStyle
        default_sorting_style = SortingStyle

    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle, force=True)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle, force=True)


# --------------------------------------------------------------------------- search, PDF, print

SEARCH_JS = r"""
// Result snippets from the article text only (see book/_ext/reader_pages.py).
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    for (const q of [".headerlink", "script", "style", ".bd-header-article", ".header-article-items",
                     ".bd-sidebar-secondary", ".prev-next-area", ".delivery-links", ".pdf-links", "footer"]) {
      doc.querySelectorAll(q).forEach((el) => el.remove());
    }
    const article = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!article) return "";
    if (anchor) {
      const part = article.querySelector(anchor);
      if (part) return part.textContent.replace(/\s+/g, " ");
    }
    return article.textContent.replace(/\s+/g, " ");
  };
});
"""

PRINT_CSS = """
/* Printing a page (book/_ext/reader_pages.py): a book-like text size, the full page width,
   and code and outputs wrapped instead of cut at the margin. */
@media print {
  html { font-size: 13px !important; }
  .bd-main .bd-content { margin-left: 0 !important; }
  pre, div.highlight pre, div.cell_output pre, .output pre {
    white-space: pre-wrap !important;
    overflow-wrap: anywhere;
    overflow: visible !important;
  }
  div.highlight, div.cell_output, .table-wrapper, div.pst-scrollable-table-container {
    overflow: visible !important;
  }
  table { max-width: 100%; }
  td, th { overflow-wrap: anywhere; }
  img { max-width: 100% !important; height: auto; }
  .bd-header-article, .prev-next-area, .pdf-links, .delivery-links { display: none !important; }
}
"""

#: Where ``make pdf`` puts the PDFs inside the website.
PDF_DIR = "pdf"


def _pdf_links(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body or "</h1>" not in body:
        return
    up = "../" * pagename.count("/")
    name = pagename.rsplit("/", 1)[-1]
    if pagename.startswith("lectures/"):
        links = [f'<a class="reference external" href="{up}{PDF_DIR}/{name}.pdf">This lecture as a PDF</a>',
                 f'<a class="reference external" href="{up}{PDF_DIR}/book.pdf">the whole book as a PDF</a>']
    elif pagename == app.config.root_doc:
        links = [f'<a class="reference external" href="{up}{PDF_DIR}/book.pdf">The whole book as a PDF</a>',
                 f'<a class="reference internal" href="{up}prf-prf.html">index of theorems and definitions</a>',
                 f'<a class="reference internal" href="{up}genindex.html">index of terms</a>']
    else:
        return
    block = '<p class="pdf-links">' + " · ".join(links) + "</p>"
    context["body"] = body.replace("</h1>", "</h1>\n" + block, 1)


def _write_static(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import pathlib

    static = pathlib.Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "reader_pages.css").write_text(PRINT_CSS, encoding="utf-8")
    (static / "reader_pages.js").write_text(SEARCH_JS, encoding="utf-8")


def setup(app):
    _register_authoryear_style()
    app.add_transform(ProofTitles)
    app.connect("doctree-resolved", _alt_from_captions)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _pdf_links)
    app.connect("build-finished", _write_static)
    app.add_css_file("reader_pages.css")
    app.add_js_file("reader_pages.js")
    # {ref}`prf-prf` links the proof index, as {ref}`genindex` links the general index
    from sphinx.domains.std import StandardDomain

    title = "Index of theorems, definitions and propositions"
    StandardDomain.initial_data["labels"].setdefault("prf-prf", ("prf-prf", "", title))
    StandardDomain.initial_data["anonlabels"].setdefault("prf-prf", ("prf-prf", ""))
    StandardDomain._virtual_doc_names.setdefault("prf-prf", ("prf-prf", title))
    try:
        from sphinx_proof.domain import ProofIndex

        ProofIndex.generate = _proof_index_generate
        ProofIndex.localname = title
        ProofIndex.shortname = "Theorems"
    except ImportError:  # pragma: no cover - sphinx-proof is pinned
        pass
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
