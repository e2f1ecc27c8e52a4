"""The op library: every op in the public namespace and `tf.nn`, with exact expected values
(NumPy references), operator overloads and their op names, dtype rules, static shapes,
random ops, control flow, printing and string tensors.

Expectations are TF1's (checked against `tensorflow.compat.v1` with `disable_v2_behavior()`).
"""
import collections
import math
import sys

import numpy as np
import pytest

import tfvars_jax as tf
from _helpers import assert_exact

F32 = np.float32


def run(fetches, feed_dict=None):
    """Runs `fetches` in a fresh session on the default graph."""
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)




def assert_close(got, expected, rtol=1e-6, atol=1e-7):
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def check_all(cases, feed_dict=None, check=assert_exact):
    """Runs every (label, tensor, expected) case in ONE session run (one compile, which keeps the
    suite fast) and reports every mismatching case by label."""
    values = run([t for _, t, _ in cases], feed_dict)
    failures = []
    for (label, _, expected), got in zip(cases, values):
        try:
            check(got, expected)
        except AssertionError as e:
            failures.append(f"{label}: {e}")
    assert not failures, "\n".join(failures)

# ===== constants and conversions =============================================================
def test_constant_dtypes_inferred_as_tf1():
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant([1.0, 2.0]).dtype == tf.float32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(2**40).dtype == tf.int64
    assert tf.constant(np.float64(1.0)).dtype == tf.float64
    assert tf.constant(np.arange(3, dtype=np.int64)).dtype == tf.int64
    assert tf.constant(b"a").dtype == tf.string
    assert_exact(run(tf.constant([[1, 2], [3, 4]])), [[1, 2], [3, 4]], np.int32)
    assert_exact(run(tf.constant([1.5, 2.5])), [1.5, 2.5], F32)


def test_constant_with_dtype_and_shape():
    assert_exact(run(tf.constant(7, shape=[2, 3])), np.full((2, 3), 7), np.int32)
    assert_exact(run(tf.constant([1, 2, 3, 4], shape=[2, 2])), [[1, 2], [3, 4]], np.int32)
    assert_exact(run(tf.constant([1, 2], shape=[4])), [1, 2, 2, 2], np.int32)
    assert_exact(run(tf.constant(3, dtype=tf.float32)), F32(3.0))
    assert_exact(run(tf.constant([1, 2], dtype=tf.int8)), [1, 2], np.int8)
    with pytest.raises(TypeError):
        tf.constant([1, 2], shape=[2, 2], verify_shape=True)
    with pytest.raises(TypeError):
        tf.constant(1.5, dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.constant("a", dtype=tf.float32)


def test_constant_with_too_many_values_raises_value_error():
    with pytest.raises(ValueError, match="Too many elements provided"):
        tf.constant([1, 2, 3], shape=[2])


def test_convert_to_tensor():
    t = tf.constant(1.0)
    assert tf.convert_to_tensor(t) is t
    with pytest.raises(ValueError):
        tf.convert_to_tensor(t, dtype=tf.int32)
    assert tf.convert_to_tensor([1, 2], dtype=tf.float32).dtype == tf.float32
    assert tf.convert_to_tensor(np.float64(2.0)).dtype == tf.float64
    v = tf.Variable([1.0, 2.0])
    assert tf.convert_to_tensor(v).dtype == tf.float32
    with pytest.raises(TypeError):
        tf.convert_to_tensor(tf.no_op())
    # A list mixing tensors and numbers is packed.
    packed = tf.convert_to_tensor([t, 2.0, 3.0])
    assert packed.shape.as_list() == [3]
    assert_exact(run(packed), [1.0, 2.0, 3.0], F32)


def test_64_bit_dtypes_are_fetched_as_64_bit():
    assert run(tf.constant([1, 2], dtype=tf.int64) * 3).dtype == np.int64
    assert run(tf.constant([2**40], dtype=tf.int64))[0] == 2**40
    assert run(tf.constant([1.5], dtype=tf.float64) * 2.0).dtype == np.float64


def test_64_bit_static_dtypes():
    x = tf.constant([[1.0, 9.0], [7.0, 2.0]])
    assert tf.argmax(x).dtype == tf.int64
    assert tf.argmin(x).dtype == tf.int64
    assert tf.to_int64(x).dtype == tf.int64
    assert tf.cast(x, tf.float64).dtype == tf.float64
    assert tf.truediv(tf.constant([1, 2]), tf.constant([2, 2])).dtype == tf.float64


# ===== binary arithmetic =====================================================================
X = np.array([[1.0, -2.5, 3.0], [4.0, 5.5, -6.0]], dtype=F32)
Y = np.array([[2.0, 2.0, -4.0], [0.5, 3.0, 7.0]], dtype=F32)
XI = np.array([7, -7, 9, -9, 0], dtype=np.int32)
YI = np.array([2, 2, -4, -4, 3], dtype=np.int32)

BINARY_FLOAT = [
    (tf.add, np.add), (tf.subtract, np.subtract), (tf.multiply, np.multiply),
    (tf.truediv, np.true_divide), (tf.divide, np.true_divide), (tf.div, np.true_divide),
    (tf.floordiv, np.floor_divide), (tf.floormod, np.mod), (tf.mod, np.mod),
    (tf.maximum, np.maximum), (tf.minimum, np.minimum),
    (tf.squared_difference, lambda a, b: np.square(a - b)), (tf.atan2, np.arctan2),
    (tf.sub, np.subtract), (tf.mul, np.multiply),
]


def test_binary_float_ops():
    x, y = tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [2, 3])
    cases = []
    for tf_fn, np_fn in BINARY_FLOAT:
        out = tf_fn(x, y)
        assert out.dtype == tf.float32 and out.shape.as_list() == [2, 3], tf_fn.__name__
        cases.append((tf_fn.__name__, out, np_fn(X, Y).astype(F32)))
    check_all(cases, {x: X, y: Y}, check=assert_close)


def test_pow_float_and_int():
    assert_close(run(tf.pow(tf.constant([2.0, 4.0, 9.0]), tf.constant([3.0, 0.5, -1.0]))),
                 np.array([8.0, 2.0, 1.0 / 9.0], F32))
    assert_exact(run(tf.pow(tf.constant([2, 3, -2]), tf.constant([3, 2, 3]))), [8, 9, -8], np.int32)


