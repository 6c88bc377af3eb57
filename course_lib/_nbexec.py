"""Execute notebooks with nbclient, without its intermittent stall after ipywidgets cells.

nbclient waits for a cell's ``execute_reply`` with one ``await socket.poll(timeout)`` on the shell channel
(``jupyter_client.channels.AsyncZMQSocketChannel.get_msg``). After cells that open widget comms
(``ipywidgets.interact``) that wait intermittently misses the reply's arrival: the kernel is idle, the reply is
queued, and the client sleeps until the whole cell timeout expires (jupyter/nbclient#312, jupyter/nbconvert#2029;
seen here in ``make bench`` and in one book build: 611 s and 1200 s lost in a single cell). When the timed poll
finally returns, pyzmq re-checks the socket and finds the reply, so the cell "succeeds" late.

:func:`install_shell_poll_slices` replaces that single long poll by polls of at most ``slice_s`` seconds until the
same deadline, so a missed wake-up costs at most one slice. Nothing else changes (same messages, same order, same
timeouts). Used by ``book/_ext/preexecute.py``, ``bench`` and :mod:`course_lib.precompile`.
"""

from __future__ import annotations

import time
from pathlib import Path
from queue import Empty

__all__ = ["install_shell_poll_slices", "execute_notebook"]

_SLICE_S = 0.5


def install_shell_poll_slices(slice_s: float = _SLICE_S) -> None:
    """Make ``AsyncZMQSocketChannel.get_msg`` poll in slices of at most ``slice_s`` seconds (idempotent)."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    if not slice_s > 0:
        raise ValueError(f"`slice_s` must be positive, got {slice_s!r}.")
    if getattr(AsyncZMQSocketChannel.get_msg, "_course_lib_slices", None) == slice_s:
        return
    original = getattr(AsyncZMQSocketChannel.get_msg, "_course_lib_original", AsyncZMQSocketChannel.get_msg)

    async def get_msg(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_s if deadline is None else max(0.0, min(slice_s, deadline - time.monotonic()))
            if await self.socket.poll(int(left * 1000)):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty

    get_msg._course_lib_slices = slice_s
    get_msg._course_lib_original = original
    AsyncZMQSocketChannel.get_msg = get_msg


def execute_notebook(path, timeout: int = 600, nb=None):
    """Execute the notebook at ``path`` in its own directory (``nb``: an already read notebook to execute instead).

    Returns ``(notebook, seconds)``; raises what nbclient raises (``CellExecutionError``, ``CellTimeoutError``)."""
    import nbformat
    from nbclient import NotebookClient

    install_shell_poll_slices()
    path = Path(path)
    if nb is None:
        nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb, time.perf_counter() - t0
