"""Eager execution in this process (the `eager` fixture of conftest.py): exact values and
dtypes, the per-op jit cache, run-time checks, what raises, GradientTape, optimizers and
defun; and `tf.enable_eager_execution()`'s program-start rule in a subprocess. The same
programs against TensorFlow are in test_eager_vs_tf.py."""
import os
import pathlib
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.framework import eager as eager_lib

from _helpers import assert_exact

ROOT = pathlib.Path(__file__).parent.parent


def test_tensors_hold_values_with_tf1_dtypes(eager):
    big = tf.constant(2 ** 40, tf.int64) + 1
    assert big.dtype == tf.int64 and big.numpy() == 2 ** 40 + 1
    d = tf.constant(1.0, tf.float64) / 3.0
    assert d.numpy() == np.float64(1.0) / 3.0 and d.dtype == tf.float64
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(a, tf.Tensor) and isinstance(a, eager_lib.EagerTensor)
    assert_exact(tf.matmul(a, a), [[7.0, 10.0], [15.0, 22.0]], np.float32)
    assert_exact(a + 1, [[2.0, 3.0], [4.0, 5.0]], np.float32)
    assert str(tf.constant(2.5)) == "tf.Tensor(2.5, shape=(), dtype=float32)"
    assert repr(tf.constant([1, 2])) == \
        "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>"
    assert isinstance(tf.constant(2.5).numpy(), np.float32)
    assert tf.executing_eagerly()
    assert tf.get_default_graph().get_operations() == []  # nothing is built
    with tf.Graph().as_default() as g:
        assert not tf.executing_eagerly()
        c = tf.constant(1.0)
        assert c.op.graph is g and c.name == "Const:0"


def test_one_jit_per_kernel_and_attrs(eager):
    a, b = tf.ones([3, 7]), tf.ones([3, 7])
    jitted = eager_lib.jitted(jnp.add, {})
    compiled = jitted._cache_size()
    tf.add(a, b)
    size = len(eager_lib._jit_cache)
    for _ in range(5):
        tf.add(a, b)
    assert len(eager_lib._jit_cache) == size
    assert jitted._cache_size() == compiled + 1  # one compile for one signature
    tf.add(tf.ones([2, 7]), tf.ones([2, 7]))
    assert jitted._cache_size() == compiled + 2 and len(eager_lib._jit_cache) == size


def test_run_time_checks_raise_at_once_and_change_nothing(eager):
    v = tf.Variable([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.scatter_update(v, [5], [9.0])
    assert_exact(v.numpy(), [1.0, 2.0, 3.0], np.float32)
    c = tf.Variable(0, name="c")
    assert int(c.count_up_to(2)) == 0 and int(c.count_up_to(2)) == 1
    with pytest.raises(tf.errors.OutOfRangeError):
        c.count_up_to(2)
    assert int(c) == 2
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.Assert(tf.constant(False), ["no"])


def test_graph_only_apis_raise_as_tf(eager):
    with pytest.raises(RuntimeError, match=r"tf.placeholder\(\) is not compatible with eager"):
        tf.placeholder(tf.float32)
    with pytest.raises(RuntimeError, match="Use tf.GradientTape instead"):
        tf.gradients(tf.constant(1.0), tf.constant(1.0))
    with pytest.raises(NotImplementedError, match="ScalarSummary.*eager execution"):
        tf.summary.scalar("s", tf.constant(1.0))
    t = tf.constant(1.0)
    with pytest.raises(AttributeError, match="Tensor.op is meaningless"):
        t.op  # noqa: B018
    with pytest.raises(NotImplementedError, match="numpy"):
        t.eval()
    assert tf.global_variables_initializer() is None


def test_variables_hold_jax_arrays(eager):
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable([1.0, 2.0], name="v")
    assert v.name == w.name == "v:0" and v.dtype == tf.float32 and v.initializer is None
    assert_exact(v.assign_add([1.0, 1.0]), [2.0, 3.0], np.float32)
    assert_exact(v.numpy(), [2.0, 3.0], np.float32)
    assert_exact(w.numpy(), [1.0, 2.0], np.float32)
    assert isinstance(v._eager_handle.value, type(jnp.zeros(1)))
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0])
    assert_exact(v.numpy(), [2.0, 3.0], np.float32)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == []
    with tf.variable_scope("s"):
        assert tf.get_variable("a", [1]) is not tf.get_variable("a", [1])


