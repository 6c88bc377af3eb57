"""Public names of the cavity/TAP/AMP lecture (owned by one author; re-exported by the package `__init__`).

Every name listed in `__all__` here becomes part of the public API of the package.
"""

from ._sk_amp import SKAMPRun, SKAMPStateEvolution, sk_amp, sk_amp_state_evolution

__all__: list[str] = ["SKAMPRun", "SKAMPStateEvolution", "sk_amp", "sk_amp_state_evolution"]