def test_integer_division_semantics():
    x, y = tf.constant(XI), tf.constant(YI)
    assert_exact(run(tf.floordiv(x, y)), np.floor_divide(XI, YI), np.int32)
    assert_exact(run(x // y), np.floor_divide(XI, YI), np.int32)
    assert_exact(run(tf.floormod(x, y)), np.mod(XI, YI), np.int32)
    assert_exact(run(x % y), np.mod(XI, YI), np.int32)
    # tf.div has Python 2 semantics: floor division for integers, true division for floats.
    d = tf.div(x, y)
    assert d.op.name == "div" and d.op.type == "FloorDiv" and d.dtype == tf.int32
    assert_exact(run(d), [3, -4, -3, 2, 0], np.int32)
    fd = tf.div(tf.constant([1.0]), tf.constant([2.0]))
    assert fd.op.name == "div_1" and fd.op.type == "RealDiv"
    assert_exact(run(fd), [0.5], F32)
    # truediv of ints gives floats: 7 / 2 = 3.5
    np.testing.assert_array_equal(run(tf.truediv(x, y)), XI / YI)
    assert tf.truediv(x, y).op.type == "RealDiv"
    assert tf.truediv(tf.constant([1], tf.int16), tf.constant([2], tf.int16)).dtype == tf.float32
    assert_exact(run(tf.truediv(tf.constant([1], tf.int16), tf.constant([2], tf.int16))), [0.5], F32)


def test_broadcasting_binary_ops():
    a = tf.constant([[1.0], [2.0]])
    b = tf.constant([10.0, 20.0, 30.0])
    out = a * b
    assert out.shape.as_list() == [2, 3]
    assert_exact(run(out), [[10, 20, 30], [20, 40, 60]], F32)


COMPARISONS = [
    (tf.less, np.less), (tf.less_equal, np.less_equal), (tf.greater, np.greater),
    (tf.greater_equal, np.greater_equal), (tf.equal, np.equal), (tf.not_equal, np.not_equal),
]


def test_comparisons():
    a = np.array([1, 2, 3, 4], np.int32)
    b = np.array([4, 2, 1, 4], np.int32)
    ta, tb = tf.constant(a), tf.constant(b)
    cases = []
    for tf_fn, np_fn in COMPARISONS:
        out = tf_fn(ta, tb)
        assert out.dtype == tf.bool
        cases.append((tf_fn.__name__, out, np_fn(a, b)))
    check_all(cases)


def test_logical_ops():
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    ta, tb = tf.constant(a), tf.constant(b)
    assert_exact(run(tf.logical_and(ta, tb)), a & b)
    assert_exact(run(tf.logical_or(ta, tb)), a | b)
    assert_exact(run(tf.logical_xor(ta, tb)), a ^ b)
    assert_exact(run(tf.logical_not(ta)), ~a)
    with pytest.raises(TypeError):
        tf.logical_and(tf.constant([1]), tf.constant([0]))
    with pytest.raises(TypeError):
        tf.logical_not(tf.constant([1]))


# ===== operator overloads ====================================================================
def test_all_arithmetic_operator_overloads_on_tensors():
    x = tf.constant([6.0, -7.0, 8.0])
    y = tf.constant([4.0, 2.0, -3.0])
    xv, yv = np.array([6.0, -7.0, 8.0], F32), np.array([4.0, 2.0, -3.0], F32)
    outs = run({"add": x + y, "sub": x - y, "mul": x * y, "div": x / y, "floordiv": x // y,
                "mod": x % y, "pow": x ** 2.0, "neg": -x, "abs": abs(x),
                "radd": 1.0 + x, "rsub": 1.0 - x, "rmul": 2.0 * x, "rdiv": 1.0 / y,
                "rfloordiv": 10.0 // y, "rmod": 10.0 % y, "rpow": 2.0 ** y})
    assert_exact(outs["add"], xv + yv)
    assert_exact(outs["sub"], xv - yv)
    assert_exact(outs["mul"], xv * yv)
    assert_close(outs["div"], xv / yv)
    assert_exact(outs["floordiv"], np.floor_divide(xv, yv))
    assert_exact(outs["mod"], np.mod(xv, yv))
    assert_exact(outs["pow"], xv ** 2)
    assert_exact(outs["neg"], -xv)
    assert_exact(outs["abs"], np.abs(xv))
    assert_exact(outs["radd"], 1 + xv)
    assert_exact(outs["rsub"], 1 - xv)
    assert_exact(outs["rmul"], 2 * xv)
    assert_close(outs["rdiv"], F32(1) / yv)
    assert_exact(outs["rfloordiv"], np.floor_divide(F32(10), yv))
    assert_exact(outs["rmod"], np.mod(F32(10), yv))
    assert_close(outs["rpow"], F32(2) ** yv)


def test_matmul_operator_and_comparison_operators():
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.constant([[5, 6], [7, 8]])
    av, bv = np.array([[1, 2], [3, 4]], np.int32), np.array([[5, 6], [7, 8]], np.int32)
    outs = run([a @ b, a < b, a <= 2, a > 2, a >= 4, 3 < a])
    assert_exact(outs[0], av @ bv)
    assert_exact(outs[1], av < bv)
    assert_exact(outs[2], av <= 2)
    assert_exact(outs[3], av > 2)
    assert_exact(outs[4], av >= 4)
    assert_exact(outs[5], av > 3)
    assert_exact(run(np.array([[1, 0], [0, 1]], np.int32) @ b), bv)


def test_bitwise_style_operators_are_logical_on_bools():
    a = tf.constant([True, True, False, False])
    b = tf.constant([True, False, True, False])
    outs = run([a & b, a | b, a ^ b, ~a, True & b])
    assert_exact(outs[0], [True, False, False, False])
    assert_exact(outs[1], [True, True, True, False])
    assert_exact(outs[2], [False, True, True, False])
    assert_exact(outs[3], [False, False, True, True])
    assert_exact(outs[4], [True, False, True, False])


def test_operators_on_variables():
    v = tf.Variable([1.0, 2.0, 3.0])
    m = tf.Variable([[1.0, 0.0], [0.0, 2.0]])
    exprs = [v + 1.0, 1.0 + v, v - v, v * 2.0, v / 2.0, v // 2.0, v % 2.0, v ** 2.0, -v, abs(-v),
             v < 2.0, v >= 2.0, m @ m, v[1], v[::-1]]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        outs = sess.run(exprs)
    vv = np.array([1.0, 2.0, 3.0], F32)
    expected = [vv + 1, 1 + vv, vv - vv, vv * 2, vv / 2, vv // 2, vv % 2, vv ** 2, -vv, vv,
                vv < 2, vv >= 2, np.array([[1.0, 0.0], [0.0, 4.0]], F32), F32(2.0), vv[::-1]]
    for got, want in zip(outs, expected):
        assert_exact(got, want)
    # == on a Variable is identity, as on a Tensor.
    assert (v == v) is True and (v == m) is False


def test_logical_and_indexing_operators_on_variables():
    b = tf.Variable([True, False])
    c = tf.Variable([True, True])
    m = tf.Variable(np.arange(6, dtype=np.int32).reshape(2, 3))
    exprs = [b & c, b | c, b ^ c, ~b, b & True, m[tf.constant(1)], m[..., -1], m[:, None, ::-2], m > 2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        outs = sess.run(exprs)
    mv = np.arange(6, dtype=np.int32).reshape(2, 3)
    expected = [[True, False], [True, True], [False, True], [False, True], [True, False], mv[1], mv[..., -1],
                mv[:, None, ::-2], mv > 2]
    for got, want in zip(outs, expected):
        assert_exact(got, np.asarray(want))


def test_operator_op_names():
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    b = tf.constant(True)
    names = [(x + y).op.name, (x + y).op.name, (x - y).op.name, (x * y).op.name, (x / y).op.name,
             (x // y).op.name, (x % y).op.name, (x ** y).op.name, (-x).op.name, abs(x).op.name,
             (x < y).op.name, (x <= y).op.name, (x > y).op.name, (x >= y).op.name,
             (b & b).op.name, (b | b).op.name, (b ^ b).op.name, (~b).op.name, (1.0 + x).op.name]
    assert names == ["add", "add_1", "sub", "mul", "truediv", "floordiv", "mod", "pow", "Neg", "Abs",
                     "Less", "LessEqual", "Greater", "GreaterEqual", "and", "or", "xor", "LogicalNot",
                     "add_2"]
    m = tf.constant([[1.0]])
    assert (m @ m).op.name == "matmul"
    assert (m @ m).op.type == "MatMul"
    assert tf.matmul(m, m).op.name == "MatMul_2"  # unique case-insensitively after matmul, matmul_1
    assert x[None].op.name == "strided_slice"
    with tf.name_scope("foo"):
        assert (x + y).op.name == "foo/add"
        assert (x + y).op.name == "foo/add_1"
        assert (x * y).op.name == "foo/mul"


def test_binary_ops_convert_the_python_operand_in_their_scope():
    x = tf.constant([1.0, 2.0], name="x")
    y = x + 1.0
    const = y.op.inputs[1]
    assert const.op.name == "add/y"
    assert const.dtype == tf.float32
    assert y.op.inputs[0] is x


# ===== dtype rules ===========================================================================
def test_int_plus_float_tensor_raises_type_error():
    with pytest.raises(TypeError):
        tf.constant([1, 2]) + tf.constant([1.0, 2.0])
    with pytest.raises(TypeError):
        tf.add(tf.constant([1.0]), tf.constant([1], dtype=tf.int32))
    with pytest.raises(TypeError):
        tf.multiply(tf.constant(1.0), tf.constant(1.0, dtype=tf.float64))
    with pytest.raises(TypeError):
        tf.Variable(1) + tf.constant(1.0)


def test_python_scalars_adopt_the_tensor_dtype():
    f16 = tf.constant([1.0], dtype=tf.float16)
    assert (f16 + 1).dtype == tf.float16
    assert (f16 * 2.5).dtype == tf.float16
    assert (1 + f16).dtype == tf.float16
    i8 = tf.constant([3], dtype=tf.int8)
    assert (i8 * 2).dtype == tf.int8
    assert_exact(run(i8 * 2), [6], np.int8)
    assert (tf.constant(1.0) + 1).dtype == tf.float32
    assert (tf.constant([1.0]) + np.float64(1.5)).dtype == tf.float32  # NumPy scalars too
    assert_exact(run(tf.constant([1.0]) + np.float64(1.5)), [2.5], F32)


def test_python_float_with_int_tensor_raises_type_error():
    with pytest.raises(TypeError):
        tf.constant([1, 2]) * 2.5


# ===== unary elementwise =====================================================================
U = np.array([-2.5, -0.5, 0.0, 0.5, 1.5, 2.5, 3.7], dtype=F32)
P = np.array([0.1, 0.5, 1.0, 2.0, 10.0], dtype=F32)  # positive
UNIT = np.array([-0.9, -0.5, 0.0, 0.3, 0.9], dtype=F32)

UNARY = [
    (tf.negative, np.negative, U), (tf.neg, np.negative, U), (tf.abs, np.abs, U),
    (tf.exp, np.exp, U), (tf.expm1, np.expm1, U), (tf.log, np.log, P), (tf.log1p, np.log1p, P),
    (tf.sqrt, np.sqrt, P), (tf.rsqrt, lambda a: 1 / np.sqrt(a), P), (tf.square, np.square, U),
    (tf.tanh, np.tanh, U), (tf.sigmoid, lambda a: 1 / (1 + np.exp(-a)), U), (tf.sign, np.sign, U),
    (tf.floor, np.floor, U), (tf.ceil, np.ceil, U), (tf.round, np.round, U), (tf.rint, np.rint, U),
    (tf.reciprocal, np.reciprocal, P), (tf.sin, np.sin, U), (tf.cos, np.cos, U), (tf.tan, np.tan, UNIT),
    (tf.asin, np.arcsin, UNIT), (tf.acos, np.arccos, UNIT), (tf.atan, np.arctan, U),
    (tf.sinh, np.sinh, U), (tf.cosh, np.cosh, U),
    (tf.erf, np.vectorize(math.erf), U), (tf.lgamma, np.vectorize(math.lgamma), P),
    (tf.log_sigmoid, lambda a: -np.log1p(np.exp(-a)), U),
]


def test_unary_ops():
    inputs = {id(x): (tf.placeholder(tf.float32, x.shape), x) for _, _, x in UNARY}
    cases = []
    for tf_fn, np_fn, x in UNARY:
        out = tf_fn(inputs[id(x)][0])
        assert out.dtype == tf.float32 and out.shape.as_list() == list(x.shape), tf_fn.__name__
        cases.append((tf_fn.__name__, out, np_fn(x.astype(np.float64)).astype(F32)))
    check_all(cases, {p: x for p, x in inputs.values()},
              check=lambda got, want: assert_close(got, want, rtol=2e-6, atol=1e-6))


def test_round_is_bankers_rounding():
    assert_exact(run(tf.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 2.6]))),
                 [0.0, 2.0, 2.0, -0.0, -2.0, 3.0], F32)


def test_unary_ops_on_integers():
    x = tf.constant([-3, 0, 4])
    assert_exact(run([tf.abs(x), tf.negative(x), tf.square(x), tf.sign(x)]),
                 np.array([[3, 0, 4], [3, 0, -4], [9, 0, 16], [-1, 0, 1]], np.int32))


def test_nan_inf_predicates():
    x = tf.constant([1.0, np.nan, np.inf, -np.inf])
    assert_exact(run(tf.is_nan(x)), [False, True, False, False])
    assert_exact(run(tf.is_inf(x)), [False, False, True, True])
    assert_exact(run(tf.is_finite(x)), [True, False, False, False])


def test_complex_parts():
    z = np.array([1 + 2j, -3.5 - 1j], np.complex64)
    t = tf.constant(z)
    assert t.dtype == tf.complex64
    assert_exact(run(tf.real(t)), z.real)
    assert_exact(run(tf.imag(t)), z.imag)
    assert_exact(run(tf.conj(t)), np.conj(z))
    assert tf.real(t).dtype == tf.float32


# ===== casts =================================================================================
def test_cast_and_friends():
    x = tf.constant([-1.7, -0.2, 0.5, 2.9])
    assert tf.cast(x, tf.int32).op.name == "Cast" and tf.to_int32(x).op.name == "ToInt32"
    assert_exact(run(tf.cast(x, tf.int32)), [-1, 0, 0, 2], np.int32)  # truncates toward zero
    assert_exact(run(tf.cast(tf.constant([0, 2]), tf.bool)), [False, True])
    assert_exact(run(tf.cast(tf.constant([True, False]), tf.float32)), [1.0, 0.0], F32)
    assert_exact(run(tf.to_float(tf.constant([1, 2]))), [1.0, 2.0], F32)
    assert_exact(run(tf.to_int32(x)), [-1, 0, 0, 2], np.int32)
    np.testing.assert_array_equal(run(tf.to_int64(x)), [-1, 0, 0, 2])
    assert tf.cast(x, tf.float32) is x  # same dtype: no new op
    assert tf.cast(x, tf.float16, name="c").op.name == "c"
    assert_exact(run(tf.saturate_cast(tf.constant([-5.0, 100.0, 300.0]), tf.uint8)), [0, 100, 255], np.uint8)
    assert_exact(run(tf.saturate_cast(tf.constant([-200, 5, 200]), tf.int8)), [-128, 5, 127], np.int8)


# ===== reductions ============================================================================
R = np.arange(24, dtype=F32).reshape(2, 3, 4) - 7.0
RED = [
    (tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max),
    (tf.reduce_min, np.min), (tf.reduce_prod, np.prod),
]


def test_reductions_axes_and_keepdims():
    r = R / 4.0
    x = tf.placeholder(tf.float32, r.shape)
    cases = []
    for tf_fn, np_fn in RED:
        name = tf_fn.__name__
        outs = [tf_fn(x), tf_fn(x, axis=0), tf_fn(x, 1), tf_fn(x, axis=[0, 2]), tf_fn(x, axis=-1),
                tf_fn(x, axis=1, keepdims=True), tf_fn(x, axis=1, keep_dims=True),
                tf_fn(x, reduction_indices=[2]), tf_fn(x, axis=tf.constant(0))]
        expected = [np_fn(r), np_fn(r, axis=0), np_fn(r, axis=1), np_fn(r, axis=(0, 2)), np_fn(r, axis=-1),
                    np_fn(r, axis=1, keepdims=True), np_fn(r, axis=1, keepdims=True), np_fn(r, axis=2),
                    np_fn(r, axis=0)]
        cases += [(f"{name}[{i}]", o, np.asarray(e, F32)) for i, (o, e) in enumerate(zip(outs, expected))]
        assert tf_fn(x, axis=1, keepdims=True).shape.as_list() == [2, 1, 4]
        assert tf_fn(x).shape.as_list() == []
        with pytest.raises(ValueError):
            tf_fn(x, axis=0, reduction_indices=0)
        with pytest.raises(ValueError):
            tf_fn(x, keepdims=True, keep_dims=True)
    check_all(cases, {x: r.astype(F32)}, check=lambda got, want: assert_close(got, want, rtol=1e-5))
    assert tf.reduce_sum(x, name="total").op.name == "total"
    assert tf.reduce_mean(x).op.name == "Mean_11"  # after the eleven Mean ops above


def test_reduce_on_ints_and_bools():
    i = tf.constant([[1, 2], [4, 6]])
    assert_exact(run(tf.reduce_sum(i)), np.int32(13))
    assert_exact(run(tf.reduce_mean(i, 0)), [2, 4], np.int32)  # integer mean truncates
    assert_exact(run(tf.reduce_mean(tf.constant([1, 2]))), np.int32(1))
    assert_exact(run(tf.reduce_prod(i, 1)), [2, 24], np.int32)
    b = tf.constant([[True, False], [True, True]])
    assert_exact(run(tf.reduce_any(b, 1)), [True, True])
    assert_exact(run(tf.reduce_all(b, 1)), [False, True])
    assert_exact(run(tf.reduce_all(b)), np.bool_(False))
    with pytest.raises(TypeError):
        tf.reduce_any(i)


def test_reduce_logsumexp():
    x = np.array([[0.0, 1.0, 2.0], [-1.0, 5.0, 100.0]], F32)
    expected = np.log(np.sum(np.exp(x.astype(np.float64)), axis=1)).astype(F32)
    assert_close(run(tf.reduce_logsumexp(tf.constant(x), axis=1)), expected)


def test_argmax_argmin():
    x = tf.constant([[1.0, 9.0, 3.0], [7.0, 2.0, 8.0]])
    assert tf.argmax(x).op.name == "ArgMax"
    np.testing.assert_array_equal(run(tf.argmax(x)), [1, 0, 1])  # default axis 0
    np.testing.assert_array_equal(run(tf.argmax(x, axis=1)), [1, 2])
    np.testing.assert_array_equal(run(tf.argmin(x, 1)), [0, 1])
    np.testing.assert_array_equal(run(tf.argmax(x, dimension=1)), [1, 2])
    assert_exact(run(tf.argmax(x, 1, output_type=tf.int32)), [1, 2], np.int32)


# ===== matrix ops ============================================================================
def test_matmul_variants():
    a = np.arange(6, dtype=F32).reshape(2, 3)
    b = np.arange(12, dtype=F32).reshape(3, 4) - 5
    ta, tb = tf.constant(a), tf.constant(b)
    assert_exact(run(tf.matmul(ta, tb)), a @ b)
    assert_exact(run(tf.matmul(tb, ta, transpose_a=True, transpose_b=True)), b.T @ a.T)
    assert_exact(run(tf.matmul(ta, ta, transpose_b=True)), a @ a.T)
    batch = np.arange(24, dtype=F32).reshape(2, 3, 4)
    out = tf.matmul(tf.constant(batch), tf.constant(batch), transpose_b=True)
    assert out.shape.as_list() == [2, 3, 3]
    assert_exact(run(out), batch @ np.swapaxes(batch, 1, 2))
    z = np.array([[1 + 1j, 2j], [3, 4 - 1j]], np.complex64)
    assert_close(run(tf.matmul(tf.constant(z), tf.constant(z), adjoint_a=True)), np.conj(z).T @ z)
    with pytest.raises(ValueError):
        tf.matmul(ta, ta)


def test_einsum_tensordot_add_n():
    a = np.arange(6, dtype=F32).reshape(2, 3)
    b = np.arange(12, dtype=F32).reshape(3, 4)
    assert_exact(run(tf.einsum("ij,jk->ik", tf.constant(a), tf.constant(b))), a @ b)
    assert_exact(run(tf.einsum("ij->ji", tf.constant(a))), a.T)
    assert_exact(run(tf.tensordot(tf.constant(a), tf.constant(b), axes=1)), np.tensordot(a, b, axes=1))
    assert_exact(run(tf.tensordot(tf.constant(a), tf.constant(a), axes=[[0, 1], [0, 1]])),
                 np.tensordot(a, a, axes=[[0, 1], [0, 1]]))
    xs = [tf.constant(a), tf.constant(a * 2), tf.constant(a * 3)]
    assert_exact(run(tf.add_n(xs)), a * 6)
    assert_exact(run(tf.accumulate_n(xs)), a * 6)
    with pytest.raises(ValueError):
        tf.add_n([])
    with pytest.raises(TypeError):
        tf.add_n([tf.constant(1), tf.constant(1.0)])


# ===== misc math =============================================================================
def test_range_and_cumsum():
    assert tf.range(5).op.name == "range"
    assert_exact(run(tf.range(5)), np.arange(5), np.int32)
    assert_exact(run(tf.range(2, 10, 3)), [2, 5, 8], np.int32)
    assert_exact(run(tf.range(0.0, 1.0, 0.25)), [0.0, 0.25, 0.5, 0.75], F32)
    assert_exact(run(tf.range(3, dtype=tf.float32)), [0.0, 1.0, 2.0], F32)
    x = tf.constant([1, 2, 3, 4])
    assert_exact(run(tf.cumsum(x)), [1, 3, 6, 10], np.int32)
    assert_exact(run(tf.cumsum(x, exclusive=True)), [0, 1, 3, 6], np.int32)
    assert_exact(run(tf.cumsum(x, reverse=True)), [10, 9, 7, 4], np.int32)
    assert_exact(run(tf.cumsum(x, exclusive=True, reverse=True)), [9, 7, 4, 0], np.int32)
    m = tf.constant([[1, 2], [3, 4]])
    assert_exact(run(tf.cumsum(m, axis=1)), [[1, 3], [3, 7]], np.int32)


def test_clip_ops():
    x = tf.constant([-3.0, -1.0, 0.5, 2.0, 5.0])
    assert_exact(run(tf.clip_by_value(x, -1.0, 2.0)), [-1.0, -1.0, 0.5, 2.0, 2.0], F32)
    assert_exact(run(tf.clip_by_value(tf.constant([1, 5, 9]), 2, 6)), [2, 5, 6], np.int32)
    v = tf.constant([3.0, 4.0])  # norm 5
    assert_close(run(tf.clip_by_norm(v, 2.5)), np.array([1.5, 2.0], F32))
    assert_close(run(tf.clip_by_norm(v, 10.0)), np.array([3.0, 4.0], F32))
    m = tf.constant([[3.0, 4.0], [6.0, 8.0]])
    assert_close(run(tf.clip_by_norm(m, 5.0, axes=[1])), np.array([[3.0, 4.0], [3.0, 4.0]], F32))
    assert_close(run(tf.clip_by_norm(tf.zeros([2]), 1.0)), np.zeros(2, F32))


def test_global_norm_and_clip_by_global_norm():
    a = tf.constant([3.0, 0.0])
    b = tf.constant([[4.0]])
    norm = tf.global_norm([a, None, b])
    assert_close(run(norm), F32(5.0))
    clipped, gn = tf.clip_by_global_norm([a, None, b], 2.5)
    assert clipped[1] is None
    ca, cb, gnv = run([clipped[0], clipped[2], gn])
    assert_close(ca, np.array([1.5, 0.0], F32))
    assert_close(cb, np.array([[2.0]], F32))
    assert_close(gnv, F32(5.0))
    same, _ = tf.clip_by_global_norm([a, b], 10.0)
    assert_close(run(same[0]), np.array([3.0, 0.0], F32))
    with pytest.raises(TypeError):
        tf.clip_by_global_norm(a, 1.0)


# ===== array ops =============================================================================
def test_placeholder_feeding_and_static_shape():
    p = tf.placeholder(tf.float32, [None, 2], name="p")
    assert p.op.type == "Placeholder" and p.name == "p:0"
    assert p.shape.as_list() == [None, 2]
    assert_exact(run(p * 2.0, {p: [[1, 2], [3, 4], [5, 6]]}), [[2, 4], [6, 8], [10, 12]], F32)
    d = tf.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[None])
    assert d.shape.as_list() == [None]
    assert_exact(run(d), [1.0, 2.0], F32)
    assert_exact(run(d, {d: [5.0, 6.0, 7.0]}), [5.0, 6.0, 7.0], F32)
    with pytest.raises(ValueError):
        tf.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[3])


def test_identity_stop_gradient_zeros_ones_fill():
    x = tf.constant([[1.0, 2.0]])
    assert_exact(run(tf.identity(x)), [[1.0, 2.0]], F32)
    assert tf.identity(x).op.type == "Identity"
    assert_exact(run(tf.stop_gradient(x)), [[1.0, 2.0]], F32)
    assert_exact(run(tf.zeros([2, 3])), np.zeros((2, 3)), F32)
    assert_exact(run(tf.ones([2], dtype=tf.int32)), [1, 1], np.int32)
    assert_exact(run(tf.zeros((), tf.bool)), np.bool_(False))
    assert_exact(run(tf.zeros_like(x)), [[0.0, 0.0]], F32)
    assert_exact(run(tf.ones_like(x)), [[1.0, 1.0]], F32)
    assert_exact(run(tf.ones_like(x, dtype=tf.int32)), [[1, 1]], np.int32)
    assert_exact(run(tf.fill([2, 2], 7)), [[7, 7], [7, 7]], np.int32)
    assert_exact(run(tf.fill([3], 1.5)), [1.5, 1.5, 1.5], F32)


def test_shape_ops_from_fed_shapes():
    p = tf.placeholder(tf.float32, [None, 3])
    z = tf.zeros(tf.shape(p))
    f = tf.fill(tf.shape(p), 2.0)
    feed = {p: np.ones((2, 3), F32)}
    assert_exact(run(z, feed), np.zeros((2, 3)), F32)
    assert_exact(run(f, feed), np.full((2, 3), 2.0), F32)
    assert_exact(run(tf.shape(p), feed), [2, 3], np.int32)
    assert_exact(run(tf.size(p), feed), np.int32(6))
    assert_exact(run(tf.reshape(p, [-1]), feed), np.ones(6), F32)
    assert tf.reshape(p, [-1]).shape.as_list() == [None]
    assert_exact(run(tf.zeros_like(p), feed), np.zeros((2, 3)), F32)


def test_static_shapes_from_shape_tensors():
    p = tf.placeholder(tf.float32, [None, 3])
    assert tf.fill(tf.shape(p), 1.0).shape.as_list() == [None, 3]
    assert tf.zeros([tf.shape(p)[0], 2]).shape.as_list() == [None, 2]
    assert tf.reshape(tf.ones([6]), tf.shape(p)).shape.as_list() == [2, 3]  # 6 elements / 3
    assert tf.reshape(p, tf.shape(p)).shape.as_list() == [None, 3]
    assert_exact(run(tf.zeros([tf.shape(p)[0], 2]), {p: np.ones((4, 3))}), np.zeros((4, 2)), F32)


def test_shape_size_rank():
    x = tf.constant(np.zeros((2, 3, 4), F32))
    assert_exact(run(tf.shape(x)), [2, 3, 4], np.int32)
    assert tf.shape(x).shape.as_list() == [3]
    np.testing.assert_array_equal(run(tf.shape(x, out_type=tf.int64)), [2, 3, 4])
    assert_exact(run(tf.size(x)), np.int32(24))
    assert_exact(run(tf.rank(x)), np.int32(3))


def test_reshape_transpose_expand_squeeze():
    a = np.arange(6, dtype=np.int32)
    x = tf.constant(a)
    assert_exact(run(tf.reshape(x, [2, 3])), a.reshape(2, 3))
    assert_exact(run(tf.reshape(x, [3, -1])), a.reshape(3, 2))
    assert tf.reshape(x, [3, -1]).shape.as_list() == [3, 2]
    with pytest.raises(ValueError):
        tf.reshape(x, [4, 2])
    m = a.reshape(1, 2, 3)
    tm = tf.constant(m)
    assert tf.transpose(tm).op.name == "transpose"
    assert_exact(run(tf.transpose(tm)), m.transpose())
    assert_exact(run(tf.transpose(tm, [0, 2, 1])), m.transpose(0, 2, 1))
    assert_exact(run(tf.expand_dims(x, 0)), a[None])
    assert_exact(run(tf.expand_dims(x, -1)), a[:, None])
    assert_exact(run(tf.expand_dims(x, dim=1)), a[:, None])
    assert_exact(run(tf.squeeze(tm)), m.squeeze())
    assert_exact(run(tf.squeeze(tf.constant(np.zeros((1, 2, 1), F32)), [2])), np.zeros((1, 2), F32))
    assert_exact(run(tf.squeeze(tf.constant(np.zeros((1, 2, 1), F32)), squeeze_dims=[0])), np.zeros((2, 1), F32))
    with pytest.raises(ValueError):
        tf.squeeze(tm, [1])


def test_concat_stack_unstack_split():
    a = np.array([[1, 2], [3, 4]], np.int32)
    b = np.array([[5, 6]], np.int32)
    assert_exact(run(tf.concat([a, b], 0)), np.concatenate([a, b], 0))
    assert_exact(run(tf.concat([tf.constant(a), tf.constant(a)], axis=1)), np.concatenate([a, a], 1))
    assert_exact(run(tf.concat([tf.constant(a), tf.constant(a)], -1)), np.concatenate([a, a], -1))
    assert_exact(run(tf.stack([tf.constant([1, 2]), tf.constant([3, 4])])), [[1, 2], [3, 4]], np.int32)
    assert_exact(run(tf.stack([tf.constant([1, 2]), tf.constant([3, 4])], axis=1)), [[1, 3], [2, 4]], np.int32)
    assert_exact(run(tf.pack([tf.constant(1), 2])), [1, 2], np.int32)
    assert_exact(run(tf.parallel_stack([tf.constant(1), tf.constant(2)])), [1, 2], np.int32)
    parts = tf.unstack(tf.constant(a))
    assert len(parts) == 2
    assert_exact(run(parts), [[1, 2], [3, 4]], np.int32)
    cols = tf.unpack(tf.constant(a), axis=1)
    assert_exact(run(cols[1]), [2, 4], np.int32)
    a12 = np.arange(12, dtype=np.int32).reshape(2, 6)
    s = tf.split(tf.constant(a12), 3, axis=1)
    assert [t.shape.as_list() for t in s] == [[2, 2]] * 3
    assert_exact(run(s[2]), a12[:, 4:])
    a10 = np.arange(10, dtype=np.int32)
    s2 = tf.split(tf.constant(a10), [3, -1, 2])
    assert [t.shape.as_list() for t in s2] == [[3], [5], [2]]
    assert_exact(run(s2[1]), a10[3:8])
    with pytest.raises(ValueError):
        tf.split(tf.constant(a10), 3)
    with pytest.raises(TypeError):
        tf.concat([tf.constant([1]), tf.constant([1.0])], 0)


def test_tile_pad_slice_reverse():
    a = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    x = tf.constant(a)
    assert_exact(run(tf.tile(x, [2, 1])), np.tile(a, (2, 1)))
    pads = [[1, 1], [2, 2]]
    assert_exact(run(tf.pad(x, pads)), np.pad(a, pads))
    assert_exact(run(tf.pad(x, pads, constant_values=9)), np.pad(a, pads, constant_values=9))
    assert_exact(run(tf.pad(x, [[1, 1], [2, 2]], "REFLECT")), np.pad(a, pads, mode="reflect"))
    assert_exact(run(tf.pad(x, [[1, 1], [2, 2]], mode="SYMMETRIC")), np.pad(a, pads, mode="symmetric"))
    assert_exact(run(tf.slice(x, [0, 1], [2, 2])), a[0:2, 1:3])
    assert_exact(run(tf.slice(x, [1, 0], [-1, -1])), a[1:, :])
    assert_exact(run(tf.reverse(x, [1])), a[:, ::-1])
    assert_exact(run(tf.reverse(x, [0, 1])), a[::-1, ::-1])


def test_gather_and_gather_nd():
    p = np.arange(12, dtype=F32).reshape(4, 3)
    assert_exact(run(tf.gather(p, [3, 0, 3])), p[[3, 0, 3]])
    assert_exact(run(tf.gather(tf.constant(p), [[0, 1], [2, 3]])), p[[[0, 1], [2, 3]]])
    assert_exact(run(tf.gather(tf.constant(p), [2, 0], axis=1)), p[:, [2, 0]])
    assert tf.gather(tf.constant(p), [2, 0], axis=1).shape.as_list() == [4, 2]
    assert_exact(run(tf.gather_nd(tf.constant(p), [[0, 1], [3, 2]])), np.array([1.0, 11.0], F32))
    assert_exact(run(tf.gather_nd(tf.constant(p), [[1], [2]])), p[[1, 2]])


def test_one_hot():
    assert_exact(run(tf.one_hot([0, 2, 1], 3)), np.eye(3, dtype=F32)[[0, 2, 1]])
    assert_exact(run(tf.one_hot([0, 2, -1], 3)), np.array([[1, 0, 0], [0, 0, 1], [0, 0, 0]], F32))
    assert_exact(run(tf.one_hot([1, 0], 2, on_value=5, off_value=-1, dtype=tf.int32)),
                 [[-1, 5], [5, -1]], np.int32)
    assert_exact(run(tf.one_hot([1, 0], 3, axis=0)), np.array([[0, 1], [1, 0], [0, 0]], F32))


def test_where_select():
    c = tf.constant([True, False, True])
    x = tf.constant([1, 2, 3])
    y = tf.constant([10, 20, 30])
    assert_exact(run(tf.where(c, x, y)), [1, 20, 3], np.int32)
    # A rank-1 condition selects rows of higher-rank x and y, as TF1's Select.
    m1 = tf.constant([[1, 1], [2, 2], [3, 3]])
    m2 = tf.constant([[9, 9], [8, 8], [7, 7]])
    assert_exact(run(tf.where(c, m1, m2)), [[1, 1], [8, 8], [3, 3]], np.int32)
    assert_exact(run(tf.where_v2(tf.constant([[True], [False]]), 1.0, tf.constant([5.0, 6.0]))),
                 [[1.0, 1.0], [5.0, 6.0]], F32)
    with pytest.raises(ValueError):
        tf.where(c, x)


def test_data_dependent_shapes_have_unknown_static_sizes():
    c = tf.constant([True, False])
    assert tf.where(c).shape.as_list() == [None, 1]
    assert tf.boolean_mask(tf.constant([1, 2]), c).shape.as_list() == [None]
    with tf.Session() as sess:
        assert sess.run(tf.boolean_mask(tf.constant([1, 2]), c)).tolist() == [1]


def test_unsupported_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="tfvars_jax.while_loop_v2"):
        tf.while_loop_v2  # noqa: B018
    with pytest.raises(AttributeError, match="tfvars_jax.nn.ctc_loss"):
        tf.nn.ctc_loss  # noqa: B018


