"""`tf.layers` and `tf.contrib.layers` without TensorFlow: names, shapes, collections, update ops,
unsupported arguments."""
import numpy as np
import pytest

import tfvars_jax as tf


def _names(vs):
    return [v.name for v in vs]


def test_dense_names_shapes_and_collections():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.layers.dense(x, 3)
    z = tf.layers.dense(y, 2, activation=tf.nn.relu)
    assert _names(tf.global_variables()) == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    assert _names(tf.trainable_variables()) == _names(tf.global_variables())
    assert [v.shape.as_list() for v in tf.global_variables()] == [[4, 3], [3], [3, 2], [2]]
    assert y.name == "dense/BiasAdd:0" and z.name == "dense_1/Relu:0"
    assert z.shape.as_list() == [None, 2]


def test_layer_called_twice_reuses_variables_and_names_ops_in_its_scope():
    x = tf.placeholder(tf.float32, [None, 4])
    layer = tf.layers.Dense(3)
    a, b = layer(x), layer(x)
    assert a.name == "dense/BiasAdd:0" and b.name == "dense/BiasAdd_1:0"
    assert len(tf.global_variables()) == 2
    assert layer.name == "dense" and layer.scope_name == "dense"


def test_functional_reuse_and_variable_scope_reuse():
    x = tf.placeholder(tf.float32, [None, 4])
    tf.layers.dense(x, 3, name="fc")
    out = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert out.name == "fc_1/BiasAdd:0"
    with tf.variable_scope("outer"):
        tf.layers.dense(x, 2)
    with tf.variable_scope("outer", reuse=True):
        tf.layers.dense(x, 2)
    assert _names(tf.global_variables()) == ["fc/kernel:0", "fc/bias:0", "outer/dense/kernel:0", "outer/dense/bias:0"]
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.dense(x, 3, name="fc")


def test_unknown_last_dimension_and_low_rank_raise():
    with pytest.raises(ValueError, match="last dimension"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)
    with pytest.raises(ValueError, match="min_ndim=2"):
        tf.layers.dense(tf.placeholder(tf.float32, [3]), 2)


def test_regularizers_constraint_and_layer_properties():
    x = tf.placeholder(tf.float32, [None, 4])
    constraint = lambda w: tf.clip_by_value(w, -1.0, 1.0)  # noqa: E731
    layer = tf.layers.Dense(3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1),
                            activity_regularizer=tf.contrib.layers.l1_regularizer(0.01), kernel_constraint=constraint)
    y = layer(x)
    reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(reg) == 2 and layer.losses == reg
    assert reg[0].name == "dense/kernel/Regularizer/l2_regularizer:0"
    assert reg[1].name.startswith("dense/ActivityRegularizer/")
    assert layer.kernel.constraint is constraint
    assert layer.weights == layer.variables == [layer.kernel, layer.bias]
    assert layer.trainable_weights == [layer.kernel, layer.bias] and layer.non_trainable_weights == []
    layer(x)  # a second call adds the activity loss again but not the weight loss
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 3
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k = sess.run(layer.kernel)
        np.testing.assert_allclose(sess.run(reg[0]), 0.1 * (k ** 2).sum() / 2, rtol=1e-5)
        sess.run(y, {x: np.ones((2, 4))})


def test_non_trainable_layer():
    x = tf.placeholder(tf.float32, [None, 4])
    layer = tf.layers.Dense(2, trainable=False)
    layer(x)
    assert tf.trainable_variables() == []
    assert layer.trainable_weights == [] and layer.non_trainable_weights == [layer.kernel, layer.bias]


def test_dropout_training_bool_and_tensor():
    x = tf.ones([100, 50])
    t = tf.placeholder(tf.bool, [])
    off = tf.layers.dropout(x, rate=0.5)
    on = tf.layers.dropout(x, rate=0.5, training=True)
    fed = tf.layers.dropout(x, rate=0.5, training=t)
    assert off.name == "dropout/Identity:0"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(off), np.ones([100, 50]))
        v = sess.run(on)
        assert set(np.unique(v)) <= {0.0, 2.0} and 0.4 < (v == 0).mean() < 0.6
        np.testing.assert_array_equal(sess.run(fed, {t: False}), np.ones([100, 50]))
        assert (sess.run(fed, {t: True}) == 0).any()
    with pytest.raises(NotImplementedError, match="noise_shape"):
        tf.layers.dropout(x, noise_shape=[100, 1], training=True)


