"""``python -m course_lib.slides {decks,pdf,notebooks,tag} …`` (run by ``make slides`` and ``make notebooks``).

* ``decks LECTURES SITE --vendor VENDOR [--cache CACHE] [--bib BIB] [--doctrees DOCTREES]``: the curated
  reveal.js deck of every lecture into ``SITE/slides/NAME.slides.html`` (the browser may still split a slide
  that is too tall, so the final count is the deck's own, ``Reveal.getTotalSlides()``);
* ``pdf SITE/slides``: the PDF handout of every deck, one page per slide, next to it;
* ``notebooks OUT --lectures DIR --student DIR [--site SITE] …``: the reader edition of the lectures and of
  the student homework into ``OUT`` (and the lectures' into ``SITE/_sources``, behind the download buttons);
* ``tag [--check]``: apply ``course_lib/slides/tags.json`` to the lecture notebooks.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sys

ROOT = pathlib.Path.cwd()


def _refs(args, base_url=None):
    from ._refs import References

    return References.from_build(args.doctrees, bib=args.bib, base_url=base_url)


def _config(path):
    import yaml

    return yaml.safe_load(pathlib.Path(path).read_text(encoding="utf-8")) if pathlib.Path(path).is_file() else {}


def _docname(nb_path, root):
    return pathlib.Path(nb_path).resolve().relative_to(pathlib.Path(root).resolve()).with_suffix("").as_posix()


def cmd_decks(args):
    from ._convert import build_deck

    if not (args.site / "_static" / "mathjax" / "tex-chtml.js").is_file():
        sys.exit(f"{args.site} has no _static/mathjax: build the book first (make site)")
    reveal = args.vendor / "reveal.js"
    if not (reveal / "dist" / "reveal.js").is_file():
        sys.exit(f"{args.vendor} must hold reveal.js/dist/reveal.js")
    out = args.site / "slides"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(reveal / "dist", out / "reveal.js" / "dist", dirs_exist_ok=True)
    shutil.copytree(reveal / "plugin" / "notes", out / "reveal.js" / "plugin" / "notes", dirs_exist_ok=True)
    refs = _refs(args)
    notebooks = sorted(p for p in args.lectures.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        sys.exit(f"no lecture notebooks under {args.lectures}")
    counts = {}
    for nb in notebooks:
        target = out / f"{nb.stem}.slides.html"
        counts[nb.stem] = build_deck(nb, target, refs=refs, docname=_docname(nb, args.root), cache_dir=args.cache)
        print(f"slides: {target} ({counts[nb.stem]} slides)")
    return 0


def cmd_pdf(args):
    from ._pdf import chromium_path, write_pdfs

    decks = sorted(args.slides.glob("*.slides.html"))
    if chromium_path() is None:
        message = "no Chromium: the PDF handouts are not written (install it with `apt-get install chromium`)"
        if os.environ.get("CI", "").lower() == "true":
            sys.exit(message)
        print(f"warning: {message}")
        return 0
    for pdf, n in write_pdfs(decks).items():
        print(f"handout: {pdf} ({n} pages)")
    return 0


def cmd_notebooks(args):
    from ._convert import executed
    from ._myst import glue_outputs
    from ._reader import install_spec, reader_notebook

    import nbformat

    config = _config(args.root / "_config.yml")
    base_url = args.base_url or (config.get("html") or {}).get("baseurl") or None
    refs = _refs(args, base_url=base_url)
    spec = install_spec((config.get("repository") or {}).get("url", ""), _version(args.root))
    jobs = []
    for nb in sorted(p for p in args.lectures.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        jobs.append((nb, nb, _docname(nb, args.root)))
    if args.student is not None:
        for nb in sorted(args.student.glob("*.ipynb")):
            source = args.homework / nb.name
            jobs.append((nb, source, _docname(source, args.root)))
    for path, source, docname in jobs:
        nb = nbformat.read(path, as_version=4)
        glue = {}
        if "{glue:" in "".join(c.source for c in nb.cells if c.cell_type == "markdown"):
            glue = glue_outputs(executed(source, args.cache))
        reader = reader_notebook(nb, docname=docname, refs=refs, glue=glue, spec=spec)
        target = args.out / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(reader, target)
        print(f"reader notebook: {target}")
        if args.site is not None and docname.startswith("lectures/"):
            # behind the website's .ipynb download button of the lecture page
            dest = args.site / "_sources" / f"{docname}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, dest)
    return 0


def _version(root):
    try:
        from course_lib import __version__

        return __version__
    except ImportError:  # pragma: no cover - the package always has one
        import tomllib

        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def cmd_tag(args):
    from ._tags import apply_tags

    changed = apply_tags(args.root, check=args.check)
    for rel in changed:
        print(("would change: " if args.check else "tagged: ") + rel)
    if args.check and changed:
        return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_lib.slides", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=ROOT, help="the book's folder (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--doctrees", type=pathlib.Path, default=pathlib.Path("_build/.doctrees"),
                       help="the Sphinx doctrees of the built website (environment.pickle)")
        p.add_argument("--bib", type=pathlib.Path, default=pathlib.Path("book/references.bib"))
        p.add_argument("--cache", type=pathlib.Path, default=pathlib.Path("_build/.jupyter_cache"),
                       help="the book's jupyter-cache folder")

    d = sub.add_parser("decks", help="the reveal.js decks of the lectures")
    d.add_argument("lectures", type=pathlib.Path)
    d.add_argument("site", type=pathlib.Path)
    d.add_argument("--vendor", type=pathlib.Path, required=True, help="folder holding reveal.js/")
    common(d)
    d.set_defaults(func=cmd_decks)

    p = sub.add_parser("pdf", help="PDF handouts of the decks")
    p.add_argument("slides", type=pathlib.Path)
    p.set_defaults(func=cmd_pdf)

    n = sub.add_parser("notebooks", help="the reader edition of the notebooks")
    n.add_argument("out", type=pathlib.Path)
    n.add_argument("--lectures", type=pathlib.Path, default=pathlib.Path("lectures"))
    n.add_argument("--homework", type=pathlib.Path, default=pathlib.Path("homework"))
    n.add_argument("--student", type=pathlib.Path, default=None, help="the student edition of the homework")
    n.add_argument("--site", type=pathlib.Path, default=None, help="the built website (lecture downloads)")
    n.add_argument("--base-url", default=None, help="absolute URL of the website (default: html.baseurl)")
    common(n)
    n.set_defaults(func=cmd_notebooks)

    t = sub.add_parser("tag", help="apply course_lib/slides/tags.json to the notebooks")
    t.add_argument("--check", action="store_true", help="only report notebooks whose tags differ")
    t.set_defaults(func=cmd_tag)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
