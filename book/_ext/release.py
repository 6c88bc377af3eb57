"""Release steps of the book: ``make release VERSION=x.y.z`` runs them (see README, "Versions and releases").

``python book/_ext/release.py bump X.Y.Z [--date YYYY-MM-DD]``
    sets the one version number (``__version__`` in ``course_lib/__init__.py``, read by ``pyproject.toml`` and by
    the website), points the launch buttons and the notebooks' install cell at the tag ``vX.Y.Z``
    (``repository.branch`` in ``_config.yml``), updates ``CITATION.cff`` and turns the ``[Unreleased]`` section of
    ``CHANGELOG.md`` into the dated entry of X.Y.Z (it refuses an empty one: write what changed first).

``python book/_ext/release.py notebooks-branch SRC DEST``
    writes into DEST the tree published as the repository's ``notebooks`` branch, which Colab opens: the reader
    edition SRC (``_build/notebooks``, made by ``make notebooks``), a README, the licences, ``CITATION.cff`` and
    ``requirements.txt``. It refuses a reader edition whose install cells name another version.

Every file is edited as text, line by line, so that comments and layout survive.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
VERSION_RE = re.compile(r"\d+\.\d+\.\d+")


def _parse(version: str) -> tuple[int, int, int]:
    if not VERSION_RE.fullmatch(version):
        raise ValueError(f"VERSION must read MAJOR.MINOR.PATCH (e.g. 0.3.0), got {version!r}.")
    return tuple(int(p) for p in version.split("."))  # type: ignore[return-value]


def current_version(root: pathlib.Path = ROOT) -> str:
    """The version in ``course_lib/__init__.py``."""
    match = re.search(r'^__version__ = "([^"]+)"$', (root / "course_lib" / "__init__.py").read_text(), re.M)
    if not match:
        raise ValueError("course_lib/__init__.py has no line `__version__ = \"X.Y.Z\"`.")
    return match.group(1)


def repository_url(root: pathlib.Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``."""
    match = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", (root / "_config.yml").read_text(), re.M)
    if not match:
        raise ValueError("_config.yml has no repository.url.")
    return match.group(1).rstrip("/")


def _sub_once(pattern: str, repl: str, text: str, what: str) -> str:
    new, n = re.subn(pattern, lambda _m: repl, text, count=1, flags=re.M)
    if n != 1:
        raise ValueError(f"could not find {what}.")
    return new


def bump(version: str, date: str | None = None, root: pathlib.Path = ROOT) -> None:
    """Set the version to ``version`` everywhere it is written, and date its CHANGELOG entry."""
    old = current_version(root)
    if _parse(version) <= _parse(old):
        raise ValueError(f"VERSION must be newer than the current version {old}, got {version}.")
    date = date or _dt.date.today().isoformat()
    _dt.date.fromisoformat(date)  # raises on a malformed date
    tag = f"v{version}"

    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    match = re.search(r"^## \[Unreleased\]\s*\n(.*?)(?=^## \[|^\[Unreleased\]:|\Z)", text, re.M | re.S)
    if not match:
        raise ValueError("CHANGELOG.md has no `## [Unreleased]` section.")
    if not match.group(1).strip():
        raise ValueError("CHANGELOG.md has nothing under [Unreleased]: write what changed in this release first.")
    text = text[: match.start()] + f"## [Unreleased]\n\n## [{version}] - {date}\n\n{match.group(1).strip()}\n\n" + text[
        match.end():
    ]
    repo = repository_url(root)
    text = _sub_once(
        r"^\[Unreleased\]:.*$", f"[Unreleased]: {repo}/compare/{tag}...HEAD\n[{version}]: {repo}/compare/v{old}...{tag}",
        text, "the [Unreleased]: link at the end of CHANGELOG.md",
    )

    init = root / "course_lib" / "__init__.py"
    init_text = _sub_once(r'^__version__ = "[^"]+"$', f'__version__ = "{version}"', init.read_text(), "__version__")

    config = root / "_config.yml"
    config_text, n = re.subn(r"^(repository:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+branch:)[ \t]*\S+$",
                             lambda m: f"{m.group(1)} {tag}", config.read_text(), count=1, flags=re.M)
    if n != 1:
        raise ValueError("could not find repository.branch in _config.yml.")

    citation = root / "CITATION.cff"
    cff = citation.read_text(encoding="utf-8")
    cff = _sub_once(r'^version:.*$', f'version: "{version}"', cff, "version in CITATION.cff")
    cff = _sub_once(r'^date-released:.*$', f'date-released: "{date}"', cff, "date-released in CITATION.cff")
    cff = _sub_once(r'^(  edition:).*$', f'  edition: "{version}"', cff, "preferred-citation edition in CITATION.cff")
    cff = _sub_once(r'^(  year:).*$', f"  year: {date[:4]}", cff, "preferred-citation year in CITATION.cff")

    # every edit was checked before any file is written
    changelog.write_text(text, encoding="utf-8")
    init.write_text(init_text)
    config.write_text(config_text)
    citation.write_text(cff, encoding="utf-8")
    print(f"version {old} -> {version}; launch buttons and install cells -> tag {tag}; CHANGELOG entry dated {date}")


