"""What the network view draws, computed from one snapshot's weights (no Qt here).

An ``Analyst`` belongs to one run and is used by one thread (the view's analysis
thread, playground.network.analysis): it keeps a private ``Network`` built from the
run's spec, copies a snapshot's weights into it and asks the core
(core.nn.units, core.nn.curvature) for

- the units to draw: every unit of a layer up to MAX_UNITS, else the MAX_UNITS most
  active ones (largest mean |h| on the training split) and a count of the rest;
  up to MAX_HIDDEN_DRAWN hidden layers, else the first and the last half of them;
- each drawn unit's output over the input plane (2-D data: a map on the run's
  MAP_POINTS grid) or its histogram over the validation split (other data);
- dead and saturated units of every hidden layer (on the training split), with
  their counts over the steps analysed;
- the mean |diagonal of the Hessian| per layer (Hutchinson, CURVATURE_PROBES
  probes per layer on run_info.CURVATURE_ROWS training rows) at evaluation steps;
- PReLU's learned slope per unit.

Everything is returned as an immutable ``Picture``; the view formats and draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.common.rng import stream
from core.nn import activations as act
from core.nn import units
from core.nn.curvature import layer_curvature
from core.nn.network import Network
from core.train.history import Series
from playground.session.run_info import RunInfo

MAX_UNITS = 16  # units drawn per layer
MAX_HIDDEN_DRAWN = 16  # hidden layers drawn (deeper: the first and the last 8)
HIST_BINS = 16
CURVATURE_PROBES = 8  # per layer: 2 * 8 gradients on CURVATURE_ROWS rows per layer
CURVATURE_MAX_WEIGHTS = 200_000  # above, one estimate would take seconds
SERIES_ROWS = 2000  # then the series halve themselves (core.train.history)


@dataclass(frozen=True)
class Column:
    """One drawn layer: the input, a hidden layer or the output."""

    kind: str  # "input", "hidden", "output"
    name: str  # "input", "hidden 3", "output"
    activation: str  # "" for the input
    width: int  # units in the layer
    units: np.ndarray  # the drawn ones (indices, increasing)
    maps: np.ndarray | None  # (k, G, G) outputs over the plane (2-D data)
    hists: np.ndarray | None  # (k, bins) over the validation split (other data)
    lo: np.ndarray  # (k,) range of each drawn unit's map or histogram
    hi: np.ndarray
    center: float  # h(0): the white of the colour scale ...
    span: np.ndarray  # (k,) ... and the distance from it to either end, per unit
    dead: np.ndarray  # (k,) bool
    saturated: np.ndarray  # (k,) bool
    n_dead: int  # in the whole layer
    n_saturated: int
    stats: dict[str, np.ndarray]  # per drawn unit (see Analyst._stats)


@dataclass(frozen=True)
class Focus:
    """The enlarged unit: its map at FOCUS_POINTS (2-D data) or its histogram."""

    column: int
    unit: int
    map: np.ndarray | None  # (F, F)
    hist: np.ndarray | None  # (bins,)
    lo: float
    hi: float


@dataclass(frozen=True)
class Series2:
    """A time series with one value (and maybe an error) per layer."""

    steps: np.ndarray  # (n,)
    values: np.ndarray  # (n, layers)
    errors: np.ndarray | None = None  # (n, layers)


@dataclass(frozen=True)
class Picture:
    run_id: int
    step: int
    columns: tuple[Column, ...]
    gap_after: int | None  # a column after which hidden layers are left out ...
    gap_layers: int  # ... and how many
    weights: tuple[np.ndarray | None, ...]  # between columns c and c+1: (k_c, k_c+1)
    hidden_names: tuple[str, ...]
    count_kinds: tuple[str, ...]  # per hidden layer: "dead", "saturated" or ""
    counts: Series2  # dead or saturated units per hidden layer over the steps
    layer_names: tuple[str, ...]
    curvature: Series2  # mean |diag H| ± standard error per layer
    curvature_note: str
    prelu: tuple[tuple[str, np.ndarray], ...]  # (layer name, slope per unit)
    focus: Focus | None = None
    message: str = ""
    timings: dict = field(default_factory=dict)


def drawn_hidden(n_hidden: int) -> list[int]:
    """The hidden layers (0-based) drawn: all, or the first and last MAX_HIDDEN_DRAWN/2."""
    if n_hidden <= MAX_HIDDEN_DRAWN:
        return list(range(n_hidden))
    half = MAX_HIDDEN_DRAWN // 2
    return list(range(half)) + list(range(n_hidden - half, n_hidden))


def count_kind(activation: str) -> str:
    if activation in units.DEAD_FAMILY:
        return "dead"
    if activation in units.SATURATING:
        return "saturated"
    return ""


BOUNDED_SPAN = {"sigmoid": 0.5, "tanh": 1.0}  # half the range of a bounded activation


def _span(activation: str, center: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Each drawn unit's colour scale half-width: a bounded activation's own (a
    sigmoid unit stuck at 0.5001 is white: it computes next to nothing), else the
    unit's largest distance from h(0), so that every unit's shape shows (a dead one,
    all 0, stays white); the statistics on hover give the numbers."""
    if activation in BOUNDED_SPAN:
        return np.full(lo.shape, BOUNDED_SPAN[activation])
    return np.maximum(np.abs(lo - center), np.abs(hi - center))


