"""Backward (generative) diffusion and the cloning experiment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_int, check_rng

__all__ = ["BackwardResult", "CloningResult", "backward_diffusion", "cloning_experiment", "probability_flow"]

_SCHEMES = ("euler", "exponential")


@dataclass(frozen=True)
class BackwardResult:
    """Endpoint of the backward dynamics and the states saved on the way.

    Attributes
    ----------
    x : ndarray, shape (N, d)
        State at the last time of the grid.
    t_saved : ndarray
        Times at which states were saved (a subset of the grid, in the order of the grid).
    saved : list of ndarray
        The states at ``t_saved``.
    n_steps : int
        Number of steps taken.

    Examples
    --------
    >>> from course_lib.diffusion import backward_diffusion
    >>> res = backward_diffusion(lambda x, t: -x, np.zeros((10, 1)), np.linspace(1.0, 0.0, 11), rng=0)
    >>> type(res).__name__, res.x.shape, res.n_steps
    ('BackwardResult', (10, 1), 10)
    """

    x: np.ndarray
    t_saved: np.ndarray
    saved: list
    n_steps: int


@dataclass(frozen=True)
class CloningResult:
    """Probability that two trajectories cloned at time ``t`` end with the same label.

    Attributes
    ----------
    t : ndarray
        Cloning times (grid points), decreasing.
    same : ndarray
        Fraction of cloned pairs whose endpoints carry the same label.
    stderr : ndarray
        Binomial standard error :math:`\\sqrt{\\hat p(1-\\hat p)/N}` of ``same``, floored at :math:`1/N` so that it is
        never zero when all (or no) pairs agree.
    n_pairs : int

    Examples
    --------
    >>> from course_lib.diffusion import cloning_experiment
    >>> res = cloning_experiment(lambda x, t: -x, np.zeros((50, 1)), np.linspace(2, 0, 21), [10],
    ...                          lambda x: (x[:, 0] > 0).astype(int), rng=0)
    >>> type(res).__name__, res.same.shape, res.n_pairs
    ('CloningResult', (1,), 50)
    """

    t: np.ndarray
    same: np.ndarray
    stderr: np.ndarray
    n_pairs: int


def _check_grid(t_grid):
    t_grid = check_array("t_grid", t_grid, ndim=1, min_len=2)
    if np.any(t_grid < 0) or np.any(np.diff(t_grid) >= 0):
        raise ValueError("`t_grid` must be strictly decreasing and >= 0 (backward time runs from T down to t_end), "
                         f"got min {t_grid.min():.3g} and largest step t[k+1] - t[k] = {np.diff(t_grid).max():.3g}.")
    return t_grid


def _check_scheme(scheme):
    if scheme not in _SCHEMES:
        raise ValueError(f"`scheme` must be one of {_SCHEMES}, got {scheme!r}.")
    return scheme


def _run(score, x, t_grid, start, scheme, rng, save_idx=()):
    saved = []
    save_idx = set(save_idx)
    if start in save_idx:
        saved.append(x.copy())
    for k in range(start, t_grid.size - 1):
        t, h = t_grid[k], t_grid[k] - t_grid[k + 1]
        s = np.asarray(score(x, t))
        if s.shape != x.shape:
            raise ValueError(f"`score` must return an array of the shape of x {x.shape}, got {s.shape}.")
        z = rng.standard_normal(x.shape)
        if scheme == "euler":
            x = x + h * (x + 2.0 * s) + np.sqrt(2.0 * h) * z
        else:
            eh = np.expm1(h)
            x = (1.0 + eh) * x + 2.0 * eh * s + np.sqrt(np.expm1(2.0 * h)) * z
        if k + 1 in save_idx:
            saved.append(x.copy())
    return x, saved


def backward_diffusion(score, x_T, t_grid, scheme="euler", rng=None, save_at=None):
    r"""Integrate the reverse-time SDE of the Ornstein--Uhlenbeck process from ``t_grid[0]`` down to ``t_grid[-1]``.

    If the forward process is :math:`dx = -x\,dt + \sqrt2\,dW` with marginals :math:`P_t`, then in reversed time
    :math:`\tau = T - t` the process :math:`y_\tau = x_{T-\tau}` solves (Anderson 1982)

    .. math:: dy_\tau = \bigl[y_\tau + 2\nabla\log P_{T-\tau}(y_\tau)\bigr]d\tau + \sqrt2\,d\bar W_\tau .

    With a step :math:`h = t_k - t_{k+1}` the schemes are

    * ``"euler"`` (Euler--Maruyama): :math:`y \leftarrow y + h\,(y + 2s) + \sqrt{2h}\,z`;
    * ``"exponential"`` (exact integration of the linear part): :math:`y \leftarrow e^{h}y + 2(e^{h} - 1)s + \sqrt{e^{2h} - 1}\,z`,

    with :math:`s = \nabla\log P_{t_k}(y)`; both have weak order one.

    Parameters
    ----------
    score : callable
        ``score(x, t)`` returning :math:`\nabla\log P_t(x)` for an array ``x`` of shape (N, d).
    x_T : array_like, shape (N, d)
        Initial states at time ``t_grid[0]`` (e.g. drawn from :math:`P_T` or from :math:`\mathcal N(0, I_d)`).
    t_grid : array_like
        Strictly decreasing times, >= 0.
    scheme : {"euler", "exponential"}
    rng : seed or numpy.random.Generator, optional
    save_at : array_like of int, optional
        Indices of ``t_grid`` at which to keep a copy of the states.

    Returns
    -------
    BackwardResult

    References
    ----------
    .. [1] B. D. O. Anderson, "Reverse-time diffusion equation models", Stoch. Proc. Appl. 12 (1982) 313-326.
    .. [2] Y. Song et al., "Score-based generative modeling through stochastic differential equations", ICLR 2021,
       arXiv:2011.13456 (the reverse-time SDE).

    Examples
    --------
    >>> res = backward_diffusion(lambda x, t: -x, np.zeros((2000, 1)), np.linspace(3.0, 0.0, 301), rng=0)
    >>> bool(abs(res.x.var() - 1.0) < 0.1)
    True
    """
    if not callable(score):
        raise TypeError(f"`score` must be callable as score(x, t), got {type(score).__name__}.")
    x = check_array("x_T", x_T, ndim=2)
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"`x_T` must hold at least one trajectory and one coordinate, got shape {x.shape}.")
    t_grid = _check_grid(t_grid)
    scheme = _check_scheme(scheme)
    idx = []
    if save_at is not None:
        idx = [check_int("save_at", int(i) if isinstance(i, np.integer) else i, minimum=0, maximum=t_grid.size - 1)
               for i in np.atleast_1d(save_at).tolist()]
    rng = check_rng(rng)
    x, saved = _run(score, x.copy(), t_grid, 0, scheme, rng, sorted(set(idx)))
    return BackwardResult(x=x, t_saved=t_grid[sorted(set(idx))], saved=saved, n_steps=t_grid.size - 1)


def cloning_experiment(score, x_T, t_grid, clone_idx, classify, scheme="euler", rng=None):
    r"""Probability that two backward trajectories cloned at time :math:`t` end with the same label.

    ``N`` trajectories run from ``t_grid[0]`` to ``t_grid[-1]``. At each cloning time :math:`t = ` ``t_grid[i]``,
    ``i`` in ``clone_idx``, a copy of every trajectory is made and continued to ``t_grid[-1]`` with independent noise.
    The estimate is the fraction of pairs (the original and its clone) whose endpoints get the same label from
    ``classify``. Given the state at time :math:`t`, the two endpoints are independent draws from the law of
    :math:`x_{t_{\rm end}}` conditioned on :math:`x_t`, which is what Biroli et al. measure.

    Parameters
    ----------
    score, x_T, t_grid, scheme, rng
        As in :func:`backward_diffusion`.
    clone_idx : array_like of int
        Indices into ``t_grid`` of the cloning times (0 < i < len(t_grid) - 1).
    classify : callable
        ``classify(x)`` returning one integer label per row of ``x``.

    Returns
    -------
    CloningResult

    References
    ----------
    .. [1] G. Biroli, T. Bonnaire, V. de Bortoli, M. Mezard, Nat. Commun. 15, 9957 (2024), arXiv:2402.18491,
       the cloning protocol of the section on speciation.

    Examples
    --------
    >>> res = cloning_experiment(lambda x, t: -x, np.zeros((500, 1)), np.linspace(2, 0, 41), [20],
    ...                          lambda x: (x[:, 0] > 0).astype(int), rng=0)
    >>> bool(0.4 < res.same[0] < 0.9)
    True
    """
    if not callable(score):
        raise TypeError(f"`score` must be callable as score(x, t), got {type(score).__name__}.")
    if not callable(classify):
        raise TypeError(f"`classify` must be callable as classify(x), got {type(classify).__name__}.")
    x = check_array("x_T", x_T, ndim=2)
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"`x_T` must hold at least one trajectory and one coordinate, got shape {x.shape}.")
    t_grid = _check_grid(t_grid)
    scheme = _check_scheme(scheme)
    idx = np.atleast_1d(np.asarray(clone_idx))
    if idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"`clone_idx` must be a non-empty array of integer indices into `t_grid`, got dtype {idx.dtype} "
                        f"and size {idx.size}.")
    if np.any(idx < 1) or np.any(idx > t_grid.size - 2):
        raise ValueError(f"`clone_idx` must lie in [1, {t_grid.size - 2}] (strictly inside the grid), got {idx.tolist()}.")
    idx = np.unique(idx)
    rng = check_rng(rng)
    end, saved = _run(score, x.copy(), t_grid, 0, scheme, rng, idx.tolist())
    lab_main = np.asarray(classify(end))
    if lab_main.shape != (x.shape[0],):
        raise ValueError(f"`classify` must return one label per trajectory, shape ({x.shape[0]},), got {lab_main.shape}.")
    same = np.empty(idx.size)
    for j, (i, xi) in enumerate(zip(idx.tolist(), saved)):
        end_clone, _ = _run(score, xi, t_grid, i, scheme, rng)
        same[j] = np.mean(np.asarray(classify(end_clone)) == lab_main)
    stderr = np.sqrt(np.clip(same * (1 - same), 1.0 / x.shape[0], None) / x.shape[0])
    return CloningResult(t=t_grid[idx], same=same, stderr=stderr, n_pairs=x.shape[0])


_FLOW_SCHEMES = ("euler", "heun")


def probability_flow(score, x_T, t_grid, scheme="heun", save_at=None):
    r"""Integrate the probability-flow ODE of the Ornstein--Uhlenbeck process from ``t_grid[0]`` down to ``t_grid[-1]``.

    In reversed time :math:`\tau = T - t` the ODE is (Song et al. 2021)

    .. math:: \frac{dy_\tau}{d\tau} = y_\tau + \nabla\log P_{T-\tau}(y_\tau);

    started from :math:`P_T` it has the same marginals :math:`P_t` as the forward process, but no noise: the map from
    :math:`y_0` to the endpoint is deterministic. With a step :math:`h = t_k - t_{k+1}` and
    :math:`v(y, t) = y + \nabla\log P_t(y)` the schemes are

    * ``"euler"``: :math:`y \leftarrow y + h\,v(y, t_k)` (order one);
    * ``"heun"``: :math:`\tilde y = y + h\,v(y, t_k)`, :math:`y \leftarrow y + \frac h2\bigl(v(y, t_k) + v(\tilde y, t_{k+1})\bigr)`
      (order two).

    Parameters
    ----------
    score : callable
        ``score(x, t)`` returning :math:`\nabla\log P_t(x)` for ``x`` of shape (N, d).
    x_T : array_like, shape (N, d)
        Initial states at time ``t_grid[0]``.
    t_grid : array_like
        Strictly decreasing times, >= 0 (with ``"heun"`` the score is also evaluated at ``t_grid[-1]``).
    scheme : {"heun", "euler"}
    save_at : array_like of int, optional
        Indices of ``t_grid`` at which to keep a copy of the states.

    Returns
    -------
    BackwardResult

    Raises
    ------
    FloatingPointError
        If the states become non-finite (reduce the step).

    References
    ----------
    .. [1] Y. Song et al., "Score-based generative modeling through stochastic differential equations", ICLR 2021,
       arXiv:2011.13456, Eq. (13) (the probability-flow ODE).

    Examples
    --------
    >>> res = probability_flow(lambda x, t: -x, np.array([[0.5], [-1.0]]), np.linspace(2.0, 0.0, 21))
    >>> res.x.tolist()   # data N(0, 1) is stationary: the flow does not move
    [[0.5], [-1.0]]
    """
    if not callable(score):
        raise TypeError(f"`score` must be callable as score(x, t), got {type(score).__name__}.")
    x = check_array("x_T", x_T, ndim=2)
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"`x_T` must hold at least one trajectory and one coordinate, got shape {x.shape}.")
    t_grid = _check_grid(t_grid)
    if scheme not in _FLOW_SCHEMES:
        raise ValueError(f"`scheme` must be one of {_FLOW_SCHEMES}, got {scheme!r}.")
    idx = []
    if save_at is not None:
        idx = sorted({check_int("save_at", int(i) if isinstance(i, np.integer) else i, minimum=0,
                                maximum=t_grid.size - 1) for i in np.atleast_1d(save_at).tolist()})
    x = x.copy()
    saved = [x.copy()] if 0 in idx else []

    def vel(y, t):
        s = np.asarray(score(y, t), dtype=float)
        if s.shape != y.shape:
            raise ValueError(f"`score` must return an array of the shape of x {y.shape}, got {s.shape}.")
        return y + s

    for k in range(t_grid.size - 1):
        t, h = t_grid[k], t_grid[k] - t_grid[k + 1]
        with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported below, naming what to change
            v1 = vel(x, t)
            if scheme == "euler":
                x = x + h * v1
            else:
                v2 = vel(x + h * v1, t_grid[k + 1])
                x = x + 0.5 * h * (v1 + v2)
        if not np.all(np.isfinite(x)):
            raise FloatingPointError(f"the probability flow diverged at t = {t_grid[k + 1]:.3g}: reduce the step of "
                                     "`t_grid` or check `score`.")
        if k + 1 in idx:
            saved.append(x.copy())
    return BackwardResult(x=x, t_saved=t_grid[idx], saved=saved, n_steps=t_grid.size - 1)