BRANCH_README = """# Mathematics of Deep Learning — reader notebooks, version {version}

This branch holds the *reader edition* of the lectures and the student homework of
[Mathematics of Deep Learning]({repo}) at tag [`{tag}`]({repo}/tree/{tag}): plain Jupyter notebooks that
JupyterLab, Colab and VS Code display without the book's MyST extensions. It is generated by `make release`
from the sources on the main branch; do not edit it by hand.

- **Colab**: the Colab buttons of the website open these files. The first cell of each notebook installs
  `course_lib` {version} (from the tag `{tag}`) when it is missing.
- **Locally**: `python -m pip install -r requirements.txt`, then open a notebook in JupyterLab; its first cell
  installs `course_lib`.

Text and figures: CC BY-SA 4.0 (`LICENSE-text.md`); code: MIT (`LICENSE`). How to cite: `CITATION.cff`.
"""


def notebooks_branch(src: pathlib.Path, dest: pathlib.Path, root: pathlib.Path = ROOT) -> int:
    """Write the ``notebooks`` branch tree into ``dest``; return the number of notebooks."""
    version = current_version(root)
    tag = f"v{version}"
    notebooks = sorted(src.rglob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"{src} holds no notebook: run `make notebooks` first.")
    import nbformat

    stale = []
    for path in notebooks:
        cells = nbformat.read(path, as_version=4).cells
        if not cells or f"@{tag}" not in "".join(cells[0].source):
            stale.append(str(path.relative_to(src)))
    if stale:
        raise ValueError(f"the first cell of {len(stale)} reader notebook(s) does not install course_lib @ {tag}: "
                         f"{stale[:3]}; run `make notebooks` again after the version bump.")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for name in ("LICENSE", "LICENSE-text.md", "CITATION.cff", "requirements.txt"):
        shutil.copy2(root / name, dest / name)
    (dest / "README.md").write_text(BRANCH_README.format(version=version, tag=tag, repo=repository_url(root)),
                                    encoding="utf-8")
    print(f"{len(notebooks)} reader notebooks of {tag} written to {dest} (publish it as the `notebooks` branch)")
    return len(notebooks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_bump = sub.add_parser("bump", help="set the version, the launch-button tag, CITATION.cff and CHANGELOG.md")
    p_bump.add_argument("version")
    p_bump.add_argument("--date", default=None, help="release date, YYYY-MM-DD (default: today)")
    p_branch = sub.add_parser("notebooks-branch", help="write the tree of the `notebooks` branch")
    p_branch.add_argument("src", type=pathlib.Path)
    p_branch.add_argument("dest", type=pathlib.Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "bump":
            bump(args.version, args.date)
        else:
            notebooks_branch(args.src, args.dest)
    except ValueError as exc:
        print(f"make release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
