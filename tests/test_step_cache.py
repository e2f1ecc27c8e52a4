"""Our cache of compiled steps keyed on the plan's structure (runtime/step_cache.py): a second
graph of the same program (or a second process) loads the step without tracing it, gets the
same values and errors, and anything that changes the program changes the key."""
import functools
import json
import os
import subprocess
import sys
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax._src import compilation_cache as jax_compilation_cache

import tfvars_jax as tf
from tfvars_jax.framework.op_builder import op_output
from tfvars_jax.runtime import step_cache
from tests.test_session import plans_of


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty step cache of our own for this test; yields its directory."""
    directory = str(tmp_path / "steps")
    monkeypatch.setattr(step_cache, "cache_dir", lambda: directory)
    monkeypatch.setattr(step_cache, "STATS", dict.fromkeys(step_cache.STATS, 0))
    # JAX's own cache emptied for the test: a step it loaded from there is not stored in ours
    # (see step_cache.compiled_step), and earlier runs of these tests filled it. (Its use is
    # decided once per process, so it is pointed elsewhere and reset, not switched off.)
    saved = jax.config.jax_compilation_cache_dir
    jax.config.update("jax_compilation_cache_dir", str(tmp_path / "xla"))
    jax_compilation_cache.reset_cache()
    try:
        yield directory
    finally:
        jax.config.update("jax_compilation_cache_dir", saved)
        jax_compilation_cache.reset_cache()


def _mlp(seed=1, alpha=0.2, width=8, labels_dtype=tf.int32):
    """A small seeded model with a leaky relu, a checked loss (label range) and Adam."""
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        y = tf.placeholder(labels_dtype, [None], name="y")
        w = tf.get_variable("w", [4, width])
        h = tf.nn.leaky_relu(tf.matmul(x, w), alpha=alpha)
        logits = tf.layers.dense(h, 3)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                             logits=logits))
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        init = tf.global_variables_initializer()
    return g, x, y, loss, train, init


XV = np.arange(12, dtype=np.float32).reshape(3, 4) / 10.0
YV = np.array([0, 2, 1], np.int32)


def _train(model, steps=3, labels=YV):
    g, x, y, loss, train, init = model
    with g.as_default(), tf.Session() as sess:
        sess.run(init)
        losses = [sess.run([train, loss], {x: XV, y: labels})[1] for _ in range(steps)]
        traced = sum(p.trace_count for p in plans_of(sess))
        return losses, sess.run(tf.trainable_variables()), traced


def test_a_second_graph_of_the_same_program_loads_the_step(cache):
    losses, values, traced = _train(_mlp())
    assert traced > 0 and step_cache.STATS["stores"] >= 2  # the initializer and the step
    assert len(os.listdir(cache)) == step_cache.STATS["stores"]
    losses2, values2, traced2 = _train(_mlp())
    assert traced2 == 0  # nothing traced: every step came from the cache
    assert step_cache.STATS["hits"] == step_cache.STATS["stores"]
    assert losses2 == losses  # bit for bit
    for a, b in zip(values, values2):
        np.testing.assert_array_equal(a, b)


def test_a_loaded_step_raises_the_same_run_time_check(cache):
    bad = np.array([0, 3, 1], np.int32)  # label 3 of 3 classes
    with pytest.raises(tf.errors.InvalidArgumentError) as first:
        _train(_mlp(), steps=1, labels=bad)
    with pytest.raises(tf.errors.InvalidArgumentError) as second:
        _train(_mlp(), steps=1, labels=bad)
    assert step_cache.STATS["hits"] >= 1
    assert str(second.value) == str(first.value)
    assert "Received a label value outside the valid range of [0, 3)" in str(second.value)


@pytest.mark.parametrize("change", [{"seed": 2}, {"alpha": 0.1}, {"width": 9},
                                    {"labels_dtype": tf.int64}])
def test_what_changes_the_program_changes_the_key(cache, change, monkeypatch):
    _train(_mlp())
    stores = step_cache.STATS["stores"]
    got = _train(_mlp(**change))
    assert step_cache.STATS["stores"] > stores  # at least one plan was a program of its own
    monkeypatch.setattr(step_cache, "enabled", lambda: False)
    truth = _train(_mlp(**change))
    assert got[0] == truth[0]  # nothing stale was loaded
    for a, b in zip(got[1], truth[1]):
        np.testing.assert_array_equal(a, b)


def test_a_new_feed_shape_is_a_new_key(cache):
    g, x, y, loss, train, init = _mlp()
    with g.as_default(), tf.Session() as sess:
        sess.run(init)
        sess.run(loss, {x: XV, y: YV})
        sess.run(loss, {x: XV[:2], y: YV[:2]})
    assert step_cache.STATS["hits"] == 0 and step_cache.STATS["misses"] == 3


def test_kernels_of_the_users_own_code_are_not_cached(cache):
    def build(scale):
        g = tf.Graph()
        with g.as_default():
            x = tf.placeholder(tf.float32, [2])
            y = op_output("Scale", lambda v: v * scale, [x])
        return g, x, y

    results = []
    for scale in (2.0, 3.0):  # same names and structure, a different closure of the test's
        g, x, y = build(scale)
        with g.as_default(), tf.Session() as sess:
            results.append(sess.run(y, {x: [1.0, 2.0]}).tolist())
    assert results == [[2.0, 4.0], [3.0, 6.0]]
    assert step_cache.STATS["uncached"] == 2 and step_cache.STATS["stores"] == 0


def _fingerprint(obj):
    fp = step_cache._Fingerprint()
    fp.add(obj)
    return fp.digest()


def test_fingerprints_of_closures_partials_and_arrays():
    const = jax.nn.initializers.constant  # a closure made in a versioned library
    assert _fingerprint(const(2.0)) == _fingerprint(const(2.0))
    assert _fingerprint(const(2.0)) != _fingerprint(const(3.0))
    assert _fingerprint(functools.partial(jnp.multiply, 2.0)) != \
        _fingerprint(functools.partial(jnp.multiply, 2))
    a = np.zeros(3, np.float32)
    assert _fingerprint(a) != _fingerprint(a.astype(np.float64))
    b = a.copy()
    b[1] = -0.0  # the bytes differ although the values compare equal
    assert _fingerprint(a) != _fingerprint(b)
    assert _fingerprint({frozenset(["a", "b"])}) == _fingerprint({frozenset(["b", "a"])})
    for opaque in (lambda v: v, object(), threading.Lock()):
        with pytest.raises(step_cache.Unfingerprintable):
            _fingerprint(opaque)


def test_a_corrupt_or_foreign_entry_is_ignored_and_removed(cache):
    expected, _, _ = _train(_mlp())
    paths = sorted(os.path.join(cache, e) for e in os.listdir(cache))
    assert len(paths) == 3  # the initializer, the training step, the read of the variables

    def hits_of_a_run():
        before = step_cache.STATS["hits"]
        losses, _, _ = _train(_mlp())
        assert losses == expected
        return step_cache.STATS["hits"] - before

    # (A bad entry is a miss and removed; it is written again only if JAX's cache did not
    # have the program: here it has, so the files are gone.)
    os.replace(paths[0], paths[0] + ".swap")  # entries under each other's names
    os.replace(paths[1], paths[0])
    os.replace(paths[0] + ".swap", paths[1])
    assert hits_of_a_run() == 1
    assert not os.path.exists(paths[0]) and not os.path.exists(paths[1])
    with open(paths[2], "rb") as f:
        data = f.read()
    with open(paths[2], "wb") as f:  # truncated
        f.write(data[:len(data) // 2])
    assert hits_of_a_run() == 0 and not os.path.exists(paths[2])
    flipped = bytearray(data)
    flipped[-10] ^= 1  # one bit of the body
    with open(paths[2], "wb") as f:
        f.write(bytes(flipped))
    assert hits_of_a_run() == 0 and not os.path.exists(paths[2])
    with open(paths[2], "wb") as f:  # the whole entry again: a hit
        f.write(data)
    assert hits_of_a_run() == 1


def test_concurrent_writers_leave_one_whole_entry(cache):
    g, x, y, loss, train, init = _mlp()
    with g.as_default(), tf.Session() as sess:
        sess.run(init)
        sess.run(loss, {x: XV, y: YV})
        plan = [p for p in plans_of(sess) if p.fetches][0]
    compiled = jax.jit(lambda a: a * 2.0).lower(np.ones(3, np.float32)).compile()
    results = {"checks": []}
    threads = [threading.Thread(target=step_cache.store, args=("k" * 64, compiled, results))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = os.listdir(cache)
    assert "k" * 64 + ".step" in names
    assert not [n for n in names if n.startswith(".tmp")]  # no temporary file left
    loaded, got = step_cache.load("k" * 64)
    assert got == results
    np.testing.assert_array_equal(loaded(np.ones(3, np.float32)), [2.0, 2.0, 2.0])
    assert plan.trace_count == 1


def test_opt_out(monkeypatch):
    monkeypatch.setenv("TFVARS_JAX_STEP_CACHE", "0")
    assert step_cache.cache_dir() is None and not step_cache.enabled()


PROGRAM = """
import json, sys
sys.path[:0] = [{root!r}, {root!r} + '/tests']
from tests.test_step_cache import _mlp, _train
from tfvars_jax.runtime import step_cache
losses, values, traced = _train(_mlp())
print(json.dumps([[float(v) for v in losses], traced, step_cache.STATS]))
"""


@pytest.mark.slow
def test_a_second_process_loads_the_steps(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Two devices: a loaded step runs on the one it was compiled for, not on all of them.
    env = {**os.environ, "TFVARS_JAX_CACHE_DIR": str(tmp_path),
           "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}

    def run(**extra):
        out = subprocess.run([sys.executable, "-c", PROGRAM.format(root=root)], cwd=root,
                             env={**env, **extra}, capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    first, second = run(), run()
    off = run(TFVARS_JAX_STEP_CACHE="0", TFVARS_JAX_CACHE_DIR=str(tmp_path / "other"))
    assert first[1] > 0 and first[2]["stores"] >= 2
    assert second[1] == 0 and second[2]["hits"] == first[2]["stores"]
    assert first[0] == second[0] == off[0]


def test_an_unseeded_initializer_is_loaded_and_still_draws_fresh_values(cache):
    def init_values():
        with tf.Graph().as_default():
            v = tf.get_variable("v", [3, 4])  # glorot uniform, no graph or op seed
            with tf.Session() as sess:
                sess.run(v.initializer)
                return sess.run(v)

    first = init_values()
    second = init_values()
    # An unseeded op's seeds come from its name, its fresh values from the Session's salt.
    assert step_cache.STATS["hits"] == 2  # the initializer and the read
    assert not np.array_equal(first, second)


def test_fingerprints_of_floats_keep_every_bit():
    assert _fingerprint(0.0) != _fingerprint(-0.0)
    nan = float("nan")
    other_nan = np.frombuffer(np.uint64(0x7FF8000000000001).tobytes(), np.float64)[0].item()
    assert _fingerprint(nan) != _fingerprint(other_nan)
    assert _fingerprint(1.0) != _fingerprint(1) != _fingerprint(True)
