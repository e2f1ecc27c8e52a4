"""The README's examples and the demo run, and print what they promise."""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_python_blocks_run(capsys):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    import tfvars_jax as tf
    for block in blocks:
        tf.reset_default_graph()
        exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["1.0", "2.0", "[]"]
    assert out[3] == "['beta1_power', 'beta2_power', 'dense/w', 'dense/w/Adam', 'dense/w/Adam_1']"
    # the Supervisor example: the second program resumes from the first one's checkpoint
    assert "0 -> model.ckpt-3" in out and "3 -> model.ckpt-6" in out
    # tf.image (TF1's align_corners grid) and tf.sparse (embedding_lookup_sparse)
    assert "[[ 0.  9.]" in out and " [36. 45.]]" in out
    assert "[[0. 1. 0. 1.]" in out and " [0. 0. 1. 0.]]" in out


def test_readme_eager_block_runs_in_its_own_process():
    """Eager mode is process-global (TF1): the README's eager example runs in a subprocess."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python eager\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    result = subprocess.run([sys.executable, "-c", blocks[0]], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0] == "[ -8. -12.]"
    assert lines[1].startswith("<tf.Variable 'w:0' shape=(2, 1) dtype=float32, numpy=")


def test_demo_trains_and_prints_the_variable_table():
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["counter, 2*counter: 1 2", "counter, 2*counter: 2 4", "counter, 2*counter: 3 6"]
    losses = [float(line.split()[-1]) for line in lines if line.startswith("step")]
    assert len(losses) == 6 and losses[-1] < losses[0] / 10
    assert any(line.startswith("hidden/weights/Adam:0") and "(8, 16)" in line for line in lines)
    assert any(line.startswith("global_step:0") and "int64" in line for line in lines)
