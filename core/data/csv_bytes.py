"""The bytes of an untrusted CSV file, read safely, and the checks made on them.

Before a CSV is parsed its bytes pass through here: only a regular file (or a symlink to
one) is opened, never a FIFO or device; reading stops one piece past
``limits.MAX_CSV_BYTES`` (on disk and after gzip decompression, so neither a growing file
nor a gzip bomb is read to its end); and the text is refused at C speed when it is not
UTF-8 (UTF-16/32, NUL bytes, undecodable bytes), blank, longer than
``limits.MAX_CSV_LINES`` lines or wider than ``limits.MAX_CSV_COLUMNS`` fields. Every
refusal is a ``ValueError`` of one sentence naming the file; only a missing file stays a
``FileNotFoundError``. :mod:`core.data.csv_file` parses what passes.
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
import re
import stat
import zlib
from pathlib import Path

from core.common import limits

__all__ = ["check_content", "check_widths", "read_limited", "sniff_delimiter"]

_READ_CHUNK = 1 << 20  # inflate a .gz in pieces of this size, so at most this much past the cap
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOMS = re.compile(rb"(?:\xef\xbb\xbf)*")
_NON_SPACE = re.compile(rb"\S")
_LINE_END = re.compile(rb"[\r\n]")
_NOT_REGULAR = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def _size_text(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n:,} bytes"


def _check_mode(path: Path, st: os.stat_result) -> None:
    """Refuse anything but a regular file of acceptable size (a FIFO or device may never end)."""
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "special file")
        raise ValueError(f"{path} is not a regular file but a {kind}; choose a CSV file")
    if st.st_size > limits.MAX_CSV_BYTES:
        raise ValueError(
            f"{path}: the file has {st.st_size:,} bytes, more than the limit of "
            f"{_size_text(limits.MAX_CSV_BYTES)} for a CSV"
        )


def _open_regular(path: Path) -> io.BufferedReader:
    """Open ``path`` for reading once it is known to be a regular file.

    The ``stat`` comes before the ``open`` so a FIFO is never opened (that would block);
    ``O_NONBLOCK`` and the ``fstat`` of the opened file cover a swap in between.
    """
    try:
        st = os.stat(path)  # follows symlinks: a link to a regular file is fine
    except ValueError as exc:  # e.g. an embedded NUL in the name
        raise ValueError(f"{str(path)!r}: not a usable file name ({exc})") from None
    _check_mode(path, st)
    nonblock = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | nonblock)
    try:
        _check_mode(path, os.fstat(fd))
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_capped(path: Path, fh: io.BufferedIOBase, first: int, what: str) -> bytes:
    """Read ``fh`` in pieces (the first of ``first`` bytes); refuse it past MAX_CSV_BYTES.

    Reading stops one piece after the cap, so neither a file that grows nor a gzip bomb is
    read to its end; nothing the file says about its own size is trusted.
    """
    parts: list[bytes] = []
    total = 0
    size = first
    while chunk := fh.read(size):
        total += len(chunk)
        if total > limits.MAX_CSV_BYTES:
            raise ValueError(
                f"{path}: {what} more than {_size_text(limits.MAX_CSV_BYTES)}, "
                "the limit for a CSV"
            )
        parts.append(chunk)
        size = _READ_CHUNK
    return parts[0] if len(parts) == 1 else b"".join(parts)  # one piece: no copy


def read_limited(path: Path) -> bytes:
    """The file's bytes (``.gz`` inflated), at most MAX_CSV_BYTES; read problems -> ValueError.

    Only a missing file stays an OSError (``FileNotFoundError``).
    """
    try:
        with _open_regular(path) as fh:
            if path.suffix.lower() != ".gz":
                # the size from fstat is only a hint: +1 notices a file that grew since
                return _read_capped(path, fh, os.fstat(fh.fileno()).st_size + 1, "the file has")
            with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
                return _read_capped(path, gz, _READ_CHUNK, "decompresses to")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ValueError(
            f"{path}: not a valid gzip file, damaged or truncated ({exc or type(exc).__name__})"
        ) from None
    except FileNotFoundError:
        raise
    except OSError as exc:  # permissions, I/O errors, a path through a non-directory, ...
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _line_at(raw: bytes, pos: int) -> int:
    """1-based line of byte ``pos``; lines end in \\n, \\r\\n or \\r, as the csv module reads."""
    return raw.count(b"\n", 0, pos) + raw.count(b"\r", 0, pos) - raw.count(b"\r\n", 0, pos) + 1


def check_content(path: Path, raw: bytes) -> int:
    """Where the text starts (after any UTF-8 BOMs); refuse what is not UTF-8 CSV text.

    These checks scan the bytes at C speed before any per-line work: other encodings,
    NUL bytes, undecodable UTF-8, blank-only files and too many lines.
    """
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            raise ValueError(f"{path}: the file is {name} text; save it as UTF-8")
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ValueError(
            f"{path}, line {_line_at(raw, nul)}: NUL byte in the file "
            "(binary data or UTF-16 text, not a UTF-8 CSV)"
        )
    start = _UTF8_BOMS.match(raw).end()  # type: ignore[union-attr]  # always matches
    try:
        str(memoryview(raw)[start:], "utf-8")  # validates only; rows are decoded lazily
    except UnicodeDecodeError as exc:
        pos = start + exc.start
        raise ValueError(
            f"{path}, line {_line_at(raw, pos)}: not a UTF-8 text file "
            f"(undecodable byte at offset {pos})"
        ) from None
    if _NON_SPACE.search(raw, start) is None:
        raise ValueError(f"{path}: the file is empty (a header row and data rows are needed)")
    lines = raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")
    if lines > limits.MAX_CSV_LINES:  # skipping blank lines costs Python time per line
        raise ValueError(
            f"{path}: more than {limits.MAX_CSV_LINES:,} lines (blank ones included), "
            "the limit for a CSV"
        )
    return start


def sniff_delimiter(raw: bytes, start: int) -> str:
    """``,`` unless the first non-blank line has none: then ``;`` or tab if it has one."""
    first = _NON_SPACE.search(raw, start)
    pos = first.start() if first else start
    begin = max(raw.rfind(b"\n", start, pos), raw.rfind(b"\r", start, pos), start - 1) + 1
    eol = _LINE_END.search(raw, pos)
    end = eol.start() if eol else len(raw)
    for d in (b",", b";", b"\t"):
        if raw.find(d, begin, end) >= 0:
            return d.decode()
    return ","


def check_widths(path: Path, raw: bytes, delimiter: str) -> None:
    """Refuse a line of more than MAX_CSV_COLUMNS fields before the csv module splits it.

    Counted on the raw lines (a delimiter inside quotes counts too, one trailing delimiter
    is allowed), so one hostile line cannot make the parser build millions of cells.
    """
    d = delimiter.encode()
    if raw.count(d) <= limits.MAX_CSV_COLUMNS:
        return  # no line can be too wide
    lines = raw.splitlines()
    widest = max(map(bytes.count, lines, itertools.repeat(d)), default=0)
    if widest <= limits.MAX_CSV_COLUMNS:
        return
    i = next(i for i, line in enumerate(lines) if line.count(d) > limits.MAX_CSV_COLUMNS)
    raise ValueError(
        f"{path}, line {i + 1}: more than {limits.MAX_CSV_COLUMNS:,} columns, "
        "the limit for a CSV"
    )