def test_gradient_tape_replays_the_forward_values(eager):
    x = tf.constant([0.5, -0.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.exp(x) * x)
    g = tape.gradient(y, x)
    assert_exact(g, np.exp(np.float32([0.5, -0.0, 2.0])) * np.float32([1.5, 1.0, 3.0]),
                 np.float32)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used"):
        tape.gradient(y, x)
    with tf.GradientTape() as tape:
        with pytest.raises(ValueError, match="Tape is still recording"):
            tape.__enter__()


def test_optimizer_step_is_one_cached_call(eager):
    w = tf.Variable([1.0, 2.0], name="w")
    opt = tf.train.AdamOptimizer(0.1)
    opt.minimize(lambda: tf.reduce_sum(w * w))
    size = len(eager_lib._jit_cache)
    for _ in range(3):
        assert opt.minimize(lambda: tf.reduce_sum(w * w)) is None
    assert len(eager_lib._jit_cache) == size
    assert sorted(v.name for v in opt.variables()) == [
        "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0"]
    with pytest.raises(RuntimeError, match="should be a function"):
        opt.minimize(tf.reduce_sum(w))


def test_defun_compiles_once_per_signature(eager):
    v = tf.Variable(1.0, name="v")
    traces = []

    @tf.contrib.eager.defun
    def step(x, scale=2.0):
        traces.append(x)
        v.assign_add(x)
        return v * scale

    assert float(step(tf.constant(1.0))) == 4.0 and float(step(tf.constant(2.0))) == 8.0
    assert len(traces) == 1 and float(v) == 4.0
    assert float(step(tf.constant(1.0), 3.0)) == 15.0  # a new Python value: traced again
    assert len(traces) == 2

    @tf.contrib.eager.defun
    def makes_variable():
        return tf.Variable(1.0)
    with pytest.raises(NotImplementedError, match="create variables outside"):
        makes_variable()


def test_eager_variable_in_a_graph_raises(eager):
    v = tf.Variable(1.0, name="v")
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Eager variable 'v' cannot be used in a graph"):
            tf.identity(v)




def test_fast_path_values_dtypes_and_conversions(eager):
    """Ops on eager tensors, eager variables and Python numbers skip names and op objects
    (`eager.run_pure`): same values and dtypes as TF1, numbers converted to the other
    operand's dtype, and the cached conversions keep -0.0, 0.0 and NaN apart."""
    big = tf.constant(2 ** 40, tf.int64)
    assert_exact(big * 3, np.int64(3 * 2 ** 40), np.int64)
    assert_exact(3 * big, np.int64(3 * 2 ** 40), np.int64)
    d = tf.constant([1.0, 3.0], tf.float64)
    assert_exact(d * 0.1, np.float64([1.0, 3.0]) * 0.1, np.float64)
    x = tf.constant([1.0, -2.0])
    assert_exact(x * 0.5, [0.5, -1.0], np.float32)
    for zero in (0.0, -0.0, 0.0):  # the same product twice around the other sign
        assert np.array_equal(np.signbit((x * zero).numpy()), np.signbit(np.float32([1.0, -2.0]) *
                                                                          np.float32(zero)))
    assert np.isnan((x * float("nan")).numpy()).all()
    assert_exact(x > 0.0, [True, False], np.bool_)
    assert_exact(tf.constant([7, 8]) // 2, [3, 4], np.int32)
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    m = tf.constant([[1.0, 0.0], [0.0, 2.0]])
    assert_exact(tf.matmul(m, v), [[1.0, 2.0], [6.0, 8.0]], np.float32)
    assert_exact(v * 2.0 + v, [[3.0, 6.0], [9.0, 12.0]], np.float32)
    v.assign([[0.0, 1.0], [1.0, 0.0]])
    assert_exact(tf.matmul(v, m), [[0.0, 2.0], [1.0, 0.0]], np.float32)  # the value now
    # a cached device value that something deleted (a user's donation) is made again
    tf.constant(7.0)._value.delete()
    assert float(tf.constant(7.0)) == 7.0 and float(x[0] * 7.0) == 7.0


def test_fast_path_errors_name_the_op_and_change_nothing(eager):
    a, b = tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0])
    with tf.name_scope("outer"):
        with pytest.raises(tf.errors.InvalidArgumentError, match="AddV2 op 'outer/sum'"):
            tf.add(a, b, name="sum")
    assert_exact(tf.add(a, a, name="not a scope name!"), [2.0, 4.0], np.float32)  # as TF eager
    with pytest.raises(tf.errors.InvalidArgumentError, match="MatMul op 'MatMul'"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))
    with pytest.raises(ValueError, match="must be rank 2 but is rank 1"):
        tf.matmul(a, tf.ones([2, 2]))
    with pytest.raises(TypeError, match="Input 'y' has type int32 that does not match type "
                                        "float32"):
        a + tf.constant([1, 2])
    with pytest.raises(TypeError):
        tf.constant([1, 2]) * 2.5  # as TF1: a float does not convert to int32
    with pytest.raises(TypeError, match="Input 'y' has type float32 that does not match type "
                                        "int32"):
        tf.Variable([1, 2]) + a
    # JAX's x64 mode is ours only during each op: the user's setting is back after an op and
    # after an error
    assert jnp.asarray(1.0).dtype == jnp.float32
    assert_exact(tf.constant(1.0, tf.float64) * 1.0, np.float64(1.0), np.float64)
    assert jnp.asarray(1.0).dtype == jnp.float32


