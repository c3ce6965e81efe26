"""The user's own CSV: :func:`load_csv` parses it into a :class:`~core.data.dataset.Dataset`.

The file is untrusted. Its bytes come through :mod:`core.data.csv_bytes` (regular files
only, size, encoding, line and width caps); here the rows are parsed lazily with the
``csv`` module, the data-row cap ``limits.MAX_CSV_ROWS`` is enforced as the rows are read,
features go straight into a compact float buffer, and the label column becomes either
regression targets or at most ``limits.MAX_CLASSES`` classes. Every problem is a
``ValueError`` of one sentence naming the file, and the line and column where there is
one.
"""

from __future__ import annotations

import csv
import io
import math
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from core.common import limits
from core.data.csv_bytes import check_content, check_widths, read_limited, sniff_delimiter
from core.data.dataset import TASKS, Dataset

__all__ = ["load_csv"]

_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})


def _shown(text: str, limit: int = 40) -> str:
    """``repr`` of a cell or name from the file, cut short so that a message stays readable."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)"


def _names(names: Sequence[str], limit: int = 20) -> str:
    """Comma-separated names (each cut short), only the first ``limit`` when there are more."""
    shown = ", ".join(n if len(n) <= 40 else n[:40] + "…" for n in names[:limit])
    return shown if len(names) <= limit else f"{shown}, … ({len(names):,} in all)"


def _parse_number(cell: str) -> float | None:
    """``float(cell)`` or None when it is not a number (missing values handled before)."""
    try:
        return float(cell)
    except ValueError:
        return None


def _iter_rows(path: Path, raw: bytes, start: int) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows as (line number, stripped cells): the header, then the data rows.

    ``raw`` has passed :func:`check_content`; it is decoded lazily, line by line. More
    than MAX_CSV_ROWS data rows are refused as soon as the next one is read.
    """
    delimiter = sniff_delimiter(raw, start)
    check_widths(path, raw, delimiter)
    stream = io.BytesIO(raw)
    stream.seek(start)
    reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8", newline=""),
                        delimiter=delimiter)
    data_rows = -1  # the first non-blank row is the header
    try:
        for row in reader:
            if not row:
                continue  # empty line: the cheap case first
            cells = list(map(str.strip, row))
            if not any(cells):
                continue  # blank line, or a row of empty cells (spreadsheet export)
            data_rows += 1
            if data_rows > limits.MAX_CSV_ROWS:
                raise ValueError(
                    f"{path}, line {reader.line_num}: more than {limits.MAX_CSV_ROWS:,} "
                    "data rows, the limit for a CSV"
                )
            yield reader.line_num, cells
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}, line {reader.line_num}: cannot parse CSV ({exc})") from None


def _check_header(path: Path, line: int, cells: list[str]) -> list[str]:
    """The column names: at most MAX_CSV_COLUMNS, non-empty, unique, not data, two or more."""
    where = f"{path}, line {line}"
    n = len(cells)
    while n > 1 and not cells[n - 1]:
        n -= 1  # trailing delimiter(s) after the last name
    header = cells[:n]
    if n > limits.MAX_CSV_COLUMNS:
        raise ValueError(
            f"{where}: the header has {n:,} columns, more than the limit of "
            f"{limits.MAX_CSV_COLUMNS:,}"
        )
    for j, col in enumerate(header):
        if not col:
            raise ValueError(f"{where}: column {j + 1} has no name in the header row")
    dupes = sorted(c for c, k in Counter(header).items() if k > 1)  # linear, unlike .count
    if dupes:
        raise ValueError(f"{where}: duplicate column name(s) in the header: {_names(dupes)}")
    if all(c.lower() not in _MISSING and _parse_number(c) is not None for c in header):
        raise ValueError(
            f"{where}: the first row looks like data (all numbers), not a header; "
            "add a header row with column names"
        )
    if n < 2:
        raise ValueError(f"{where}: need at least two columns (features and a label)")
    return header


def _label_index(path: Path, header: list[str], label_column: str | None) -> int:
    if label_column is None:
        return len(header) - 1
    if label_column in header:
        return header.index(label_column)
    raise ValueError(
        f"{path}: label column {_shown(label_column)} not found; "
        f"available columns: {_names(header)}"
    )


