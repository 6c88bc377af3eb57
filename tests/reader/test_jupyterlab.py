"""JupyterLab of the reader environment (what Binder serves) renders the book's MyST: a theorem with its number, a
numbered equation and a reference to it, typeset maths; with the Binder settings of binder/postBuild applied.

JupyterLab runs from the fresh reader environment on a free loopback port; Debian's Chromium opens it. Without
Chromium the test skips on a laptop and fails when CI=true (like tests/browser). Screenshots land in
``_build/screenshots/jupyterlab-*.png``.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import socket
import subprocess
import time
import urllib.request

import nbformat
import pytest

from release_tools import ROOT, run

SCREENSHOTS = ROOT / "_build" / "screenshots"
READER = ROOT / "_build" / "notebooks"
REAL_LECTURE = "lectures/04_rmt/spectral_edge_tracy_widom.ipynb"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

MYST = """# A page of the book, as MyST

:::{prf:theorem} Edge of the Gaussian ensembles
:label: thm-edge-test

The largest eigenvalue converges: $\\lambda_{\\max} \\to 2$.
:::

```{note}
An admonition.
```

$$ a^2 + b^2 = c^2 $$ (eq-test)

See {prf:ref}`thm-edge-test` and {eq}`eq-test`.
"""


def _chromium():
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and pathlib.Path(candidate).exists():
            return candidate
    message = "Chromium is missing: `sudo apt-get install chromium`, then `make test-reader`."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(reader_env, tmp_path):
    """JupyterLab of the reader environment serving ``tmp_path/root``; yields (url, root)."""
    jupyter = reader_env.python.parent / "jupyter"
    # the JupyterLab settings binder/postBuild applies
    for ext in ("@jupyterlab/mathjax3-extension", "@jupyterlab/apputils-extension:announcements"):
        run([jupyter, "labextension", "disable", "--level=sys_prefix", ext])
    root = tmp_path / "root"
    root.mkdir()
    port = _free_port()
    env = reader_env.kernel_env()
    env.update(HOME=str(tmp_path / "home"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen([jupyter, "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
                             "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
                time.sleep(1)
        else:
            pytest.fail("JupyterLab did not answer within 120 s")
        yield url, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _open(page, url: str, name: str):
    page.goto(f"{url}/lab/tree/{name}", wait_until="load", timeout=120_000)
    page.wait_for_selector(".jp-MarkdownCell", timeout=120_000)
    page.wait_for_timeout(3000)  # rendering and typesetting


@pytest.mark.slow
def test_jupyterlab_renders_myst(jupyterlab):
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    url, root = jupyterlab
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(MYST), nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "myst.ipynb")
    real = READER / REAL_LECTURE
    if real.is_file():
        shutil.copy2(real, root / "lecture.ipynb")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        _open(page, url, "myst.ipynb")
        text = page.inner_text(".jp-MarkdownCell")
        maths = page.locator(".jp-MarkdownCell mjx-container, .jp-MarkdownCell .katex").count()
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-myst.png"))
        if real.is_file():
            _open(page, url, "lecture.ipynb")
            page.screenshot(path=str(SCREENSHOTS / "jupyterlab-reader-lecture.png"))
        browser.close()
    assert "Theorem 1" in text and "Edge of the Gaussian ensembles" in text, f"theorem not rendered: {text[:300]!r}"
    assert ":::" not in text and "{prf:" not in text and "{eq}" not in text, f"raw MyST shown: {text[:300]!r}"
    assert "(1)" in text, "the equation reference is not numbered"
    assert maths >= 2, f"only {maths} typeset formulas"
    errors = [m for m in console if m.startswith("error")]
    assert not errors, f"console errors in JupyterLab: {errors[:3]}"
