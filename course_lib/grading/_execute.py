"""Execute one notebook for grading: ``python -m course_lib.grading._execute IN OUT TIMEOUT``.

Runs in its own process (started by :mod:`course_lib.grading.grade`) and a fresh kernel. Every
cell may run at most TIMEOUT seconds (then it is interrupted and recorded as an error); the
notebook is written to OUT after every cell, with ``course_lib_ran`` set in the metadata of the
cells that ran, so that a notebook stopped from outside is graded on what it reached.
"""

from __future__ import annotations

import sys


def main(argv=None):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from .._nbexec import install_shell_poll_slices

    install_shell_poll_slices()  # nbclient can sleep through a cell's timeout after widget cells

    path_in, path_out, timeout = (argv or sys.argv[1:])[:3]
    nb = nbformat.read(path_in, as_version=4)
    nbformat.write(nb, path_out)
    client = NotebookClient(nb, timeout=int(timeout), allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", resources={"metadata": {"path": "."}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError:
                pass
            cell.metadata["course_lib_ran"] = True
            nbformat.write(nb, path_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
