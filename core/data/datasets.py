"""Data sets: the public names in one place, for ``from core.data import datasets``.

This module only re-exports; each concept lives in its own module:

    core.data.dataset    the immutable ``Dataset``, ``Option``, ``DatasetInfo``, the
                         ``DATASETS`` registry, ``names``, ``dataset_info``, ``load_dataset``
    core.data.toys       the generated 2-D classification toys, regressions and the
                         correlated Gaussian (what ``noise`` means for each)
    core.data.shipped    the real sets read from ``resources/datasets`` (digits, breast cancer)
    core.data.csv_bytes  reading an untrusted CSV file's bytes safely
    core.data.csv_file   ``load_csv``: the user's own CSV
    core.data.splits     ``train_val_split`` and ``difficulty`` (curriculum learning)
    core.common.limits   every size limit (``MAX_SAMPLES``, ``MAX_CSV_*``, ...), re-exported
                         here under their old names

Importing any of them fills ``DATASETS`` (``core/data/__init__.py`` imports the toys, then
the shipped sets: the order a GUI lists them). Randomness comes only from the generator
(or the seed) the caller passes in.
"""

from __future__ import annotations

from core.common.limits import (
    MAX_CLASSES,
    MAX_CSV_BYTES,
    MAX_CSV_COLUMNS,
    MAX_CSV_LINES,
    MAX_CSV_ROWS,
    MAX_SAMPLES,
    MAX_VAL_RATIO,
    MIN_SAMPLES,
)
from core.data.csv_file import load_csv
from core.data.dataset import (
    DATASETS,
    TASKS,
    Dataset,
    DatasetGenerator,
    DatasetInfo,
    Option,
    dataset_info,
    load_dataset,
    names,
)
from core.data.shipped import DATASETS_DIR, RESOURCES_DIR
from core.data.splits import difficulty, train_val_split

__all__ = [
    "DATASETS",
    "DATASETS_DIR",
    "MAX_CLASSES",
    "MAX_CSV_BYTES",
    "MAX_CSV_COLUMNS",
    "MAX_CSV_LINES",
    "MAX_CSV_ROWS",
    "MAX_SAMPLES",
    "MAX_VAL_RATIO",
    "MIN_SAMPLES",
    "RESOURCES_DIR",
    "TASKS",
    "Dataset",
    "DatasetGenerator",
    "DatasetInfo",
    "Option",
    "dataset_info",
    "difficulty",
    "load_csv",
    "load_dataset",
    "names",
    "train_val_split",
]
