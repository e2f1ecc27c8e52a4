"""`tf.contrib.framework` variable helpers, with TF 1.15's contrib semantics."""
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.contrib import framework as contrib_framework
from tfvars_jax.train import checkpoint_utils

cf = tf.contrib.framework
G = tf.GraphKeys


def _names(vs):
    return [v.op.name for v in vs]


def test_namespace():
    assert cf is contrib_framework and tf.contrib_framework is contrib_framework
    assert cf.assign_from_checkpoint is checkpoint_utils.assign_from_checkpoint
    with pytest.raises(AttributeError, match="tfvars_jax.contrib.framework.VariableDeviceChooser is not supported"):
        cf.VariableDeviceChooser  # noqa: B018
    with pytest.raises(AttributeError, match="tfvars_jax.contrib.eager.Network is not supported"):
        tf.contrib.eager.Network  # noqa: B018


def test_local_and_global_variable():
    lv = cf.local_variable([1.0, 2.0], name="lv")
    gv = cf.global_variable(3, name="gv")
    assert lv.name == "lv:0" and gv.name == "gv:0"
    assert tf.local_variables() == [lv] and tf.global_variables() == [gv]
    assert tf.trainable_variables() == []
    with tf.Session() as sess:
        sess.run([tf.local_variables_initializer(), tf.global_variables_initializer()])
        np.testing.assert_array_equal(sess.run(lv), [1.0, 2.0])
        assert sess.run(gv) == 3


def test_variable_and_model_variable():
    with tf.variable_scope("net"):
        a = cf.variable("a", shape=[2], initializer=tf.ones_initializer())
        b = cf.variable("b", shape=[], dtype=tf.int32, trainable=False, collections=["mine", "mine"])
        m = cf.model_variable("m", shape=[3, 2], collections=["extra"])
        with tf.device("/job:ps/task:0"):
            d = cf.variable("d", shape=[1], device="/cpu:0")
            e = cf.variable("e", shape=[1])  # no device: the surrounding one stays, as TF1
    assert a.name == "net/a:0" and a.dtype == tf.float32._as_ref
    assert tf.get_collection("mine") == [b] and b not in tf.global_variables()
    assert m.dtype == tf.float32._as_ref
    assert tf.get_collection(G.MODEL_VARIABLES) == [m] and tf.get_collection("extra") == [m]
    assert _names(tf.global_variables()) == ["net/a", "net/m", "net/d", "net/e"]
    assert _names(tf.trainable_variables()) == ["net/a", "net/m", "net/d", "net/e"]
    assert d.device == "/job:ps/task:0/device:CPU:0" and e.device == "/job:ps/task:0"
    with tf.variable_scope("net", reuse=True):
        assert cf.variable("a") is a and cf.model_variable("m") is m
    with pytest.raises(ValueError, match="Variable net/a already exists"):
        with tf.variable_scope("net"):
            cf.variable("a", shape=[2])


def test_variable_with_partitioner_and_custom_getter():
    p = cf.model_variable("p", shape=[4, 2], partitioner=tf.fixed_size_partitioner(2))
    assert isinstance(p, tf.PartitionedVariable)
    assert _names(tf.get_collection(G.MODEL_VARIABLES)) == ["p/part_0", "p/part_1"]
    assert [cf.get_variable_full_name(v) for v in p] == ["p", "p"]
    calls = []

    def replacement(name, **kwargs):  # TF 1.15: custom_getter replaces get_variable (no getter argument)
        calls.append((name, kwargs["reuse"], kwargs["collections"]))
        return tf.get_variable(name + "_x", shape=kwargs["shape"])

    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        v = cf.variable("v", shape=[1], custom_getter=replacement)
    assert v.name == "s/v_x:0" and calls == [("v", tf.AUTO_REUSE, [G.GLOBAL_VARIABLES])]


def test_add_model_variable():
    v = tf.Variable(1.0, name="v")
    cf.add_model_variable(v)
    cf.add_model_variable(v)
    assert cf.get_model_variables() == [v]


@pytest.fixture
def zoo():
    with tf.variable_scope("conv1"):
        w1 = tf.get_variable("weights", shape=[1])
        b1 = tf.get_variable("biases", shape=[1])
    with tf.variable_scope("conv2"):
        w2 = tf.get_variable("weights", shape=[1])
        ww = tf.get_variable("weights_2", shape=[1])
    w = tf.get_variable("weights", shape=[1])
    loc = cf.local_variable(0, name="conv1/count")
    nt = tf.get_variable("conv2/frozen", shape=[1], trainable=False)
    m = cf.model_variable("conv1/mv", shape=[1])
    return dict(w1=w1, b1=b1, w2=w2, ww=ww, w=w, loc=loc, nt=nt, m=m)


