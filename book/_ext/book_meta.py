"""Sphinx extension: the book's version, licence and citation, from one source each.

The version has one source, ``__version__`` in ``course_lib/__init__.py`` (``make release VERSION=x.y.z`` sets
it); the release date is ``date-released`` in ``CITATION.cff``; the repository is ``repository.url`` in
``_config.yml``. This extension

- sets Sphinx's ``version`` and ``release`` to the version;
- fills ``{version}``, ``{tag}`` (``v`` + version), ``{year}``, ``{repository}`` and ``{cite}`` (the relative link
  to the "Cite this book" page) in the footer text ``html.extra_footer`` of ``_config.yml``, on every page;
- replaces ``{{ version }}``, ``{{ tag }}``, ``{{ year }}`` and ``{{ repository }}`` in the front-matter pages
  (``book/*.md``) before they are parsed, so that they also reach code blocks such as the BibTeX entry of
  ``book/cite.md`` (MyST substitutions stop at code blocks).

The version is read from the file, not imported, so that the website shows the version of the sources it was
built from even where another ``course_lib`` is installed.
"""

from __future__ import annotations

import ast
import pathlib
import re

# The repository root: the first folder above this file that holds course_lib (the book is also built from a
# generated copy of its sources in _build/edition, see course_lib.grading.edition).
ROOT = next(p for p in pathlib.Path(__file__).resolve().parents if (p / "course_lib" / "__init__.py").is_file())
VERSION_FILE = ROOT / "course_lib" / "__init__.py"
CITATION_FILE = ROOT / "CITATION.cff"
CITE_PAGE = "book/cite"


def read_version(path: pathlib.Path = VERSION_FILE) -> str:
    """The string assigned to ``__version__`` in ``path`` (the single source of the version)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            value = ast.literal_eval(node.value)
            if not re.fullmatch(r"\d+\.\d+\.\d+", value):
                raise ValueError(f"__version__ in {path} must read MAJOR.MINOR.PATCH, got {value!r}.")
            return value
    raise ValueError(f"{path} assigns no __version__.")


def read_release_year(path: pathlib.Path = CITATION_FILE) -> str:
    """The year of ``date-released`` in CITATION.cff."""
    match = re.search(r"^date-released:\s*[\"']?(\d{4})-\d{2}-\d{2}", path.read_text(encoding="utf-8"), re.M)
    if not match:
        raise ValueError(f"{path} has no date-released: YYYY-MM-DD line.")
    return match.group(1)


def _values(app) -> dict[str, str]:
    version = read_version()
    repo = str((app.config.html_theme_options or {}).get("repository_url", "")).rstrip("/")
    return {"version": version, "tag": f"v{version}", "year": read_release_year(), "repository": repo}


def _set_version(app, config):
    version = read_version()
    config.version = version
    config.release = version


def _fill_sources(app, docname, source):
    if not docname.startswith("book/"):
        return
    text = source[0]
    for key, value in _values(app).items():
        text = re.sub(r"\{\{\s*" + key + r"\s*\}\}", lambda _m, v=value: v, text)
    source[0] = text


def _fill_footer(app, pagename, templatename, context, doctree):
    footer = context.get("theme_extra_footer")
    if not footer:
        return
    values = _values(app)
    values["cite"] = context["pathto"](CITE_PAGE)
    context["theme_extra_footer"] = footer.format(**values)


def setup(app):
    app.connect("config-inited", _set_version)
    app.connect("source-read", _fill_sources)
    app.connect("html-page-context", _fill_footer)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