def _cell_error(
    path: Path, line: int, header: list[str], label_idx: int, cells: list[str]
) -> ValueError:
    """The error for the first bad feature cell of a row (missing, text or non-finite)."""
    for j, cell in enumerate(cells):
        if j == label_idx:
            continue
        where = f"{path}, line {line}, column {_shown(header[j])}"
        if cell.lower() in _MISSING:
            return ValueError(f"{where}: missing value ({_shown(cell)}); fill or remove the row")
        v = _parse_number(cell)
        if v is None:
            return ValueError(f"{where}: text {_shown(cell)} in a numeric column")
        if not math.isfinite(v):  # also a huge literal such as a 5000-digit integer
            return ValueError(f"{where}: non-finite value {_shown(cell)}")
    return ValueError(f"{path}, line {line}: cannot read the row")  # not reached


def _read_body(
    path: Path, header: list[str], label_idx: int, rows: Iterator[tuple[int, list[str]]]
) -> tuple[np.ndarray, list[str], list[int]]:
    """Feature matrix, label cells and line numbers of the data rows, row by row.

    Features go straight into a compact float buffer (8 bytes a cell) rather than being
    kept as cell strings; the label column is kept as text for :func:`_make_dataset`.
    """
    ncol = len(header)
    values = array("d")
    labels: list[str] = []
    lines: list[int] = []
    for line, cells in rows:
        if len(cells) > ncol and not any(cells[ncol:]):
            cells = cells[:ncol]  # tolerate trailing delimiters
        if len(cells) != ncol:
            raise ValueError(
                f"{path}, line {line}: {len(cells)} fields but the header has {ncol} "
                "columns (ragged row)"
            )
        try:
            row = list(map(float, cells[:label_idx] + cells[label_idx + 1:]))
        except ValueError:
            row = []
        if len(row) != ncol - 1 or not all(map(math.isfinite, row)):
            raise _cell_error(path, line, header, label_idx, cells)
        label = cells[label_idx]
        if label.lower() in _MISSING:
            raise ValueError(
                f"{path}, line {line}, column {_shown(header[label_idx])}: missing value "
                f"({_shown(label)}) in the label column"
            )
        values.extend(row)
        labels.append(label)
        lines.append(line)
    if not labels:
        raise ValueError(f"{path}: the file has a header but no data rows")
    return np.frombuffer(values, dtype=np.float64).reshape(len(labels), ncol - 1), labels, lines


def _target_kind(task: str | None, numbers_: list[float | None]) -> str:
    """``"classification"`` or ``"regression"``: from ``task``, else inferred (see load_csv)."""
    if task is not None:
        return "regression" if task == "regression" else "classification"
    if any(v is None for v in numbers_):
        return "classification"
    values = np.array(numbers_, dtype=np.float64)
    few_ints = bool(np.all(values == np.round(values))) and len(np.unique(values)) <= 20
    return "classification" if few_ints else "regression"


