"""``python main.py sweep``: its tables, exit codes, Ctrl-C and the picture."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import sweep_command

ROOT = Path(__file__).resolve().parents[4]
PRESET = ROOT / "resources/presets/00_default_spiral.json"


def rows(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_sweep_writes_the_step_table_the_summaries_and_a_picture(tmp_path):
    out, summary = tmp_path / "sweep.csv", tmp_path / "summary.csv"
    png = tmp_path / "sweep.png"
    proc = subprocess.run(
        [sys.executable, "main.py", "sweep", str(PRESET), "--vary", "optimizer.name=sgd,adam",
         "--vary", "optimizer.hyper.lr=log:1e-3:1e-1:3", "--seeds", "2", "--steps", "50",
         "--out", str(out), "--summary", str(summary), "--plot", str(png), "--workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "12 of 12 runs, 0 diverged" in proc.stdout
    assert "local processes, 2 workers" in proc.stdout
    assert proc.stderr == ""  # no bar when not on a terminal
    steps = rows(out)
    assert len(steps) == 12 * 50
    assert list(steps[0])[:5] == ["run", "optimizer.name", "optimizer.hyper.lr", "seed", "step"]
    assert {r["seed"] for r in steps} == {"0", "1"}  # the preset's seed 0 and the next
    per_run = rows(summary)
    assert len(per_run) == 12 and per_run[0]["status"] == "done"
    assert per_run[11]["optimizer.name"] == "adam" and per_run[11]["optimizer.hyper.lr"] == "0.1"
    cells = rows(tmp_path / "summary_cells.csv")
    assert [c["label"] for c in cells][:2] == ["sgd, lr 0.001", "sgd, lr 0.01"]
    assert all(c["n_runs"] == "2" for c in cells)
    blob = png.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n" and len(blob) > 20_000


@pytest.mark.parametrize("args,message", [
    (["--vary", "network.nope=1"], "network has no setting 'nope'"),
    (["--vary", "network.activation=relu,swish"], "axis network.activation=swish"),
    (["--vary", "training.seed=1,2"], "the seeds are the sweep's own axis"),
    ([], "give at least one --vary"),
    (["--vary", "training.l2=0", "--seeds", "0"], "number of seeds"),
    (["--vary", "training.l2=0", "--out", "x.txt"], "--out must end in .csv"),
    (["--vary", "training.l2=0", "--plot", "x.jpg"], "--plot must end in .png or .svg"),
    (["--vary", "training.l2=0", "--workers", "0"], "--workers must be at least 1"),
    (["--vary", "training.l2=0", "--workers", "2", "--serial"], "not allowed with"),
    (["--vary", "training.l2=0", "--metrics", "loss"], "unknown metric 'loss'"),
])
def test_bad_input_exits_2_with_one_line(args, message, tmp_path, capsys):
    argv = [str(PRESET), "--out", str(tmp_path / "o.csv"), *args]
    if "--out" in args:
        argv = [str(PRESET), *args]
    assert sweep_command(argv, plot=lambda *a: None) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "o.csv").exists()


def test_a_missing_session_exits_2(tmp_path, capsys):
    assert sweep_command([str(tmp_path / "none.json"), "--vary", "training.l2=0",
                          "--out", str(tmp_path / "o.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_exit_3_only_when_every_run_diverged(tmp_path, capsys):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"schema_version": 3,
                               "optimizer": {"name": "sgd", "hyper": {"lr": 1.0}},
                               "data": {"name": "moons", "n_samples": 100}}))
    out = tmp_path / "o.csv"
    base = [str(cfg), "--out", str(out), "--serial", "--steps", "30"]
    assert sweep_command([*base, "--vary", "optimizer.hyper.lr=1e3,1e4"]) == 3
    assert len(rows(out)) > 0  # the diverged runs' steps are there
    assert sweep_command([*base, "--vary", "optimizer.hyper.lr=0.01,1e4"]) == 0
    assert "2 of 2 runs, 1 diverged" in capsys.readouterr().out


def test_ctrl_c_stops_the_remaining_runs_and_writes_what_finished(tmp_path):
    out, summary = tmp_path / "sweep.csv", tmp_path / "summary.csv"
    proc = subprocess.Popen(
        [sys.executable, "main.py", "sweep", str(PRESET), "--vary",
         "optimizer.hyper.lr=log:1e-3:1e-2:8", "--steps", "15000", "--workers", "2",
         "--out", str(out), "--summary", str(summary), "--progress", "lines"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()  # a run has finished
        assert first.startswith("[1/8] run "), first
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "stopping: the runs in progress end" in err and "interrupted:" in err
    per_run = rows(summary)
    done = {r["run"] for r in per_run}
    assert 1 <= len(done) < 8
    steps = rows(out)  # a valid CSV of whole runs only
    assert {r["run"] for r in steps} == done
    assert len(steps) == 15000 * len(done)
    assert all(r["status"] == "done" for r in per_run)