# ===== indexing ==============================================================================
A = np.arange(24, dtype=np.int32).reshape(2, 3, 4)


GETITEM_KEYS = [
    0, -1, 1, slice(None), slice(1, None), slice(None, None, -1), slice(None, None, 2),
    (0, 1), (1, slice(None), 2), (slice(None), -1, slice(None, None, -2)), (Ellipsis, 0),
    (0, Ellipsis), (None, 0), (Ellipsis, None), (slice(None), None, 1), (1, slice(2, 0, -1), slice(1, 3)),
    (0, 2, 3), (slice(-2, None), slice(None, -1)),
]


def test_getitem_matches_numpy():
    x = tf.constant(A)
    cases = []
    for key in GETITEM_KEYS:
        out = x[key]
        assert out.shape.as_list() == list(A[key].shape), repr(key)
        cases.append((repr(key), out, A[key]))
    check_all(cases)


def test_getitem_with_scalar_tensor_index():
    x = tf.constant(A)
    i = tf.constant(1)
    assert_exact(run(x[i]), A[1])
    p = tf.placeholder(tf.int32, [])
    assert_exact(run(x[0, p], {p: 2}), A[0, 2])
    assert_exact(run(x[:, p], {p: -1}), A[:, -1])
    assert_exact(run(x[1:, tf.constant(0):2]), A[1:, 0:2])
    with pytest.raises(TypeError):
        x[tf.constant([0, 1])]
    with pytest.raises(TypeError):
        x[1.5]