def _class_indices(
    path: Path, label_name: str, labels: list[str], numbers_: list[float | None]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class index per row and the sorted class names (numerically when all are numbers)."""
    if all(v is not None for v in numbers_):
        distinct, y = np.unique(np.array(numbers_, dtype=np.float64), return_inverse=True)
        k = len(distinct)
    else:
        # a set, not np.unique on a str array: its fixed width (the longest label) times
        # the row count could ask for gigabytes
        names = sorted(set(labels))
        k = len(names)
    if k < 2:
        raise ValueError(
            f"{path}: label column {_shown(label_name)} has a single class "
            f"({_shown(labels[0])}); classification needs at least two"
        )
    if k > limits.MAX_CLASSES:
        raise ValueError(
            f"{path}: label column {_shown(label_name)} has {k:,} distinct values, more than "
            f"{limits.MAX_CLASSES} classes; is it the right column, or is this regression?"
        )
    if all(v is not None for v in numbers_):
        class_names = tuple(
            str(int(v)) if v == round(v) and abs(v) < 2**53 else repr(float(v))
            for v in distinct
        )
        return y.reshape(-1).astype(np.int64), class_names
    index = {s: i for i, s in enumerate(names)}
    y = np.fromiter(map(index.__getitem__, labels), dtype=np.int64, count=len(labels))
    return y, tuple(names)


def _stem(path: Path) -> str:
    stem = path.name
    for suffix in (".gz", ".csv", ".txt", ".tsv"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem


def _make_dataset(
    path: Path, header: list[str], label_idx: int, X: np.ndarray, labels: list[str],
    lines: list[int], task: str | None,
) -> Dataset:
    """Turn the label column into targets (regression or classes) and build the Dataset."""
    label_name = header[label_idx]
    feature_names = tuple(c for j, c in enumerate(header) if j != label_idx)
    numbers_ = [_parse_number(c) for c in labels]
    for line, c, v in zip(lines, labels, numbers_, strict=True):
        if v is not None and not math.isfinite(v):
            raise ValueError(
                f"{path}, line {line}, column {_shown(label_name)}: non-finite label {_shown(c)}"
            )
    if _target_kind(task, numbers_) == "regression":
        for line, c, v in zip(lines, labels, numbers_, strict=True):
            if v is None:
                raise ValueError(
                    f"{path}, line {line}, column {_shown(label_name)}: text {_shown(c)} in "
                    "the label column, but regression needs numeric targets"
                )
        y = np.array(numbers_, dtype=np.float64).reshape(-1, 1)
        return Dataset(X=X, y=y, task="regression", n_classes=0,
                       feature_names=feature_names, name=_stem(path))
    y, class_names = _class_indices(path, label_name, labels, numbers_)
    k = len(class_names)
    if task == "binary" and k != 2:
        raise ValueError(
            f"{path}: task 'binary' needs exactly 2 classes in label column "
            f"{_shown(label_name)}; found {k}"
        )
    out_task = task if task is not None else ("binary" if k == 2 else "multiclass")
    return Dataset(X=X, y=y, task=out_task, n_classes=k, feature_names=feature_names,
                   name=_stem(path), class_names=class_names)


def load_csv(
    path: str | Path, label_column: str | None = None, task: str | None = None
) -> Dataset:
    """Read the user's own CSV into a :class:`Dataset`; the file is only read, never changed.

    Format: a header row of unique column names, then one example per row. The delimiter
    is ``,`` (or ``;`` / tab when the header contains no comma); quoting follows the csv
    module; surrounding spaces are stripped; blank lines are skipped; leading UTF-8 BOMs
    are ignored; ``.csv.gz`` is read too. Every column except the label must be numeric
    and finite. Missing values (empty cells, ``NA``, ``N/A``, ``NaN``, ``null``, ``None``,
    ``?``) are errors — the playground does not impute.

    The file is untrusted: only a regular file (or a symlink to one) is opened, and its
    size, lines, rows, columns and classes are capped by ``MAX_CSV_BYTES`` (text, after
    decompression), ``MAX_CSV_LINES``, ``MAX_CSV_ROWS``, ``MAX_CSV_COLUMNS`` and
    ``MAX_CLASSES`` of :mod:`core.common.limits`; a cap is enforced while reading, before
    the memory is spent.

    Args:
        path: the file.
        label_column: the target column's name; default the last column.
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``; default inferred:
            non-numeric labels, or integer-valued labels with at most 20 distinct values,
            mean classification (binary with 2 classes, multiclass otherwise); anything else
            is regression. Classes are the sorted distinct labels (numerically when all are
            numbers), mapped to ``0..K-1``; the original labels are kept in ``class_names``.

    Raises:
        ValueError: one sentence naming the file (and the line and column where there is
            one) for every problem but a missing file: not a regular file (directory, FIFO,
            device, socket), unreadable (permissions, I/O error), a limit exceeded (the
            message states it), a damaged, truncated or non-gzip ``.gz``, not UTF-8 text
            (UTF-16/32, undecodable bytes, NUL bytes), a CSV syntax error, empty file,
            header without data rows, a header that looks like data, empty or duplicate
            column names, unknown label column (lists the available ones), ragged rows,
            text in a numeric column, missing or non-finite values (huge literals such as a
            5000-digit number are infinite), a single class, a class count that contradicts
            ``task``.
        FileNotFoundError: the file does not exist.
    """
    path = Path(path)
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)} or None; got {task!r}")
    raw = read_limited(path)
    start = check_content(path, raw)
    rows = _iter_rows(path, raw, start)
    line, cells = next(rows, (0, []))
    if not cells:
        raise ValueError(f"{path}: the file is empty (a header row and data rows are needed)")
    header = _check_header(path, line, cells)
    label_idx = _label_index(path, header, label_column)
    X, labels, lines = _read_body(path, header, label_idx, rows)
    del raw, rows  # the text is no longer needed while the targets are built
    return _make_dataset(path, header, label_idx, X, labels, lines, task)
