"""Apply the slide tags of ``tags.json`` to the lecture notebooks, by cell id (idempotent).

The deck of a lecture is chosen by rules (:mod:`._deck`); where a lecture needs a different choice,
its cells carry tags (:data:`~._deck.TAGS`). The tags live in the notebooks' cell metadata; this
file lists them so that they can be re-applied after the notebooks' text is edited elsewhere:
``python -m course_lib.slides tag`` sets, in every notebook named in ``tags.json``, exactly the
``slides-*`` tags given there (removing other ``slides-*`` tags) and rewrites only notebooks that change.
"""

from __future__ import annotations

import json
import pathlib

import nbformat

from ._deck import TAGS

__all__ = ["TAGS_FILE", "apply_tags"]

TAGS_FILE = pathlib.Path(__file__).with_name("tags.json")


def apply_tags(root, tags_file=TAGS_FILE, *, check=False):
    """Set the ``slides-*`` tags of ``tags_file`` in the notebooks under ``root``.

    Returns
    -------
    list of str
        The notebooks that changed (with ``check=True``: that would change; nothing is written).

    Raises
    ------
    KeyError
        If a notebook has no cell with a listed id.
    ValueError
        If a tag is not one of :data:`~._deck.TAGS`.
    """
    spec = json.loads(pathlib.Path(tags_file).read_text(encoding="utf-8"))
    changed = []
    for rel, cells in sorted(spec.items()):
        if rel.startswith("_"):
            continue
        path = pathlib.Path(root) / rel
        nb = nbformat.read(path, as_version=4)
        ids = {c.get("id") for c in nb.cells}
        missing = sorted(set(cells) - ids)
        if missing:
            raise KeyError(f"{rel}: no cell with id {missing} (tags.json is out of date)")
        dirty = False
        for cell in nb.cells:
            want = cells.get(cell.get("id"), [])
            bad = [t for t in want if t not in TAGS]
            if bad:
                raise ValueError(f"{rel}, cell {cell.id}: unknown slide tag(s) {bad}; allowed: {sorted(TAGS)}")
            old = list(cell.metadata.get("tags", []))
            new = [t for t in old if not t.startswith("slides-")] + [t for t in want if t not in old or True]
            new = list(dict.fromkeys(new))
            if new != old:
                dirty = True
                if new:
                    cell.metadata["tags"] = new
                else:
                    cell.metadata.pop("tags", None)
        if dirty:
            changed.append(rel)
            if not check:
                nbformat.write(nb, path)
    return changed
