"""MyST Markdown of the book, parsed into blocks and written back as plain Markdown.

The lectures use a small, fixed part of MyST: ``(label)=`` targets, ``$$ … $$ (label)`` equations,
colon-fenced directives (``prf:*`` of sphinx-proof, ``exercise``/``solution`` of sphinx-exercise,
``admonition``), back-tick ``glue:figure`` directives and the roles ``{eq}``, ``{prf:ref}``,
``{numref}``, ``{ref}``, ``{doc}``, ``{cite}`` and ``{glue:text}``. :func:`parse` turns a cell into
:class:`Block` objects; :func:`render_markdown` writes them as Markdown that JupyterLab, Colab and
VS Code render, with every reference printed as the number the website shows
(:class:`~course_lib.slides._refs.References`) and linked to the website's page.
"""

from __future__ import annotations

import base64
import dataclasses
import re

__all__ = ["Block", "Context", "LEFTOVER_PATTERNS", "parse", "render_markdown", "resolve_inline", "leftovers",
           "PROOF_KINDS", "glue_outputs", "glue_text"]

#: sphinx-proof and sphinx-exercise directives whose title carries a number on the website.
PROOF_KINDS = {
    "prf:definition": "Definition", "prf:theorem": "Theorem", "prf:proposition": "Proposition",
    "prf:lemma": "Lemma", "prf:corollary": "Corollary", "prf:remark": "Remark", "prf:example": "Example",
    "prf:conjecture": "Conjecture", "prf:assumption": "Assumption", "prf:algorithm": "Algorithm",
    "prf:axiom": "Axiom", "prf:property": "Property", "prf:observation": "Observation",
    "prf:criterion": "Criterion", "prf:notation": "Notation", "exercise": "Exercise",
}

_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*?)\s*$")
_PLAIN_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>[^`{]*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_MATH_LABEL = re.compile(r"^(?P<body>.*?)\$\$\s*(?:\((?P<label>[^()\s]+)\))?\s*$", re.S)
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<content>[^`]*)`")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_GLUE_PREFIX = "application/papermill.record/"

#: What must not survive in converted text: roles, directive fences, targets, options, labelled equations.
LEFTOVER_PATTERNS = {
    "role": re.compile(r"\{[\w:-]+\}`"),
    "directive": re.compile(r"(?:^|\n)\s*(?::{3,}|`{3,})\{"),
    "target": re.compile(r"(?:^|\n)\s*\([\w:.-]+\)=\s*(?:\n|$)"),
    "option": re.compile(r"(?:^|\n):(?:label|class|name|nonumber):"),
    "labelled equation": re.compile(r"\$\$\s*\([\w:.-]+\)"),
    "closing fence": re.compile(r"(?:^|\n):{3,}\s*(?:\n|$)"),
}


def leftovers(text):
    """Names of the MyST/Sphinx constructs (:data:`LEFTOVER_PATTERNS`) still present in ``text``."""
    return sorted(name for name, pattern in LEFTOVER_PATTERNS.items() if pattern.search(text))


@dataclasses.dataclass
class Block:
    """One block of a MyST cell.

    ``kind`` is ``"heading"`` (``text``, ``level``), ``"target"`` (``label``), ``"math"`` (``text`` is the
    LaTeX, ``label`` the equation label or ""), ``"directive"`` (``name``, ``arg``, ``options`` and the parsed
    body in ``children``; the raw body in ``text``), ``"fence"`` (a code block kept verbatim in ``text``) or
    ``"text"`` (a paragraph, list or table, Markdown in ``text``).
    """

    kind: str
    text: str = ""
    level: int = 0
    label: str = ""
    name: str = ""
    arg: str = ""
    options: dict = dataclasses.field(default_factory=dict)
    children: list = dataclasses.field(default_factory=list)

    @property
    def classes(self):
        return self.options.get("class", "").split()


def _dedent(lines, indent):
    return [ln[len(indent):] if ln.startswith(indent) else ln.lstrip() for ln in lines]


