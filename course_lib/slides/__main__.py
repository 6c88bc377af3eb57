"""``python -m course_lib.slides LECTURES SITE --vendor VENDOR [--cache CACHE]``."""

from __future__ import annotations

import argparse
import pathlib
import shutil
import sys

from ._convert import build_deck


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the reveal.js decks of the lectures into SITE/slides.")
    parser.add_argument("lectures", type=pathlib.Path, help="folder of the lecture notebooks (searched recursively)")
    parser.add_argument("site", type=pathlib.Path, help="the built website, e.g. _build/html")
    parser.add_argument("--vendor", type=pathlib.Path, required=True,
                        help="folder holding reveal.js/ and require.js (from the npm registry)")
    parser.add_argument("--cache", type=pathlib.Path, default=None, help="the book's jupyter-cache folder")
    parser.add_argument("--bib", type=pathlib.Path, default=None, help="the book's BibTeX file (citation labels)")
    args = parser.parse_args(argv)
    if not (args.site / "_static" / "mathjax" / "tex-chtml.js").is_file():
        parser.error(f"{args.site} has no _static/mathjax: build the book first (make book)")
    reveal = args.vendor / "reveal.js"
    if not (reveal / "dist" / "reveal.js").is_file() or not (args.vendor / "require.js").is_file():
        parser.error(f"{args.vendor} must hold reveal.js/dist/reveal.js and require.js")
    out = args.site / "slides"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(reveal / "dist", out / "reveal.js" / "dist", dirs_exist_ok=True)
    shutil.copytree(reveal / "plugin" / "notes", out / "reveal.js" / "plugin" / "notes", dirs_exist_ok=True)
    shutil.copy2(args.vendor / "require.js", out / "require.js")
    notebooks = sorted(p for p in args.lectures.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        parser.error(f"no lecture notebooks under {args.lectures}")
    for nb in notebooks:
        n = build_deck(nb, out / f"{nb.stem}.slides.html", cache_dir=args.cache, bib=args.bib)
        print(f"slides: {out / (nb.stem + '.slides.html')} ({n} slides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
