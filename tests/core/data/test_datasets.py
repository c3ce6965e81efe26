"""Tests of core.data.datasets: generators, shipped sets, CSV loading, splitting, difficulty."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import numpy as np
import pytest

from core.data import datasets as D
from core.data.datasets import Dataset, load_csv, load_dataset, train_val_split

TOYS = [
    "circle", "xor", "blobs", "spiral", "moons",
    "regression_1d", "regression_2d", "correlated_gaussian",
]
EXPECTED = {  # name: (task, n_classes, n_features)
    "circle": ("binary", 2, 2),
    "xor": ("binary", 2, 2),
    "blobs": ("multiclass", 3, 2),
    "spiral": ("binary", 2, 2),
    "moons": ("binary", 2, 2),
    "correlated_gaussian": ("binary", 2, 2),
    "regression_1d": ("regression", 0, 1),
    "regression_2d": ("regression", 0, 2),
    "digits": ("multiclass", 10, 64),
    "breast_cancer": ("binary", 2, 30),
}


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_dataset_with_metadata():
    assert D.names() == list(EXPECTED)
    for name, (task, _, d) in EXPECTED.items():
        info = D.dataset_info(name)
        assert info.name == name
        assert info.task == task
        assert info.n_features == d
        assert info.two_d == (d == 2)
        assert info.describe
        real = name in ("digits", "breast_cancer")
        assert info.uses_n_samples is not real and info.uses_noise is not real
        assert bool(info.citation) is real
        assert D.DATASETS.get(name).info is info
    assert [o.name for o in D.dataset_info("blobs").options] == ["n_classes"]
    assert [o.name for o in D.dataset_info("correlated_gaussian").options] == ["dim"]


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown dataset 'nope'.*circle"):
        load_dataset("nope")
    with pytest.raises(ValueError, match="unknown dataset"):
        D.dataset_info("nope")


# --------------------------------------------------------------------------- toys


@pytest.mark.parametrize("name", TOYS)
def test_toy_shapes_dtypes_task(name):
    task, k, d = EXPECTED[name]
    ds = load_dataset(name, n_samples=101, noise=0.1, seed=3)
    assert isinstance(ds, Dataset)
    assert ds.name == name
    assert ds.X.shape == (101, d) and ds.X.dtype == np.float64
    assert ds.task == task and ds.n_classes == k
    assert len(ds.feature_names) == d
    assert np.all(np.isfinite(ds.X))
    if task == "regression":
        assert ds.y.shape == (101, 1) and ds.y.dtype == np.float64
        assert ds.class_names == ()
    else:
        assert ds.y.shape == (101,) and ds.y.dtype == np.int64
        counts = np.bincount(ds.y, minlength=k)
        assert len(counts) == k
        assert counts.max() - counts.min() <= 1 or name == "xor"  # balanced by design
        assert counts.min() > 0
        assert len(ds.class_names) == k


@pytest.mark.parametrize("name", TOYS)
def test_toy_deterministic_for_seed_and_varies_with_seed(name):
    a = load_dataset(name, n_samples=80, noise=0.1, seed=7)
    b = load_dataset(name, n_samples=80, noise=0.1, rng=np.random.default_rng(7))
    c = load_dataset(name, n_samples=80, noise=0.1, seed=8)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", TOYS)
def test_toy_noise_changes_the_data(name):
    clean = load_dataset(name, n_samples=80, noise=0.0, seed=1)
    noisy = load_dataset(name, n_samples=80, noise=0.2, seed=1)
    if clean.task == "regression":
        assert not np.allclose(clean.y, noisy.y)
    else:
        assert not np.allclose(np.sort(clean.X, axis=0), np.sort(noisy.X, axis=0))


@pytest.mark.parametrize("name", TOYS)
def test_arrays_are_read_only(name):
    ds = load_dataset(name, n_samples=20, seed=0)
    assert not ds.X.flags.writeable and not ds.y.flags.writeable
    with pytest.raises(ValueError):
        ds.X[0, 0] = 1.0
    with pytest.raises(ValueError):
        ds.y[0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"  # type: ignore[misc]


def test_dataset_copies_its_inputs():
    X = np.zeros((4, 2))
    y = np.array([0, 1, 0, 1])
    ds = Dataset(X=X, y=y, task="binary", n_classes=2, feature_names=("a", "b"), name="t")
    X[0, 0] = 5.0
    y[0] = 1
    assert ds.X[0, 0] == 0.0 and ds.y[0] == 0
    assert ds.class_names == ("0", "1")


def test_dataset_rejects_inconsistent_fields():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="class labels must lie"):
        Dataset(X=X, y=[0, 1, 2, 0], task="binary", n_classes=2, feature_names=("a", "b"),
                name="t")
    with pytest.raises(ValueError, match="feature_names"):
        Dataset(X=X, y=[0, 1, 1, 0], task="binary", n_classes=2, feature_names=("a",),
                name="t")
    with pytest.raises(ValueError, match="task"):
        Dataset(X=X, y=[0, 1, 1, 0], task="ranking", n_classes=2, feature_names=("a", "b"),
                name="t")
    with pytest.raises(ValueError, match="NaN"):
        Dataset(X=np.full((4, 2), np.nan), y=np.zeros(4), task="regression", n_classes=0,
                feature_names=("a", "b"), name="t")


def test_circle_labels_follow_radius():
    ds = load_dataset("circle", n_samples=400, noise=0.0, seed=0)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert r[ds.y == 0].max() < r[ds.y == 1].min()
    assert r[ds.y == 0].max() <= 0.5 and r[ds.y == 1].min() >= 0.8
    assert ds.class_names == ("inner", "outer")


def test_xor_labels_follow_sign_of_product():
    ds = load_dataset("xor", n_samples=400, noise=0.0, seed=0)
    prod = ds.X[:, 0] * ds.X[:, 1]
    assert np.array_equal(ds.y, (prod < 0).astype(np.int64))
    assert np.abs(ds.X).min() >= 0.05 and np.abs(ds.X).max() <= 1.0
    # all four quadrants are populated
    quadrants = {(a, b) for a, b in np.sign(ds.X).astype(int)}
    assert quadrants == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_blobs_and_spiral_class_options():
    b5 = load_dataset("blobs", n_samples=100, seed=0, n_classes=5)
    assert b5.task == "multiclass" and b5.n_classes == 5
    assert np.array_equal(np.bincount(b5.y), [20] * 5)
    # clean blobs: each point is nearest to its own class mean
    clean = load_dataset("blobs", n_samples=300, noise=0.0, seed=0)
    means = np.stack([clean.X[clean.y == k].mean(0) for k in range(3)])
    nearest = np.argmin(((clean.X[:, None] - means[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == clean.y) > 0.95
    b2 = load_dataset("blobs", n_samples=20, seed=0, n_classes=2)
    assert b2.task == "binary" and b2.n_classes == 2
    s3 = load_dataset("spiral", n_samples=90, seed=0, n_classes=3)
    assert s3.task == "multiclass" and s3.n_classes == 3
    assert np.array_equal(np.bincount(s3.y), [30, 30, 30])
    # the arms interleave: radius grows with the angle along each arm
    s = load_dataset("spiral", n_samples=200, noise=0.0, seed=0)
    r = np.hypot(*s.X.T)
    assert 0.04 < r.min() and r.max() <= 1.0 + 1e-12


def test_moons_shape_of_clean_data():
    ds = load_dataset("moons", n_samples=200, noise=0.0, seed=0)
    upper = ds.X[ds.y == 0] + np.array([0.5, 0.25])
    lower = ds.X[ds.y == 1] + np.array([0.5, 0.25])
    assert np.allclose(np.hypot(*upper.T), 1.0)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)


def test_regression_toys_follow_their_formula_without_noise():
    r1 = load_dataset("regression_1d", n_samples=50, noise=0.0, seed=0)
    x = r1.X[:, 0]
    assert np.allclose(r1.y[:, 0], np.sin(3 * x) * np.exp(-(x**2) / 4))
    assert x.min() >= -2 and x.max() <= 2
    r2 = load_dataset("regression_2d", n_samples=50, noise=0.0, seed=0)
    x1, x2 = r2.X.T
    assert np.allclose(r2.y[:, 0], np.sin(1.5 * x1) * np.cos(1.5 * x2) + 0.1 * x1 * x2)


def test_correlated_gaussian_is_correlated_scaled_and_separable():
    ds = load_dataset("correlated_gaussian", n_samples=2000, noise=0.0, seed=0)
    corr = np.corrcoef(ds.X.T)[0, 1]
    assert abs(corr) > 0.8
    std = ds.X.std(axis=0)
    assert std.max() / std.min() > 5  # different scales
    assert np.all(np.abs(ds.X.mean(axis=0)) > std)  # off-centre: mean cancellation matters
    # separable along the minor direction of the standardized cloud: a linear rule on
    # (z2 - z1) classifies well although each feature alone does not
    z = (ds.X - ds.X.mean(0)) / std
    proj = z[:, 1] - z[:, 0]
    assert np.mean((proj > 0) == (ds.y == 1)) > 0.95
    assert np.mean((z[:, 0] < 0) == (ds.y == 1)) < 0.75
    hd = load_dataset("correlated_gaussian", n_samples=500, seed=0, dim=6)
    assert hd.X.shape == (500, 6) and len(hd.feature_names) == 6
    c = np.corrcoef(hd.X.T)
    assert np.all(np.abs(c[np.triu_indices(6, 1)]) > 0.7)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("bad", [3, 0, -5, 2.5, True, "100", D.MAX_SAMPLES + 1])
def test_load_dataset_rejects_bad_n_samples(bad):
    with pytest.raises(ValueError, match="n_samples"):
        load_dataset("circle", n_samples=bad, seed=0)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", True])
def test_load_dataset_rejects_bad_noise(bad):
    with pytest.raises(ValueError, match="noise"):
        load_dataset("circle", noise=bad, seed=0)


def test_load_dataset_rejects_bad_options_and_randomness():
    with pytest.raises(ValueError, match="n_classes"):
        load_dataset("blobs", n_classes=1, seed=0)
    with pytest.raises(ValueError, match="n_classes"):
        load_dataset("blobs", n_classes=2.0, seed=0)
    with pytest.raises(ValueError, match="dim"):
        load_dataset("correlated_gaussian", dim=1, seed=0)
    with pytest.raises(ValueError, match="n_samples must be at least 20 for 10 classes"):
        load_dataset("blobs", n_samples=10, n_classes=10, seed=0)
    with pytest.raises(ValueError, match="seed or rng"):
        load_dataset("circle", seed=1, rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="seed"):
        load_dataset("circle", seed=-1)
    with pytest.raises(ValueError, match="rng"):
        load_dataset("circle", rng=np.random.RandomState(0))  # type: ignore[arg-type]


def test_load_dataset_defaults_and_ignored_options():
    ds = load_dataset("circle", seed=0, n_classes=7)  # option of another data set: ignored
    info = D.dataset_info("circle")
    assert ds.n_samples == info.default_n_samples
    assert np.array_equal(ds.X, load_dataset("circle", seed=0, noise=info.default_noise).X)


# --------------------------------------------------------------------------- shipped sets


def test_digits():
    ds = load_dataset("digits")
    assert ds.X.shape == (1797, 64) and ds.y.shape == (1797,)
    assert ds.task == "multiclass" and ds.n_classes == 10
    assert set(np.unique(ds.y)) == set(range(10))
    assert ds.X.min() == 0 and ds.X.max() == 16
    assert np.array_equal(ds.X, np.round(ds.X))
    assert ds.feature_names[0] == "pixel_0_0" and ds.feature_names[-1] == "pixel_7_7"
    assert ds.class_names == tuple(str(i) for i in range(10))
    # n_samples / noise / seed are ignored
    other = load_dataset("digits", n_samples=10, noise=3.0, seed=5)
    assert np.array_equal(ds.X, other.X) and np.array_equal(ds.y, other.y)
    assert not ds.X.flags.writeable


def test_breast_cancer():
    ds = load_dataset("breast_cancer")
    assert ds.X.shape == (569, 30)
    assert ds.task == "binary" and ds.n_classes == 2
    assert np.array_equal(np.bincount(ds.y), [212, 357])
    assert ds.class_names == ("malignant", "benign")
    std = ds.X.std(axis=0)
    assert std.max() / std.min() > 100
    assert ds.feature_names[0] == "mean radius" and len(set(ds.feature_names)) == 30
    assert np.all(ds.X >= 0)


def test_shipped_files_are_small_and_documented():
    folder = D.RESOURCES_DIR / "datasets"
    for f in ("digits.csv.gz", "breast_cancer.csv.gz"):
        assert (folder / f).stat().st_size < 200_000
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "Alpaydin", "Kaynak", "Street", "Wolberg", "Mangasarian"):
        assert needle in readme


# --------------------------------------------------------------------------- load_csv


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_csv_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)) * [1, 100, 0.01]
    y = np.arange(30) % 3
    lines = ["a,b,c,label"] + [
        ",".join(repr(float(v)) for v in row) + f",{lab}" for row, lab in zip(X, y, strict=True)
    ]
    p = write(tmp_path, "\n".join(lines) + "\n")
    ds = load_csv(p)
    assert np.array_equal(ds.X, X)
    assert np.array_equal(ds.y, y)
    assert ds.task == "multiclass" and ds.n_classes == 3
    assert ds.feature_names == ("a", "b", "c")
    assert ds.class_names == ("0", "1", "2")
    assert ds.name == "data"
    assert not ds.X.flags.writeable


def test_load_csv_text_labels_quoting_and_label_column(tmp_path):
    p = write(
        tmp_path,
        'species,"len, cm",width\n'
        'setosa,1.5,0.2\n'
        '"virginica",6.0,2.5\n'
        '\n'
        ' setosa , 1.4 , 0.3 \n'
        'versicolor,4.5,1.5\n',
    )
    ds = load_csv(p, label_column="species")
    assert ds.feature_names == ("len, cm", "width")
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.y.tolist() == [0, 2, 0, 1]
    assert ds.X.tolist() == [[1.5, 0.2], [6.0, 2.5], [1.4, 0.3], [4.5, 1.5]]
    assert ds.task == "multiclass" and ds.n_classes == 3


def test_load_csv_infers_binary_regression_and_respects_task(tmp_path):
    p = write(tmp_path, "x,y\n1,10\n2,-1\n3,10\n4,-1\n")
    ds = load_csv(p)
    assert ds.task == "binary" and ds.class_names == ("-1", "10")  # numeric order
    assert ds.y.tolist() == [1, 0, 1, 0]
    r = load_csv(p, task="regression")
    assert r.task == "regression" and r.y.shape == (4, 1) and r.y[:, 0].tolist() == [10, -1, 10, -1]
    q = write(tmp_path, "x,t\n" + "".join(f"{i},{i * 0.37:.3f}\n" for i in range(10)), "r.csv")
    reg = load_csv(q)
    assert reg.task == "regression" and reg.n_classes == 0 and reg.y.dtype == np.float64
    many = write(tmp_path, "x,t\n" + "".join(f"{i},{i}\n" for i in range(25)), "m.csv")
    assert load_csv(many).task == "regression"  # > 20 distinct integers
    with pytest.raises(ValueError, match="exactly 2 classes"):
        load_csv(write(tmp_path, "x,t\n1,a\n2,b\n3,c\n", "three.csv"), task="binary")
    with pytest.raises(ValueError, match="regression needs numeric"):
        load_csv(write(tmp_path, "x,t\n1,a\n2,b\n", "txt.csv"), task="regression")
    with pytest.raises(ValueError, match="task"):
        load_csv(p, task="ranking")


def test_load_csv_semicolons_and_gzip(tmp_path):
    p = write(tmp_path, "u;v;lab\n1;2;a\n3;4;b\n", "semi.csv")
    ds = load_csv(p)
    assert ds.X.tolist() == [[1, 2], [3, 4]] and ds.class_names == ("a", "b")
    gz = tmp_path / "packed.csv.gz"
    gz.write_bytes(gzip.compress(b"u,v,lab\n1,2,a\n3,4,b\n"))
    g = load_csv(gz)
    assert g.name == "packed" and g.X.tolist() == [[1, 2], [3, 4]]


def test_load_csv_bom_crlf_and_trailing_delimiters(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_bytes(b"\xef\xbb\xbfa,b,label,\r\n1,2,yes,\r\n3,4,no,\r\n,,,\r\n")
    ds = load_csv(p)
    assert ds.feature_names == ("a", "b")
    assert ds.X.tolist() == [[1, 2], [3, 4]] and ds.class_names == ("no", "yes")
    assert ds.y.tolist() == [1, 0]


BAD_CSV = [
    ("empty", "", r"empty\.csv: the file is empty"),
    ("blank_lines", "\n\n  \n", "the file is empty"),
    ("header_only", "a,b,label\n", "header but no data rows"),
    ("text", "a,b,label\n1,2,0\n3,oops,1\n", r"line 3, column 'b': text 'oops' in a numeric"),
    ("missing_empty", "a,b,label\n1,,0\n3,4,1\n", r"line 2, column 'b': missing value"),
    ("missing_na", "a,b,label\n1,2,0\nNA,4,1\n", r"line 3, column 'a': missing value \('NA'\)"),
    ("missing_nan", "a,b,label\n1,NaN,0\n3,4,1\n", r"column 'b': missing value"),
    ("missing_label", "a,b,label\n1,2,\n3,4,1\n", r"line 2, column 'label': missing value"),
    ("ragged", "a,b,label\n1,2,0\n3,4\n", r"line 3: 2 fields but the header has 3 columns"),
    ("ragged_long", "a,b,label\n1,2,0,9\n", r"line 2: 4 fields but the header has 3"),
    ("single_class", "a,b,label\n1,2,x\n3,4,x\n", r"single class \('x'\)"),
    ("single_numeric_class", "a,b,label\n1,2,1\n3,4,1\n", "single class"),
    ("no_header", "1,2,0\n3,4,1\n", "looks like data"),
    ("one_column", "label\nx\ny\n", "at least two columns"),
    ("dup_header", "a,a,label\n1,2,0\n3,4,1\n", "duplicate column name"),
    ("inf", "a,b,label\n1,inf,0\n3,4,1\n", r"column 'b': non-finite value"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD_CSV, ids=[c[0] for c in BAD_CSV])
def test_load_csv_bad_files_raise_clear_errors(tmp_path, case, text, message):
    p = write(tmp_path, text, "empty.csv" if case == "empty" else f"{case}.csv")
    before = p.read_bytes()
    with pytest.raises(ValueError, match=message) as info:
        load_csv(p)
    assert str(p) in str(info.value)
    assert p.read_bytes() == before


def test_load_csv_unknown_label_column_lists_available(tmp_path):
    p = write(tmp_path, "alpha,beta,gamma\n1,2,0\n3,4,1\n")
    before = p.read_bytes()
    expected = r"'delta' not found; available columns: alpha, beta, gamma"
    with pytest.raises(ValueError, match=expected):
        load_csv(p, label_column="delta")
    assert p.read_bytes() == before


def test_load_csv_binary_junk_and_missing_file(tmp_path):
    p = tmp_path / "junk.csv"
    p.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(ValueError, match="UTF-8"):
        load_csv(p)
    with pytest.raises(OSError):
        load_csv(tmp_path / "does_not_exist.csv")


# --------------------------------------------------------------------------- split


def id_dataset(counts: list[int]) -> Dataset:
    """Classification set whose first feature is the row id."""
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    X = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    return Dataset(X=X, y=y, task="binary" if len(counts) == 2 else "multiclass",
                   n_classes=len(counts), feature_names=("id", "z"), name="ids")


@pytest.mark.parametrize("ratio", [0.1, 0.2, 0.25, 0.5, 0.9])
def test_split_sizes_disjoint_and_covering(ratio):
    ds = id_dataset([50, 30, 20])
    tr, va = train_val_split(ds, ratio, np.random.default_rng(0))
    assert va.n_samples == round(ratio * 100)
    assert tr.n_samples + va.n_samples == 100
    ids_tr, ids_va = tr.X[:, 0].astype(int), va.X[:, 0].astype(int)
    assert set(ids_tr).isdisjoint(ids_va)
    assert sorted(np.concatenate([ids_tr, ids_va])) == list(range(100))
    # labels travel with their rows
    assert np.array_equal(tr.y, ds.y[ids_tr]) and np.array_equal(va.y, ds.y[ids_va])
    # stratified: class proportions kept to within one example per class
    for k, size in enumerate([50, 30, 20]):
        assert abs(np.sum(va.y == k) - ratio * size) <= 1
    assert tr.task == ds.task and va.n_classes == 3 and va.feature_names == ds.feature_names


def test_split_is_deterministic_and_shuffled():
    ds = id_dataset([40, 40])
    a = train_val_split(ds, 0.25, np.random.default_rng(1))
    b = train_val_split(ds, 0.25, np.random.default_rng(1))
    c = train_val_split(ds, 0.25, np.random.default_rng(2))
    assert np.array_equal(a[0].X, b[0].X) and np.array_equal(a[1].X, b[1].X)
    assert not np.array_equal(a[1].X, c[1].X)
    assert not np.all(np.diff(a[0].X[:, 0]) > 0)  # not in the original order
    assert not np.all(np.diff(a[0].y) >= 0)  # not sorted by class


def test_split_keeps_every_class_in_both_parts_when_possible():
    ds = id_dataset([90, 5, 2, 3])
    tr, va = train_val_split(ds, 0.1, np.random.default_rng(0))
    assert va.n_samples == 10
    assert set(np.unique(va.y)) == {0, 1, 2, 3}
    assert set(np.unique(tr.y)) == {0, 1, 2, 3}
    lone = id_dataset([10, 1])  # the single member of class 1 stays in training
    tr, va = train_val_split(lone, 0.3, np.random.default_rng(0))
    assert 1 in tr.y and 1 not in va.y


def test_split_ratio_zero_and_bounds():
    ds = id_dataset([5, 5])
    tr, va = train_val_split(ds, 0.0, np.random.default_rng(0))
    assert tr.n_samples == 10
    assert va.X.shape == (0, 2) and va.y.shape == (0,) and va.y.dtype == np.int64
    reg = load_dataset("regression_2d", n_samples=20, seed=0)
    tr, va = train_val_split(reg, 0.0, np.random.default_rng(0))
    assert va.X.shape == (0, 2) and va.y.shape == (0, 1)
    tr, va = train_val_split(reg, 0.3, np.random.default_rng(0))
    assert (tr.n_samples, va.n_samples) == (14, 6)
    assert np.allclose(np.sort(np.concatenate([tr.y, va.y])[:, 0]), np.sort(reg.y[:, 0]))
    for bad in (-0.1, 0.95, 1.0, float("nan"), "0.2"):
        with pytest.raises(ValueError, match="val_ratio"):
            train_val_split(ds, bad, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        train_val_split(ds, 0.2, 0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- difficulty


def test_difficulty_classification_ranks_easy_before_hard():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 0.3, (50, 2)), rng.normal(2, 0.3, (50, 2))])
    y = np.repeat([0, 1], 50)
    X[0] = X[y == 0].mean(0)  # class 0 point sitting on its own centroid: easy
    X[1] = [2.0, 2.0]  # class 0 point deep inside class 1: hard
    ds = Dataset(X=X, y=y, task="binary", n_classes=2, feature_names=("a", "b"), name="t")
    score = D.difficulty(ds)
    assert score.shape == (100,) and score.dtype == np.float64
    assert np.all((score >= 0) & (score <= 1))
    order = np.argsort(score, kind="stable")
    assert list(order).index(0) < list(order).index(1)
    assert score[0] < 0.1 and score[1] > 0.5 and np.argmax(score) == 1


def test_difficulty_regression_flags_outlier_and_handles_edge_cases():
    x = np.linspace(-1, 1, 30)[:, None]
    y = 3 * x + 1
    y[7] += 5.0
    ds = Dataset(X=x, y=y, task="regression", n_classes=0, feature_names=("x",), name="r")
    score = D.difficulty(ds)
    assert np.argmax(score) == 7 and np.all((score >= 0) & (score < 1))
    exact = Dataset(X=x, y=3 * x, task="regression", n_classes=0, feature_names=("x",),
                    name="r")
    assert np.all(D.difficulty(exact) == 0)
    empty = train_val_split(load_dataset("circle", seed=0), 0.0, np.random.default_rng(0))[1]
    assert D.difficulty(empty).shape == (0,)


def test_difficulty_is_scale_invariant_on_breast_cancer():
    ds = load_dataset("breast_cancer")
    score = D.difficulty(ds)
    scaled = dataclasses.replace(ds, X=ds.X * np.geomspace(1, 1e4, 30))
    assert np.allclose(score, D.difficulty(scaled))
    # nearer to the own centroid than to the other one for most examples
    assert np.mean(score < 0.5) > 0.8
