"""Data: the data sets (toys, shipped, the user's CSV), splits and preprocessing.

The modules, one concept each (``core.data.datasets`` re-exports the data set names for
``from core.data import datasets``):

    dataset        the immutable Dataset, the DATASETS registry, load_dataset
    toys           generated 2-D classification toys, regressions, correlated Gaussian
    shipped        digits and breast cancer, read from resources/datasets
    csv_bytes      an untrusted CSV file's bytes, read safely
    csv_file       load_csv: the user's own CSV
    splits         train_val_split, difficulty (curriculum learning)
    preprocessing  mean cancellation, scaling, whitening, the Pipeline, covariance_ellipse

Randomness comes only from the generators the callers pass in; every size limit is in
``core.common.limits``.
"""

from __future__ import annotations

# isort: off
# The order of these two imports is the order of DATASETS, which the GUI lists as is.
from core.data import toys
from core.data import shipped

# isort: on
from core.data import datasets, preprocessing
from core.data.datasets import (
    DATASETS,
    RESOURCES_DIR,
    TASKS,
    Dataset,
    DatasetInfo,
    Option,
    dataset_info,
    difficulty,
    load_csv,
    load_dataset,
    names,
    train_val_split,
)
from core.data.preprocessing import (
    PREPROCESSORS,
    Pipeline,
    Preprocessor,
    covariance_ellipse,
    make_pipeline,
)

__all__ = [
    "DATASETS",
    "PREPROCESSORS",
    "RESOURCES_DIR",
    "TASKS",
    "Dataset",
    "DatasetInfo",
    "Option",
    "Pipeline",
    "Preprocessor",
    "covariance_ellipse",
    "dataset_info",
    "datasets",
    "difficulty",
    "load_csv",
    "load_dataset",
    "make_pipeline",
    "names",
    "preprocessing",
    "shipped",
    "toys",
    "train_val_split",
]
