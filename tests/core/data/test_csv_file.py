"""Tests of core.data.csv_file: the CSV format load_csv reads and its clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from core.data.csv_file import load_csv


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