def test_flatten_and_conv_shapes_and_names():
    img = tf.placeholder(tf.float32, [None, 8, 8, 3])
    c = tf.layers.conv2d(img, 4, 3)
    p = tf.layers.max_pooling2d(c, 2, 2)
    f = tf.layers.flatten(p)
    t = tf.layers.conv2d_transpose(img, 5, 3, strides=2, padding="same")
    s = tf.layers.separable_conv2d(img, 6, 3, depth_multiplier=2)
    assert c.name == "conv2d/BiasAdd:0" and c.shape.as_list() == [None, 6, 6, 4]
    assert p.name == "max_pooling2d/MaxPool:0" and p.shape.as_list() == [None, 3, 3, 4]
    assert f.shape.as_list() == [None, 36]
    assert t.shape.as_list() == [None, 16, 16, 5]
    assert s.shape.as_list() == [None, 6, 6, 6]
    assert _names(tf.global_variables()) == [
        "conv2d/kernel:0", "conv2d/bias:0", "conv2d_transpose/kernel:0", "conv2d_transpose/bias:0",
        "separable_conv2d/depthwise_kernel:0", "separable_conv2d/pointwise_kernel:0", "separable_conv2d/bias:0"]
    assert [v.shape.as_list() for v in tf.global_variables()][2] == [3, 3, 5, 3]


def test_batch_norm_update_ops_only_change_stats_when_run():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.batch_normalization(x, training=True, momentum=0.5)
    names = _names(tf.global_variables())
    assert names == ["batch_normalization/gamma:0", "batch_normalization/beta:0",
                     "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert _names(tf.trainable_variables()) == names[:2]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [u.name for u in updates] == ["batch_normalization/AssignMovingAvg",
                                         "batch_normalization/AssignMovingAvg_1"]
    data = np.random.RandomState(0).randn(10, 3).astype(np.float32) * 3 + 2
    mm = tf.global_variables()[2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: data})
        np.testing.assert_allclose(out, (data - data.mean(0)) / np.sqrt(data.var(0) + 1e-3), rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(sess.run(mm), np.zeros(3))  # forgetting UPDATE_OPS: no change, as TF1
        sess.run(updates, {x: data})
        np.testing.assert_allclose(sess.run(mm), 0.5 * data.mean(0), rtol=1e-5)


def test_batch_norm_training_tensor_and_control_dependencies_idiom():
    x = tf.placeholder(tf.float32, [None, 2, 2, 3])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, training=training)
    loss = tf.reduce_mean(tf.square(y))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    mm = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    data = np.random.RandomState(1).randn(4, 2, 2, 3).astype(np.float32) + 5
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, {x: data, training: False})
        np.testing.assert_array_equal(sess.run(mm), np.zeros(3))
        sess.run(train_op, {x: data, training: True})
        np.testing.assert_allclose(sess.run(mm), 0.01 * data.reshape(-1, 3).mean(0), rtol=1e-5)


@pytest.mark.parametrize("kwargs,arg", [({"renorm": True}, "renorm"), ({"virtual_batch_size": 2}, "virtual_batch_size"),
                                        ({"adjustment": lambda s: s}, "adjustment"),
                                        ({"renorm_clipping": {}}, "renorm_clipping")])
def test_batch_norm_unsupported_arguments_raise(kwargs, arg):
    with pytest.raises(NotImplementedError, match=arg):
        tf.layers.batch_normalization(tf.placeholder(tf.float32, [None, 3]), **kwargs)


def test_unshipped_layers_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="tfvars_jax.layers.Conv3DTranspose"):
        tf.layers.Conv3DTranspose  # noqa: B018
    with pytest.raises(AttributeError, match="SeparableConv1D"):
        tf.layers.SeparableConv1D  # noqa: B018


def test_unknown_layer_keyword_raises():
    with pytest.raises(TypeError, match="not understood"):
        tf.layers.Dense(3, bogus=1)
    with pytest.raises(NotImplementedError, match="input_shape"):
        tf.layers.Dense(3, input_shape=(4,))