def test_getitem_on_unknown_dims():
    p = tf.placeholder(tf.float32, [None, 3])
    assert p[:, 1].shape.as_list() == [None]
    assert p[0].shape.as_list() == [3]
    assert_exact(run(p[1:, ::-1], {p: np.arange(9, dtype=F32).reshape(3, 3)}),
                 np.arange(9, dtype=F32).reshape(3, 3)[1:, ::-1])


# ===== static shape inference ================================================================
def test_static_shape_mismatch_raises_value_error_naming_the_op():
    with pytest.raises(ValueError, match=r"\badd\b"):
        tf.constant([1, 2]) + tf.constant([1, 2, 3])
    with pytest.raises(ValueError, match=r"\bmm\b"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]), name="mm")
    with pytest.raises(ValueError):
        tf.concat([tf.ones([2, 3]), tf.ones([2, 4])], 0)


def test_unknown_dim_meeting_a_known_dim_takes_the_known_size():
    """An unknown dim that must equal a known one takes the known size (the stand-in retry of
    `infer_outputs`); matmul's inner dims use MatMul's own shape function."""
    p = tf.placeholder(tf.float32, [None])
    assert (p + tf.ones([3])).shape.as_list() == [3]
    q = tf.placeholder(tf.float32, [None, 3])
    assert (q * tf.ones([4, 3])).shape.as_list() == [4, 3]
    m = tf.placeholder(tf.float32, [None, None])
    assert tf.matmul(m, tf.ones([3, 2])).shape.as_list() == [None, 2]


