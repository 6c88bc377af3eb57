"""The marks of a release: one version number, the reader/developer requirements split, Binder's configuration,
the licences, CITATION.cff, CHANGELOG.md, ``make release`` and the wheel and sdist of course_lib.

The execution of the reader notebooks in a fresh environment is in tests/reader/ (it needs ``make notebooks``).
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import shutil
import sys
import tarfile
import tomllib
import zipfile

import jsonschema
import nbformat
import pytest
import yaml

from release_tools import ROOT, build_dists, run, venv_over_current, version

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import book_meta  # noqa: E402
import release  # noqa: E402

SEMVER = re.compile(r"\d+\.\d+\.\d+")


def _reqs(name: str) -> dict[str, str]:
    """``{normalised name: version}`` of a requirements file, without its ``-r`` includes."""
    out = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        pkg, _, ver = line.partition("==")
        out[re.sub(r"[-_.]+", "-", pkg).lower()] = ver
    return out


# -- one version number ---------------------------------------------------------------------------------------


def test_version_has_one_source():
    v = version()
    assert SEMVER.fullmatch(v), f"__version__ must read MAJOR.MINOR.PATCH, got {v!r}"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"], "pyproject.toml must not write the version: it is dynamic"
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "course_lib.__version__"}
    assert book_meta.read_version() == v
    import course_lib

    assert course_lib.__version__ == v


def test_launch_buttons_citation_and_changelog_name_the_version():
    v = version()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["branch"] == f"v{v}", (
        f"_config.yml repository.branch is {config['repository']['branch']!r}: launch buttons and install cells must "
        f"point at the tag v{v} of the book's version (make release sets both)"
    )
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["version"] == v and cff["preferred-citation"]["edition"] == v
    changelog = (ROOT / "CHANGELOG.md").read_text()
    entry = re.search(rf"^## \[{re.escape(v)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", changelog, re.M)
    assert entry, f"CHANGELOG.md has no entry `## [{v}] - YYYY-MM-DD`"
    assert entry.group(1) == cff["date-released"], "CHANGELOG.md and CITATION.cff disagree on the release date"
    assert str(cff["preferred-citation"]["year"]) == entry.group(1)[:4]


def test_footer_and_cite_page_show_the_version_and_licences():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "book_meta" in config["sphinx"]["local_extensions"]
    footer = config["html"]["extra_footer"]
    for needle in ("{version}", "CC BY-SA 4.0", "creativecommons.org/licenses/by-sa/4.0", "MIT", "{cite}"):
        assert needle in footer
    context = {"theme_extra_footer": footer, "pathto": lambda doc: f"../{doc}.html"}

    class App:
        class config:
            html_theme_options = {"repository_url": config["repository"]["url"]}

    book_meta._fill_footer(App, "lectures/x", "page.html", context, None)
    filled = context["theme_extra_footer"]
    assert f"Version {version()}" in filled and 'href="../book/cite.html"' in filled
    assert f"/blob/v{version()}/LICENSE" in filled and "{" not in filled
    source = [(ROOT / "book" / "cite.md").read_text()]
    book_meta._fill_sources(App, "book/cite", source)
    assert "{{" not in source[0].replace("{{The Mathematics", "")
    bibtex = re.search(r"```bibtex\n(.*?)```", source[0], re.S).group(1)
    year = yaml.safe_load((ROOT / "CITATION.cff").read_text())["preferred-citation"]["year"]
    assert f"Version {version()}" in bibtex and f"year      = {{{year}}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}"), "unbalanced braces in the BibTeX entry"
    toc = (ROOT / "_toc.yml").read_text()
    assert "file: book/cite" in toc


# -- requirements: readers and developers ----------------------------------------------------------------------

READER_MUST = {"numpy", "scipy", "numba", "matplotlib", "ipykernel", "jupyterlab", "jupyterlab-myst", "jupyterlab-rise",
               "ipywidgets", "scikit-learn"}
DEV_ONLY = {"pytest", "nbval", "playwright", "nbgrader", "jupyter-book", "coverage", "sphinx", "myst-nb", "build",
            "pytest-xdist", "jupytext"}


def test_reader_requirements_are_lean_and_pinned():
    text = (ROOT / "requirements.txt").read_text()
    lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    # repo2docker installs a requirements file before copying the repository (and caches the result) only if it
    # names no local path: no -e, no ., no -r/-c (see repo2docker's is_local_pip_requirement)
    assert not [ln for ln in lines if ln.startswith("-") or ln.startswith((".", "/"))], "requirements.txt must name no local path"
    reqs = _reqs("requirements.txt")
    assert all(SEMVER.fullmatch(v) or re.fullmatch(r"[\w.]+", v) for v in reqs.values())
    assert all("==" in ln for ln in lines), "every reader requirement is pinned with =="
    assert READER_MUST <= reqs.keys(), f"missing from requirements.txt: {READER_MUST - reqs.keys()}"
    assert not DEV_ONLY & reqs.keys(), f"development tools in the reader's requirements.txt: {DEV_ONLY & reqs.keys()}"
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~;\[ ]", d)[0].lower() for d in deps}
    assert names <= reqs.keys(), f"course_lib's runtime dependencies must be in requirements.txt: {names - reqs.keys()}"


def test_dev_requirements_include_the_reader_ones():
    text = (ROOT / "requirements-dev.txt").read_text()
    lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    assert lines[0] == "-r requirements.txt"
    assert all("==" in ln for ln in lines[1:]), "every development requirement is pinned with =="
    dev, reader = _reqs("requirements-dev.txt"), _reqs("requirements.txt")
    assert not dev.keys() & reader.keys(), f"pinned twice: {sorted(dev.keys() & reader.keys())}"
    assert DEV_ONLY <= dev.keys(), f"missing from requirements-dev.txt: {DEV_ONLY - dev.keys()}"
    assert not [ln for ln in lines if ln.startswith("-e")] and "--no-deps -e ." in (ROOT / "Makefile").read_text()


def test_binder_configuration():
    binder = ROOT / "binder"
    # with a binder/ folder repo2docker reads only it (and does not treat the root pyproject.toml as a package to
    # install before everything else, which would disable its cache)
    assert (binder / "requirements.txt").read_bytes() == (ROOT / "requirements.txt").read_bytes(), (
        "binder/requirements.txt must be a copy of requirements.txt: cp requirements.txt binder/requirements.txt")
    assert re.fullmatch(r"python-3\.\d+\n?", (binder / "runtime.txt").read_text())
    post = (binder / "postBuild").read_text()
    assert post.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in post
    assert (binder / "postBuild").stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert re.search(r"^python -m pip install [^\n]*--no-deps \.$", post, re.M)
    assert "course_lib.grading.student homework student" in post
    pinned = re.search(r"nbgrader==(\S+)", post).group(1)
    assert pinned == _reqs("requirements-dev.txt")["nbgrader"], "binder/postBuild and requirements-dev.txt pin different nbgrader"
    for old in ("postBuild", "runtime.txt"):
        assert not (ROOT / old).exists(), f"{old} at the root is ignored by repo2docker once binder/ exists"


# -- licences, citation, changelog ------------------------------------------------------------------------------


def test_licences_are_stated():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    text = (ROOT / "LICENSE-text.md").read_text()
    assert "Attribution-ShareAlike 4.0 International" in text
    assert "https://creativecommons.org/licenses/by-sa/4.0/legalcode" in text
    readme = (ROOT / "README.md").read_text()
    for needle in ("LICENSE", "LICENSE-text.md", "CC BY-SA 4.0", "MIT", "CITATION.cff", "CHANGELOG.md"):
        assert needle in readme, f"README.md does not mention {needle}"
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "MIT"


CFF_SCHEMA = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text())


def _cff_errors(data) -> list[str]:
    validator = jsonschema.Draft7Validator(CFF_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_citation_cff_is_valid():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert data["cff-version"] == "1.2.0"
    assert not _cff_errors(data)
    # negative controls: the schema rejects what the CFF 1.2.0 specification rejects
    assert _cff_errors({k: v for k, v in data.items() if k != "authors"})
    assert _cff_errors({**data, "date-released": "7 December 2026"})
    assert _cff_errors({**data, "license": "MIT-ish"})


KEEP_A_CHANGELOG_KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_changelog_follows_keep_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog\n") and "keepachangelog.com/en/1.1.0" in text
    versions = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert versions and versions[0] == ("Unreleased", ""), "the first section is ## [Unreleased]"
    released = [v for v, _ in versions[1:]]
    assert released and all(SEMVER.fullmatch(v) for v in released)
    assert released == sorted(released, key=lambda v: tuple(map(int, v.split("."))), reverse=True), "newest first"
    assert len(re.findall(r"^## ", text, re.M)) == len(versions), "a version heading is malformed"
    kinds = set(re.findall(r"^### (\w+)$", text, re.M))
    assert kinds <= KEEP_A_CHANGELOG_KINDS, f"unknown change kinds {kinds - KEEP_A_CHANGELOG_KINDS}"
    for v in ["Unreleased", *released]:
        assert re.search(rf"^\[{re.escape(v)}\]: https://", text, re.M), f"no link reference for [{v}]"


# -- make release ----------------------------------------------------------------------------------------------


@pytest.fixture
def release_copy(tmp_path):
    """The files ``release.py bump`` edits, copied into a scratch repository."""
    for name in ("CHANGELOG.md", "_config.yml", "CITATION.cff", "course_lib/__init__.py", "LICENSE", "LICENSE-text.md",
                 "requirements.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def _next(v: str) -> str:
    major, minor, _ = map(int, v.split("."))
    return f"{major}.{minor + 1}.0"


def test_release_bump(release_copy):
    old, new = version(), _next(version())
    changelog = release_copy / "CHANGELOG.md"
    # Start from an empty [Unreleased] section, whatever the working tree has recorded there since the last release.
    head, rest = changelog.read_text().split("## [Unreleased]\n", 1)
    changelog.write_text(head + "## [Unreleased]\n\n" + rest[rest.index("## ["):])
    with pytest.raises(ValueError, match=r"nothing under \[Unreleased\]"):
        release.bump(new, "2030-01-31", root=release_copy)
    changelog.write_text(changelog.read_text().replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- A typo.\n", 1))
    with pytest.raises(ValueError, match=f"newer than the current version {old}"):
        release.bump(old, "2030-01-31", root=release_copy)
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        release.bump("1.0", "2030-01-31", root=release_copy)
    before = {p: p.read_text() for p in release_copy.rglob("*") if p.is_file()}
    release.bump(new, "2030-01-31", root=release_copy)
    assert release.current_version(release_copy) == new
    config = yaml.safe_load((release_copy / "_config.yml").read_text())
    assert config["repository"]["branch"] == f"v{new}"
    cff = yaml.safe_load((release_copy / "CITATION.cff").read_text())
    assert (cff["version"], cff["date-released"], cff["preferred-citation"]["year"]) == (new, "2030-01-31", 2030)
    assert not _cff_errors(cff)
    text = changelog.read_text()
    assert re.search(rf"## \[Unreleased\]\n\n## \[{new}\] - 2030-01-31\n\n### Fixed\n\n- A typo.\n\n## \[{old}\]", text)
    assert f"[Unreleased]: {config['repository']['url']}/compare/v{new}...HEAD" in text
    assert f"[{new}]: {config['repository']['url']}/compare/v{old}...v{new}" in text
    # nothing else changed: comments of _config.yml and CITATION.cff survive
    changed = {p.name for p, t in before.items() if p.read_text() != t}
    assert changed == {"CHANGELOG.md", "_config.yml", "CITATION.cff", "__init__.py"}
    assert (release_copy / "_config.yml").read_text().count("\n") == before[release_copy / "_config.yml"].count("\n")


def _reader_notebook(path: pathlib.Path, tag: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"# pip install 'course_lib @ git+https://example.org/course@{tag}'"),
                nbformat.v4.new_markdown_cell("**Theorem 1.1.** Text.")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_release_notebooks_branch(release_copy, tmp_path):
    src, dest = tmp_path / "notebooks", tmp_path / "branch"
    tag = f"v{release.current_version(release_copy)}"
    _reader_notebook(src / "lectures" / "01_erm" / "a.ipynb", tag)
    _reader_notebook(src / "homework" / "hw01.ipynb", "v0.0.1")
    with pytest.raises(ValueError, match=r"1 reader notebook\(s\) does not install course_lib"):
        release.notebooks_branch(src, dest, root=release_copy)
    _reader_notebook(src / "homework" / "hw01.ipynb", tag)
    assert release.notebooks_branch(src, dest, root=release_copy) == 2
    files = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert files == ["CITATION.cff", "LICENSE", "LICENSE-text.md", "README.md", "homework/hw01.ipynb",
                     "lectures/01_erm/a.ipynb", "requirements.txt"]
    assert tag in (dest / "README.md").read_text()
    with pytest.raises(ValueError, match="holds no notebook"):
        release.notebooks_branch(tmp_path / "empty", dest, root=release_copy)


def test_makefile_release_target():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^release:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "Makefile has no release target"
    body = recipe.group(1)
    for step in ("release.py bump $(VERSION)", "$(MAKE) notebooks", "release.py notebooks-branch", "-m build"):
        assert step in body, f"make release does not run {step!r}"


# -- the wheel and the sdist ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("build") is None, reason="`build` is in requirements-dev.txt: run make env")
def test_wheel_and_sdist_install_and_pass_the_library_tests(tmp_path):
    """``python -m build`` makes an sdist and, from it, a wheel; the wheel, installed outside the source tree into
    an environment without the editable course_lib, passes tests/test_erm.py."""
    wheel, sdist = build_dists(tmp_path / "dist")
    v = version()
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = zf.read(f"course_lib-{v}.dist-info/METADATA").decode()
    assert f"course_lib-{v}.dist-info/licenses/LICENSE" in names
    assert "course_lib/teacher_student/dynamics/data/matrix_tensor_reference_runs.npz" in names
    assert "course_lib/slides/tags.json" in names
    assert f"\nVersion: {v}\n" in metadata and "\nLicense-Expression: MIT\n" in metadata
    assert {"Requires-Dist: numpy", "Requires-Dist: scipy", "Requires-Dist: numba", "Requires-Dist: matplotlib"} <= set(
        metadata.splitlines())
    with tarfile.open(sdist) as tf:
        members = set(tf.getnames())
    assert {f"course_lib-{v}/pyproject.toml", f"course_lib-{v}/LICENSE", f"course_lib-{v}/course_lib/__init__.py"} <= members

    python = venv_over_current(tmp_path / "venv")
    outside = tmp_path / "outside"
    (outside / "tests").mkdir(parents=True)
    probe = run([python, "-c", "import importlib.util; print(importlib.util.find_spec('course_lib'))"], cwd=outside)
    assert probe.stdout.strip() == "None", f"course_lib is importable before the wheel is installed: {probe.stdout}"
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel], cwd=outside)
    found = run([python, "-c", "import course_lib, course_lib.erm, course_lib.teacher_student.dynamics, "
                 "course_lib.grading; print(course_lib.__version__, course_lib.__file__)"], cwd=outside).stdout.split()
    assert found[0] == v and str(tmp_path / "venv") in found[1], f"imported {found}, not the installed wheel"
    for name in ("conftest.py", "test_erm.py"):
        shutil.copy2(ROOT / "tests" / name, outside / "tests" / name)
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", "--rootdir", outside,
                  outside / "tests" / "test_erm.py"], cwd=outside)
    assert re.search(r"\d+ passed", result.stdout) and " failed" not in result.stdout, result.stdout[-2000:]
