"""core.data.datasets and core.data re-export the public names of the data modules."""

from __future__ import annotations

import core.data
from core.data import csv_file, dataset, datasets, preprocessing, shipped, splits, toys

HOMES = {
    dataset: ("DATASETS", "TASKS", "Dataset", "DatasetGenerator", "DatasetInfo", "Option",
              "dataset_info", "load_dataset", "names"),
    shipped: ("RESOURCES_DIR", "DATASETS_DIR"),
    csv_file: ("load_csv",),
    splits: ("difficulty", "train_val_split"),
}


def test_datasets_reexports_each_name_from_its_home():
    for home, names in HOMES.items():
        for name in names:
            assert getattr(datasets, name) is getattr(home, name), name
            assert name in datasets.__all__
    for name in datasets.__all__:
        assert hasattr(datasets, name), name


def test_core_data_exports_the_public_names():
    for name in core.data.__all__:
        assert hasattr(core.data, name), name
    assert core.data.load_csv is csv_file.load_csv
    assert core.data.Dataset is dataset.Dataset
    assert core.data.train_val_split is splits.train_val_split
    assert core.data.make_pipeline is preprocessing.make_pipeline
    assert core.data.PREPROCESSORS is preprocessing.PREPROCESSORS


def test_registration_order_is_toys_then_shipped():
    toy_names = [toys.__dict__[n].info.name for n in toys.__all__]
    assert datasets.names()[: len(toy_names)] == [
        "circle", "xor", "blobs", "spiral", "moons",
        "correlated_gaussian", "regression_1d", "regression_2d",
    ]
    assert sorted(toy_names) == sorted(datasets.names()[: len(toy_names)])
    assert datasets.names()[len(toy_names):] == ["digits", "breast_cancer"]
