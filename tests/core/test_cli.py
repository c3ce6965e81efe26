"""The headless runner: exit codes, metrics files, saving."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import run_command

ROOT = Path(__file__).resolve().parents[2]
PRESET = ROOT / "resources/presets/00_default_spiral.json"


def test_main_run_writes_a_csv_with_one_row_per_step(tmp_path):
    out = tmp_path / "m.csv"
    proc = subprocess.run([sys.executable, "main.py", "run", str(PRESET), "--steps", "120",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 120 and rows[-1]["step"] == "120"
    assert "grad_norm_hidden_1" in rows[0] and "val_loss" in rows[0]
    assert rows[9]["val_loss"] != "" and rows[8]["val_loss"] == ""  # eval_every = 10
    assert "step 120" in proc.stdout
    assert proc.stderr == ""  # no progress bar when not on a terminal


def test_json_metrics_and_save_then_continue(tmp_path):
    out, saved = tmp_path / "m.json", tmp_path / "s.opg"
    assert run_command([str(PRESET), "--steps", "30", "--out", str(out), "--save",
                        str(saved)]) == 0
    doc = json.loads(out.read_text())
    assert doc["steps"] == list(range(1, 31)) and len(doc["grad_norms"][0]) == 4
    out2 = tmp_path / "m2.json"
    assert run_command([str(saved), "--steps", "20", "--out", str(out2)]) == 0
    assert json.loads(out2.read_text())["steps"][-1] == 50


@pytest.mark.parametrize("args,message", [
    (["missing.json"], "cannot read"),
    ([str(PRESET), "--steps", "-4"], "--steps must lie in 0..1000000000000"),
    ([str(PRESET), "--out", "m.xlsx"], ".csv or .json"),
    ([str(PRESET), "--steps", "many"], "invalid int value"),
    ([], "required"),
])
def test_bad_input_exits_2_with_one_line(args, message, capsys):
    assert run_command(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_divergence_exits_3(tmp_path, capsys):
    # ten linear layers with weights N(0, 0.5^2): SGD diverges within a few steps
    preset = tmp_path / "diverging.json"
    preset.write_text(json.dumps({
        "schema_version": 2, "data": {"name": "circle", "n_samples": 400},
        "network": {"hidden": [32] * 10, "activation": "linear",
                    "initializer": "small_random", "init_sigma": 0.5},
        "optimizer": {"name": "sgd", "hyper": {"lr": 0.01}}}))
    assert run_command([str(preset), "--steps", "200"]) == 3
    assert "diverged at step" in capsys.readouterr().err


def test_a_csv_with_text_in_a_numeric_column_is_named_and_left_alone(tmp_path, capsys):
    data = tmp_path / "mine.csv"
    text = "a,b,label\n1.0,2.0,0\n3.0,oops,1\n5.0,6.0,1\n7.0,8.0,0\n"
    data.write_text(text)
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"schema_version": 2, "data": {
        "name": "csv", "csv_path": str(data), "label_column": "label", "val_ratio": 0.0}}))
    assert run_command([str(cfg), "--steps", "5"]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "'b'" in err and "oops" in err
    assert data.read_text() == text
    data.unlink()
    assert run_command([str(cfg), "--steps", "5"]) == 2
    assert "mine.csv" in capsys.readouterr().err