def test_unknown_dims_propagate():
    p = tf.placeholder(tf.float32, [None, None, 3])
    q = tf.placeholder(tf.float32, [None])
    assert (p * 2.0).shape.as_list() == [None, None, 3]
    assert tf.reduce_sum(p, axis=2).shape.as_list() == [None, None]
    assert tf.concat([p, p], axis=2).shape.as_list() == [None, None, 6]
    assert tf.transpose(p).shape.as_list() == [3, None, None]
    assert (q + q).shape.as_list() == [None]
    assert tf.expand_dims(q, 1).shape.as_list() == [None, 1]
    assert tf.nn.softmax(p).shape.as_list() == [None, None, 3]
    u = tf.placeholder(tf.float32)
    assert (u + 1.0).shape.ndims is None
    assert_exact(run(u + 1.0, {u: [[1.0]]}), [[2.0]], F32)


# ===== nn ====================================================================================
ACT = np.array([[-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.5]], dtype=np.float64)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

ACTIVATIONS = [
    (tf.nn.relu, lambda x: np.maximum(x, 0)),
    (tf.nn.relu6, lambda x: np.clip(x, 0, 6)),
    (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    (tf.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    (tf.nn.softsign, lambda x: x / (1 + np.abs(x))),
    (tf.nn.softplus, lambda x: np.log1p(np.exp(x))),
    (tf.nn.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    (tf.nn.tanh, np.tanh),
    (tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
]


def test_activations():
    x = tf.placeholder(tf.float32, ACT.shape)
    cases = [(tf_fn.__name__, tf_fn(x), np_fn(ACT).astype(F32)) for tf_fn, np_fn in ACTIVATIONS]
    check_all(cases, {x: ACT.astype(F32)}, check=lambda got, want: assert_close(got, want, rtol=2e-6, atol=1e-6))


def test_activation_op_names():
    x = tf.constant([1.0])
    assert tf.nn.relu(x).op.name == "Relu"
    assert tf.nn.softmax(x).op.name == "Softmax"
    assert tf.nn.relu(x, name="r").op.name == "r"
    assert_close(run(tf.nn.leaky_relu(tf.constant([-2.0, 2.0]), alpha=0.5)), np.array([-1.0, 2.0], F32))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_and_log_softmax():
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 10.0]])
    t = tf.constant(x.astype(F32))
    assert_close(run(tf.nn.softmax(t)), _softmax(x).astype(F32))
    assert_close(run(tf.nn.softmax(t, axis=0)), _softmax(x, 0).astype(F32))
    assert_close(run(tf.nn.softmax(t, dim=0)), _softmax(x, 0).astype(F32))
    assert_close(run(tf.nn.log_softmax(t)), np.log(_softmax(x)).astype(F32), rtol=1e-5)


def test_bias_add():
    x = np.arange(24, dtype=F32).reshape(2, 2, 2, 3)
    b = np.array([1.0, 10.0, 100.0], F32)
    assert_exact(run(tf.nn.bias_add(x, b)), x + b)
    xc = np.arange(24, dtype=F32).reshape(2, 3, 2, 2)
    assert_exact(run(tf.nn.bias_add(xc, b, data_format="NCHW")), xc + b.reshape(1, 3, 1, 1))
    with pytest.raises(ValueError):
        tf.nn.bias_add(x, np.ones((1, 3), F32))


def _conv2d_ref(x, w, strides, padding):
    """Reference NHWC/HWIO conv2d with TF's SAME padding rule."""
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    sh, sw = strides
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-wd // sw)
        ph = max((oh - 1) * sh + kh - h, 0)
        pw = max((ow - 1) * sw + kw - wd, 0)
        x = np.pad(x, [(0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)])
    else:
        oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    out = np.zeros((n, oh, ow, o), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=[[1, 2, 3], [0, 1, 2]])
    return out


def test_conv2d_matches_reference():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 7, 6, 3).astype(F32)
    w = rng.randn(3, 2, 3, 4).astype(F32)
    tx, tw = tf.placeholder(tf.float32, x.shape), tf.placeholder(tf.float32, w.shape)
    assert tf.nn.conv2d(tx, tw, strides=[1, 1, 1, 1], padding="SAME").op.name == "Conv2D"
    cases = []
    for padding in ("SAME", "VALID"):
        for strides in ((1, 1), (2, 2), (2, 1)):
            out = tf.nn.conv2d(tx, tw, strides=[1, *strides, 1], padding=padding)
            expected = _conv2d_ref(x.astype(np.float64), w.astype(np.float64), strides, padding).astype(F32)
            assert out.shape.as_list() == list(expected.shape), (padding, strides)
            cases.append((f"{padding} {strides}", out, expected))
    check_all(cases, {tx: x, tw: w}, check=lambda got, want: assert_close(got, want, rtol=1e-5, atol=1e-5))


