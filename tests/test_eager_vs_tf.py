"""Differential test of eager execution: the programs of tests/eager_programs.py (tensors and
their printing, operators and NumPy interop, control flow, variables and variable stores,
GradientTape in its forms, contrib.eager's gradient functions, optimizers, defun, seeds) give
the same results — values, dtypes, shapes, names, printed text, error types — in TensorFlow's
eager mode (TF 2's default, through tf.compat.v1) and in ours.

Eager mode is process-global (TF1 cannot switch it off), and the other test modules run TF
with `disable_v2_behavior()`: each side runs in a fresh subprocess.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("tensorflow")

from eager_programs import PROGRAMS

pytestmark = [pytest.mark.tensorflow, pytest.mark.slow]

TESTS = pathlib.Path(__file__).parent
ROOT = TESTS.parent


def run_programs(which, directory, names=()):
    """Runs the programs (all by default) in a fresh process of `which` ("tf" or "ours"),
    checkpoints under `directory`; returns the results."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT),
               EAGER_PROGRAMS_DIR=str(directory))
    proc = subprocess.run([sys.executable, str(TESTS / "eager_programs.py"), which, *names],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")]
    assert lines, f"{which} produced no results:\n{proc.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULTS "):])


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Ours, then TF (which restores our checkpoint), then ours again restoring TF's."""
    directory = tmp_path_factory.mktemp("eager_programs")
    ours = run_programs("ours", directory)
    theirs = run_programs("tf", directory)
    again = run_programs("ours", directory, ["checkpoints"])
    return ours, theirs, again


def _differences(ours, theirs, path=""):
    """Where two result trees differ (floats within 1e-6 relative, the rest exactly)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if set(ours) != set(theirs):
            return [(path, sorted(ours), sorted(theirs))]
        return [d for k in ours for d in _differences(ours[k], theirs[k], f"{path}/{k}")]
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(ours, theirs))
                for d in _differences(a, b, f"{path}[{i}]")]
    if isinstance(ours, float) and isinstance(theirs, float):
        return [] if abs(ours - theirs) <= 1e-6 * max(1.0, abs(theirs)) else [(path, ours, theirs)]
    return [] if ours == theirs else [(path, ours, theirs)]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_as_tf(results, name):
    ours, theirs, _ = results
    assert "__error__" not in theirs[name], theirs[name].get("__traceback__")
    assert "__error__" not in ours[name], ours[name].get("__traceback__")
    mine = {k: v for k, v in ours[name].items() if k != "restored_other"}  # TF ran second:
    other = {k: v for k, v in theirs[name].items() if k != "restored_other"}  # see below
    assert _differences(mine, other) == []


def test_checkpoints_move_both_ways(results):
    """TF's eager Checkpoint restores ours and ours restores TF's: the same values (and slots,
    restored when the optimizer creates them, then one step taken)."""
    ours, theirs, again = results
    assert "restored_other" not in ours["checkpoints"]
    assert theirs["checkpoints"]["restored_other"] == again["checkpoints"]["restored_other"]
    assert again["checkpoints"]["restored_other"][0] == ours["checkpoints"]["values"][
        "w/.ATTRIBUTES/VARIABLE_VALUE"]
