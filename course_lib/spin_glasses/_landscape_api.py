"""Public names of the spherical p-spin and Hopfield lectures (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

__all__: list[str] = []