def test_fast_path_ops_are_recorded_by_tapes(eager):
    x = tf.constant([[1.0, 2.0]])
    v = tf.Variable([[1.0], [-1.0]], name="v")
    c = tf.constant(3.0)  # holds the same cached device value as the 3.0 below
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(c)
        y = tf.reduce_sum(tf.matmul(x, v) * 2.0 + 1.0) + c * 0.5
        z = x * 3.0
    assert_exact(tape.gradient(y, v), [[2.0], [4.0]], np.float32)
    assert_exact(tape.gradient(y, c), np.float32(0.5), np.float32)
    assert tape.gradient(z, c) is None  # the number 3.0 is not the watched tensor c


def test_graph_mode_after_the_eager_fixture():
    assert not tf.executing_eagerly()
    x = tf.constant(1.0)
    assert x.name == "Const:0" and tf.constant(1.0).name == "Const_1:0"


def _run(code):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.split()


def test_enable_eager_execution_at_program_start():
    out = _run("import tfvars_jax as tf\n"
               "tf.enable_eager_execution()\n"
               "tf.enable_eager_execution()\n"
               "print(tf.executing_eagerly(), float(tf.constant(2.0) * 3))\n"
               "try:\n"
               "    tf.enable_eager_execution(device_policy=1)\n"
               "except ValueError:\n"
               "    print('changed')\n")
    assert out == ["True", "6.0", "changed"]
    out = _run("import tfvars_jax as tf\n"
               "x = tf.constant(1.0)\n"
               "try:\n"
               "    tf.enable_eager_execution()\n"
               "except ValueError as e:\n"
               "    print('startup' in str(e), tf.executing_eagerly())\n")
    assert out == ["True", "False"]


def test_defun_captures_eager_tensors_and_lifts_with_init_scope(eager):
    table = tf.constant([10.0, 20.0])
    made = []

    @tf.contrib.eager.defun
    def f(i):
        with tf.init_scope():  # eager inside the trace: variables are made here, once
            assert tf.executing_eagerly()
            if not made:
                made.append(tf.Variable(1.0, name="lifted"))
        assert not tf.executing_eagerly()
        return tf.gather(table, i) * made[0]

    assert float(f(tf.constant(1))) == 20.0 and float(f(tf.constant(0))) == 10.0
    assert len(made) == 1 and made[0].name == "lifted:0"
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="eager tensor .* cannot be an input of a graph op"):
            tf.identity(table)
