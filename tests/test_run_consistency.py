"""What else a run fetches, feeds or writes never changes a value it returns (issue 8).

Regression tests for the silent wrong gradient (a variable fetched beside a gradient with
respect to it gave 0.0) and its siblings; expected values are TensorFlow 1.x's.
"""
import numpy as np
import pytest

import tfvars_jax as tf


def _tutorial_regression():
    W = tf.Variable(5.0)
    cost = tf.reduce_mean(tf.square([1.0, 2.0, 3.0] * W - [1.0, 2.0, 3.0]))
    opt = tf.train.GradientDescentOptimizer(0.01)
    gvs = opt.compute_gradients(cost)
    return W, gvs, opt.apply_gradients(gvs)


def test_gradient_fetched_beside_its_variable_is_the_gradient():
    W, gvs, _ = _tutorial_regression()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        alone = sess.run(gvs[0][0])
        assert alone == pytest.approx(37.333336)
        assert sess.run(gvs) == [(alone, 5.0)]
        assert sess.run({"g": gvs[0][0], "w": [W, (W,)]}) == {"g": alone, "w": [5.0, (5.0,)]}


def test_tutorial_compute_then_apply_moves_the_variable():
    W, gvs, apply = _tutorial_regression()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        (pairs, _) = sess.run([gvs, apply])
        assert pairs[0][0] == pytest.approx(37.333336)
        assert sess.run(W) == pytest.approx(5.0 - 0.01 * 37.333336)


def test_read_value_after_a_write_is_fresh_when_the_variable_is_fetched_too():
    v = tf.Variable(1.0)
    add = v.assign_add(1.0)
    with tf.control_dependencies([add]):
        r = v.read_value()
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([v, r])[1] == 2.0
        assert sess.run(r) == 3.0


def test_gradient_sums_every_read_each_at_the_value_it_saw():
    # d(r^3 + 1 * v)/dv where both reads follow v.assign(5) in program order: 3 * 25 + 1.
    v = tf.Variable(2.0)
    a = v.assign(5.0)
    with tf.control_dependencies([a]):
        r = v.read_value()
    loss = r * r * r + v.read_value() * 1.0
    first = tf.gradients(loss, v)[0]
    with tf.control_dependencies([a]):
        cubed = r * r * r
    hess = tf.gradients(tf.gradients(cubed, v)[0], v)[0]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([first, v.read_value()])[0] == 76.0
        sess.run(v.initializer)
        assert sess.run([hess, a]) == [30.0, 5.0]


def test_gradient_through_cond_reads_is_independent_of_fetching_the_variable():
    v = tf.Variable(2.0)
    x = tf.placeholder(tf.float32, [])
    c = tf.cond(x > 0, lambda: v * 3.0, lambda: v * v)
    g = tf.gradients(c, v)[0]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([g, v], {x: 1.0}) == [3.0, 2.0]
        assert sess.run([g, v], {x: -1.0}) == [4.0, 2.0]


def test_gradient_at_a_fed_variable_value():
    v = tf.Variable(2.0)
    g = tf.gradients(v * v, v)[0]
    with tf.Session() as sess:
        assert sess.run(g, {v: 7.0}) == 14.0
        assert sess.run([g, v], {v: 7.0}) == [14.0, 7.0]


def test_feeding_a_tensor_on_a_gradient_path_raises_instead_of_guessing():
    v = tf.Variable(2.0)
    h = v * 3.0
    loss = h * h
    g = tf.gradients(loss, v)[0]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(g) == 36.0
        with pytest.raises(NotImplementedError, match="Feeding tensor 'mul:0'.*path that tf.gradients"):
            sess.run(g, {h: 1.0})
        assert sess.run(loss, {h: 1.0}) == 1.0  # without the gradient the feed is fine


def test_a_fed_write_op_still_writes():
    v = tf.Variable(1.0)
    a = v.assign_add(10.0)
    with tf.control_dependencies([a]):
        done = tf.no_op()
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run([done, a], {a: 0.0})  # TF1 runs a fed op that a control edge needs
        assert sess.run(v) == 11.0


