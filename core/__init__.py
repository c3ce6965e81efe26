"""The numerical core of the Optimizer Playground: NumPy + numba, never Qt.

Layers (each a sub-package; lower ones never import higher ones, see the
import-linter contracts in pyproject.toml):

    core.common   registries, limits, checks of untrusted values, safe file I/O
    core.nn       activations, initializers, layers, losses, the network and its layer plan
    core.optim    first-order optimizers (one module per family) and Newton's method
    core.data     data sets (toys, shipped, CSV), splits, preprocessing
    core.train    config, trainer, fused chunk kernel, history, sessions, sweeps
    core.lab      2-D surfaces, the optimizer race, the network loss landscape
    core.cli      the headless runner

The public names are importable from ``core`` itself, whatever module holds
them, so a move inside the core never breaks a user's script::

    from core import Network, NetworkSpec, create_optimizer, Trainer, parse_config
    from core import load_session, save_session
    from core import Axis, make_spec, run_sweep

They are imported on first use, so ``import core.nn`` stays light.
"""

from __future__ import annotations

import importlib

from core.common import numba_cache

# Before any kernel module (and numba) is imported: a cache folder per version of the
# sources, so that a change in any kernel's file recompiles (core.common.numba_cache).
numba_cache.apply()

_PUBLIC = {
    "Network": "core.nn.network",
    "NetworkSpec": "core.nn.network",
    "create_optimizer": ("core.optim", "create"),
    "OPTIMIZERS": "core.optim",
    "Trainer": "core.train.trainer",
    "Snapshot": "core.train.trainer",
    "SessionConfig": "core.train.config",
    "parse_config": "core.train.config",
    "load_session": "core.train.session",
    "save_session": "core.train.session",
    "SessionError": "core.train.session",
    "run_sweep": "core.train.sweep.driver",
    "make_spec": "core.train.sweep.spec",
    "Axis": "core.train.sweep.spec",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    where = _PUBLIC.get(name)
    if where is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    module, attr = where if isinstance(where, tuple) else (where, name)
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
