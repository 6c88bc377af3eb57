"""The numbers and titles the website shows, read from the Sphinx build of the book.

Jupyter Book 1 keeps the pickled Sphinx environment in ``_build/.doctrees/environment.pickle``.
:meth:`References.from_build` reads from it

* equation numbers: the math domain's labels and, as ``numfig``/``math_numfig`` are on,
  ``env.toc_fignumbers[doc]["displaymath"]`` (what Sphinx's ``{eq}`` prints, e.g. ``9.2``);
* sphinx-proof blocks (``env.proof_list``) and sphinx-exercise blocks
  (``env.sphinx_exercise_registry``), numbered through ``env.toc_fignumbers``;
* figures and sections from the standard domain's labels, ``env.toc_fignumbers[doc]["figure"]`` and
  ``env.toc_secnumbers``; page titles from ``env.titles``;
* citations: sphinxcontrib-bibtex's citation anchors, labelled "Author (Year)" from the BibTeX file.

The result is plain data (:meth:`References.to_dict`), so tests can build one by hand.
"""

from __future__ import annotations

import dataclasses
import pathlib
import pickle
import posixpath

__all__ = ["Target", "References", "citation_labels"]

_NUMREF_FORMAT = {"figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s", "section": "Section %s"}


@dataclasses.dataclass
class Target:
    """A label of the book: where it is (``docname``, ``anchor``), its ``kind`` and ``number`` (``"9.1"``),
    its ``title`` (section title, figure caption, theorem name) and the words of its kind (``"Theorem"``)."""

    docname: str
    anchor: str
    kind: str
    number: str = ""
    title: str = ""
    kind_title: str = ""

    @property
    def numbered_title(self):
        return f"{self.kind_title} {self.number}".strip()

    @property
    def numref_format(self):
        if self.kind in _NUMREF_FORMAT:
            return _NUMREF_FORMAT[self.kind]
        return f"{self.kind_title} %s"

    @property
    def numref_text(self):
        return self.numref_format.replace("%s", self.number)

    @property
    def ref_text(self):
        """What ``{ref}`label``` prints: a section's title, a figure's caption, a numbered block's name."""
        if self.kind in ("section", "figure", "table") and self.title:
            return self.title
        return self.numbered_title or self.title