def _center(activation: str) -> float:
    """h(0), the colour scale's middle (0.5 for the sigmoid, ln 2 for softplus)."""
    if not activation:
        return 0.0
    return float(act.evaluate(activation, np.zeros(1))[0][0])


class Analyst:
    """The network view's computations for one run (one thread at a time)."""

    def __init__(self, info: RunInfo) -> None:
        if info.network_spec is None:
            raise ValueError("the run has no network spec")
        self.info = info
        self.net = Network(info.network_spec)
        self.two_d = info.map_points is not None
        blocks = self.net.blocks
        self.hidden = [b for b in blocks if b.activation is not None]
        self.kinds = tuple(count_kind(b.activation) for b in self.hidden)
        self.counts = Series({"step": 1, "count": len(self.hidden)}, SERIES_ROWS)
        self.curv = Series({"step": 1, "mean": len(blocks), "se": len(blocks)}, SERIES_ROWS)
        self.rng = stream(info.network_spec.seed, "curvature")
        self._counted = -1
        self._curved: int | None = None  # the last evaluation step with a curvature
        self._inputs = self._input_column_data()

    # -- per run ---------------------------------------------------------------------
    def _input_column_data(self) -> dict:
        """What the input column shows: the features over the plane or their
        histograms, and their statistics on the training split (fixed per run)."""
        X = self.info.train_X_pre
        mean_abs = np.abs(X).mean(axis=0)
        shown = units.most_active(mean_abs, MAX_UNITS)
        stats = {"mean": X.mean(axis=0)[shown], "std": X.std(axis=0)[shown],
                 "lo": X.min(axis=0)[shown], "hi": X.max(axis=0)[shown]}
        if self.two_d:
            G = self.info.map_spec.xs.size
            maps = self.info.map_points[:, shown].T.reshape(-1, G, G).copy()
            return dict(units=shown, maps=maps, hists=None, lo=maps.min(axis=(1, 2)),
                        hi=maps.max(axis=(1, 2)), stats=stats)
        counts, lo, hi = units.column_histograms(self._hist_rows()[:, shown], HIST_BINS)
        return dict(units=shown, maps=None, hists=counts, lo=lo, hi=hi, stats=stats)

    def _hist_rows(self) -> np.ndarray:
        val = self.info.val_X_pre
        return val if val is not None and val.shape[0] else self.info.train_X_pre

    # -- per snapshot ----------------------------------------------------------------
    def load(self, snap) -> bool:
        """Copy the snapshot's weights into the private network; False if it has none
        (too large to copy) or they do not fit this run."""
        p, b = snap.params, snap.buffers
        if p is None or b is None or p.shape != self.net.params.shape \
                or b.shape != self.net.buffers.shape:
            return False
        self.net.params[:] = p
        self.net.buffers[:] = b
        return True

    def picture(self, snap, focus: tuple[int, int] | None = None) -> Picture:
        """Everything the view draws for ``snap`` (``load`` it first)."""
        stats = units.unit_stats(self.net, self.info.train_X_pre)
        self._count(snap.step, stats[:-1])
        params = units.unit_parameters(self.net)
        columns, layers = self._columns(stats, params)
        weights = []
        for c in range(len(columns) - 1):
            a, b = layers[c], layers[c + 1]
            if b != a + 1:
                weights.append(None)
                continue
            W = self.net.blocks[a].W
            weights.append(W[np.ix_(columns[c].units, columns[c + 1].units)].copy())
        n_hidden = len(self.hidden)
        drawn = drawn_hidden(n_hidden)
        gap = drawn.index(MAX_HIDDEN_DRAWN // 2 - 1) + 1 if len(drawn) < n_hidden else None
        prelu = tuple((b.name, params[l]["prelu"]) for l, b in enumerate(self.net.blocks)
                      if "prelu" in params[l])
        return Picture(
            run_id=self.info.run_id, step=int(snap.step), columns=tuple(columns),
            gap_after=gap, gap_layers=n_hidden - len(drawn), weights=tuple(weights),
            hidden_names=tuple(b.name for b in self.hidden), count_kinds=self.kinds,
            counts=self._series(self.counts, "count"), layer_names=tuple(self.net.layer_names),
            curvature=self._series(self.curv, "mean", "se"), curvature_note=self.curvature_note,
            prelu=prelu, focus=self._focus(columns, layers, focus))

    def empty(self, snap, message: str) -> Picture:
        """A picture with nothing to draw but ``message``."""
        none = Series2(np.zeros(0), np.zeros((0, 0)), np.zeros((0, 0)))
        return Picture(self.info.run_id, int(snap.step), (), None, 0, (),
                       tuple(b.name for b in self.hidden), self.kinds, none,
                       tuple(self.net.layer_names), none, "", (), message=message)

    def _count(self, step: int, hidden_stats) -> None:
        if step == self._counted:
            return
        self._counted = step
        row = [s.n_dead if k == "dead" else s.n_saturated if k == "saturated" else 0
               for s, k in zip(hidden_stats, self.kinds, strict=True)]
        self.counts.append(step=step, count=np.array(row, dtype=np.float64))

    def _columns(self, stats, params) -> tuple[list[Column], list[int]]:
        """The drawn columns and the network layer of each (0 = input, l + 1 = block l)."""
        inp = self._inputs
        cols = [Column("input", "input", "", self.net.spec.input_size, inp["units"],
                       inp["maps"], inp["hists"], inp["lo"], inp["hi"], 0.0,
                       _span("", 0.0, inp["lo"], inp["hi"]),
                       np.zeros(inp["units"].size, bool), np.zeros(inp["units"].size, bool),
                       0, 0, inp["stats"])]
        layers = [0] + [h + 1 for h in drawn_hidden(len(self.hidden))] + [len(self.net.blocks)]
        chosen = [units.most_active(stats[l - 1].mean_abs, MAX_UNITS) for l in layers[1:]]
        outputs = self._outputs(layers[1:], chosen)
        for l, shown, out in zip(layers[1:], chosen, outputs, strict=True):
            s = stats[l - 1]
            kind = "output" if l == len(self.net.blocks) else "hidden"
            center = _center(s.activation)
            cols.append(Column(
                kind, s.name, s.activation if kind == "hidden" else "linear",
                s.positive.size, shown, out[0], out[1], out[2], out[3],
                center, _span(s.activation, center, out[2], out[3]),
                s.dead[shown], s.saturated_units[shown], s.n_dead,
                s.n_saturated, self._stats(s, params[l - 1], shown)))
        return cols, layers

    def _outputs(self, layers, chosen) -> list[tuple]:
        """Per drawn layer (maps, hists, lo, hi) of its drawn units."""
        blocks = len(self.net.blocks)
        columns = [np.zeros(0, np.int64)] * blocks
        for l, shown in zip(layers, chosen, strict=True):
            columns[l - 1] = shown
        if self.two_d:
            G = self.info.map_spec.xs.size
            outs = units.unit_outputs(self.net, self.info.map_points, columns)
            res = []
            for l in layers:
                m = outs[l - 1].reshape(-1, G, G)
                res.append((m, None, m.min(axis=(1, 2)) if m.size else np.zeros(0),
                            m.max(axis=(1, 2)) if m.size else np.zeros(0)))
            return res
        rows = self._hist_rows()
        on_rows = units.unit_stats(self.net, rows)
        counts = units.unit_histograms(self.net, rows, [s.lo for s in on_rows],
                                       [s.hi for s in on_rows], HIST_BINS)
        return [(None, counts[l - 1][columns[l - 1]], on_rows[l - 1].lo[columns[l - 1]],
                 on_rows[l - 1].hi[columns[l - 1]]) for l in layers]

    @staticmethod
    def _stats(s: units.LayerUnits, params: dict, shown: np.ndarray) -> dict[str, np.ndarray]:
        """Per drawn unit: output mean, std, range on the training split, the share of
        samples with z > 0 and of saturated ones, and its parameters."""
        out = {"mean": s.mean[shown], "std": s.std[shown], "lo": s.lo[shown],
               "hi": s.hi[shown], "positive": s.positive[shown] / s.samples,
               "saturated": s.saturated[shown] / s.samples}
        for key, values in params.items():
            out[key] = values[shown]
        return out

    def _focus(self, columns, layers, focus) -> Focus | None:
        if focus is None:
            return None
        c, unit = focus
        if not 0 <= c < len(columns) or unit not in columns[c].units:
            return None
        col = columns[c]
        k = int(np.searchsorted(col.units, unit))
        if not self.two_d:
            return Focus(c, unit, None, col.hists[k], float(col.lo[k]), float(col.hi[k]))
        F = self.info.focus_spec.xs.size
        if c == 0:
            m = self.info.focus_points[:, unit].reshape(F, F)
        else:
            sel = [np.zeros(0, np.int64)] * len(self.net.blocks)
            sel[layers[c] - 1] = np.array([unit], np.int64)
            m = units.unit_outputs(self.net, self.info.focus_points, sel)[layers[c] - 1]
            m = m.reshape(F, F)
        return Focus(c, unit, m, None, float(m.min()), float(m.max()))

    # -- curvature ---------------------------------------------------------------------
    @property
    def curvature_note(self) -> str:
        n = self.net.params.size
        if n > CURVATURE_MAX_WEIGHTS:
            return f"not estimated: {n:,} weights (more than {CURVATURE_MAX_WEIGHTS:,})"
        return ""

    def curvature_due(self, snap) -> bool:
        """A new evaluation step (step 0 counts as one) since the last estimate."""
        if self.curvature_note:
            return False
        last = int(snap.eval_steps[-1]) if snap.eval_steps.size else 0
        return last != self._curved

    def curvature(self, snap) -> None:
        """Estimate the curvature at the loaded weights and record it at ``snap.step``."""
        self._curved = int(snap.eval_steps[-1]) if snap.eval_steps.size else 0
        est = layer_curvature(self.net, self.info.curvature_X, self.info.curvature_y,
                              probes=CURVATURE_PROBES, rng=self.rng)
        self.curv.append(step=snap.step, mean=est.mean_abs_diag, se=est.stderr)

    @staticmethod
    def _series(series: Series, column: str, error: str | None = None) -> Series2:
        n = series.size
        values = series.column(column).reshape(n, series.columns[column])
        errors = series.column(error).reshape(n, series.columns[error]) if error else None
        return Series2(series.column("step"), values, errors)
