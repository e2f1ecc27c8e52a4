"""tf.make_template: variables created on the first call and reused after, TF1's scope names."""
import numpy as np
import pytest

import tfvars_jax as tf


def _affine(x, scale=1.0):
    w = tf.get_variable("w", shape=[], initializer=tf.constant_initializer(3.0))
    with tf.variable_scope("inner"):
        b = tf.get_variable("b", shape=[2], initializer=tf.ones_initializer())
    return x * w * scale + b


def test_first_call_creates_later_calls_reuse():
    with tf.Graph().as_default():
        t = tf.make_template("tmpl", _affine, scale=2.0)
        assert t.variable_scope is None and t.variables == [] and t.name == "tmpl"
        a = t(tf.constant(1.0))
        b = t(tf.constant(2.0))
        assert [v.name for v in tf.global_variables()] == ["tmpl/w:0", "tmpl/inner/b:0"]
        assert a.op.name == "tmpl/add" and b.op.name == "tmpl_1/add"
        assert t.variable_scope.name == "tmpl" and t.variable_scope_name == "tmpl/"
        assert [v.name for v in t.trainable_variables] == ["tmpl/w:0", "tmpl/inner/b:0"]
        assert t.variables == t.global_variables == t.trainable_variables
        assert t.non_trainable_variables == [] and t.local_variables == []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(a), [7.0, 7.0])
            np.testing.assert_allclose(sess.run(b), [13.0, 13.0])


def test_second_template_of_a_name_is_uniquified():
    with tf.Graph().as_default():
        t1 = tf.make_template("tmpl", _affine)
        t1(1.0)
        t2 = tf.make_template("tmpl", _affine)
        x = t2(1.0)
        y = t2(1.0)
        t3 = tf.make_template("tmpl", _affine, create_scope_now_=True)
        assert t3.variable_scope.name == "tmpl_2" and t3.variable_scope.original_name_scope == "tmpl_2"
        z = t3(1.0)
        with tf.variable_scope("outer"):
            t4 = tf.make_template("tmpl", _affine, unique_name_="uniq")
            u = t4(1.0)
        assert [v.op.name for v in tf.global_variables()] == [
            "tmpl/w", "tmpl/inner/b", "tmpl_1/w", "tmpl_1/inner/b", "tmpl_2/w", "tmpl_2/inner/b", "outer/uniq/w",
            "outer/uniq/inner/b"]
        assert [t.op.name for t in (x, y, z, u)] == ["tmpl_1/add", "tmpl_1_1/add", "tmpl_2/add", "outer/uniq/add"]
        assert t4.variable_scope_name == "outer/uniq/"


def test_tf_variable_after_first_call_raises():
    def bad(x):
        return x * tf.Variable(1.0, name="v")

    with tf.Graph().as_default():
        t = tf.make_template("bad", bad)
        t(1.0)
        with pytest.raises(ValueError, match="^Trainable variable created when calling a template after the first"):
            t(2.0)


def test_new_get_variable_after_first_call_raises():
    def maybe(x, make=False):
        if make:
            tf.get_variable("z", shape=[])
        return x

    with tf.Graph().as_default():
        t = tf.make_template("nt", maybe)
        t(1.0)
        with pytest.raises(ValueError, match="Variable nt/z does not exist"):
            t(1.0, make=True)
        assert "originally defined at:" in str(pytest.raises(ValueError, t, 1.0, make=True).value)


def test_failed_first_call_can_be_retried():
    calls = []

    def flaky(x):
        calls.append(1)
        v = tf.get_variable("v", shape=[])
        if len(calls) == 1:
            raise RuntimeError("boom")
        return x * v

    with tf.Graph().as_default():
        t = tf.make_template("flaky", flaky)
        with pytest.raises(RuntimeError, match="boom"):
            t(1.0)
        with pytest.raises(ValueError, match="already exists"):  # the first call made flaky/v; reuse is off
            t(1.0)


def test_custom_getter_sees_every_call():
    seen = []

    def getter(next_getter, name, *args, **kwargs):
        seen.append(name)
        return next_getter(name, *args, **kwargs)

    with tf.Graph().as_default():
        t = tf.make_template("cg", _affine, custom_getter_=getter)
        t(1.0)
        t(1.0)
        t2 = tf.make_template("cgn", _affine, create_scope_now_=True, custom_getter_=getter)
        t2(1.0)
    assert seen == ["cg/w", "cg/inner/b", "cg/w", "cg/inner/b", "cgn/w", "cgn/inner/b"]


def test_name_none_and_graph_function_raise():
    with pytest.raises(ValueError, match="name cannot be None"):
        tf.make_template(None, _affine)
    from tfvars_jax.variables.template import Template
    with pytest.raises(NotImplementedError, match="create_graph_function"):
        Template("x", _affine, create_graph_function=True)


@pytest.mark.tensorflow
def test_names_match_tensorflow():
    tf1 = pytest.importorskip("tensorflow.compat.v1")
    tf1.disable_v2_behavior()

    def build(lib):
        def f(x):
            w = lib.get_variable("w", shape=[], initializer=lib.constant_initializer(3.0))
            with lib.variable_scope("inner"):
                b = lib.get_variable("b", shape=[2])
            return x * w + b

        with lib.Graph().as_default():
            outs = []
            t1 = lib.make_template("tmpl", f)
            outs += [t1(lib.constant(1.0)), t1(lib.constant(2.0))]
            with lib.variable_scope("outer"):
                t2 = lib.make_template("tmpl", f)
                outs += [t2(1.0), t2(1.0)]
            t3 = lib.make_template("tmpl", f, create_scope_now_=True)
            outs += [t3(1.0), t3(1.0)]
            t4 = lib.make_template("tmpl", f, unique_name_="given")
            outs += [t4(1.0)]
            return ([v.name for v in lib.global_variables()], [o.name for o in outs],
                    [t.variable_scope_name for t in (t1, t2, t3, t4)],
                    [[v.name for v in t.trainable_variables] for t in (t1, t2, t3, t4)])

    assert build(tf) == build(tf1)