def test_nn_ops_for_layers():
    x = tf.constant(np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4))
    mean, var = tf.nn.moments(x, [0, 1, 2])
    bn = tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)
    y, m, v = tf.nn.fused_batch_norm(x, tf.ones([4]), tf.zeros([4]))
    n = tf.nn.l2_normalize(x, axis=-1)
    with tf.Session() as sess:
        bn_v, y_v, m_v, v_v, n_v, var_v = sess.run([bn, y, m, v, n, var])
    np.testing.assert_allclose(bn_v, y_v, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(v_v, var_v * 6 / 5, rtol=1e-6)  # the fused op reports the unbiased variance
    xv = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    np.testing.assert_allclose(n_v, xv / np.sqrt(np.maximum((xv ** 2).sum(-1, keepdims=True), 1e-12)), rtol=1e-6)


# ===== tf.contrib.layers ========================================================================
def test_contrib_fully_connected_and_conv2d_names_and_collections():
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    c = tf.contrib.layers.conv2d(x, 3, 3)
    f = tf.contrib.layers.flatten(c)
    y = tf.contrib.layers.fully_connected(f, 4, variables_collections={"weights": ["w"]})
    names = ["Conv/weights:0", "Conv/biases:0", "fully_connected/weights:0", "fully_connected/biases:0"]
    assert _names(tf.global_variables()) == names
    assert _names(tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)) == names
    assert _names(tf.get_collection("w")) == ["fully_connected/weights:0"]
    assert c.name == "Conv/Relu:0" and y.name == "fully_connected/Relu:0"
    assert f.name == "Flatten/flatten/Reshape:0" and f.shape.as_list() == [None, 108]  # "SAME" padding by default
    with tf.contrib.framework.arg_scope([tf.contrib.layers.fully_connected], activation_fn=None):
        z = tf.contrib.layers.fully_connected(f, 2)
    assert z.name == "fully_connected_1/BiasAdd:0"


@pytest.mark.parametrize("shape", [(8, 3), (4, 2, 2, 3)])
def test_contrib_batch_norm_updates_collections(shape):
    data = np.random.RandomState(0).randn(*shape).astype(np.float32) + 3
    flat = data.reshape(-1, 3)
    n = flat.shape[0]
    x = tf.placeholder(tf.float32, [None] + list(shape[1:]))
    y_default = tf.contrib.layers.batch_norm(x, decay=0.5)
    y_inline = tf.contrib.layers.batch_norm(x, decay=0.5, updates_collections=None)
    y_mine = tf.contrib.layers.batch_norm(x, decay=0.5, updates_collections="mine", scale=True)
    assert _names(tf.global_variables())[:3] == ["BatchNorm/beta:0", "BatchNorm/moving_mean:0",
                                                 "BatchNorm/moving_variance:0"]
    assert _names(tf.trainable_variables())[0] == "BatchNorm/beta:0"
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 and len(tf.get_collection("mine")) == 2
    mv = {v.op.name: v for v in tf.global_variables()}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for y in (y_default, y_inline, y_mine):
            np.testing.assert_allclose(sess.run(y, {x: data}).reshape(-1, 3),
                                       (flat - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-3), rtol=1e-4, atol=1e-4)
        # default and "mine": nothing changed yet; inline (None): updated by the forward pass
        np.testing.assert_array_equal(sess.run(mv["BatchNorm/moving_mean"]), np.zeros(3))
        np.testing.assert_array_equal(sess.run(mv["BatchNorm_2/moving_mean"]), np.zeros(3))
        np.testing.assert_allclose(sess.run(mv["BatchNorm_1/moving_mean"]), 0.5 * flat.mean(0), rtol=1e-5)
        # contrib's fused path (2-D and 4-D): the Bessel-corrected variance, as TF1's fused kernel
        np.testing.assert_allclose(sess.run(mv["BatchNorm_1/moving_variance"]),
                                   0.5 + 0.5 * flat.var(0) * n / (n - 1), rtol=1e-5)
        sess.run(tf.get_collection("mine"), {x: data})
        np.testing.assert_allclose(sess.run(mv["BatchNorm_2/moving_mean"]), 0.5 * flat.mean(0), rtol=1e-5)


@pytest.mark.parametrize("arg", ["batch_weights", "zero_debias_moving_mean", "renorm", "adjustment"])
def test_contrib_batch_norm_unsupported_arguments(arg):
    value = {"batch_weights": tf.ones([2]), "zero_debias_moving_mean": True, "renorm": True,
             "adjustment": lambda s: s}[arg]
    with pytest.raises(NotImplementedError, match=arg):
        tf.contrib.layers.batch_norm(tf.placeholder(tf.float32, [2, 3]), **{arg: value})


def test_contrib_initializers_and_apply_regularization():
    with pytest.raises(TypeError, match="Unknown mode"):
        tf.contrib.layers.variance_scaling_initializer(mode="fan_in")
    w = tf.get_variable("w", initializer=tf.constant([1.0, -2.0]))
    total = tf.contrib.layers.apply_regularization(tf.contrib.layers.l1_regularizer(0.5), [w])
    assert total.op.name == "get_regularization_penalty"
    with pytest.raises(ValueError, match="No weights"):
        tf.contrib.layers.apply_regularization(tf.contrib.layers.l1_regularizer(0.5))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(total) == pytest.approx(1.5)
