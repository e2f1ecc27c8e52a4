"""tf.py_func / tf.numpy_function: names, values on every run, errors as TF1 reports them
(classes and messages checked against TF 2.21's compat.v1 by hand), gradients None, strings,
the result-shape rule, and that a failing function changes no variable."""
import numpy as np
import pytest

import tfvars_jax as tf


def test_names_types_and_unknown_shapes():
    x = tf.constant([1.0, 2.0])
    y = tf.py_func(lambda a: a * 2, [x], tf.float32)
    assert y.name == "PyFunc:0" and y.op.type == "PyFunc"
    assert y.shape.ndims is None and y.dtype == tf.float32
    ys = tf.py_func(lambda a: (a, a), [x], [tf.float32, tf.float32], stateful=False)
    assert [t.name for t in ys] == ["PyFuncStateless:0", "PyFuncStateless:1"]
    assert ys[0].op.type == "PyFuncStateless"
    with tf.name_scope("s"):
        one = tf.numpy_function(lambda: 1, [], [tf.int64])
    assert isinstance(one, list) and one[0].name == "s/PyFunc:0"
    none = tf.py_func(lambda a: None, [x], [])
    assert isinstance(none, tf.Operation) and none.outputs == []


def test_runs_on_every_run_with_numpy_arguments():
    calls = []
    x = tf.placeholder(tf.float32, [2])

    def f(a, s, b):
        calls.append((type(a), a.dtype, type(s), type(b)))
        return np.sinh(a)
    y = tf.py_func(f, [x, tf.constant(3, tf.int64), tf.constant(True)], tf.float32)
    y.set_shape([2])
    with tf.Session() as sess:
        for vals in ([0.0, 1.0], [2.0, 3.0]):
            np.testing.assert_array_equal(sess.run(y, {x: vals}),
                                          np.sinh(np.float32(vals)))
        assert len(calls) == 2
        # As TF1: arrays for tensors, NumPy scalars for 0-d tensors.
        assert calls[0] == (np.ndarray, np.float32, np.int64, np.bool_)


def test_stateful_constant_inputs_are_never_folded():
    count = [0]

    def counter():
        count[0] += 1
        return np.int64(count[0])
    c = tf.py_func(counter, [], tf.int64)
    c.set_shape([])
    with tf.Session() as sess:
        assert [sess.run(c) for _ in range(3)] == [1, 2, 3]


def test_results_feed_variables_and_ops():
    v = tf.Variable([1.0, 2.0])
    inc = tf.py_func(lambda a: a + np.float32(1), [v], tf.float32)
    inc.set_shape([2])
    upd = v.assign(inc * 2.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(upd), [4.0, 6.0])
        np.testing.assert_array_equal(sess.run(upd), [10.0, 14.0])


def test_64_bit_values_exact():
    x = tf.constant(np.array([1 + 2.0 ** -40, 2.0 ** 60 + 1.0]), tf.float64)
    big = tf.constant(2 ** 40 + 1, tf.int64)
    y, n = tf.py_func(lambda a, b: (a * 1.0, b + 1), [x, big], [tf.float64, tf.int64])
    y.set_shape([2])
    n.set_shape([])
    with tf.Session() as sess:
        yv, nv = sess.run([y, n])
    assert yv[0] == 1 + 2.0 ** -40 and nv == 2 ** 40 + 2


def test_stateless_constant_inputs_probe_shapes():
    z = tf.py_func(lambda: np.arange(3.0), [], tf.float64, stateful=False)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(z), [0.0, 1.0, 2.0])


def test_unknown_shape_raises_not_implemented():
    x = tf.placeholder(tf.float32)
    y = tf.py_func(lambda a: a, [x], tf.float32)
    with tf.Session() as sess, pytest.raises(NotImplementedError, match="PyFunc.*set_shape"):
        sess.run(y, {x: [1.0]})


@pytest.mark.parametrize("func, cls, text", [
    (lambda a: 1 / 0, tf.errors.UnknownError, "ZeroDivisionError: division by zero"),
    (lambda a: int("x"), tf.errors.InvalidArgumentError, "ValueError: invalid literal"),
    (lambda a: None + 1, tf.errors.InvalidArgumentError, "TypeError: unsupported operand"),
    (lambda a: [][1], tf.errors.UnknownError, "IndexError: list index out of range"),
    (lambda a: next(iter([])), tf.errors.OutOfRangeError, "StopIteration"),
])
def test_exceptions_become_tf1_errors(func, cls, text):
    x = tf.constant([1.0, 2.0])
    y = tf.py_func(func, [x], tf.float32)
    y.set_shape([2])
    with tf.Session() as sess, pytest.raises(cls, match=text) as info:
        sess.run(y)
    assert type(info.value) is cls
    assert "Traceback" in str(info.value)


