"""Every size limit of the program, in one table.

Configs, data sets, session files and the app read their bounds from here, so a
file can never lift a bound the app itself keeps (e.g. the memory of a long
run's history) and the README can quote one list. Each limit is the largest
value accepted (``MIN_*``: the smallest); anything beyond is refused with a
message naming the limit.

Read them as ``limits.NAME`` at the moment of the check rather than copying the
value at import time, so there is one value at run time too (tests lower a cap
with ``monkeypatch.setattr(limits, ...)`` and every check sees it).
"""

from __future__ import annotations

# -- the config -------------------------------------------------------------------
MAX_HIDDEN_LAYERS = 64
"""Hidden layers a network config may list."""
MAX_WIDTH = 4096
"""Units in one hidden layer."""
MAX_SAMPLES = 200_000
"""Examples a generated data set (``n_samples`` of the config and of ``load_dataset``) may hold."""
MIN_SAMPLES = 4
"""Fewest examples a generated data set may hold (the split needs some of each part)."""
MAX_BATCH = 100_000
"""Examples in one mini-batch."""
MAX_CLASSES = 1000
"""Distinct classes of a classification set (a CSV's label column, a session's data)."""
MAX_VAL_RATIO = 0.9
"""Largest share of the examples the validation split may take (training keeps the rest)."""
MAX_SEED = 2**63 - 1
"""Largest seed (seeds are non-negative 64-bit integers)."""
MAX_STEPS = 10**12
"""A run length or step counter; far above anything a session trains."""
MAX_CONFIG_BYTES = 2 * 1024**3
"""Estimated memory of a config (parameters with their gradient, optimizer state and
copies, activations of one batch, the data); refused above this."""

# -- recorded history ---------------------------------------------------------------
HISTORY_CAPACITY = 20_000
"""Rows per metric series before it thins itself."""
TRAJECTORY_FLOATS = 4_000_000
"""Floats of the recorded weight trajectory (32 MB at most)."""
MAX_TRAJECTORY_ROWS = 256
"""Rows (recorded weight vectors) of the weight trajectory."""

# -- files ----------------------------------------------------------------------------
MAX_SESSION_BYTES = 1024**3
"""A session file on disk (zip or JSON)."""
MAX_JSON_BYTES = 16 * 1024**2
"""``session.json`` inside the zip, or a preset."""
MAX_JSON_DEPTH = 64
"""Nesting of objects/arrays in any JSON we read."""
MAX_ARRAYS_BYTES = 1024**3
"""``arrays.npz`` inflated, all members together."""
MAX_ZIP_MEMBERS = 16
"""Members of a session zip."""
MAX_NPZ_MEMBERS = 4096
"""Arrays inside ``arrays.npz``."""
MAX_TEXT = 10_000
"""Characters of a title, message, name or path in a file."""
MAX_CSV_BYTES = 64 * 1024**2
"""A CSV's text: 64 MiB, on disk and after gzip decompression."""
MAX_CSV_LINES = 1_000_000
"""Lines of a CSV, blank ones included (skipping each costs Python time)."""
MAX_CSV_ROWS = MAX_SAMPLES
"""Data rows of a CSV: as many as a generated data set may hold."""
MAX_CSV_COLUMNS = 4096
"""Columns of a CSV (features plus the label); also the most features a session's data has."""
