"""The reader edition: plain-Jupyter notebooks for JupyterLab, Colab, VS Code and downloads.

``python -m course_lib.slides notebooks`` (run by ``make notebooks``) writes into ``_build/notebooks/``,
in the layout of the sources, every lecture and the student edition of every homework with

* every MyST construct as Markdown that any Jupyter front end renders (:func:`~._myst.render_markdown`):
  numbered, bold-titled theorem/definition/exercise blocks, references and citations as the website's
  numbers linked to the website's pages, admonitions as quotes and dropdowns as ``<details>``;
* ``from myst_nb import glue`` replaced by a small stand-in that shows glued figures under the cell
  that draws them (:data:`GLUE_SHIM`); no ``myst_nb`` import is left;
* a first cell that installs ``course_lib`` where it is not importable (:func:`install_cell`).
"""

from __future__ import annotations

import copy
import pathlib
import re

import nbformat

from ._myst import Context, leftovers, render_markdown

__all__ = ["GLUE_SHIM", "install_cell", "install_spec", "reader_notebook", "notebook_leftovers"]

#: Stands in for ``myst_nb.glue`` outside the website. Figures drawn with pyplot appear under their
#: cell anyway (the inline backend shows them); any other figure is displayed; other values only with
#: ``display=True``, as myst-nb does.
GLUE_SHIM = '''def glue(name, value, display=True):
    """Stand-in for the glue of myst-nb (the website's way to put a value into its text): shows figures here."""
    import matplotlib.pyplot as plt
    from IPython.display import display as _show
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        if not plt.fignum_exists(getattr(value, "number", -1)):  # pyplot shows its own figures
            _show(value)
    elif display:
        _show(value)'''

_GLUE_IMPORT = re.compile(r"^from myst_nb import glue\s*$", re.M)
INSTALL_CELL_ID = "install-course-lib"


def install_spec(repository_url, version):
    """The pip requirement of ``course_lib`` at the book's version, from the book's repository."""
    return f"course_lib @ git+{repository_url.rstrip('/')}@v{version}"


def install_cell(spec):
    """The first cell of every reader notebook: install ``course_lib`` only where it is missing.

    ``COURSE_LIB_SPEC`` (an environment variable) replaces ``spec``, e.g. by a local wheel in tests.
    """
    source = f'''# Installs the book's library course_lib where it is missing (e.g. on Colab); does nothing elsewhere.
import importlib, os, subprocess, sys
try:
    import course_lib
except ImportError:
    spec = os.environ.get("COURSE_LIB_SPEC", {spec!r})
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", spec])
    importlib.invalidate_caches()
    import course_lib
print("course_lib", course_lib.__version__)'''
    cell = nbformat.v4.new_code_cell(source)
    cell.id = INSTALL_CELL_ID
    cell.metadata = {"tags": ["remove-cell"], "slideshow": {"slide_type": "skip"}}
    return cell


def reader_notebook(nb, *, docname, refs, glue=None, spec):
    """The reader edition of a notebook (a new NotebookNode, without outputs).

    Parameters
    ----------
    nb : NotebookNode
        The source (a lecture, or the student edition of a homework).
    docname : str
        Its page on the website (``lectures/04_rmt/spectral_edge_tracy_widom``).
    refs : References
        The references of the built website.
    glue : dict, optional
        Glued values of the executed notebook (:func:`~._myst.glue_outputs`), for ``{glue:text}``.
    spec : str
        The pip requirement of ``course_lib`` for the install cell.
    """
    nb = copy.deepcopy(nb)
    ctx = Context(glue=glue or {}, refs=refs, docname=docname, link_from=docname)
    cells = [install_cell(spec)]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = render_markdown(cell.source, ctx).rstrip("\n")
        elif cell.cell_type == "code":
            cell.source = _GLUE_IMPORT.sub("\n" + GLUE_SHIM.replace("\\", "\\\\") + "\n\n", cell.source).strip("\n")
            if "myst_nb" in cell.source:
                raise ValueError(f"{docname}: a code cell uses myst_nb beyond `from myst_nb import glue`")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb


def notebook_leftovers(nb):
    """``[(cell index, construct)]`` of MyST/Sphinx syntax left in the markdown cells, and myst_nb imports."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found.extend((i, name) for name in leftovers(cell.source))
        elif "myst_nb" in cell.source:
            found.append((i, "myst_nb import"))
    return found
