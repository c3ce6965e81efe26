"""The random streams of a session, all derived from its one seed.

Each part of a run draws from its own generator, ``default_rng([seed, stream])``,
so that changing e.g. the batch order never changes the data or the initial
weights. This table is the only place the stream numbers are written.
"""

from __future__ import annotations

import numpy as np

STREAMS = {
    "init": 0,  # the network's initial weights
    "activation_noise": 1,  # noisy / randomized ReLU draws in training
    "train": 2,  # batch order, fixed permutation, gradient noise
    "data": 3,  # generated data sets
    "split": 4,  # the train / validation split
    "curvature": 5,  # the network view's Hutchinson probes (never the run's numbers)
}


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` for session seed ``seed``."""
    return np.random.default_rng([int(seed), STREAMS[name]])
