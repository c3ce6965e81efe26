"""Every size limit of the program, in one table.

Configs, data sets, session files and the app read their bounds from here, so a
file can never lift a bound the app itself keeps (e.g. the memory of a long
run's history) and the README can quote one list. Each limit is the largest
value accepted; anything above is refused with a message naming the limit.
"""

from __future__ import annotations

# -- the config -------------------------------------------------------------------
MAX_HIDDEN_LAYERS = 64
MAX_WIDTH = 4096  # units per hidden layer
MAX_SAMPLES = 200_000  # examples a generated data set (or a CSV) may hold
MIN_SAMPLES = 4
MAX_BATCH = 100_000
MAX_CLASSES = 1000
MAX_SEED = 2**63 - 1
MAX_STEPS = 10**12  # a run length; far above anything a session trains
# Estimated memory of a config (parameters with their gradient, optimizer state
# and copies, activations of one batch, the data): refused above this.
MAX_CONFIG_BYTES = 2 * 1024**3

# -- recorded history ---------------------------------------------------------------
HISTORY_CAPACITY = 20_000  # rows per metric series before it thins itself
TRAJECTORY_FLOATS = 4_000_000  # 32 MB at most for the recorded weight trajectory
MAX_TRAJECTORY_ROWS = 256

# -- files ----------------------------------------------------------------------------
MAX_SESSION_BYTES = 1024**3  # a session file on disk (zip or JSON)
MAX_JSON_BYTES = 16 * 1024**2  # session.json inside the zip, or a preset
MAX_JSON_DEPTH = 64  # nesting of objects/arrays in any JSON we read
MAX_ARRAYS_BYTES = 1024**3  # arrays.npz inflated, all members together
MAX_ZIP_MEMBERS = 16
MAX_NPZ_MEMBERS = 4096
MAX_TEXT = 10_000  # characters of a title, message, name or path in a file
MAX_CSV_BYTES = 64 * 1024**2  # a CSV's text (after gunzip)
MAX_CSV_COLUMNS = 4096
MAX_CSV_ROWS = MAX_SAMPLES
