"""Assertions (`tf.Assert`, `tf.assert_*`, `tf.debugging`): an op kind of its own, added in
one module (`ops/check_ops.py`), checked when a run reaches it."""
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax import errors

CASES = [  # (assertion, x, y or None, holds)
    ("assert_equal", [1.0, 2.0], [1.0, 2.0], True), ("assert_equal", [1.0, 2.0], [1.0, 3.0], False),
    ("assert_none_equal", [1.0, 2.0], [3.0, 4.0], True), ("assert_none_equal", [1.0, 2.0], [1.0, 4.0], False),
    ("assert_less", [0.0, 0.5], 1.0, True), ("assert_less", [0.0, 1.5], 1.0, False),
    ("assert_less_equal", [1.0, 0.5], 1.0, True), ("assert_greater", [2.0, 3.0], 1.0, True),
    ("assert_greater", [1.0, 3.0], 1.0, False), ("assert_greater_equal", [1.0, 3.0], 1.0, True),
    ("assert_positive", [1.0, 2.0], None, True), ("assert_positive", [0.0, 2.0], None, False),
    ("assert_negative", [-1.0, -2.0], None, True), ("assert_non_negative", [0.0, 2.0], None, True),
    ("assert_non_negative", [-0.5, 2.0], None, False), ("assert_non_positive", [0.0, -2.0], None, True),
]


def _outcome(tf_mod, name, x, y, holds_hint=None):
    """(raised?, variable after) for the assertion guarding an assign_add in one run."""
    with tf_mod.Graph().as_default():
        p = tf_mod.placeholder(tf_mod.float32, [2])
        v = tf_mod.Variable(0.0)
        fn = getattr(tf_mod.debugging, name)
        check = fn(p) if y is None else fn(p, y)
        with tf_mod.control_dependencies([check]):
            inc = v.assign_add(1.0)
        with tf_mod.Session() as sess:
            sess.run(v.initializer)
            try:
                sess.run(inc, {p: x})
                raised = False
            except tf_mod.errors.InvalidArgumentError:
                raised = True
            return raised, float(sess.run(v))


@pytest.mark.parametrize("name, x, y, holds", CASES)
def test_assertion_raises_exactly_when_its_condition_fails_and_then_changes_nothing(name, x, y, holds):
    assert _outcome(tf, name, x, y) == (not holds, 1.0 if holds else 0.0)


@pytest.mark.tensorflow
@pytest.mark.parametrize("name, x, y, holds", CASES)
def test_assertion_outcomes_match_tensorflow(name, x, y, holds):
    tf1 = pytest.importorskip("tensorflow.compat.v1")
    tf1.disable_v2_behavior()
    assert _outcome(tf, name, x, y) == _outcome(tf1, name, x, y)


def test_a_failing_assertion_undoes_writes_that_precede_it_in_the_run():
    v = tf.Variable(5.0)
    p = tf.placeholder(tf.float32, [])
    write = v.assign(100.0)
    with tf.control_dependencies([write]):
        check = tf.Assert(p > 0, ["p must be positive", p])
    with tf.Session() as sess:
        sess.run(v.initializer)
        # The run fetches nothing and writes v: it returns before its check is read, and the
        # next run touching v raises the error (ARCHITECTURE.md, "Run-time checks").
        sess.run(check, {p: -1.0})
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"assertion failed: \[p must be positive\].*earlier run"):
            sess.run(v)
        assert sess.run(v) == 5.0
        with pytest.raises(errors.InvalidArgumentError, match=r"p must be positive"):
            sess.run([check, p], {p: -1.0})  # fetching a value: raised by the run itself
        assert sess.run(v) == 5.0
        sess.run(check, {p: 1.0})
        assert sess.run(v) == 100.0


def test_assertions_known_at_graph_time_are_decided_then():
    with pytest.raises(errors.InvalidArgumentError, match="Condition x == y did not hold"):
        tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="msg")
    ok = tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 2]))
    assert ok.type == "NoOp"
    with pytest.raises(errors.InvalidArgumentError, match="assertion failed"):
        tf.Assert(tf.constant(False), ["never"])


def test_assertion_names_and_namespaces_follow_tf1():
    x = tf.placeholder(tf.float32, [2])
    assert tf.assert_less(x, 1.0, name="chk").name == "chk/Assert"
    assert tf.assert_positive(x).name == "assert_positive/assert_less/Assert"
    assert tf.debugging.assert_equal is tf.assert_equal and tf.debugging.Assert is tf.Assert
    with pytest.raises(ValueError, match="incompatible"):
        tf.assert_equal(x, tf.placeholder(tf.float32, [3]))


def test_an_assertion_inside_a_pure_step_keeps_the_state():
    from tfvars_jax import functional
    v = tf.Variable(np.float32(1.0))
    p = tf.placeholder(tf.float32, [])
    with tf.control_dependencies([tf.assert_positive(p)]):
        inc = v.assign_add(p)
    step = functional.make_step(inc, [p])
    state = functional.make_init()(0)
    _, after = step(state, np.float32(2.0))
    assert float(after[v.op.name]) == 3.0
    _, kept = step(state, np.float32(-2.0))
    assert float(kept[v.op.name]) == 1.0