def test_get_variables(zoo):
    assert _names(cf.get_variables()) == ["conv1/weights", "conv1/biases", "conv2/weights", "conv2/weights_2",
                                          "weights", "conv2/frozen", "conv1/mv"]
    assert _names(cf.get_variables("conv1")) == ["conv1/weights", "conv1/biases", "conv1/mv"]
    with tf.variable_scope("conv2") as scope:
        pass
    assert _names(cf.get_variables(scope)) == ["conv2/weights", "conv2/weights_2", "conv2/frozen"]
    assert _names(cf.get_variables(suffix="weights")) == ["conv1/weights", "conv2/weights", "weights"]
    assert _names(cf.get_variables("conv2", suffix="weights")) == ["conv2/weights"]
    assert _names(cf.get_variables(suffix="weights_2:0")) == ["conv2/weights_2"]
    assert _names(cf.get_variables(collection=G.LOCAL_VARIABLES)) == ["conv1/count"]
    assert _names(cf.get_local_variables("conv1")) == ["conv1/count"]
    assert _names(cf.get_model_variables()) == ["conv1/mv"]
    assert _names(cf.get_trainable_variables("conv2")) == ["conv2/weights", "conv2/weights_2"]
    assert _names(cf.get_trainable_variables(suffix="biases")) == ["conv1/biases"]


def test_get_variables_by_suffix_and_name(zoo):
    assert _names(cf.get_variables_by_suffix("weights")) == ["conv1/weights", "conv2/weights", "weights"]
    assert _names(cf.get_variables_by_suffix("_2")) == ["conv2/weights_2"]
    assert _names(cf.get_variables_by_suffix("s", scope="conv1")) == ["conv1/weights", "conv1/biases"]
    assert _names(cf.get_variables_by_name("weights")) == ["conv1/weights", "conv2/weights", "weights"]
    # TF 1.15's regex is "conv2.*/weights:|^weights:": the top-level "weights" escapes the scope.
    assert _names(cf.get_variables_by_name("weights", scope="conv2")) == ["conv2/weights", "weights"]
    assert _names(cf.get_variables_by_name("biases", scope="conv2")) == []
    assert cf.get_variables_by_name("eights") == []


def test_get_variables_to_restore(zoo):
    assert _names(cf.get_variables_to_restore()) == _names(tf.global_variables())
    assert _names(cf.get_variables_to_restore(include=["conv1", "weights"])) == [
        "conv1/weights", "conv1/biases", "conv1/mv", "weights"]
    assert _names(cf.get_variables_to_restore(exclude=["conv2", "conv1/b"])) == [
        "conv1/weights", "weights", "conv1/mv"]
    assert _names(cf.get_variables_to_restore(include=("conv2",), exclude=("conv2/weights",))) == ["conv2/frozen"]
    with pytest.raises(TypeError, match="include is provided but is not a list or a tuple."):
        cf.get_variables_to_restore(include="conv1")
    with pytest.raises(TypeError, match="exclude is provided but is not a list or a tuple."):
        cf.get_variables_to_restore(exclude="conv1")


def test_get_unique_variable(zoo):
    assert cf.get_unique_variable("conv2/weights") is zoo["w2"]  # exact among prefix matches
    assert cf.get_unique_variable("weights") is zoo["w"]
    with pytest.raises(ValueError) as e:
        cf.get_unique_variable("nothing")
    assert str(e.value) == "Couldn't find variable nothing"
    with pytest.raises(ValueError) as e:
        cf.get_unique_variable("conv2/weight")
    assert str(e.value) == "Variable conv2/weight does not uniquely identify a variable"


def test_filter_variables(zoo):
    vs = cf.get_variables()
    assert _names(cf.filter_variables(vs, include_patterns=["weights"])) == [
        "conv1/weights", "conv2/weights", "conv2/weights_2", "weights"]
    assert _names(cf.filter_variables(vs, include_patterns=["conv"], exclude_patterns=["biases", "_2", "mv"])) == [
        "conv1/weights", "conv2/weights", "conv2/frozen"]
    assert _names(cf.filter_variables(vs, include_patterns=["weights"], reg_search=False)) == ["weights"]
    assert _names(cf.filter_variables(vs, exclude_patterns=["^conv"])) == ["weights"]
    assert cf.filter_variables(vs) == vs and cf.filter_variables(vs) is not vs


