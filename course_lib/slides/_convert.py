"""MyST-to-slides conversion and deck building."""

from __future__ import annotations

import base64
import copy
import pathlib
import re

import nbformat
from nbconvert.preprocessors import Preprocessor

__all__ = ["MystToSlides", "build_deck", "citation_labels", "glue_outputs", "myst_to_markdown"]

TEMPLATES = pathlib.Path(__file__).parent / "templates"

_PROOF_TITLES = {
    "prf:definition": "Definition", "prf:theorem": "Theorem", "prf:proposition": "Proposition",
    "prf:lemma": "Lemma", "prf:corollary": "Corollary", "prf:remark": "Remark", "prf:example": "Example",
    "prf:conjecture": "Conjecture", "prf:assumption": "Assumption", "prf:algorithm": "Algorithm",
    "prf:axiom": "Axiom", "prf:property": "Property", "prf:observation": "Observation",
    "exercise": "Exercise",
}
_FENCE_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^:[\w-]+:.*$")
_GLUE_PREFIX = "application/papermill.record/"


def glue_outputs(nb):
    """Map each ``myst_nb.glue`` name of an executed notebook to its mime bundle."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                found[name] = {k.removeprefix(_GLUE_PREFIX): v for k, v in out.get("data", {}).items()}
    return found


def _glue_text(bundle, fmt, key):
    text = bundle.get("text/plain", "")
    if fmt:
        try:
            return format(float(text), fmt)
        except ValueError:
            return text.strip("'\"")
    return text.strip("'\"")


def citation_labels(bib_path):
    """Map the keys of a BibTeX file to short author-year labels ("Tippett 1925", "Bach et al. 2024")."""
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(str(bib_path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
        who = names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2 else (
            f"{names[0]} et al." if names else key)
        labels[key] = f"{who} {entry.fields.get('year', '')}".strip()
    return labels


def _inline(line, glue, cites=None):
    def glue_text(m):
        key, _, fmt = m.group(1).partition(":")
        if key not in glue:
            raise KeyError(f"{{glue:text}} refers to {key!r}, which the notebook never glued")
        return _glue_text(glue[key], fmt, key)

    line = re.sub(r"\{glue:text\}`([^`]+)`", glue_text, line)
    cites = cites or {}
    line = re.sub(r"\{cite(?::[pt])?\}`([^`]+)`",
                  lambda m: "[" + "; ".join(cites.get(k.strip(), k.strip()) for k in m.group(1).split(",")) + "]", line)
    line = re.sub(r"\{eq\}`([^`]+)`", r"(\1)", line)
    # {ref}`text <label>`, {doc}`text <path>`, {prf:ref}`label`, {numref}`...`
    line = re.sub(r"\{(?:ref|doc|prf:ref|numref|download)\}`([^`<]*?)\s*<[^>]+>`", r"\1", line)
    line = re.sub(r"\{(?:ref|doc|prf:ref|numref|download)\}`([^`]+)`", r"\1", line)
    return line


def myst_to_markdown(source, glue, cites=None):
    """Rewrite one MyST Markdown cell into Markdown that nbconvert's slides render.

    Parameters
    ----------
    source : str
        The cell source.
    glue : dict
        Glued outputs of the notebook, from :func:`glue_outputs`.
    cites : dict, optional
        Citation labels by BibTeX key (:func:`citation_labels`); keys are shown as they are otherwise.
    """
    out = []
    stack = []  # open directives: (fence, name, keep)
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stack and stripped == stack[-1][0]:
            fence, name, keep = stack.pop()
            if keep and name == "prf:proof":
                out.append("$\\square$")
            i += 1
            continue
        m = _FENCE_OPEN.match(stripped)
        if m and (m.group("fence").startswith(":") or m.group("name") not in ("python", "code")):
            name, arg = m.group("name"), m.group("arg").strip()
            hidden = any(not k for _, _, k in stack) or name == "solution"
            stack.append((m.group("fence"), name, not hidden))
            i += 1
            while i < len(lines) and _OPTION.match(lines[i].strip()):
                i += 1
            if hidden:
                continue
            if name == "glue:figure":
                bundle = glue.get(arg)
                if bundle is None or "image/png" not in bundle:
                    raise KeyError(f"{{glue:figure}} refers to {arg!r}, which the notebook never glued as a figure")
                png = bundle["image/png"]
                png = png if isinstance(png, str) else base64.b64encode(png).decode()
                out.append(f'<img src="data:image/png;base64,{png.strip()}" style="max-height:60vh" alt="{arg}"/>\n')
            elif name in _PROOF_TITLES:
                title = _PROOF_TITLES[name] + (f" ({_inline(arg, glue, cites)})" if arg else "")
                out.append(f"**{title}.**")
            elif name == "prf:proof":
                out.append("*Proof.*")
            elif name == "admonition":
                out.append(f"**{_inline(arg, glue, cites)}**")
            continue
        if stack and not stack[-1][2]:
            i += 1
            continue
        if re.match(r"^\([\w:.-]+\)=\s*$", stripped):  # MyST target
            i += 1
            continue
        line = re.sub(r"^(\s*\$\$)\s*\([\w:.-]+\)\s*$", r"\1", line)  # $$ (label): drop the label
        out.append(_inline(line, glue, cites))
        i += 1
    if stack:
        raise ValueError(f"unclosed MyST directive {stack[-1][1]!r} in a markdown cell")
    return "\n".join(out)


class MystToSlides(Preprocessor):
    """nbconvert preprocessor: MyST markdown to plain markdown, glued figures inlined."""

    def __init__(self, cites=None, **kwargs):
        super().__init__(**kwargs)
        self._cites = cites or {}

    def preprocess(self, nb, resources):
        self._glue = glue_outputs(nb)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = myst_to_markdown(cell.source, self._glue, self._cites)
        elif cell.cell_type == "code":
            # glued outputs are hidden on the website; on slides they appear where the text puts them
            cell.outputs = [o for o in cell.get("outputs", []) if "scrapbook" not in o.get("metadata", {})]
        return cell, resources


def _executed(nb_path, cache_dir, timeout):
    nb = nbformat.read(nb_path, as_version=4)
    if cache_dir is not None and pathlib.Path(cache_dir).is_dir():
        from jupyter_cache import get_cache

        try:
            _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(nb)
            return merged
        except KeyError:
            pass  # not cached (or outdated): execute below
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(pathlib.Path(nb_path).parent)}}).execute()
    return nb


def build_deck(nb_path, out_path, *, cache_dir=None, bib=None, reveal_prefix="reveal.js",
               require_js_url="require.js", mathjax_url="../_static/mathjax/tex-chtml.js", timeout=600):
    """Write the reveal.js deck of one lecture notebook.

    Parameters
    ----------
    nb_path : path
        The lecture notebook (committed without outputs).
    out_path : path
        Target ``.slides.html`` file.
    cache_dir : path, optional
        The book's jupyter-cache folder; its outputs are reused when the notebook is unchanged.
    bib : path, optional
        The book's BibTeX file, for author-year citation labels.
    reveal_prefix, require_js_url, mathjax_url : str
        URLs of reveal.js (folder), require.js and MathJax, relative to the deck.
    timeout : int
        Per-cell execution timeout in seconds when the notebook has to be executed.

    Returns
    -------
    int
        The number of slides (cells of type ``slide`` or ``subslide``).
    """
    from nbconvert import SlidesExporter

    nb = _executed(nb_path, cache_dir, timeout)
    nb = copy.deepcopy(nb)
    nb, _ = MystToSlides(cites=citation_labels(bib) if bib else None).preprocess(nb, {})
    exporter = SlidesExporter(template_name="course_reveal", extra_template_basedirs=[str(TEMPLATES)])
    exporter.reveal_url_prefix = reveal_prefix
    exporter.require_js_url = require_js_url
    exporter.mathjax_url = mathjax_url
    exporter.reveal_theme = "white"  # its fonts ship with reveal.js (the "simple" theme loads web fonts)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": pathlib.Path(nb_path).stem}})
    out_path = pathlib.Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(body, encoding="utf-8")
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    return sum(k in ("slide", "subslide") for k in kinds)
