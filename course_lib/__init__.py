"""Solvers, samplers and checks for the course book *Mathematics of Deep Learning*.

One subpackage per part of the course:

- :mod:`course_lib.erm` -- empirical risk minimisation and the curse of dimensionality (Part I);
- :mod:`course_lib.approximation` -- universal approximation and depth separation (Part II);
- :mod:`course_lib.optimization` -- SGD and implicit bias (Part III);
- :mod:`course_lib.kernels` -- the lazy/NTK regime, double descent, benign overfitting (Part III);
- :mod:`course_lib.rmt` -- random matrices: bulk, edge, spikes, deep-network Jacobians and Hessians (Part IV);
- :mod:`course_lib.spin_glasses` -- Curie-Weiss, SK and Parisi, spherical p-spin, Hopfield (Part V);
- :mod:`course_lib.teacher_student` -- perceptron, GLM replica formula and AMP, committee machine (Part VI),
  with :mod:`course_lib.teacher_student.dynamics` -- online SGD, hidden manifold, DMFT (Part VI);
- :mod:`course_lib.diffusion` -- score-based diffusion and the speciation transition (Part VII);
- :mod:`course_lib.sweep` -- parameter sweeps (grid x seeds) on the local cores or a Dask cluster, resumable;
- :mod:`course_lib.plotting` -- the one figure style of the book;
- :mod:`course_lib.grading` -- checks used by the homework notebooks;
- :mod:`course_lib.slides` -- the lectures as reveal.js decks.

Notebooks import only the public names re-exported by each subpackage.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