def test_conv2d_argument_errors():
    x = tf.ones([1, 4, 4, 1])
    w = tf.ones([2, 2, 1, 1])
    with pytest.raises(ValueError):
        tf.nn.conv2d(x, w, strides=[2, 1, 1, 1], padding="SAME")
    with pytest.raises(ValueError):
        tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="FULL")


def _pool_ref(x, k, s, padding, kind):
    n, h, w, c = x.shape
    if padding == "SAME":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        ph, pw = max((oh - 1) * s[0] + k[0] - h, 0), max((ow - 1) * s[1] + k[1] - w, 0)
        top, left = ph // 2, pw // 2
    else:
        oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
        top = left = 0
    out = np.zeros((n, oh, ow, c), x.dtype)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - top, j * s[1] - left
            patch = x[:, max(r0, 0):min(r0 + k[0], h), max(c0, 0):min(c0 + k[1], w), :]
            out[:, i, j, :] = patch.max(axis=(1, 2)) if kind == "max" else patch.mean(axis=(1, 2))
    return out


def test_pools_match_reference():
    x = np.random.RandomState(1).randn(2, 5, 5, 2).astype(F32)
    tx = tf.placeholder(tf.float32, x.shape)
    cases = []
    for kind, fn in (("max", tf.nn.max_pool), ("avg", tf.nn.avg_pool)):
        for padding in ("SAME", "VALID"):
            out = fn(tx, ksize=[1, 3, 2, 1], strides=[1, 2, 2, 1], padding=padding)
            expected = _pool_ref(x.astype(np.float64), (3, 2), (2, 2), padding, kind).astype(F32)
            assert out.shape.as_list() == list(expected.shape), (kind, padding)
            cases.append((f"{kind} {padding}", out, expected))
    assert tf.nn.max_pool(tx, [1, 2, 2, 1], [1, 2, 2, 1], "VALID").op.name == "MaxPool_2"
    check_all(cases, {tx: x}, check=lambda got, want: assert_close(got, want, rtol=1e-6, atol=1e-6))


def test_l2_loss_and_moments():
    x = np.array([[1.0, 2.0], [3.0, 6.0]], F32)
    assert_exact(run(tf.nn.l2_loss(tf.constant(x))), F32(25.0))
    mean, var = tf.nn.moments(tf.constant(x), axes=[0])
    assert_close(run(mean), x.mean(0))
    assert_close(run(var), x.var(0))
    m2, v2 = run(tf.nn.moments(tf.constant(x), axes=[0, 1]))
    assert_close(m2, F32(3.0))
    assert_close(v2, F32(x.var()))
    mk, vk = tf.nn.moments(tf.constant(x), axes=[1], keep_dims=True)
    assert mk.shape.as_list() == [2, 1] and vk.shape.as_list() == [2, 1]
    assert_close(run(vk), x.var(1, keepdims=True))


def test_cross_entropy_losses():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    labels = np.array([0, 2])
    logp = np.log(_softmax(logits))
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(labels.astype(np.int32)),
                                                            logits=tf.constant(logits.astype(F32)))
    assert sparse.shape.as_list() == [2]
    assert_close(run(sparse), (-logp[[0, 1], labels]).astype(F32), rtol=1e-5)
    dense_labels = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]])
    expected = (-(dense_labels * logp).sum(1)).astype(F32)
    for fn in (tf.nn.softmax_cross_entropy_with_logits, tf.nn.softmax_cross_entropy_with_logits_v2):
        out = fn(labels=tf.constant(dense_labels.astype(F32)), logits=tf.constant(logits.astype(F32)))
        assert_close(run(out), expected, rtol=1e-5)
    z = np.array([0.0, 1.0, 0.5])
    xl = np.array([-2.0, 3.0, 0.7])
    sig = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(z.astype(F32)), logits=tf.constant(xl.astype(F32)))
    ref = np.maximum(xl, 0) - xl * z + np.log1p(np.exp(-np.abs(xl)))
    assert_close(run(sig), ref.astype(F32), rtol=1e-6)
    with pytest.raises(ValueError):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0]), tf.constant([[1.0]]))
    with pytest.raises(ValueError):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([[0]]), logits=tf.constant([[1.0]]))


def test_dropout_keeps_and_scales():
    x = tf.ones([1000])
    d = tf.nn.dropout(x, keep_prob=0.25, seed=3)
    out, same, r = run([d, tf.nn.dropout(tf.constant([1.0, 2.0]), keep_prob=1.0), tf.nn.dropout(x, rate=0.5, seed=1)])
    assert set(np.unique(out).tolist()) <= {0.0, 4.0}
    kept = np.count_nonzero(out)
    assert 150 < kept < 350  # ~250 expected
    assert_exact(same, [1.0, 2.0], F32)
    assert set(np.unique(r).tolist()) <= {0.0, 2.0}
    with pytest.raises(ValueError):
        tf.nn.dropout(x, keep_prob=0.0)
    with pytest.raises(ValueError):
        tf.nn.dropout(x, keep_prob=1.5)
    p = tf.placeholder(tf.float32, [None])
    out = run(tf.nn.dropout(p, keep_prob=0.5, seed=2), {p: np.full(100, 3.0, F32)})
    assert out.shape == (100,) and set(np.unique(out).tolist()) <= {0.0, 6.0}


# ===== tf.math / tf.random namespaces ========================================================
def test_math_and_random_namespaces():
    x = tf.constant([1.0, 4.0])
    outs = run([tf.math.add(x, 1.0), tf.math.reduce_sum(x), tf.math.pow(x, 2.0), tf.math.sqrt(x),
                tf.math.maximum(x, 2.0), tf.math.logical_not(tf.constant([True])), tf.nn.sigmoid(x) - tf.sigmoid(x)])
    assert_exact(outs[0], [2.0, 5.0], F32)
    assert_exact(outs[1], F32(5.0))
    assert_exact(outs[2], [1.0, 16.0], F32)
    assert_exact(outs[3], [1.0, 2.0], F32)
    assert_exact(outs[4], [2.0, 4.0], F32)
    assert_exact(outs[5], [False])
    assert_exact(outs[6], [0.0, 0.0], F32)
    # tf.random.* are the same ops as the TF1 names tested below.
    assert tf.random.normal is tf.random_normal and tf.random.uniform is tf.random_uniform
    assert tf.random.truncated_normal is tf.truncated_normal and tf.random.shuffle is tf.random_shuffle
    assert tf.random.set_random_seed is tf.set_random_seed