def parse(source):
    """Parse one MyST Markdown cell into a list of :class:`Block`.

    Raises
    ------
    ValueError
        If a directive or a display equation is not closed.
    """
    lines = source.split("\n")
    blocks, para = [], []

    def flush():
        if any(ln.strip() for ln in para):
            blocks.append(Block("text", text="\n".join(para).strip("\n")))
        para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        m = _OPEN.match(line)
        if m:
            flush()
            fence, name, indent = m.group("fence"), m.group("name"), m.group("indent")
            close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
            j = i + 1
            options = {}
            while j < len(lines) and _OPTION.match(lines[j]):
                o = _OPTION.match(lines[j])
                options[o.group("key")] = o.group("value")
                j += 1
            body = []
            while j < len(lines):
                if close.match(lines[j]):
                    break
                body.append(lines[j])
                j += 1
            else:
                raise ValueError(f"unclosed MyST directive {name!r} (opened by {line.strip()!r})")
            body = _dedent(body, indent)
            raw = "\n".join(body).strip("\n")
            children = [] if name in ("code", "code-block", "code-cell", "math") else parse(raw)
            blocks.append(Block("directive", text=raw, name=name, arg=m.group("arg"), options=options,
                                children=children, label=options.get("label", options.get("name", ""))))
            i = j + 1
            continue
        fm = _PLAIN_FENCE.match(line)
        if fm and not para:
            flush()
            fence = fm.group("fence")
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                j += 1
            blocks.append(Block("fence", text="\n".join(lines[i:j + 1])))
            i = j + 1
            continue
        tm = _TARGET.match(line)
        if tm:
            flush()
            blocks.append(Block("target", label=tm.group("label")))
            i += 1
            continue
        hm = _HEADING.match(line)
        if hm and not para:
            flush()
            blocks.append(Block("heading", text=hm.group("text"), level=len(hm.group("hashes"))))
            i += 1
            continue
        if stripped.startswith("$$"):
            flush()
            rest = stripped[2:]
            chunk = []
            j = i
            while True:
                if "$$" in rest:
                    mm = _MATH_LABEL.match(rest)
                    if mm is None:
                        raise ValueError(f"cannot read the display equation ending in {rest!r}")
                    chunk.append(mm.group("body"))
                    label = mm.group("label") or ""
                    break
                chunk.append(rest)
                j += 1
                if j >= len(lines):
                    raise ValueError(f"unclosed display equation starting {stripped[:40]!r}")
                rest = lines[j]
            blocks.append(Block("math", text="\n".join(chunk).strip("\n"), label=label))
            i = j + 1
            continue
        if not stripped:
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return blocks


# --------------------------------------------------------------------------------------------- glue

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


def glue_text(glue, spec):
    """The text that ``{glue:text}`name:fmt``` shows: the glued value, formatted with ``fmt`` if given."""
    key, _, fmt = spec.partition(":")
    if key not in glue:
        raise KeyError(f"{{glue:text}} refers to {key!r}, which the notebook never glued")
    text = glue[key].get("text/plain", "")
    if fmt:
        try:
            return format(float(text), fmt)
        except ValueError:
            pass
    return text.strip("'\"")


def glue_png(glue, name):
    """The base64 PNG of a glued figure."""
    bundle = glue.get(name)
    if bundle is None or "image/png" not in bundle:
        raise KeyError(f"{{glue:figure}} refers to {name!r}, which the notebook never glued as a figure")
    png = bundle["image/png"]
    return (png if isinstance(png, str) else base64.b64encode(png).decode()).strip()


# --------------------------------------------------------------------------------------------- inline

@dataclasses.dataclass
class Context:
    """What conversion needs besides the text: glued values, the references of the site, where we are.

    ``docname`` is the page of the source on the website (``lectures/04_rmt/spectral_edge_tracy_widom``);
    ``link_from`` is the page the links are written relative to (the same for reader notebooks, the deck's
    ``slides/NAME`` for decks); ``links`` says whether references become Markdown links.
    """

    glue: dict
    refs: object
    docname: str
    link_from: str | None = None
    links: bool = True

    def link(self, text, docname, anchor=""):
        if not self.links:
            return text
        url = self.refs.url(docname, anchor, self.link_from or self.docname)
        return f"[{text}]({url})"


def _explicit(content):
    m = _EXPLICIT.match(content.strip())
    if m:
        return m.group("text").strip(), m.group("target").strip()
    return None, content.strip()