def test_optimizer_step_fetched_with_gradients_and_variables_equals_step_alone():
    rng = np.random.RandomState(0)
    xs = rng.randn(8, 3).astype(np.float32)

    def build():
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.get_variable("w", initializer=np.ones((3, 1), np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        opt = tf.train.AdamOptimizer(0.1)
        gvs = opt.compute_gradients(loss)
        return x, w, gvs, opt.apply_gradients(gvs)

    results = []
    for fetch_more in (False, True):
        with tf.Graph().as_default():
            x, w, gvs, train = build()
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(3):
                    sess.run([train, gvs, w] if fetch_more else train, {x: xs})
                results.append(sess.run(w))
    np.testing.assert_array_equal(results[0], results[1])


def test_a_fed_string_fetched_directly_is_the_fed_value():
    p = tf.placeholder(tf.string, [2])
    v = tf.Variable([b"x", b"y"])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(p, {p: ["a", b"b"]}).tolist() == [b"a", b"b"]
        fed, var = sess.run([p, v], {p: ["c", "d"]})
        assert fed.tolist() == [b"c", b"d"] and var.tolist() == [b"x", b"y"]


def test_constants_and_feeds_convert_values_the_same_way():
    p = tf.placeholder(tf.string, [])
    q = tf.placeholder(tf.int32, [])
    for bad in (3, 1.5):
        with pytest.raises(TypeError, match="to string for a constant.*is not a string"):
            tf.constant(bad, dtype=tf.string)
    with pytest.raises(TypeError, match="for a constant: non-integer"):
        tf.constant(3.5, dtype=tf.int32)
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="to string for Tensor 'Placeholder:0'.*is not a string"):
            sess.run(p, {p: 3})
        with pytest.raises(TypeError, match="for Tensor 'Placeholder_1:0': non-integer"):
            sess.run(q, {q: 3.5})
        with pytest.raises(TypeError, match="out of range"):
            sess.run(q, {q: 2 ** 40})
        assert sess.run(q, {q: 3.0}) == 3 and sess.run(tf.constant(3.0, tf.int32)) == 3


def test_a_use_of_a_ref_variable_after_a_write_sees_the_write_as_in_tf1():
    # TF1's ref reads alias the variable's buffer, and ref writes update it in place: an op
    # ordered after the write sees the new value (fuzzer finding; TF gives [2, 2], 9, 8).
    v = tf.Variable(1.0, name="v")
    a = tf.assign_add(v, 1.0)
    with tf.control_dependencies([a]):
        y = tf.identity(v)
        z = v * 1.0
        r = v.read_value() * 3.0
        g = tf.gradients(v * v, v)[0]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([y, z]) == [2.0, 2.0]
        assert sess.run(r) == 9.0
        assert sess.run(g) == 8.0


def test_a_fetched_read_keeps_its_own_value_when_a_later_op_sees_a_write():
    v = tf.Variable(1.0)
    early = v.read_value()
    with tf.control_dependencies([early]):
        a = v.assign(5.0)
    with tf.control_dependencies([a]):
        late = early * 1.0  # consumes the alias after the write: sees 5
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([early, late]) == [1.0, 5.0]


def test_a_resource_variable_read_is_a_copy_taken_where_it_is():
    v = tf.Variable(1.0, use_resource=True)
    r = v.read_value()
    with tf.control_dependencies([r]):
        a = v.assign(5.0)
    with tf.control_dependencies([a]):
        late = r * 1.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(late) == 1.0


def test_a_second_moving_average_of_a_variable_gets_a_unique_name_as_tf1():
    # TensorFlow names them s/v/ExponentialMovingAverage, _1, _2 (checked against TF 2.21).
    with tf.variable_scope("s"):
        v = tf.get_variable("v", [3], tf.float64, tf.constant_initializer(-0.6))
    tf.train.ExponentialMovingAverage(0.9).apply([v])
    second = tf.train.ExponentialMovingAverage(0.5)
    second.apply([v])
    third = tf.train.ExponentialMovingAverage(0.5, num_updates=tf.train.get_or_create_global_step())
    third.apply([v])
    assert second.average(v).name == "s/v/ExponentialMovingAverage_1:0"
    assert third.average(v).name == "s/v/ExponentialMovingAverage_2:0"
    assert [x.name for x in tf.global_variables()] == [
        "s/v:0", "s/v/ExponentialMovingAverage:0", "s/v/ExponentialMovingAverage_1:0", "global_step:0",
        "s/v/ExponentialMovingAverage_2:0"]


def test_a_cond_branch_may_return_a_tensor_made_outside_it():
    # The common `tf.cond(p, lambda: y, lambda: x)` idiom; values as TensorFlow gives them.
    x = tf.constant(1.0)
    y = tf.placeholder(tf.float32, [])
    v = tf.Variable(5.0)
    p = tf.placeholder(tf.bool, [])
    c = tf.cond(p, lambda: y, lambda: x)
    d = tf.cond(p, lambda: v, lambda: y * 2)
    e = tf.cond(p, lambda: [x, y], lambda: [y, x])
    g = tf.gradients(tf.cond(p, lambda: y * y, lambda: y), y)[0]
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([c, d, e, g], {p: True, y: 3.0}) == [3.0, 5.0, [1.0, 3.0], 6.0]
        assert sess.run([c, d, e, g], {p: False, y: 3.0}) == [1.0, 6.0, [3.0, 1.0], 1.0]


def test_gradient_with_respect_to_a_read_of_a_variable_and_the_variable():
    # Fuzzer finding (seed 106): the read as an x was overwritten by the value it saw (zeros).
    v = tf.get_variable("w", shape=[2, 3], dtype=tf.float64, initializer=tf.constant_initializer(0.6))
    r = v.read_value()
    g_read, g_var = tf.gradients(tf.reduce_sum(r), [r, v])
    with tf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run([g_read, g_var])
    assert [a.tolist() for a in got] == [[[1.0] * 3] * 2] * 2


def test_an_assign_output_aliases_its_ref_variable_as_in_tf1():
    # Fuzzer finding (seeds 852, 2973): TF1's assign returns the ref; TF gives these values.
    v = tf.Variable(np.array([-1.6, 0.4, 1.8]), name="w")
    a = tf.assign(v, np.array([-0.5, -0.3, 0.6]))
    b = tf.assign_add(v, a)
    m = tf.maximum(a, b)
    with tf.control_dependencies([a]):
        c = tf.assign(v, np.array([10.0, 10.0, 10.0]))
    with tf.control_dependencies([c]):
        i = tf.identity(a)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(m), [-1.0, -0.6, 1.2])
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(i), [10.0, 10.0, 10.0])
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(a), [-0.5, -0.3, 0.6])  # fetched: its own value