# ===== random ops ============================================================================
def test_random_shapes_dtypes_and_bounds():
    n = tf.random_normal([2, 500], mean=3.0, stddev=0.5)
    t = tf.truncated_normal([2000], mean=-1.0, stddev=2.0)
    u = tf.random_uniform([2000], minval=-2.0, maxval=5.0)
    ui = tf.random_uniform([2000], minval=3, maxval=7, dtype=tf.int32)
    u01 = tf.random_uniform([10, 3])
    assert n.shape.as_list() == [2, 500] and n.dtype == tf.float32
    assert ui.dtype == tf.int32
    nv, tv, uv, uiv, u01v = run([n, t, u, ui, u01])
    assert nv.dtype == F32 and abs(nv.mean() - 3.0) < 0.1 and abs(nv.std() - 0.5) < 0.05
    assert tv.min() >= -5.0 and tv.max() <= 3.0  # within two stddevs of the mean
    assert uv.min() >= -2.0 and uv.max() < 5.0 and uv.max() > 4.5
    assert uiv.dtype == np.int32 and set(np.unique(uiv).tolist()) == {3, 4, 5, 6}
    assert u01v.shape == (10, 3) and u01v.min() >= 0.0 and u01v.max() < 1.0
    with pytest.raises(ValueError):
        tf.random_uniform([2], dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.random_normal([2], dtype=tf.int32)


def test_random_op_names():
    assert tf.random_normal([2]).op.name == "random_normal"
    assert tf.random_uniform([2], 1.0, 3.0).op.name == "random_uniform"
    assert tf.truncated_normal([2]).op.name == "truncated_normal"
    assert tf.random_normal([2], name="noise").op.name == "noise"


def test_random_shuffle_and_multinomial():
    x = np.arange(50, dtype=np.int32)
    rows = np.arange(12, dtype=F32).reshape(6, 2)
    logits = tf.constant([[0.0, 100.0, 0.0], [100.0, 0.0, 0.0]])
    m = tf.multinomial(logits, 5)
    assert m.shape.as_list() == [2, 5]
    out, out_rows, mv = run([tf.random_shuffle(tf.constant(x)), tf.random_shuffle(tf.constant(rows)), m])
    assert sorted(out.tolist()) == x.tolist() and out.dtype == np.int32
    assert not np.array_equal(out, x)  # 50! orderings: the identity is (practically) impossible
    assert sorted(map(tuple, out_rows.tolist())) == sorted(map(tuple, rows.tolist()))
    np.testing.assert_array_equal(mv, [[1] * 5, [0] * 5])


def test_random_values_change_between_runs_and_seed_reproduces_across_sessions():
    tf.set_random_seed(1234)
    a = tf.random_normal([5])
    b = tf.random_uniform([5])
    with tf.Session() as s1:
        first1, second1 = s1.run([a, b]), s1.run([a, b])
    with tf.Session() as s2:
        first2, second2 = s2.run([a, b]), s2.run([a, b])
    assert not np.array_equal(first1[0], second1[0])  # fresh values each run
    assert not np.array_equal(first1[1], second1[1])
    assert not np.array_equal(first1[0], first1[1])   # different ops draw differently
    np.testing.assert_array_equal(first1[0], first2[0])  # the same sequence in each session
    np.testing.assert_array_equal(first1[1], first2[1])
    np.testing.assert_array_equal(second1[0], second2[0])


def test_same_graph_seed_gives_same_values_in_rebuilt_graph():
    def build():
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(7)
            x = tf.random_normal([4])
        with tf.Session(graph=g) as sess:
            return sess.run(x)
    np.testing.assert_array_equal(build(), build())


def test_op_seed_alone_is_reproducible_across_graphs():
    def build():
        g = tf.Graph()
        with g.as_default():
            x = tf.random_uniform([4], seed=42)
        with tf.Session(graph=g) as sess:
            return sess.run(x)
    np.testing.assert_array_equal(build(), build())


def test_unseeded_graphs_differ():
    def build():
        g = tf.Graph()
        with g.as_default():
            x = tf.random_normal([8])
        with tf.Session(graph=g) as sess:
            return sess.run(x)
    assert not np.array_equal(build(), build())


def test_random_value_is_shared_within_one_run():
    r = tf.random_normal([3])
    a, b = run([r * 1.0, r + 0.0])
    np.testing.assert_array_equal(a, b)


# ===== control flow ==========================================================================
def test_cond_takes_the_right_branch():
    p = tf.placeholder(tf.bool, [])
    x = tf.constant(2.0)
    out = tf.cond(p, lambda: x * 10.0, lambda: x - 10.0)
    assert out.dtype == tf.float32
    with tf.Session() as sess:
        assert sess.run(out, {p: True}) == 20.0
        assert sess.run(out, {p: False}) == -8.0


def test_cond_with_constant_predicate_and_structures():
    a, b = tf.cond(tf.constant(False), lambda: (tf.constant(1), tf.constant(2.0)),
                   lambda: (tf.constant(3), tf.constant(4.0)))
    assert run([a, b]) == [3, 4.0]
    # Singleton lists are unpacked unless strict=True, as TF1.
    one = tf.cond(tf.constant(True), lambda: [tf.constant([1, 2])], lambda: [tf.constant([3, 4])])
    assert_exact(run(one), [1, 2], np.int32)
    lst = tf.cond(tf.constant(True), lambda: [tf.constant([1, 2])], lambda: [tf.constant([3, 4])], strict=True)
    assert isinstance(lst, list) and len(lst) == 1
    assert_exact(run(lst[0]), [1, 2], np.int32)


def test_cond_assigns_a_variable_in_one_branch_only():
    v = tf.Variable(0, name="v")
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: tf.assign_add(v, 1), lambda: tf.identity(v))
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(out, {p: True}) == 1
        assert sess.run(v) == 1
        assert sess.run(out, {p: False}) == 1
        assert sess.run(v) == 1
        assert sess.run(out, {p: True}) == 2
        assert sess.run(v) == 2


def test_cond_untaken_branch_may_read_an_uninitialized_variable():
    """Fuzzer seeds 656, 1219, ...: TF1 runs only the taken branch, so a branch reading a
    variable that is not initialized fails only when it is taken (values from TF 2.21)."""
    v = tf.Variable(np.arange(3, dtype=np.float32), name="v")
    u = tf.Variable(np.ones(3, np.float32), name="u")
    p = tf.placeholder(tf.bool, [])
    read = tf.cond(p, lambda: v.read_value(), lambda: u.read_value())
    update = tf.cond(p, lambda: tf.assign_add(v, [1.0, 1.0, 1.0]), lambda: tf.assign(v, [5.0] * 3))
    with tf.Session() as sess:
        sess.run(u.initializer)
        assert_exact(sess.run(read, {p: False}), [1.0, 1.0, 1.0], np.float32)
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(read, {p: True})
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(update, {p: True})  # reads v first: fails, and v stays uninitialized
        assert not sess.run(tf.is_variable_initialized(v))
        assert_exact(sess.run(update, {p: False}), [5.0, 5.0, 5.0], np.float32)
        assert_exact(sess.run(update, {p: True}), [6.0, 6.0, 6.0], np.float32)
        assert_exact(sess.run(u), [1.0, 1.0, 1.0], np.float32)


def test_cond_rejects_a_fed_variable_its_branches_read():
    v = tf.Variable(1.0, name="v")
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: v.read_value() * 2.0, lambda: tf.constant(0.0))
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(NotImplementedError, match="Feeding variable 'v:0'"):
            sess.run(out, {p: True, v: 3.0})
        assert sess.run(out, {p: True}) == 2.0


def test_cond_runs_only_what_the_taken_branch_needs():
    """Values from TF 2.21: an inner cond's assign runs only when both predicates select it
    (it ran unconditionally before); a branch op not connected to the branch's outputs does
    not run; a layer built inside a branch creates its variables outside the branch."""
    v = tf.Variable(0.0, name="v")
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    nested = tf.cond(p, lambda: tf.cond(q, lambda: tf.assign_add(v, 1.0), lambda: tf.constant(-1.0)),
                     lambda: tf.constant(-2.0))

    def unconnected():
        tf.assign_add(v, 100.0)
        return tf.constant(1.0)

    def gated():
        with tf.control_dependencies([tf.assign_add(v, 10.0)]):
            return tf.constant(2.0)
    other = tf.cond(p, unconnected, gated)
    dense = tf.cond(p, lambda: tf.reduce_sum(tf.layers.dense(
        tf.ones([2, 3]), 4, kernel_initializer=tf.ones_initializer())), lambda: tf.constant(0.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(nested, {p: True, q: False}), sess.run(v)] == [-1.0, 0.0]
        assert [sess.run(nested, {p: False, q: True}), sess.run(v)] == [-2.0, 0.0]
        assert [sess.run(nested, {p: True, q: True}), sess.run(v)] == [1.0, 1.0]
        assert [sess.run(other, {p: True}), sess.run(v)] == [1.0, 1.0]
        assert [sess.run(other, {p: False}), sess.run(v)] == [2.0, 11.0]
        assert [sess.run(dense, {p: True}), sess.run(dense, {p: False})] == [24.0, 0.0]
    assert [x.op.name for x in tf.global_variables()] == ["v", "dense/kernel", "dense/bias"]


def test_run_time_checks_inside_cond_branches_fail_only_when_taken():
    """Values from TF 2.21 (these raised NotImplementedError before)."""
    v = tf.Variable(0, name="v")
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.int32, [])
    count = tf.cond(p, lambda: tf.count_up_to(v, 2), lambda: tf.identity(v))

    def checked():
        with tf.control_dependencies([tf.Assert(x < 5, [x])]):
            return tf.identity(x)
    out = tf.cond(p, checked, lambda: x * 10)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert [sess.run(count, {p: True}) for _ in range(2)] == [0, 1]
        assert sess.run(count, {p: False}) == 2
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(count, {p: True})
        assert sess.run(v) == 2
        assert sess.run(out, {p: True, x: 3}) == 3
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(out, {p: True, x: 7})
        assert sess.run(out, {p: False, x: 7}) == 70


def test_cond_capturing_two_tensors():
    p = tf.placeholder(tf.bool, [])
    x, y = tf.constant(1.0), tf.constant(2.0)
    out = tf.cond(p, lambda: x + y, lambda: x - y)
    n_ops = len(tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        assert sess.run(out, {p: True}) == 3.0
        assert sess.run(out, {p: False}) == -1.0
    assert len(tf.get_default_graph().get_operations()) == n_ops


def test_nested_cond():
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    x = tf.constant(1.0)
    out = tf.cond(p, lambda: tf.cond(q, lambda: x + 1, lambda: x + 2), lambda: x + 3)
    with tf.Session() as sess:
        assert [sess.run(out, {p: a, q: b}) for a, b in ((True, True), (True, False), (False, True))] == \
            [2.0, 3.0, 4.0]


def test_cond_errors():
    with pytest.raises(TypeError):
        tf.cond(True, lambda: tf.constant(1), lambda: tf.constant(2))
    with pytest.raises(TypeError):
        tf.cond(tf.constant(True), tf.constant(1), lambda: tf.constant(2))
    with pytest.raises((TypeError, ValueError)):
        tf.cond(tf.constant(True), lambda: tf.constant(1), lambda: tf.constant(2.0))
    with pytest.raises(ValueError):
        tf.cond(tf.constant([True, False]), lambda: tf.constant(1), lambda: tf.constant(2))


def test_group_no_op_tuple():
    v = tf.Variable(0)
    w = tf.Variable(10)
    g = tf.group(tf.assign_add(v, 1), [tf.assign_add(w, 5)], name="both")
    assert g.name == "both" and g.type == "NoOp" and len(g.control_inputs) == 2
    n = tf.no_op(name="nothing")
    assert n.name == "nothing" and n.type == "NoOp" and n.outputs == []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(g) is None
        assert sess.run(n) is None
        assert sess.run([v, w]) == [1, 15]
        a, b = tf.tuple([tf.assign_add(v, 1), tf.assign_add(w, 1)])
        assert sess.run(a) == 2
        assert sess.run(w) == 16  # both updates ran, gated together
        assert tf.group().type == "NoOp"


# ===== printing ==============================================================================
def test_Print_returns_input_and_prints_to_stderr(capfd):
    x = tf.constant([1, 2, 3])
    y = tf.Print(x, [x, tf.constant(7), tf.constant([[1, 2], [3, 4]]), tf.constant([1.5, 2.0, 0.1])],
                 message="values: ")
    assert y.dtype == tf.int32 and y.shape.as_list() == [3]
    assert_exact(run(y * 2), [2, 4, 6], np.int32)
    captured = capfd.readouterr()
    # TF1's format: each tensor in brackets, the first `summarize` (3) values, "..." for the rest.
    assert "values: [1 2 3][7][[1 2][3...]...][1.5 2 0.1]" in captured.err


def test_Print_first_n_and_summarize(capfd):
    x = tf.placeholder(tf.int32, [10])
    y = tf.Print(x, [x], message="m", first_n=2, summarize=4)
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y, {x: np.arange(10)})
    err = capfd.readouterr().err
    assert err.count("m[0 1 2 3...]") == 2


