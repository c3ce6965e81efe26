"""load_csv against hostile files: caps on columns, rows, lines and classes, and odd
bytes (the damaged and special files: test_csv_files.py).

Every refusal must be a plain ``ValueError`` whose message is one sentence naming the
file, and the file must be left exactly as it was.
"""

from __future__ import annotations

import pytest

from core.common import limits
from core.common.limits import (
    MAX_CLASSES,
    MAX_CSV_BYTES,
    MAX_CSV_COLUMNS,
    MAX_CSV_LINES,
    MAX_CSV_ROWS,
)
from core.data import datasets
from core.data.csv_file import load_csv
from core.train.config import DataConfig
from tests.core.data.csv_helpers import GOOD, call_guarded, peak_bytes, refused

# --------------------------------------------------------------------------- constants


def test_limits_are_named_and_consistent():
    assert MAX_CSV_BYTES == 64 * 1024 * 1024
    assert MAX_CSV_ROWS == 200_000
    assert MAX_CSV_COLUMNS == 4096
    assert MAX_CSV_LINES >= MAX_CSV_ROWS
    assert MAX_CLASSES == 1000
    le = [m.le for m in DataConfig.model_fields["n_samples"].metadata if hasattr(m, "le")]
    assert le == [MAX_CSV_ROWS]
    for name in ("MAX_CSV_BYTES", "MAX_CSV_ROWS", "MAX_CSV_COLUMNS", "MAX_CSV_LINES"):
        assert name in datasets.__all__


# --------------------------------------------------------------------------- columns and rows


def test_million_column_header_is_refused_quickly(tmp_path):
    p = tmp_path / "wide.csv"
    n = 10**6
    p.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join(["1"] * n) + "\n")
    message = call_guarded(lambda: refused(p, "line 1: more than 4,096 columns"))
    assert "limit" in message


def test_duplicate_names_in_a_wide_header_are_found_linearly(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CSV_COLUMNS", 300_000)
    p = tmp_path / "dupes.csv"
    names = [f"c{i}" for i in range(200_000)] + ["c7", "c11"]
    p.write_text(",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n")
    call_guarded(lambda: refused(p, r"duplicate column name\(s\) in the header: c11, c7$"))


def test_column_cap_boundary(tmp_path):
    n = MAX_CSV_COLUMNS
    rows = "\n".join(",".join(["1"] * (n - 1) + [str(k)]) for k in (0, 1))
    ok = tmp_path / "ok.csv"
    ok.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + rows + "\n")
    assert load_csv(ok).n_features == n - 1
    trailing = tmp_path / "trailing.csv"  # one trailing delimiter is tolerated
    trailing.write_text(",".join(f"c{i}" for i in range(n)) + ",\n" + rows.replace("\n", ",\n"))
    assert load_csv(trailing).n_features == n - 1
    over = tmp_path / "over.csv"
    over.write_text(",".join(f"c{i}" for i in range(n + 1)) + "\n" + rows + "\n")
    refused(over, r"line 1: the header has 4,097 columns, more than the limit of 4,096")


def test_an_overwide_data_row_is_refused_before_it_is_split(tmp_path):
    p = tmp_path / "row.csv"
    p.write_bytes(b"a,b\n1,0\n" + b"," * 8_000_000 + b"\n")
    call_guarded(lambda: refused(p, "line 3: more than 4,096 columns"))
    peak = peak_bytes(lambda: load_csv(p))  # 8 M empty cells would be a 64 MB list
    assert peak < 40 << 20, f"peak {peak / 2**20:.0f} MiB"


def test_row_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CSV_ROWS", 50)
    p = tmp_path / "rows.csv"
    p.write_text("a,label\n" + "\n".join(f"{i},{i % 2}" for i in range(50)) + "\n\n,\n")
    assert load_csv(p).n_samples == 50  # blank lines and empty rows do not count
    p.write_text("a,label\n" + "\n".join(f"{i},{i % 2}" for i in range(51)) + "\n")
    refused(p, r"line 52: more than 50 data rows, the limit")


