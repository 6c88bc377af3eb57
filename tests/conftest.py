"""Shared fixtures and settings of the test suite."""

import os
import pathlib

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root():
    """The repository root."""
    return ROOT