def _raise(exc):
    raise exc


@pytest.mark.parametrize("exc, cls", [
    (NotImplementedError("ni"), tf.errors.UnimplementedError),
    (MemoryError("m"), tf.errors.ResourceExhaustedError),
    (RuntimeError("r"), tf.errors.UnknownError),
    (tf.errors.NotFoundError(None, None, "nf"), tf.errors.UnknownError),  # as TF1
])
def test_more_exception_classes(exc, cls):
    y = tf.py_func(lambda: _raise(exc), [], tf.float32)
    y.set_shape([])
    with tf.Session() as sess, pytest.raises(cls) as info:
        sess.run(y)
    assert type(info.value) is cls


@pytest.mark.parametrize("func, tout, message", [
    (lambda a: a.astype(np.float64), tf.float32,
     r"^0-th value returned by pyfunc_\d+ is double, but expects float\n"),
    (lambda a: 3.5, tf.float32, r"0-th value returned by pyfunc_\d+ is double, but expects float"),
    (lambda a: 3, tf.int32, r"0-th value returned by pyfunc_\d+ is int64, but expects int32"),
    (lambda a: [1.0, 2.0], tf.float32,
     r"pyfunc_\d+ returns 2 values, but expects to see 1 values."),
    (lambda a: a, [tf.float32, tf.float32],
     r"pyfunc_\d+ returns 1 values, but expects to see 2 values."),
])
def test_results_checked_against_tout(func, tout, message):
    outs = tf.py_func(func, [tf.constant([1.0, 2.0])], tout)
    for t in (outs if isinstance(outs, list) else [outs]):
        t.set_shape([2])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        sess.run(outs)


def test_python_results_converted_as_tf1():
    a = tf.py_func(lambda: 3, [], tf.int64)
    b = tf.py_func(lambda: (np.float32(1.5),), [], tf.float32)
    c = tf.py_func(lambda: np.array([True, False]), [], tf.bool)
    for t, s in ((a, []), (b, []), (c, [2])):
        t.set_shape(s)
    with tf.Session() as sess:
        assert sess.run([a, b]) == [3, 1.5]
        np.testing.assert_array_equal(sess.run(c), [True, False])


def test_failed_run_changes_no_variable():
    v = tf.Variable(1.0)
    bad = tf.py_func(lambda a: 1 / 0, [v.read_value()], tf.float32)
    bad.set_shape([])
    with tf.control_dependencies([v.assign_add(10.0)]):
        upd = v.assign_add(bad)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.UnknownError):
            sess.run(upd)
        assert sess.run(v) == 1.0


def test_result_shape_must_match_compiled_shape():
    n = tf.placeholder(tf.int32, [])
    y = tf.py_func(lambda k: np.zeros(k, np.float32), [n], tf.float32)
    y.set_shape([2])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {n: 2}), [0.0, 0.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="has shape \\(3,\\)"):
            sess.run(y, {n: 3})


def test_gradients_are_none_as_tf1():
    x = tf.constant([1.0, 2.0])
    y = tf.py_func(lambda a: a * 2, [x], tf.float32)
    y.set_shape([2])
    assert tf.gradients(y, x) == [None]
    g = tf.gradients(y * x, x)[0]  # only the direct path
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g), [2.0, 4.0])


def test_strings_in_and_out_run_host_side():
    s = tf.py_func(lambda a: a + b"!", [tf.constant([b"hi", b"x"])], tf.string)
    t = tf.py_func(lambda: "text", [], tf.string)
    with tf.Session() as sess:
        assert list(sess.run(s)) == [b"hi!", b"x!"]
        assert sess.run(t) == b"text"


def test_mixed_strings_and_numbers_not_implemented():
    with pytest.raises(NotImplementedError, match="mixes tf.string and numeric"):
        tf.py_func(lambda a: len(a), [tf.constant(b"hi")], tf.int64)


def test_bad_arguments():
    with pytest.raises(TypeError, match="callable"):
        tf.py_func(3, [], tf.float32)
    with pytest.raises(TypeError, match="list"):
        tf.py_func(lambda a: a, tf.constant(1.0), tf.float32)
    with pytest.raises(TypeError):
        tf.numpy_function(lambda: 1, [], tf.int64, stateful=False)
