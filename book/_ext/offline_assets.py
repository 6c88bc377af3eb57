"""Sphinx extension: an offline website that links to the slides and the student homework.

MathJax 3 comes from a pinned package of the Python registry (``django-static-mathjax``, which
ships MathJax's ``es5`` distribution as package data; nothing of Django is used). At the end of an
HTML build its files are copied to ``_build/html/_static/mathjax/``, and ``mathjax_path`` (set in
``_config.yml``) points there, so no page of the site loads a script from a CDN.
"""

from __future__ import annotations

import base64
import mimetypes
import pathlib
import shutil

#: What MathJax's tex-chtml component needs at run time: the bundle, the components it loads
#: lazily (TeX extensions, accessibility, the menu, the speech engine) and the CHTML fonts.
MATHJAX_FILES = ("tex-chtml.js", "a11y", "adaptors", "input", "output", "sre", "ui")


def mathjax_source() -> pathlib.Path:
    """The ``es5`` folder of the installed MathJax distribution."""
    try:
        import mathjax  # the django-static-mathjax package
    except ImportError as exc:  # pragma: no cover - the requirement is pinned
        raise RuntimeError("MathJax is not installed: run `make book` (it installs requirements.txt).") from exc
    src = pathlib.Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (src / "tex-chtml.js").is_file():
        raise RuntimeError(f"MathJax's tex-chtml.js was not found under {src}.")
    return src


def _check_config(app, config):
    path = config.mathjax_path
    if path.startswith(("http://", "https://", "//")):
        raise ValueError(f"mathjax_path must point into the built site for offline reading, got {path!r}.")


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    src = mathjax_source()
    dest = pathlib.Path(app.outdir) / "_static" / "mathjax"
    dest.mkdir(parents=True, exist_ok=True)
    for name in MATHJAX_FILES:
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name, dirs_exist_ok=True)
        else:
            shutil.copy2(src / name, dest / name)


# sphinx-book-theme's head script sets data-mode to "" on a first visit (empty localStorage), which
# pydata-sphinx-theme then reports as a console error before falling back to "auto"; start at "auto".
_THEME_MODE_JS = 'if (!document.documentElement.dataset.mode) { document.documentElement.dataset.mode = "auto"; }'


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated identical scripts.

    sphinx-thebe and sphinx-togglebutton register their inline configuration twice (once with
    filename None, once with ""), which redeclares a ``const`` and raises a JavaScript error on
    every page.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # an inline script may be registered with filename None or "" (same script, two spellings)
        name = str(getattr(js, "filename", js) or "")
        key = (name, tuple(sorted((k, str(v)) for k, v in getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def _binder_url(app, path):
    """Binder link opening ``path`` (relative to the repository root) in JupyterLab."""
    opts = app.config.html_theme_options or {}
    repo = str(opts.get("repository_url", "")).rstrip("/")
    hub = str((opts.get("launch_buttons") or {}).get("binderhub_url", "")).rstrip("/")
    if not repo.startswith("https://github.com/") or not hub:
        return None
    org_repo = repo.removeprefix("https://github.com/")
    branch = opts.get("repository_branch", "main")
    return f"{hub}/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/{path}"


def _delivery_links(app, pagename, templatename, context, doctree):
    """Link each lecture to its slide deck and each homework to its student edition.

    The decks (``slides/NAME.slides.html``) and student notebooks (``student/NAME.ipynb``) are
    written next to the site by ``make book``; the browser tests check that the links resolve.
    """
    body = context.get("body")
    if not body or "</h1>" not in body:
        return
    up = "../" * pagename.count("/")
    name = pagename.rsplit("/", 1)[-1]
    if pagename.startswith("lectures/"):
        links = [f'<a class="reference external" href="{up}slides/{name}.slides.html">Present this lecture (slides)</a>',
                 f'<a class="reference external" href="{up}slides/{name}.slides.pdf">PDF handout</a>']
    elif pagename.startswith("homework/"):
        links = [f'<a class="reference external" href="{up}student/{name}.ipynb" download>Download the student edition</a>']
        binder = _binder_url(app, f"student/{name}.ipynb")
        if binder:
            links.append(f'<a class="reference external" href="{binder}">open it on Binder</a>')
    else:
        return
    block = '<p class="delivery-links">' + " · ".join(links) + "</p>"
    context["body"] = body.replace("</h1>", "</h1>\n" + block, 1)



def _write_root_redirect(app, exception):
    """Write the site's ``index.html``: a redirect to the root page that also names the favicon.

    sphinx-external-toc writes a bare ``<meta http-equiv="Refresh">`` when ``index.html`` is missing;
    a browser opening that page asks for ``/favicon.ico``, which does not exist (a 404 in the console).
    This handler runs first and writes the redirect with the icon inlined as a ``data:`` URL: the page then makes no
    request at all (a linked icon was fetched while the redirect navigated away, and Chromium aborted the request).
    """
    if exception is not None or app.builder.format != "html":
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    icon = ""
    if app.config.html_favicon:
        path = pathlib.Path(app.srcdir, app.config.html_favicon)
        mime = mimetypes.guess_type(path.name)[0] or "image/x-icon"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        icon = f'<link rel="icon" href="data:{mime};base64,{data}">'
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Refresh" content="0; url={target}" />\n{icon}\n'
        f"<title>{app.config.html_title or app.config.project}</title>\n</head>\n"
        f'<body><p><a href="{target}">{app.config.html_title or app.config.project}</a></p></body>\n</html>\n'
    )
    pathlib.Path(app.outdir, "index.html").write_text(html, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _check_config)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.connect("html-page-context", _dedupe_scripts)
    app.connect("html-page-context", _delivery_links)
    app.add_js_file(None, body=_THEME_MODE_JS, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