def resolve_inline(text, ctx):
    """Replace every role of ``text`` by plain Markdown (numbers and titles of the website, linked)."""
    refs = ctx.refs

    def role(m):
        name, content = m.group("role"), m.group("content")
        if name == "glue:text" or name == "glue":
            return glue_text(ctx.glue, content.strip())
        if name in ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts", "cite:author", "cite:year"):
            parts = []
            for key in (k.strip() for k in content.split(",") if k.strip()):
                label = refs.citation(key)
                parts.append(ctx.link(label, refs.bibliography_doc, refs.citation_anchor(key)))
            return "; ".join(parts)
        if name == "math":
            return f"${content}$"
        explicit, target = _explicit(content)
        if name == "doc":
            docname = refs.doc_name(target, ctx.docname)
            return ctx.link(explicit or refs.doc_title(docname), docname)
        if name == "download":
            return explicit or target
        t = refs.target(target)
        if name == "eq":
            shown = explicit or f"({t.number})"
        elif name == "prf:ref":
            shown = explicit or t.numbered_title
        elif name == "numref":
            fmt = explicit or t.numref_format
            shown = fmt.replace("%s", t.number).replace("{number}", t.number).replace("{name}", t.title)
        elif name == "ref":
            shown = explicit or t.ref_text
        else:
            raise ValueError(f"the role {{{name}}} is not supported by the converter")
        return ctx.link(shown, t.docname, t.anchor)

    return _ROLE.sub(role, text)


# --------------------------------------------------------------------------------------------- markdown

def numbered_title(block, ctx):
    """``Theorem 9.1 (Edge of the Gaussian ensembles)`` for a sphinx-proof or exercise block."""
    kind = PROOF_KINDS[block.name]
    number = ""
    if block.label and "nonumber" not in block.options:
        number = ctx.refs.target(block.label).number
    title = f"{kind} {number}".strip()
    arg = resolve_inline(block.arg, _no_links(ctx)) if block.arg else ""
    return f"{title} ({arg})" if arg else title


def _no_links(ctx):
    return dataclasses.replace(ctx, links=False)


def math_with_tag(block, ctx):
    """The LaTeX of a display equation, with ``\\tag{9.2}`` where the website numbers it."""
    body = block.text.strip()
    if block.label:
        body = f"{body} \\tag{{{ctx.refs.target(block.label).number}}}"
    return body


def figure_caption(block, ctx):
    """``Fig. 9.1`` and the caption of a ``glue:figure`` (Markdown)."""
    caption = "\n".join(_render_blocks(block.children, ctx)).strip()
    label = block.options.get("name", "")
    number = ctx.refs.target(label).numref_text if label and ctx.refs.has(label) else ""
    return number, caption


def _render_blocks(blocks, ctx):
    out = []
    for b in blocks:
        out.extend(_render_block(b, ctx))
    return out


def _quote(lines):
    return [("> " + ln) if ln.strip() else ">" for ln in "\n".join(lines).split("\n")]


def _render_block(b, ctx):
    if b.kind == "target":
        return []
    if b.kind == "heading":
        return ["#" * b.level + " " + resolve_inline(b.text, _no_links(ctx)), ""]
    if b.kind == "text":
        return [resolve_inline(b.text, ctx), ""]
    if b.kind == "fence":
        return [b.text, ""]
    if b.kind == "math":
        return ["$$", math_with_tag(b, ctx), "$$", ""]
    # directives
    body = _render_blocks(b.children, ctx)
    while body and not body[-1].strip():
        body.pop()
    if b.name in PROOF_KINDS:
        head = f"**{numbered_title(b, ctx)}.**"
        return _merge_head(head, body) + [""]
    if b.name == "prf:proof":
        return _merge_head("*Proof.*", body + ["", "$\\square$"]) + [""]
    if b.name == "solution":
        target = ctx.refs.target(b.arg.strip()) if b.arg.strip() and ctx.refs.has(b.arg.strip()) else None
        title = f"Solution to {target.numbered_title}" if target else "Solution"
        return [f"<details>\n<summary>{title}</summary>", "", *body, "", "</details>", ""]
    if b.name == "glue:figure":
        number, caption = figure_caption(b, ctx)
        head = f"**{number}.**" if number else ""
        return [f"{head} {caption}".strip(), ""]
    if b.name in ("code", "code-block", "code-cell"):
        return [f"```{b.arg}", b.text, "```", ""]
    if b.name == "math":
        return ["$$", b.text, "$$", ""]
    title = resolve_inline(b.arg, _no_links(ctx)) if b.arg else b.name.capitalize()
    if "dropdown" in b.classes:
        return [f"<details>\n<summary>{title}</summary>", "", *body, "", "</details>", ""]
    return _quote([f"**{title}**", ""] + body) + [""]


def _merge_head(head, body):
    """Put a bold run-in title in front of the first paragraph, as the website does."""
    if body and body[0].strip() and not body[0].lstrip().startswith(("$$", "-", "*", "1.", "|", ">", "<", "#")):
        return [f"{head} {body[0]}", *body[1:]]
    return [head, "", *body]


def render_markdown(source, ctx):
    """A MyST Markdown cell as plain Markdown (see the module docstring)."""
    lines = _render_blocks(parse(source), ctx)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n" if text.strip() else ""