def citation_labels(bib_path):
    """Map the keys of a BibTeX file to author-year labels: "Tippett (1925)", "Bach et al. (2024)".

    LaTeX accents become Unicode; the same authors and year twice become "(2010a)", "(2010b)".
    """
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec: Ram{\'\i}rez -> Ramírez)
    from pybtex.database import parse_file

    def plain(text):
        return codecs.decode(text, "ulatex").replace("{", "").replace("}", "")

    labels, years = {}, {}
    for key, entry in parse_file(str(bib_path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [plain(" ".join(p.last_names)) for p in people]
        if not names:
            who = key
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        years[key] = (who, entry.fields.get("year", ""))
    # the same authors and year twice: 2010a, 2010b (in the order of the BibTeX file)
    counts = {}
    for who_year in years.values():
        counts[who_year] = counts.get(who_year, 0) + 1
    seen = {}
    for key, (who, year) in years.items():
        suffix = ""
        if counts[(who, year)] > 1:
            suffix = "abcdefghijklmnopqrstuvwxyz"[seen.get((who, year), 0)]
            seen[(who, year)] = seen.get((who, year), 0) + 1
        labels[key] = f"{who} ({year}{suffix})" if year else who
    return labels


class References:
    """Resolve labels, documents and citations to what the website prints, and to links into it.

    Parameters
    ----------
    targets : dict
        ``{label: Target}``.
    docs : dict
        ``{docname: title}`` of every page.
    citations : dict
        ``{bibtex key: "Author (Year)"}``.
    citation_anchors : dict, optional
        ``{bibtex key: html id}`` on ``bibliography_doc``.
    bibliography_doc : str
        The page that lists the references.
    base_url : str, optional
        Absolute URL of the website; links are relative to the page they are written from otherwise.
    """

    def __init__(self, targets, docs, citations, citation_anchors=None, bibliography_doc="book/bibliography",
                 base_url=None):
        self.targets = dict(targets)
        self.docs = dict(docs)
        self.citations = dict(citations)
        self.citation_anchors = dict(citation_anchors or {})
        self.bibliography_doc = bibliography_doc
        self.base_url = base_url.rstrip("/") + "/" if base_url else None

    # ------------------------------------------------------------------ look-ups
    def has(self, label):
        return label in self.targets

    def target(self, label):
        try:
            return self.targets[label]
        except KeyError:
            raise KeyError(f"the label {label!r} is not defined anywhere in the book (is the site built?)") from None

    def citation(self, key):
        try:
            return self.citations[key]
        except KeyError:
            raise KeyError(f"the citation key {key!r} is not in the bibliography") from None

    def citation_anchor(self, key):
        return self.citation_anchors.get(key, "")

    def doc_name(self, path, from_doc):
        """The docname that ``{doc}`path``` written in ``from_doc`` points to."""
        path = path.strip()
        for suffix in (".ipynb", ".md", ".html"):
            path = path.removesuffix(suffix)
        name = path.lstrip("/") if path.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(from_doc), path))
        if name not in self.docs:
            raise KeyError(f"{{doc}}`{path}` (from {from_doc}) is not a page of the book")
        return name

    def doc_title(self, docname):
        return self.docs[docname]

    def url(self, docname, anchor="", from_doc=""):
        """Link to ``docname#anchor`` on the website: absolute with ``base_url``, else relative to ``from_doc``."""
        page = f"{docname}.html"
        if self.base_url:
            href = self.base_url + page
        else:
            href = posixpath.relpath(page, posixpath.dirname(from_doc) or ".")
        return f"{href}#{anchor}" if anchor else href

    def with_base_url(self, base_url):
        return References(self.targets, self.docs, self.citations, self.citation_anchors, self.bibliography_doc,
                          base_url)

    # ------------------------------------------------------------------ data
    def to_dict(self):
        return {"targets": {k: dataclasses.asdict(v) for k, v in self.targets.items()}, "docs": self.docs,
                "citations": self.citations, "citation_anchors": self.citation_anchors,
                "bibliography_doc": self.bibliography_doc, "base_url": self.base_url}

    @classmethod
    def from_dict(cls, data):
        targets = {k: v if isinstance(v, Target) else Target(**v) for k, v in data.get("targets", {}).items()}
        return cls(targets, data.get("docs", {}), data.get("citations", {}), data.get("citation_anchors", {}),
                   data.get("bibliography_doc", "book/bibliography"), data.get("base_url"))

    @classmethod
    def from_build(cls, doctrees, bib=None, base_url=None):
        """Read the references of a built book.

        Parameters
        ----------
        doctrees : path
            The Sphinx doctree folder (``_build/.doctrees``) holding ``environment.pickle``.
        bib : path, optional
            The book's BibTeX file, for "Author (Year)" labels (the keys are shown otherwise).
        base_url : str, optional
            Absolute URL of the website.
        """
        path = pathlib.Path(doctrees) / "environment.pickle"
        if not path.is_file():
            raise FileNotFoundError(f"{path} does not exist: build the website first (make site)")
        with open(path, "rb") as fh:
            env = pickle.load(fh)
        return cls(*_read_env(env, bib), base_url=base_url)


def _number(numbers):
    return ".".join(str(n) for n in numbers) if numbers else ""


def _read_env(env, bib):
    fignum = env.toc_fignumbers
    secnum = env.toc_secnumbers
    docs = {doc: node.astext() for doc, node in env.titles.items()}
    targets = {}
    std = env.domaindata.get("std", {})
    for label, (docname, labelid, sectname) in std.get("labels", {}).items():
        if not docname:
            continue
        nums = fignum.get(docname, {})
        for figtype in ("figure", "table", "code-block"):
            if labelid in nums.get(figtype, {}):
                targets[label] = Target(docname, labelid, figtype, _number(nums[figtype][labelid]), sectname,
                                        figtype.capitalize())
                break
        else:
            secs = secnum.get(docname, {})
            number = secs.get("#" + labelid) or (secs.get("") if sectname == docs.get(docname) else None)
            targets[label] = Target(docname, labelid, "section", _number(number), sectname, "Section")
    for label, (docname, _) in env.domaindata.get("math", {}).get("objects", {}).items():
        anchor = f"equation-{label}"
        number = _number(fignum.get(docname, {}).get("displaymath", {}).get(anchor))
        targets[label] = Target(docname, anchor, "equation", number, "", "Equation")
    for label, info in getattr(env, "proof_list", {}).items():
        docname = info["docname"]
        number = "" if info.get("nonumber") else _number(fignum.get(docname, {}).get(info["countertype"], {}).get(label))
        anchor = (info.get("ids") or [label])[0]
        title = targets[label].title if label in targets else ""
        targets[label] = Target(docname, anchor, info["realtype"], number, title, info["realtype"].title())
    for label, info in getattr(env, "sphinx_exercise_registry", {}).items():
        docname, typ = info["docname"], info["type"]
        kind = "exercise" if typ.startswith("exercise") else "solution"
        number = _number(fignum.get(docname, {}).get("exercise", {}).get(label))
        title = targets[label].title if label in targets else ""
        targets[label] = Target(docname, label, kind, number, title, kind.capitalize())
    citations = citation_labels(bib) if bib else {}
    anchors, bib_doc = {}, "book/bibliography"
    cite = env.domaindata.get("cite", {})
    for c in cite.get("citations", []):
        key = getattr(c, "key", None)
        if key and key not in anchors:
            anchors[key] = getattr(c, "citation_id", "")
            bib_doc = getattr(c, "bibliography_key", None) and _bibliography_doc(cite, c) or bib_doc
        if key and key not in citations:
            citations[key] = getattr(c, "label", key)
    return targets, docs, citations, anchors, bib_doc


def _bibliography_doc(cite, citation):
    bibs = cite.get("bibliographies", {})
    bib = bibs.get(citation.bibliography_key)
    return getattr(bib, "docname", None) or "book/bibliography"
