"""load_csv against hostile files: damaged gzip, bombs, size caps before reading,
special files (FIFOs, devices, folders, symlinks, unreadable files).

Every refusal must be a plain ``ValueError`` whose message is one sentence naming the
file, and the file must be left exactly as it was.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from pathlib import Path
from typing import Any

import pytest

from core.common import limits
from core.data import csv_bytes
from core.data.csv_file import load_csv
from tests.core.data.csv_helpers import GOOD, call_guarded, peak_bytes, refused

# --------------------------------------------------------------------------- gzip


def _gz(tmp_path: Path, data: bytes, name: str = "data.csv.gz") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_damaged_deflate_stream_is_a_value_error(tmp_path):
    raw = bytearray(gzip.compress(GOOD, mtime=0))
    raw[10] = 0xFF  # first deflate block: BTYPE 11 is reserved -> zlib.error
    with pytest.raises(zlib.error):
        zlib.decompress(bytes(raw[10:]), -15)
    refused(_gz(tmp_path, bytes(raw)), "not a valid gzip file")


@pytest.mark.parametrize(
    ("case", "mangle"),
    [
        ("bad_crc", lambda b: b[:-8] + bytes([b[-8] ^ 1]) + b[-7:]),
        ("bad_length", lambda b: b[:-4] + bytes([b[-4] ^ 1]) + b[-3:]),
        ("truncated", lambda b: b[: len(b) // 2]),
        ("no_trailer", lambda b: b[:-8]),
        ("trailing_garbage", lambda b: b + b"garbage!"),
        ("not_gzip", lambda b: GOOD),
        ("bad_magic", lambda b: b"\x1f\x8c" + b[2:]),
    ],
)
def test_damaged_gzip_is_a_value_error(tmp_path, case, mangle):
    p = _gz(tmp_path, mangle(gzip.compress(GOOD, mtime=0)), f"{case}.csv.gz")
    refused(p, "not a valid gzip file")


def test_every_one_byte_corruption_loads_or_is_refused(tmp_path):
    good = gzip.compress(GOOD, mtime=0)
    p = tmp_path / "fuzz.csv.gz"
    for pos in range(len(good)):
        for flip in (0x01, 0x80, 0xFF):
            p.write_bytes(good[:pos] + bytes([good[pos] ^ flip]) + good[pos + 1:])
            try:
                load_csv(p)  # a flip in e.g. the mtime field is harmless
            except ValueError as exc:
                assert type(exc) is ValueError and str(p) in str(exc), (pos, flip, exc)


def test_every_truncation_is_refused(tmp_path):
    good = gzip.compress(GOOD, mtime=0)
    p = tmp_path / "cut.csv.gz"
    for n in range(len(good)):
        p.write_bytes(good[:n])
        refused(p, "gzip|empty")


def _bomb(path: Path, inflated_mib: int) -> None:
    """A single-member gzip of ``inflated_mib`` MiB of "1,2" rows, compressed as a stream."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunk = b"1,2\n" * (1 << 18)  # 1 MiB
    with path.open("wb") as fh:
        fh.write(comp.compress(b"a,b\n"))
        for _ in range(inflated_mib):
            fh.write(comp.compress(chunk))
        fh.write(comp.flush())


def test_gzip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    p = tmp_path / "bomb.csv.gz"
    _bomb(p, 200)
    assert p.stat().st_size < 1 << 20
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 4 << 20)  # 4 MiB keeps the test quick
    message = refused(p, "decompresses to more than 4 MiB")
    assert "limit" in message
    peak = peak_bytes(lambda: load_csv(p))
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MiB: the bomb was inflated"


def test_gzip_within_the_cap_loads(tmp_path, monkeypatch):
    body = b"a,b\n" + b"1,0\n3,1\n" * 1000
    p = _gz(tmp_path, gzip.compress(body))
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", len(body))
    assert load_csv(p).n_samples == 2000
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", len(body) - 1)
    refused(p, "decompresses to more than")


def test_file_size_cap_applies_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_bytes(b"a,b\n" + b"1,0\n2,1\n" * 250)
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", p.stat().st_size)
    assert load_csv(p).n_samples == 500
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 1000)
    refused(p, r"2,004 bytes, more than the limit of 1,000 bytes")


# --------------------------------------------------------------------------- special files


def test_fifo_is_refused_without_blocking(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "link_to_pipe.csv"
    link.symlink_to(fifo)

    def unblock() -> None:  # a blocked open() for reading returns once a writer comes
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    for p in (fifo, link):
        call_guarded(lambda p=p: refused(p, "is not a regular file but a FIFO"), unblock)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    call_guarded(lambda: refused(Path(device), "is not a regular file but a character device"))
    link = tmp_path / "device.csv"
    link.symlink_to(device)
    call_guarded(lambda: refused(link, "is not a regular file"))


def test_directories_are_refused(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    (folder / "inside.txt").write_text("keep me")
    refused(folder, "is not a regular file but a directory")
    refused(tmp_path, "is not a regular file but a directory")
    assert (folder / "inside.txt").read_text() == "keep me"


def test_symlink_to_a_regular_file_loads(tmp_path):
    target = tmp_path / "real.csv"
    target.write_bytes(GOOD)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert load_csv(link).n_samples == 3


def test_missing_file_stays_file_not_found_and_other_os_errors_are_value_errors(
    tmp_path, monkeypatch
):
    with pytest.raises(FileNotFoundError):
        load_csv(tmp_path / "nope.csv")
    p = tmp_path / "data.csv"
    p.write_bytes(GOOD)
    refused(p / "below_a_file.csv", "cannot be read")

    def denied(*_: Any, **__: Any) -> int:
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(csv_bytes.os, "open", denied)
    refused(p, r"cannot be read \(Permission denied\)")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="needs a non-root user for file permissions")
def test_unreadable_file_is_a_value_error(tmp_path):
    p = tmp_path / "secret.csv"
    p.write_bytes(GOOD)
    p.chmod(0)
    try:
        with pytest.raises(ValueError, match="cannot be read"):
            load_csv(p)
    finally:
        p.chmod(0o600)