def test_get_variable_full_name():
    v = tf.get_variable("a/v", shape=[1])
    p = tf.get_variable("p", shape=[3, 1], partitioner=tf.fixed_size_partitioner(3))
    assert cf.get_variable_full_name(v) == "a/v"
    assert [cf.get_variable_full_name(part) for part in p] == ["p", "p", "p"]


def test_zero_initializer():
    v = tf.Variable(tf.ones([2, 3]), name="v")
    z = cf.zero_initializer(v)
    assert z.op.name == "zero_initializer" and z.op.type == "ZeroInitializer"
    assert z.shape == tf.TensorShape([2, 3]) and z.dtype == tf.float32
    with tf.Session() as sess:
        assert not sess.run(tf.is_variable_initialized(v))
        np.testing.assert_array_equal(sess.run(z), np.zeros((2, 3)))
        np.testing.assert_array_equal(sess.run(v), np.zeros((2, 3)))
        with pytest.raises(tf.errors.InvalidArgumentError, match="input is already initialized"):
            sess.run(z)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="input is already initialized"):
            sess.run(z)
        np.testing.assert_array_equal(sess.run(v), np.ones((2, 3)))  # untouched
    gv = tf.get_variable("g", shape=[4], dtype=tf.int64)
    z2 = cf.zero_initializer(gv, name="zi")
    assert z2.op.name == "zi"
    with tf.Session() as sess:
        assert sess.run(z2).tolist() == [0, 0, 0, 0]
        assert sess.run(gv).tolist() == [0, 0, 0, 0]


def test_assign_from_values():
    with tf.variable_scope("a"):
        w = tf.get_variable("w", shape=[2, 2])
        w1 = tf.get_variable("w_1", shape=[3])
    b = tf.get_variable("b", shape=[], dtype=tf.int32)
    op, feed = cf.assign_from_values({"a/w": np.arange(4.0), "a/w_1": np.ones(3), "b": np.array(7)})
    assert isinstance(op, tf.Operation) and op.type == "NoOp"
    assert sorted(t.op.name for t in feed) == ["placeholder/a/w", "placeholder/a/w_1", "placeholder/b"]
    by_name = {t.op.name: t for t in feed}
    assert by_name["placeholder/a/w"].dtype == tf.float32 and by_name["placeholder/b"].dtype == tf.int32
    assert feed[by_name["placeholder/a/w"]].shape == (2, 2)
    fn = cf.assign_from_values_fn({"b": np.array(9)})
    with tf.Session() as sess:
        sess.run(op, feed)
        np.testing.assert_array_equal(sess.run(w), [[0.0, 1.0], [2.0, 3.0]])
        np.testing.assert_array_equal(sess.run(w1), [1.0, 1.0, 1.0])
        assert sess.run(b) == 7
        fn(sess)
        assert sess.run(b) == 9
    with pytest.raises(ValueError) as e:
        cf.assign_from_values({"nope": np.zeros(1)})
    assert str(e.value) == "Variable nope wasn't found"
    with pytest.raises(ValueError) as e:
        cf.assign_from_values({"a/": np.zeros(1)})
    assert str(e.value) == "Variable a/ doesn't uniquely identify a variable"


def test_global_step_aliases():
    assert cf.get_global_step() is None
    assert cf.assert_or_get_global_step() is None
    gs = cf.get_or_create_global_step()
    assert gs.name == "global_step:0" and cf.get_global_step() is gs and tf.train.get_global_step() is gs
    assert cf.assert_or_get_global_step() is gs
    other = tf.Variable(0, name="other_step")
    assert cf.assert_or_get_global_step(global_step_tensor=other) is other
    with pytest.raises(TypeError, match="does not have integer type"):
        cf.assert_or_get_global_step(global_step_tensor=tf.constant(1.0))
    with pytest.raises(TypeError, match="is not scalar"):
        cf.assert_global_step(tf.constant([1]))
    with pytest.raises(ValueError, match='"global_step" already exists.'):
        cf.create_global_step()
    g = tf.Graph()
    assert cf.create_global_step(g).graph is g
