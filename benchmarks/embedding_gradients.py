"""Training a large embedding: what a gradient to a [1M, 64] table costs, ours vs hand-written
JAX, each in a fresh process.

TF1 sends `IndexedSlices` (rows and indices) to the optimizer; we, like `jax.grad` of a
`jnp.take`, have a dense gradient of the table's shape, which XLA builds with a scatter-add
and fuses into the update. Printed: median step time (ms) of embedding_lookup + a small loss +
GradientDescent (batch 128 ids), and peak RSS over the baseline taken after initialization,
in units of the table's size (1.0x = one extra table-sized buffer).
Run: python benchmarks/embedding_gradients.py [--quick]
"""
import json
import subprocess
import sys

ROWS = 250_000 if "--quick" in sys.argv else 1_000_000
DIM, BATCH, STEPS = 64, 128, 30

COMMON = r"""
import json, statistics, time
import numpy as np
ROWS, DIM, BATCH, STEPS = %d, %d, %d, %d
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
ids = np.random.RandomState(0).randint(0, ROWS, (STEPS, BATCH)).astype(np.int32)
"""

OURS = COMMON + r"""
import tfvars_jax as tf
table = tf.get_variable("table", [ROWS, DIM], initializer=tf.zeros_initializer())
x = tf.placeholder(tf.int32, [BATCH])
loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(table, x) - 1.0))
step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
run = sess.make_callable(step, [x])
run(ids[0])
reset_peak(); base = rss_mb()
times = []
for k in range(STEPS):
    t0 = time.perf_counter(); run(ids[k]); times.append(time.perf_counter() - t0)
peak = rss_mb() - base
print(json.dumps([statistics.median(times) * 1e3, peak, float(sess.run(table)[ids[1, 0], 0])]))
"""

JAX = COMMON + r"""
import functools
import jax, jax.numpy as jnp
table = jnp.zeros((ROWS, DIM), jnp.float32)
def loss(t, x):
    return jnp.sum(jnp.square(jnp.take(t, x, axis=0) - 1.0))
@functools.partial(jax.jit, donate_argnums=0)
def step(t, x):
    return t - 0.1 * jax.grad(loss)(t, x)
table = step(table, ids[0]); table.block_until_ready()
reset_peak(); base = rss_mb()
times = []
for k in range(STEPS):
    t0 = time.perf_counter(); table = step(table, ids[k]); table.block_until_ready()
    times.append(time.perf_counter() - t0)
peak = rss_mb() - base
print(json.dumps([statistics.median(times) * 1e3, peak, float(table[ids[1, 0], 0])]))
"""


def main():
    table_mb = ROWS * DIM * 4 / 2 ** 20
    for name, code in (("tfvars_jax", OURS), ("hand-written JAX", JAX)):
        out = subprocess.run([sys.executable, "-c", code % (ROWS, DIM, BATCH, STEPS)],
                             capture_output=True, text=True, check=True)
        ms, peak, _ = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name:17s} step {ms:7.2f} ms | peak RSS over baseline {peak:6.0f} MiB = "
              f"{peak / table_mb:4.2f}x the {table_mb:.0f} MiB table")


if __name__ == "__main__":
    main()
