"""Executed notebooks and deck building."""

from __future__ import annotations

import pathlib

import nbformat

from ._deck import build_slides, deck_html
from ._myst import Context, render_markdown

__all__ = ["build_deck", "executed", "myst_to_markdown"]


def myst_to_markdown(source, glue, refs, docname="index", links=True):
    """A MyST Markdown cell as plain Markdown, references resolved by ``refs`` (:class:`~._refs.References`)."""
    return render_markdown(source, Context(glue=glue, refs=refs, docname=docname, links=links))


def executed(nb_path, cache_dir=None, timeout=600):
    """The notebook with the outputs of the book's execution cache (executed here if it is not cached)."""
    nb = nbformat.read(nb_path, as_version=4)
    if cache_dir is not None and pathlib.Path(cache_dir).is_dir():
        from jupyter_cache import get_cache

        try:
            _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(nb)
            return merged
        except KeyError:
            pass  # not cached (or outdated): execute below
    from nbclient import NotebookClient

    from .._nbexec import install_shell_poll_slices

    install_shell_poll_slices()  # nbclient can sleep through a cell's timeout after widget cells
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(pathlib.Path(nb_path).parent)}}).execute()
    return nb


def build_deck(nb_path, out_path, *, refs, docname, cache_dir=None, timeout=600):
    """Write the curated reveal.js deck of one lecture notebook; returns its number of slides.

    Parameters
    ----------
    nb_path : path
        The lecture notebook (committed without outputs).
    out_path : path
        Target ``.slides.html`` file, in the website's ``slides/`` folder.
    refs : References
        The references of the built website (:meth:`~._refs.References.from_build`).
    docname : str
        The lecture's page on the website (``lectures/04_rmt/spectral_edge_tracy_widom``).
    cache_dir : path, optional
        The book's jupyter-cache folder; its outputs are reused when the notebook is unchanged.
    timeout : int
        Per-cell execution timeout in seconds when the notebook has to be executed.
    """
    nb = executed(nb_path, cache_dir, timeout)
    ctx = Context(glue={}, refs=refs, docname=docname, link_from="slides/" + pathlib.Path(nb_path).stem)
    slides = build_slides(nb, ctx)
    title = slides[0].title if slides else pathlib.Path(nb_path).stem
    out_path = pathlib.Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(deck_html(slides, title=title), encoding="utf-8")
    return len(slides)
