"""What the plots need to know about a run besides its snapshots.

``describe_run`` reads a freshly built trainer once, in the GUI thread, before
the trainer is handed to the worker: the data points to scatter, the layer
names, and where to evaluate the network for the decision-boundary view.
``compute_view`` is the worker-side half: it asks the trainer for the network's
output on that grid between chunks of training (the numerics stay in core).

The decision boundary is evaluated on GRID_POINTS x GRID_POINTS points spanning
the current data set (training and validation points, plus a margin) and drawn as
a bilinearly interpolated image (playground.plots.boundary): no cells show, and
the grid costs the training thread what it did before.

For the network view (playground.network) it also keeps what that view computes
on in its own thread, from the snapshots' weights: the network's spec, the
preprocessed inputs of the neuron-map grids (MAP_POINTS per axis for the small
maps, FOCUS_POINTS for the enlarged one, over the same range as the boundary),
the validation inputs, and CURVATURE_ROWS training rows with their targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.data.preprocessing import covariance_ellipse
from core.nn.spec import NetworkSpec
from core.train.status import RunStatus

GRID_POINTS = 80  # per axis, drawn interpolated: smooth, and cheap at ~4 Hz
CURVE_POINTS = 200
MAP_POINTS = 40  # per axis of a neuron's small map
FOCUS_POINTS = 80  # ... of the enlarged one (drawn interpolated)
CURVATURE_ROWS = 120  # training rows the curvature is estimated on (120 x 32 x 32: no BLAS)


@dataclass(frozen=True)
class ViewSpec:
    """Where to evaluate the network: a 2-D grid or a 1-D line, in raw input units."""

    kind: str  # "grid" or "curve"
    xs: np.ndarray
    ys: np.ndarray | None = None


@dataclass(frozen=True)
class View:
    """Network output on a ViewSpec: z has shape (len(ys), len(xs)) or (len(xs),)."""

    spec: ViewSpec
    z: np.ndarray


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    layer_names: tuple[str, ...]
    hidden_names: tuple[str, ...]
    task: str
    n_classes: int
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    train_X: np.ndarray  # raw inputs (before preprocessing)
    train_y: np.ndarray
    val_X: np.ndarray
    val_y: np.ndarray
    train_X_pre: np.ndarray  # after preprocessing, for the before/after scatter
    preprocessing: tuple[str, ...]
    ellipse_raw: np.ndarray | None  # covariance ellipses of the first two features
    ellipse_pre: np.ndarray | None
    view_spec: ViewSpec | None
    step: int = 0  # where the run starts (a file may hold a trained run)
    epoch: int = 0
    # For the network view (see the module docstring).
    network_spec: NetworkSpec | None = None
    val_X_pre: np.ndarray | None = None
    map_spec: ViewSpec | None = None  # raw-unit axes of the small maps ...
    map_points: np.ndarray | None = None  # ... and their preprocessed inputs (G², 2)
    focus_spec: ViewSpec | None = None
    focus_points: np.ndarray | None = None
    curvature_X: np.ndarray | None = None
    curvature_y: np.ndarray | None = None


def _bounds(X: np.ndarray, margin: float = 0.1) -> tuple[float, float]:
    lo, hi = float(np.min(X)), float(np.max(X))
    pad = margin * max(hi - lo, 1e-6)
    return lo - pad, hi + pad


def _view_spec(X: np.ndarray, points: int = GRID_POINTS) -> ViewSpec | None:
    """Where to draw the prediction for the data set's points ``X`` (raw units): a
    grid of ``points`` per axis over their range (2 inputs), a line (1 input)."""
    if X.shape[0] == 0:
        return None
    if X.shape[1] == 2:
        (x0, x1), (y0, y1) = _bounds(X[:, 0]), _bounds(X[:, 1])
        return ViewSpec("grid", np.linspace(x0, x1, points), np.linspace(y0, y1, points))
    if X.shape[1] == 1:
        x0, x1 = _bounds(X[:, 0])
        return ViewSpec("curve", np.linspace(x0, x1, CURVE_POINTS))
    return None


def grid_points(spec: ViewSpec) -> np.ndarray:
    """The (len(ys) * len(xs), 2) points of a grid spec, row-major with y outer (as
    ``Trainer.predict_grid`` and the neuron maps lay them out)."""
    gx, gy = np.meshgrid(spec.xs, spec.ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _network_view_data(trainer, X_all: np.ndarray) -> dict:
    """The RunInfo fields of the network view (see the module docstring)."""
    data = trainer.data
    n = data.train.X.shape[0]
    rows = np.unique(np.linspace(0, n - 1, min(n, CURVATURE_ROWS)).astype(np.int64))
    out = {"network_spec": trainer.network.spec, "val_X_pre": np.asarray(data.val.X),
           "curvature_X": np.array(data.train.X[rows]),
           "curvature_y": np.array(trainer.y_train[rows])}
    if X_all.shape[1] == 2:
        for key, points in (("map", MAP_POINTS), ("focus", FOCUS_POINTS)):
            spec = _view_spec(X_all, points)
            out[f"{key}_spec"] = spec
            out[f"{key}_points"] = np.asarray(data.pipeline.transform(grid_points(spec)),
                                              dtype=np.float64)
    return out


def _ellipse(X: np.ndarray) -> np.ndarray | None:
    if X.shape[1] < 2 or X.shape[0] < 2:
        return None
    try:
        return covariance_ellipse(X[:, :2])
    except ValueError:
        return None


def describe_run(trainer, run_id: int, config) -> RunInfo:
    """Everything static about ``trainer``'s run (call before handing it to the worker)."""
    data = trainer.data
    net = trainer.network
    hidden = tuple(b.name for b in net.blocks if b.activation is not None)
    raw_X = np.asarray(data.train_raw_X)
    # the view's range is the whole current data set's: validation points included
    all_X = np.concatenate([raw_X, np.asarray(data.val_raw_X)]) if len(data.val_raw_X) else raw_X
    return RunInfo(
        run_id=run_id, layer_names=tuple(net.layer_names), hidden_names=hidden,
        task=data.raw.task, n_classes=data.raw.n_classes, class_names=data.raw.class_names,
        feature_names=data.raw.feature_names,
        train_X=raw_X, train_y=np.asarray(data.train.y),
        val_X=np.asarray(data.val_raw_X), val_y=np.asarray(data.val.y),
        train_X_pre=np.asarray(data.train.X),
        preprocessing=tuple(s.name for s in config.data.preprocessing),
        ellipse_raw=_ellipse(raw_X), ellipse_pre=_ellipse(np.asarray(data.train.X)),
        view_spec=_view_spec(all_X), step=int(trainer.step), epoch=int(trainer.epoch),
        **_network_view_data(trainer, all_X))


def compute_view(trainer, spec: ViewSpec | None) -> View | None:
    """The network's output over ``spec`` (worker thread, between chunks)."""
    if spec is None or trainer.status == RunStatus.DIVERGED:
        return None  # non-finite weights: keep showing the last sane prediction
    with np.errstate(all="ignore"):  # huge (not yet infinite) weights may overflow
        if spec.kind == "grid":
            return View(spec, trainer.predict_grid(spec.xs, spec.ys))
        return View(spec, trainer.predict_raw(spec.xs.reshape(-1, 1))[:, 0].copy())
