"""Start-up: the first training step of a fresh process, tfvars_jax (persistent compilation
cache cold and warm) against TF1 and hand-written JAX, each in fresh processes.

The model is benchmarks/train_mlp.py's MLP with Adam. Each measurement is one new Python
process timing its first `sess.run(train_op)` (after the initializer), i.e. trace + compile
(or a cache load) + run; the hand-written JAX step is timed the same way. "Cache warm" loads
the step from our step cache (no trace); "JAX's cache only" turns that off
(`TFVARS_JAX_STEP_CACHE=0`): traced and lowered, then loaded from JAX's cache. Ours also
report the initializer's run (compile included). Medians of rounds.
Run: python benchmarks/startup.py [--quick]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

QUICK = "--quick" in sys.argv
ROUNDS = 2 if QUICK else 3
HERE = os.path.dirname(os.path.abspath(__file__))

OURS = r"""
import json, sys, time
sys.path.insert(0, HERE)
import numpy as np
from train_mlp import build_graph, data
import tfvars_jax as tf
g, x, y, loss, train = build_graph()
with g.as_default():
    sess = tf.Session()
    init = tf.global_variables_initializer()
    t_init = time.perf_counter()
    sess.run(init)
    t_init = time.perf_counter() - t_init
    xv, yv = data()
    t0 = time.perf_counter()
    sess.run(train, {x: xv, y: yv})
    print(json.dumps([time.perf_counter() - t0, t_init]))
"""

TF1 = r"""
import json, os, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
x = tf.placeholder(tf.float32, [None, 784]); y = tf.placeholder(tf.int32, [None])
h = x
sizes = [784, 512, 512, 10]
for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
    with tf.variable_scope(f"layer{i}"):
        h = tf.matmul(h, tf.get_variable("w", [a, b])) + tf.get_variable("b", [b])
        if i < 2:
            h = tf.nn.relu(h)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
train = tf.train.AdamOptimizer(1e-3).minimize(loss)
rng = np.random.RandomState(0)
xv, yv = rng.randn(128, 784).astype(np.float32), rng.randint(0, 10, 128).astype(np.int32)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
t0 = time.perf_counter()
sess.run(train, {x: xv, y: yv})
print(json.dumps(time.perf_counter() - t0))
"""

JAX = r"""
import json, time
import jax, jax.numpy as jnp, numpy as np, optax
sizes = [784, 512, 512, 10]
rng = np.random.RandomState(0)
params = [(jnp.asarray(rng.randn(a, b).astype(np.float32) * 0.05), jnp.zeros(b)) for a, b in
          zip(sizes[:-1], sizes[1:])]
opt = optax.adam(1e-3)
state = opt.init(params)
def loss(p, x, y):
    h = x
    for i, (w, b) in enumerate(p):
        h = h @ w + b
        if i < 2:
            h = jax.nn.relu(h)
    return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()
@jax.jit
def step(p, s, x, y):
    g = jax.grad(loss)(p, x, y)
    u, s = opt.update(g, s, p)
    return optax.apply_updates(p, u), s
xv, yv = rng.randn(128, 784).astype(np.float32), rng.randint(0, 10, 128).astype(np.int32)
t0 = time.perf_counter()
jax.block_until_ready(step(params, state, xv, yv))
print(json.dumps(time.perf_counter() - t0))
"""


def first_step_seconds(code, env, init_times=None):
    """The first step's seconds; ours also report their initializer run's (`init_times`)."""
    out = subprocess.run([sys.executable, "-c", code.replace("HERE", repr(HERE))],
                         capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if isinstance(result, list):
        result, init = result
        if init_times is not None:
            init_times.append(init)
    return result


def main():
    base = dict(os.environ)
    results = {"ours, cache cold": [], "ours, cache warm": [],
               "ours, warm, JAX's cache only": [], "ours, cache off": [],
               "hand-written JAX (no cache)": [], "TF1": []}
    init_cold, init_warm = [], []  # ours: the initializer's run before it, compile included
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(base, TFVARS_JAX_CACHE_DIR=cache)
            results["ours, cache cold"].append(first_step_seconds(OURS, env, init_cold))
            results["ours, cache warm"].append(first_step_seconds(OURS, env, init_warm))
            # Without our step cache (runtime/step_cache.py): JAX's cache, after tracing.
            results["ours, warm, JAX's cache only"].append(
                first_step_seconds(OURS, dict(env, TFVARS_JAX_STEP_CACHE="0")))
        results["ours, cache off"].append(
            first_step_seconds(OURS, dict(base, TFVARS_JAX_COMPILATION_CACHE="0")))
        results["hand-written JAX (no cache)"].append(first_step_seconds(JAX, base))
        try:
            results["TF1"].append(first_step_seconds(TF1, base))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            pass
    for name, values in results.items():
        if values:
            print(f"first training step, {name:28s} {statistics.median(values) * 1e3:8.1f} ms")
    for name, values in (("cold", init_cold), ("warm", init_warm)):
        print(f"initializer run before it, ours, cache {name}  "
              f"{statistics.median(values) * 1e3:8.1f} ms "
              "(hand-written JAX initializes with NumPy on the host)")


if __name__ == "__main__":
    main()