def test_row_cap_at_its_real_value(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_bytes(b"a,label\n" + b"1,0\n2,1\n" * (MAX_CSV_ROWS // 2) + b"3,0\n")
    refused(p, r"more than 200,000 data rows")


def test_line_cap_stops_a_flood_of_blank_lines(tmp_path, monkeypatch):
    p = tmp_path / "flood.csv"
    p.write_bytes(b"a,b\n" + b"\n" * (MAX_CSV_LINES + 10) + b"1,0\n2,1\n")
    call_guarded(lambda: refused(p, r"more than 1,000,000 lines \(blank ones included\)"))
    monkeypatch.setattr(limits, "MAX_CSV_LINES", 10)
    p.write_bytes(b"a,b\r\n1,0\r\n\r\n\r\n\r\n2,1\r\n")  # CRLF counts once per line
    assert load_csv(p).n_samples == 2
    p.write_bytes(b"a,b\r" + b"\r" * 10 + b"1,0\r2,1\r")
    refused(p, "more than 10 lines")


def test_class_cap(tmp_path):
    p = tmp_path / "classes.csv"
    p.write_text("a,label\n" + "".join(f"{i},c{i}\n" for i in range(MAX_CLASSES + 1)))
    refused(p, r"1,001 distinct values, more than 1000 classes")
    p.write_text("a,label\n" + "".join(f"{i},{i}\n" for i in range(MAX_CLASSES + 1)))
    refused(p, "more than 1000 classes", task="multiclass")


def test_a_very_long_label_does_not_allocate_per_row(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_bytes(b"a,label\n" + b"1,x\n" * 999 + b"2," + b"y" * 100_000 + b"\n")
    ds = load_csv(p)
    assert ds.n_classes == 2 and len(ds.class_names[1]) == 100_000
    # a fixed-width str array would be 1000 rows x 100,000 characters x 4 bytes = 400 MB
    assert peak_bytes(lambda: load_csv(p)) < 40 << 20


# --------------------------------------------------------------------------- odd content


def test_blank_only_files_are_empty(tmp_path):
    for name, data in [("n.csv", b"\n" * 5_000_000), ("ws.csv", b" \t\r\n" * 1_000_000),
                       ("bom.csv", b"\xef\xbb\xbf\n\n"), ("cells.csv", b",,\n , ,\n")]:
        p = tmp_path / name
        p.write_bytes(data)
        refused(p, "the file is empty")


def test_huge_header_line(tmp_path):
    p = tmp_path / "header.csv"
    p.write_bytes(b"h" * 2_000_000 + b"\n1\n")  # one 2 MB name: beyond the csv field limit
    refused(p, r"line 1: cannot parse CSV \(field larger than field limit")
    p.write_bytes(b"abcdefghij," * 1_000_000 + b"label\n1,0\n")  # 11 MB, 10**6 names
    call_guarded(lambda: refused(p, "line 1: more than 4,096 columns"))


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"a,b,label\n1,2\x00,x\n3,4,y\n", 2),
        (b"\x00a,b,label\n1,2,x\n", 1),
        (b"a,b,label\r\n1,2,x\r\n3,4,y\x00\r\n", 3),
    ],
)
def test_nul_byte_names_the_line(tmp_path, data, line):
    p = tmp_path / "nul.csv"
    p.write_bytes(data)
    refused(p, rf"nul\.csv, line {line}: NUL byte in the file")


def test_encodings_and_boms(tmp_path):
    p = tmp_path / "enc.csv"
    p.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD)  # a BOM added twice
    assert load_csv(p).feature_names == ("a", "b")
    p.write_bytes(GOOD.decode().encode("utf-16"))
    refused(p, "the file is UTF-16 text; save it as UTF-8")
    p.write_bytes(GOOD.decode().encode("utf-32"))
    refused(p, "the file is UTF-32 text")
    p.write_bytes(GOOD.decode().encode("utf-16-le"))  # no BOM: NULs between the letters
    refused(p, "line 1: NUL byte in the file")
    p.write_bytes(b"a,b,label\n1,2,x\n3,4,\xe9t\xe9\n")  # Latin-1
    refused(p, r"line 3: not a UTF-8 text file \(undecodable byte at offset 20\)")


@pytest.mark.parametrize("literal", ["1" * 5000, "-" + "9" * 5000, "1e999", "1" * 400 + ".5"])
def test_huge_numeric_literals_are_non_finite(tmp_path, literal):
    p = tmp_path / "huge.csv"
    p.write_text(f"a,b,label\n1,{literal},x\n3,4,y\n")
    message = refused(p, r"line 2, column 'b': non-finite value")
    assert len(message) < 300  # the literal is cut short in the message
    p.write_text(f"a,label\n1,{literal}\n3,4\n")
    refused(p, r"line 2, column 'label': non-finite label")


def test_long_names_are_cut_short_in_messages(tmp_path):
    p = tmp_path / "names.csv"
    p.write_text(",".join("n" * 1000 + str(i) for i in range(100)) + "\n" + "1," * 99 + "1\n")
    message = refused(p, "not found; available columns", label_column="absent")
    assert len(message) < 1500 and "(100 in all)" in message
