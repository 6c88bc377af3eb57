"""Public names of the online-SGD (Saad-Solla) and hidden-manifold lectures (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

__all__: list[str] = []
