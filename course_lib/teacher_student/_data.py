"""Teacher--student data for the GLM lectures."""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_int, check_real, check_rng
from ._channels import make_channel
from ._priors import make_prior

__all__ = ["glm_teacher_student_data", "teacher_student_data"]


def glm_teacher_student_data(n, p, prior="gaussian", channel="sign", noise=0.0, rng=None, dtype=np.float64):
    r"""Draw a teacher :math:`w_* \sim P_x^{\otimes p}`, inputs :math:`X_{i j} \sim \mathcal N(0, 1)` i.i.d. and labels
    :math:`y_i \sim P_{out}(\cdot \mid \langle x_i, w_*\rangle/\sqrt p)`.

    Parameters
    ----------
    n, p : int
        Number of samples and dimension (:math:`\alpha = n/p`).
    prior : {'gaussian', 'rademacher', 'gauss_bernoulli'} or Prior
    channel : {'sign', 'linear'}
    noise : float
        Variance :math:`\Delta` of the Gaussian noise on the pre-activation.
    rng : None, int or Generator
    dtype : {np.float64, np.float32}
        Of ``X``; the inputs are drawn directly in this precision, so ``np.float32`` halves the memory of large
        instances (its random stream differs from the ``np.float64`` one).

    Returns
    -------
    X : ndarray, shape (n, p)
    y : ndarray, shape (n,)
    w_star : ndarray, shape (p,)

    Raises
    ------
    ValueError
        For bad sizes, a negative ``noise``, an unknown prior or channel, or another ``dtype``.

    Examples
    --------
    >>> X, y, w = glm_teacher_student_data(4, 3, rng=0)
    >>> X.shape, sorted(set(y.tolist())) <= [-1.0, 1.0]
    ((4, 3), True)
    """
    n = check_int("n", n, minimum=1)
    p = check_int("p", p, minimum=1)
    noise = check_real("noise", noise, lower=0.0)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"`dtype` must be np.float64 or np.float32, got {dtype!r}.") from None
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"`dtype` must be np.float64 or np.float32, got {dtype!r}.")
    P = make_prior(prior)
    C = make_channel(channel, noise)
    rng = check_rng(rng)
    w_star = P.sample(p, rng)
    X = rng.standard_normal((n, p), dtype=np.dtype(dtype).type)
    z = (X @ w_star.astype(dtype)).astype(np.float64) / math.sqrt(p)
    return X, C.sample(z, rng), w_star


teacher_student_data = glm_teacher_student_data
