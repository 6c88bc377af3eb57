"""Shared fixtures and settings of the test suite."""

import os
import pathlib

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]

# nbclient (the homework, reader and slide tests execute notebooks with it) can sleep through a cell's whole
# timeout after ipywidgets cells (jupyter/nbclient#312): poll the shell channel in slices instead.
from course_lib._nbexec import install_shell_poll_slices  # noqa: E402

install_shell_poll_slices()


@pytest.fixture(scope="session")
def root():
    """The repository root."""
    return ROOT
