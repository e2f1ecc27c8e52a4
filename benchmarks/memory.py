"""Peak memory of a large variable, ours vs raw JAX vs TF1: (1) init + 10 in-place updates,
(2) `Saver.restore` of it into a session where it is already initialized.

Each library runs in a fresh process: baseline RSS after imports, then a 512 MiB float32
variable ([128, 1024, 1024]) is created with `tf.ones(shape)`, initialized, and updated 10
times with `v.assign_add(tf.ones(shape))`; the high-water mark of RSS over the baseline is
printed in units of the variable's size (1.0x = only the variable exists). Raw JAX: the same
with `jnp.ones` and a donated `jax.jit` update. For (2) the baseline is taken after the
initializer ran, so the figure is the restore's extra memory. `--quick` uses a 64 MiB variable.
Run: python benchmarks/memory.py [--quick]
"""
import json
import subprocess
import sys

SHAPE = [16, 1024, 1024] if "--quick" in sys.argv else [128, 1024, 1024]

COMMON = r"""
import json, resource
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
"""

OURS = COMMON + r"""
import numpy as np
import tfvars_jax as tf
SHAPE = %r
reset_peak(); base = rss_mb()
v = tf.Variable(tf.ones(SHAPE), name="v")
inc = v.assign_add(tf.ones(SHAPE)).op
with tf.Session() as sess:
    sess.run(v.initializer)
    for _ in range(10):
        sess.run(inc)
    last = float(sess.run(v[0, 0, 0]))
print(json.dumps([rss_mb() - base, last]))
"""

JAX = COMMON + r"""
import functools
import jax, jax.numpy as jnp
SHAPE = %r
reset_peak(); base = rss_mb()
v = jnp.ones(SHAPE, jnp.float32)
inc = jax.jit(lambda x: x + jnp.ones(SHAPE, jnp.float32), donate_argnums=0)
for _ in range(10):
    v = inc(v)
print(json.dumps([rss_mb() - base, float(v[0, 0, 0])]))
"""

TF1 = COMMON + r"""
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
SHAPE = %r
reset_peak(); base = rss_mb()
v = tf.Variable(tf.ones(SHAPE), name="v")
inc = v.assign_add(tf.ones(SHAPE)).op
with tf.Session() as sess:
    sess.run(v.initializer)
    for _ in range(10):
        sess.run(inc)
    last = float(sess.run(v[0, 0, 0]))
print(json.dumps([rss_mb() - base, last]))
"""


RESTORE = COMMON + r"""
import os, sys, tempfile
if sys.argv[1:] == ["tf"]:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import tfvars_jax as tf
SHAPE = %r
prefix = os.path.join(tempfile.mkdtemp(), "big")
v = tf.Variable(tf.ones(SHAPE), name="v")
saver = tf.train.Saver()
with tf.Session() as sess:
    sess.run(v.initializer)
    saver.save(sess, prefix, write_meta_graph=False)
with tf.Session() as sess:
    sess.run(v.initializer)
    sess.run(v.assign_add(tf.ones(SHAPE)).op)
    reset_peak(); base = rss_mb()
    saver.restore(sess, prefix)
    mb = rss_mb() - base
    print(json.dumps([mb, float(sess.run(v[0, 0, 0])) + 10.0]))
"""


def peak(code, *args):
    out = subprocess.run([sys.executable, "-c", code % (SHAPE,), *args], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    var_mb = 4 * int(__import__("numpy").prod(SHAPE)) / 2 ** 20
    rows = [("tfvars_jax", OURS), ("raw JAX", JAX), ("TF1", TF1)]
    for name, code in rows:
        try:
            mb, last = peak(code)
        except subprocess.CalledProcessError:
            print(f"{name:10s} not available")
            continue
        assert last == 11.0, (name, last)
        print(f"{name:10s} peak RSS over baseline {mb:8.0f} MiB = {mb / var_mb:5.2f}x the "
              f"{var_mb:.0f} MiB variable")
    for name, args in (("tfvars_jax", ()), ("TF1", ("tf",))):
        try:
            mb, last = peak(RESTORE, *args)
        except subprocess.CalledProcessError:
            print(f"{name:10s} restore not available")
            continue
        assert last == 11.0, (name, last)
        print(f"{name:10s} Saver.restore: extra peak {mb:8.0f} MiB = {mb / var_mb:5.2f}x the "
              f"variable")


if __name__ == "__main__":
    main()
