"""tf.contrib.slim basics and tf.contrib.framework.arg_scope; against tf_slim (TF-Slim's
maintained copy of tf.contrib.slim) when it is installed."""
import pytest

import tfvars_jax as tf

slim = tf.contrib.slim


def test_slim_is_a_module_re_exporting_framework():
    import tfvars_jax.contrib.slim as slim_module
    assert tf.contrib.slim is slim_module
    assert slim.model_variable is tf.contrib.framework.model_variable
    assert slim.arg_scope is tf.contrib.framework.arg_scope
    with pytest.raises(AttributeError, match="tfvars_jax.contrib.slim.learning is not supported"):
        slim.learning  # noqa: B018


def test_model_variable_collections_and_arg_scope():
    with tf.Graph().as_default():
        with slim.arg_scope([slim.model_variable], initializer=tf.ones_initializer(), device="/cpu:0"):
            with tf.variable_scope("conv1"):
                w = slim.model_variable("weights", shape=[2, 2])
                b = slim.model_variable("biases", shape=[2], initializer=tf.zeros_initializer())
        v = slim.variable("step", shape=[], dtype=tf.int64, trainable=False)
        assert slim.get_model_variables() == [w, b]
        assert slim.get_variables() == [w, b, v] == tf.global_variables()
        assert slim.get_variables("conv1") == [w, b]
        assert slim.get_variables(suffix="biases") == [b]
        assert slim.get_trainable_variables() == [w, b]
        assert w.device == "/device:CPU:0"
        assert slim.get_variables_to_restore(include=["conv1"], exclude=["conv1/biases"]) == [w]
        assert slim.get_variables_to_restore(exclude=["conv1"]) == [v]
        with pytest.raises(TypeError, match="exclude is provided but is not a list or a tuple"):
            slim.get_variables_to_restore(exclude="conv1")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(w).tolist() == [[1.0, 1.0], [1.0, 1.0]]
            assert sess.run(b).tolist() == [0.0, 0.0]


def test_arg_scope_nesting_reuse_and_errors():
    @slim.add_arg_scope
    def layer(x, scale=1, offset=0):
        return x * scale + offset

    def plain(x, scale=1):
        return x * scale

    assert slim.has_arg_scope(layer) and not slim.has_arg_scope(plain)
    assert slim.arg_scoped_arguments(layer) == ("scale", "offset")
    with slim.arg_scope([layer], scale=10) as outer:
        assert layer(1) == 10
        with slim.arg_scope([layer], offset=1):
            assert layer(1) == 11 and layer(1, scale=2) == 3
        assert slim.current_arg_scope() is outer
    assert layer(1) == 1
    with slim.arg_scope(outer):
        assert layer(2) == 20
    with pytest.raises(ValueError, match="is not decorated with @add_arg_scope"):
        with slim.arg_scope([plain], scale=2):
            pass
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with slim.arg_scope(outer, scale=3):
            pass
    with pytest.raises(TypeError, match="list_ops_or_scope must either be a list/tuple"):
        with slim.arg_scope(layer, scale=3):
            pass
    assert slim.current_arg_scope() == {}  # every scope was popped, errors included


def test_arg_scope_reaches_variable_through_model_variable():
    with tf.Graph().as_default():
        with slim.arg_scope([slim.variable], collections=["extra"]):
            w = slim.model_variable("w", shape=[1])  # model_variable passes collections itself
            v = slim.variable("v", shape=[1])
        assert tf.get_collection("extra") == [v]
        assert w in tf.model_variables() and w not in tf.get_collection("extra")


@pytest.mark.tensorflow
def test_matches_tf_slim():
    tf1 = pytest.importorskip("tensorflow.compat.v1")
    tf_slim = pytest.importorskip("tf_slim")
    tf1.disable_v2_behavior()

    def build(lib, sl):
        with lib.Graph().as_default():
            with sl.arg_scope([sl.model_variable], initializer=lib.ones_initializer(),
                              regularizer=sl.l2_regularizer(0.1)):
                with lib.variable_scope("net"):
                    with lib.variable_scope("conv1"):
                        sl.model_variable("weights", shape=[3, 3])
                        sl.model_variable("biases", shape=[3])
                    with sl.arg_scope([sl.variable], trainable=False):
                        sl.variable("counter", shape=[], dtype=lib.int64)
                    lib.Variable(0.0, name="local", collections=[lib.GraphKeys.LOCAL_VARIABLES])
                    lib.Variable(1.0, name="glob", trainable=False)
            with lib.variable_scope("logits"):
                sl.model_variable("weights", shape=[3, 2], collections=["mine"])

            def names(vs):
                return [v.name for v in vs]
            return {
                "global": names(lib.global_variables()), "trainable": names(lib.trainable_variables()),
                "local": names(lib.local_variables()), "model": names(sl.get_model_variables()),
                "mine": names(lib.get_collection("mine")),
                "reg": [t.op.name for t in lib.get_collection(lib.GraphKeys.REGULARIZATION_LOSSES)],
                "get_variables": names(sl.get_variables("net")),
                "by_suffix": names(sl.get_variables_by_suffix("weights")),
                "by_name": names(sl.get_variables_by_name("biases")),
                "restore_all": names(sl.get_variables_to_restore()),
                "restore_ex": names(sl.get_variables_to_restore(exclude=["logits", "net/conv1/biases"])),
                "restore_in": names(sl.get_variables_to_restore(include=["net/conv1"], exclude=["net/conv1/b"])),
                "model_net": names(sl.get_model_variables("net")),
                "unique": sl.get_unique_variable("net/conv1/weights").name,
                "local_fn": names(sl.get_local_variables()),
                "trainable_fn": names(sl.get_trainable_variables("logits")),
            }

    assert build(tf, slim) == build(tf1, tf_slim)


def test_slim_layers_are_contrib_layers():
    assert slim.conv2d is tf.contrib.layers.conv2d and slim.fully_connected is tf.contrib.layers.fully_connected
    assert slim.has_arg_scope(slim.conv2d) and slim.has_arg_scope(slim.batch_norm)


@pytest.mark.tensorflow
def test_slim_model_matches_tf_slim():
    """A small slim model under arg_scope: variable names, model variables, regularization losses."""
    tf1 = pytest.importorskip("tensorflow.compat.v1")
    tf_slim = pytest.importorskip("tf_slim")
    tf1.disable_v2_behavior()

    def build(lib, sl):
        with lib.Graph().as_default():
            x = lib.placeholder(lib.float32, [None, 8, 8, 3])
            with sl.arg_scope([sl.conv2d, sl.fully_connected], weights_regularizer=sl.l2_regularizer(0.01)):
                with sl.arg_scope([sl.conv2d], kernel_size=[3, 3], padding="SAME"):
                    net = sl.conv2d(x, 4, scope="conv1")
                    net = sl.conv2d(net, 4, stride=2)
                net = sl.flatten(net)
                net = sl.fully_connected(net, 10, activation_fn=None, scope="logits")
            return {"global": [v.name for v in lib.global_variables()],
                    "model": [v.name for v in sl.get_model_variables()],
                    "restore": [v.name for v in sl.get_variables_to_restore(exclude=["logits"])],
                    "reg": [t.op.name for t in lib.get_collection(lib.GraphKeys.REGULARIZATION_LOSSES)],
                    "shape": net.shape.as_list(), "out": net.op.name}

    assert build(tf, slim) == build(tf1, tf_slim)
