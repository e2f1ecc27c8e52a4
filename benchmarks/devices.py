"""Devices: a multi-tower training step on 4 forced CPU devices against hand-written JAX, and
the overhead of a run spanning 2 devices. (Issue 12; see ARCHITECTURE.md, Devices.)

  towers      TF1's cifar10_multi_gpu_train pattern, 4 towers under tf.device('/cpu:%d'),
              averaged gradients, one GradientDescent apply, via sess.make_callable
  shard_map   the same model hand-written: params replicated over a 4-device Mesh, the batch
              sharded, gradients pmean'd, SGD update, donated (the reference)
  per-device  hand-written one program per device (grads per device, transfers, apply on
              device 0): the execution model our spanning runs use
  one device  our program with every tower on /cpu:0 (same ops, no transfers)
  tiny        a 4-float update whose ops span /cpu:0 and /cpu:1 vs all on /cpu:0

Rounds interleave all variants in one process; medians over rounds, ratios printed.
Absolute numbers mean little on a shared machine: read the ratios and the load.
Run: python benchmarks/devices.py [--quick]
"""
import os
import sys

os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_force_host_platform_device_count=4").strip()

import statistics  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _timing import per_call_us  # noqa: E402

import tfvars_jax as tf  # noqa: E402

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 7
CALLS = 20 if QUICK else 50
TOWERS, BATCH, SIZES, LR = 4, 512, [256, 256, 10], 0.1


def data():
    rng = np.random.RandomState(0)
    return rng.randn(BATCH, SIZES[0]).astype(np.float32), rng.randint(0, 10, BATCH).astype(np.int32)


def ours(device_format):
    g = tf.Graph()
    with g.as_default(), tf.device("/cpu:0"):
        x = tf.placeholder(tf.float32, [BATCH, SIZES[0]])
        y = tf.placeholder(tf.int32, [BATCH])
        opt = tf.train.GradientDescentOptimizer(LR)
        xs, ys = tf.split(x, TOWERS), tf.split(y, TOWERS)
        grads, losses = [], []
        with tf.variable_scope(tf.get_variable_scope()):
            for i in range(TOWERS):
                with tf.device(device_format % i), tf.name_scope("tower_%d" % i):
                    with tf.variable_scope("mlp"):
                        h = tf.layers.dense(xs[i], SIZES[1], tf.nn.relu, name="h")
                        logits = tf.layers.dense(h, SIZES[2], name="out")
                    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=ys[i], logits=logits))
                    tf.get_variable_scope().reuse_variables()
                    grads.append(opt.compute_gradients(loss))
                    losses.append(loss)
        avg = [(tf.reduce_mean(tf.stack([g_ for g_, _ in gv]), 0), gv[0][1]) for gv in zip(*grads)]
        train = opt.apply_gradients(avg)
        mean_loss = tf.add_n(losses) / TOWERS
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=g)
    sess.run(init)
    xv, yv = data()
    step = sess.make_callable([train, mean_loss], [x, y])
    return lambda: step(xv, yv)[1], sess


def loss_fn(p, x, y):
    h = jax.nn.relu(x @ p["h"]["kernel"] + p["h"]["bias"])
    logits = h @ p["out"]["kernel"] + p["out"]["bias"]
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], 1))


def init_params():
    rng = np.random.RandomState(1)
    return {"h": {"kernel": rng.randn(SIZES[0], SIZES[1]).astype(np.float32) * .05,
                  "bias": np.zeros(SIZES[1], np.float32)},
            "out": {"kernel": rng.randn(SIZES[1], SIZES[2]).astype(np.float32) * .05,
                    "bias": np.zeros(SIZES[2], np.float32)}}


def shard_map_step():
    mesh = Mesh(np.array(jax.devices()[:TOWERS]), ("towers",))

    def step(p, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(p, x, y)
        grads, loss = jax.lax.pmean((grads, loss), "towers")
        return jax.tree.map(lambda w, g_: w - LR * g_, p, grads), loss
    sharded = jax.jit(jax.shard_map(step, mesh=mesh, in_specs=(P(), P("towers"), P("towers")),
                                    out_specs=(P(), P())), donate_argnums=0)
    state = {"p": jax.device_put(init_params(), NamedSharding(mesh, P()))}
    xv, yv = data()
    xs = jax.device_put(xv, NamedSharding(mesh, P("towers")))
    ys = jax.device_put(yv, NamedSharding(mesh, P("towers")))

    def call():
        state["p"], loss = sharded(state["p"], xs, ys)
        return np.asarray(loss)
    return call


def per_device_step():
    devs = jax.devices()[:TOWERS]
    grad = jax.jit(jax.value_and_grad(loss_fn))

    @jax.jit
    def apply(p, losses, grads):
        mean = jax.tree.map(lambda *g_: sum(g_) / len(g_), *grads)
        return jax.tree.map(lambda w, g_: w - LR * g_, p, mean), sum(losses) / len(losses)
    state = {"p": jax.device_put(init_params(), devs[0])}
    xv, yv = data()
    n = BATCH // TOWERS

    def call():
        outs = [grad(jax.device_put(state["p"], d), xv[i * n:(i + 1) * n], yv[i * n:(i + 1) * n])
                for i, d in enumerate(devs)]
        outs = jax.device_put(outs, devs[0])
        state["p"], loss = apply(state["p"], [o[0] for o in outs], [o[1] for o in outs])
        return np.asarray(loss)
    return call


def tiny(spread):
    g = tf.Graph()
    with g.as_default():
        with tf.device("/cpu:0"):
            v = tf.Variable([1.0, 2.0, 3.0, 4.0], name="v")
        with tf.device("/cpu:1" if spread else "/cpu:0"):
            y = v * 0.5
        with tf.device("/cpu:0"):
            update = v.assign(y + 1.0)
    sess = tf.Session(graph=g)
    sess.run(v.initializer)
    step = sess.make_callable(update)
    return step


def main():
    variants = {"towers": ours("/cpu:%d")[0], "shard_map": shard_map_step(),
                "per-device": per_device_step(), "one device": ours("/cpu:0%.0s")[0],
                "tiny, 2 devices": tiny(True), "tiny, 1 device": tiny(False)}
    samples = {k: [] for k in variants}
    for _ in range(ROUNDS):
        for name, fn in variants.items():
            samples[name].append(per_call_us(fn, CALLS, 1))
    med = {k: statistics.median(v) for k, v in samples.items()}
    print(f"jax {jax.__version__}, {len(jax.devices())} CPU devices, load {os.getloadavg()}")
    for k, v in med.items():
        print(f"  {k:16s} {v:9.1f} µs/step (median of {ROUNDS})")
    print(f"towers / shard_map speed:  {med['shard_map'] / med['towers']:.2f}x")
    print(f"towers / per-device speed: {med['per-device'] / med['towers']:.2f}x")
    print(f"towers / one-device speed: {med['one device'] / med['towers']:.2f}x")
    print(f"tiny step, 2 devices vs 1: {med['tiny, 2 devices'] / med['tiny, 1 device']:.2f}x the time")


if __name__ == "__main__":
    main()
