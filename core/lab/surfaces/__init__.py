"""2-D test surfaces on which the optimizers race (the lecture's "Comparison" slide).

Every surface has an analytic value f(x, y), gradient ∇f and Hessian ∇²f for one
point ``p`` of shape (2,), and a vectorised ``value_grid(X, Y)`` (plain NumPy) for
contour plots over a meshgrid. The surfaces are tiny, so they are written in
plain Python/NumPy; numba buys nothing here.

Each :class:`Surface` also carries what the lab view needs: its known minima
(and saddle points), a view window, a classic start point, a label and formula
for the legend, log-spaced contour levels, and per-surface default
hyper-parameters for every optimizer (tuned so each one behaves reasonably
within a few hundred steps from the default start; see the notes at each table).

Usage::

    s = SURFACES.get("beale")                   # defaults
    q = make_surface("ill_conditioned", condition=200.0, angle=30.0)
    s.value((1.0, 1.5)), s.gradient(p), s.hessian(p)
    Z = s.value_grid(*np.meshgrid(xs, ys))
    levels = s.log_levels(30)
    hyper = s.hyper_for("adam")                 # a fresh dict for create("adam", **hyper)

Surfaces (references in each factory's docstring): Rosenbrock (1960), Beale
(1958), Himmelblau (1972), the saddle x² − y², an ill-conditioned
quadratic (a long narrow valley, condition number κ adjustable), Rastrigin (1974).

Modules: ``surface`` (the :class:`Surface` type), ``factory`` (the registry
``SURFACES``, ``make_surface``, ``surface_options``), ``classic`` (Rosenbrock,
Beale, Himmelblau, Rastrigin) and ``quadratic`` (the saddle, the long valley).
"""

from __future__ import annotations

from core.lab.surfaces import classic, quadratic  # noqa: F401 - importing registers them
from core.lab.surfaces.classic import HIMMELBLAU_MAXIMUM
from core.lab.surfaces.factory import SURFACES, factory_names, make_surface, surface_options
from core.lab.surfaces.surface import Surface

__all__ = ["HIMMELBLAU_MAXIMUM", "SURFACES", "Surface", "make_surface", "surface_options"]

#: The order of the surface menu (and of ``SURFACES.names()``).
_MENU = ("rosenbrock", "beale", "himmelblau", "saddle", "ill_conditioned", "rastrigin")

# sorted by the menu: a new factory without a place in it fails here (ValueError)
for _name in sorted(factory_names(), key=_MENU.index):
    SURFACES.register(_name, make_surface(_name))
del _name