def test_Print_of_constants_prints_on_every_run(capfd):
    x = tf.constant([1, 2])
    y = tf.Print(x, [x], message="c")
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y)
    assert capfd.readouterr().err.count("c[1 2]") == 3


def test_tf_print_op_prints_when_run(capfd):
    x = tf.constant([1.5, 2.5])
    p = tf.print("x is", x, tf.constant(np.arange(10, dtype=np.int32)), tf.constant([[1, 2], [3, 4]]), 7)
    with tf.Session() as sess:
        assert sess.run(p) is None
    assert "x is [1.5 2.5] [0 1 2 ... 7 8 9] [[1 2]\n [3 4]] 7\n" in capfd.readouterr().err
    q = tf.print("to stdout", tf.constant(3), output_stream=sys.stdout)
    with tf.Session() as sess:
        sess.run(q)
    assert "to stdout 3" in capfd.readouterr().out


def test_tf_print_of_constants_prints_on_every_run(capfd):
    p = tf.print("n =", tf.constant(5))
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(p)
    assert capfd.readouterr().err.count("n = 5\n") == 3


def test_tf_print_in_control_dependencies(capfd):
    x = tf.constant(4)
    with tf.control_dependencies([tf.print("side", x)]):
        y = tf.identity(x + 1)
    assert run(y) == 5
    assert "side 4" in capfd.readouterr().err


# ===== strings ===============================================================================
def test_string_constants():
    s = tf.constant("hello")
    assert s.dtype == tf.string
    assert run(s) == b"hello"
    arr = run(tf.constant(["a", "bc"]))
    assert arr.dtype == object and arr.tolist() == [b"a", b"bc"]
    assert run(tf.identity(s)) == b"hello"
    assert run(tf.constant(b"raw")) == b"raw"


def test_string_variables_create_assign_read_fetch():
    w = tf.Variable("a", name="w")
    assert w.dtype.base_dtype == tf.string
    assign = w.assign("xyz")
    names = tf.Variable(["p", "q"])
    p = tf.placeholder(tf.string, [])
    fed = tf.assign(w, p)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(w) == b"a"
        assert sess.run(w.read_value()) == b"a"
        assert sess.run(assign) == b"xyz"
        assert sess.run(w) == b"xyz"
        assert sess.run(names).tolist() == [b"p", b"q"]
        assert sess.run(fed, {p: b"fed"}) == b"fed"
        assert sess.run(w) == b"fed"


def test_string_feed_of_python_str_becomes_bytes():
    p = tf.placeholder(tf.string, [])
    assert run(tf.identity(p), {p: "fed"}) == b"fed"


def test_other_ops_on_strings_raise_not_implemented_naming_the_op():
    s = tf.constant("a")
    with pytest.raises(NotImplementedError, match="'add'"):
        s + "b"
    with pytest.raises(NotImplementedError, match="Reshape"):
        tf.reshape(tf.constant(["a", "b"]), [2, 1])
    with pytest.raises(NotImplementedError):
        tf.cast(s, tf.int32)


# ===== fetch of mixed structures through ops ================================================
def test_namedtuple_of_op_outputs():
    Pair = collections.namedtuple("Pair", "a b")
    out = run(Pair(tf.constant(1) + 1, tf.constant([2.0]) * 2.0))
    assert isinstance(out, Pair) and out.a == 2
    assert_exact(out.b, [4.0], F32)


# ===== TF1 corner cases =====================================================================
def test_reduction_corner_cases():
    assert_exact(run(tf.reduce_mean(tf.constant([-1, -2]))), np.int32(-1))  # C division truncates toward 0
    assert_exact(run(tf.reduce_mean(tf.constant([[-7, 2]]), 1)), [-2], np.int32)
    assert_exact(run(tf.reduce_max(tf.constant([], tf.float32))), F32(-np.inf))
    assert_exact(run(tf.reduce_min(tf.zeros([0, 2]), 0)), [np.inf, np.inf], F32)
    assert_exact(run(tf.reduce_max(tf.constant([], tf.int32))), np.int32(np.iinfo(np.int32).min))
    assert_exact(run(tf.reduce_prod(tf.constant([], tf.float32))), F32(1.0))
    with pytest.raises(TypeError):
        tf.reduce_sum(tf.constant([True, True]))


def test_matmul_and_add_n_shape_rules():
    with pytest.raises(ValueError, match="rank 2"):
        tf.matmul(tf.ones([3]), tf.ones([3, 4]))
    with pytest.raises(ValueError):
        tf.add_n([tf.constant([1.0]), tf.constant([[1.0]])])
    assert_exact(run(tf.add_n([tf.constant([1, 2]), tf.constant([3, 4])])), [4, 6], np.int32)


def test_clip_by_value_with_min_above_max_gives_min():
    assert_exact(run(tf.clip_by_value(tf.constant([1.0, 5.0]), 3.0, 2.0)), [3.0, 3.0], F32)
    assert_exact(run(tf.clip_by_value(tf.constant([1.0, 5.0]), tf.constant([2.0, 2.0]), 4.0)), [2.0, 4.0], F32)
    with pytest.raises(TypeError):
        tf.global_norm([tf.constant([3.0]), tf.constant([4.0], tf.float64)])


def test_pad_op_types_and_reverse_with_tensor_axis():
    x = tf.constant([[1, 2]])
    assert tf.pad(x, [[0, 0], [1, 0]]).op.type == "Pad"
    assert tf.pad(x, [[0, 0], [1, 0]], constant_values=-1).op.name == "PadV2"
    assert tf.pad(x, [[0, 0], [1, 1]], "REFLECT").op.type == "MirrorPad"
    assert_exact(run(tf.reverse(tf.constant([1, 2, 3]), tf.constant([0]))), [3, 2, 1], np.int32)


def test_getitem_out_of_bounds_index_raises_at_graph_time():
    x = tf.constant([[1, 2, 3]])
    with pytest.raises(ValueError, match="out of bounds"):
        x[0, 5]
    with pytest.raises(ValueError, match="out of bounds"):
        x[-2]
    with pytest.raises(ValueError, match="out of bounds"):
        x[..., 3]
    assert_exact(run(x[..., -3]), [1], np.int32)
    assert_exact(run(x[0, 1:10]), [2, 3], np.int32)  # slices clamp, as in Python and TF1


def test_nn_dtype_rules():
    out = tf.nn.leaky_relu(tf.constant([-1, 2]))
    assert out.dtype == tf.float32  # integer features are cast to float32, as TF1
    assert_close(run(out), np.array([-0.2, 2.0], F32))
    with pytest.raises(TypeError):
        tf.nn.l2_loss(tf.constant([1, 2, 3]))
    mean, var = tf.nn.moments(tf.constant([[1, 2], [4, 7]]), [0])
    assert mean.dtype == tf.int32 and var.dtype == tf.int32
    assert_exact(run([mean, var]), [[2, 4], [2, 6]], np.int32)  # integer means truncate
    m16, v16 = tf.nn.moments(tf.constant([1.0, 2.0, 3.0, 4.0], tf.float16), [0])
    assert m16.dtype == tf.float16
    assert_exact(run([m16, v16]), [np.float16(2.5), np.float16(1.25)])


def test_divide_real_imag_conj_and_tuple_names():
    assert tf.divide(tf.constant(1.0), 2.0).op.name == "truediv"
    assert tf.divide(tf.constant(1.0), 2.0, name="half").op.name == "half"
    r = tf.constant([1.5, -2.0])
    assert tf.real(r) is r and tf.conj(r) is r
    assert_exact(run(tf.imag(r)), [0.0, 0.0], F32)
    a, b = tf.tuple([tf.constant(1), tf.constant(2.0)])
    assert a.op.name == "tuple/control_dependency" and b.op.name == "tuple/control_dependency_1"


def test_squeeze_checks_known_dims_at_graph_time_as_tf1():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    z = tf.placeholder(tf.float32, [2, 1, 3])
    assert str(tf.squeeze(y, [-1]).shape) == "(?,)" and str(tf.squeeze(y).shape) == "<unknown>"
    assert tf.squeeze(z).shape == tf.squeeze(z, [1]).shape == (2, 3)
    for tensor, axis in ((x, [-1]), (z, [0]), (z, [5])):
        with pytest.raises(ValueError):
            tf.squeeze(tensor, axis)
