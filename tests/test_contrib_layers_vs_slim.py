"""Differential tests: `tf.contrib.layers` against tf_slim (TF-Slim's copy of contrib.layers) on
real TensorFlow: variable names, collections, output names and values, gradients and the moving
statistics of batch_norm for each `updates_collections` mode."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
slim = pytest.importorskip("tf_slim")
pytest.importorskip("tf_keras")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from test_layers_vs_tf import _compare, _rand  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]


def _layers(tf):
    return slim if tf is tf1 else tfj.contrib.layers


def test_fully_connected_conv2d_flatten_match_slim():
    def build(tf):
        lyr = _layers(tf)
        img = tf.placeholder(tf.float32, [None, 6, 6, 2], name="img")
        c = lyr.conv2d(img, 3, 3, weights_regularizer=lyr.l2_regularizer(0.1))
        c = lyr.conv2d(c, 4, [2, 2], stride=2, padding="VALID", scope="conv_b")
        f = lyr.flatten(c)
        h = lyr.fully_connected(f, 5, variables_collections=["my_vars"], outputs_collections=["outs"])
        y = lyr.fully_connected(h, 2, activation_fn=None, weights_initializer=lyr.xavier_initializer(uniform=False))
        y2 = lyr.fully_connected(h, 2, activation_fn=None, scope="fully_connected_1", reuse=True)
        return {"inputs": {"img": img}, "outputs": [y, y2]}

    ref, got = _compare(build, {"img": _rand(3, 6, 6, 2)})
    assert [n for n, *_ in ref["vars"]][:2] == ["Conv/weights", "Conv/biases"]


@pytest.mark.parametrize("updates_collections", ["default", None, "mine"])
@pytest.mark.parametrize("shape", [(6, 3), (4, 2, 2, 3)])
@pytest.mark.parametrize("is_training", [True, "tensor_false"])
def test_batch_norm_matches_slim(updates_collections, shape, is_training):
    def build(tf):
        lyr = _layers(tf)
        x = tf.placeholder(tf.float32, [None] + list(shape[1:]), name="x")
        inputs = {"x": x}
        training = is_training
        if isinstance(is_training, str):
            training = tf.placeholder(tf.bool, [], name="training")
            inputs["training"] = training
        kwargs = {} if updates_collections == "default" else {"updates_collections": updates_collections}
        y = lyr.batch_norm(x, decay=0.9, scale=True, is_training=training,
                         param_initializers={"gamma": tf.constant_initializer(1.5)}, **kwargs)
        return {"inputs": inputs, "outputs": [y]}

    try:
        with tf1.Graph().as_default():
            build(tf1)
    except (AttributeError, ImportError) as e:  # tf_slim 1.1 batch_norm does not run on TF >= 2.16
        pytest.skip(f"tf_slim.batch_norm does not run on this TensorFlow: {e}")
    feeds = {"x": _rand(*shape) * 2 + 1}
    if isinstance(is_training, str):
        feeds["training"] = is_training == "tensor_true"
    if updates_collections is None:
        # updates run with the forward pass: compare the moving stats after one fetch
        ref, got = _compare(build, feeds, names=False)
        np.testing.assert_allclose(got["values"]["BatchNorm/moving_variance"],
                                   ref["values"]["BatchNorm/moving_variance"], rtol=1e-5)
    else:
        _compare(build, feeds, run_updates=updates_collections == "default", names=False)


def test_apply_regularization_and_initializers():
    for tf in (tf1, tfj):
        lyr = _layers(tf)
        with tf.Graph().as_default():
            w = tf.get_variable("w", initializer=tf.constant([[1.0, -2.0], [3.0, 4.0]]))
            total = lyr.apply_regularization(lyr.l1_regularizer(0.5), [w])
            assert total.op.name == "get_regularization_penalty"
            assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [total]
            v = tf.get_variable("v", [200, 300], initializer=lyr.variance_scaling_initializer())
            u = tf.get_variable("u", [200, 300], initializer=lyr.xavier_initializer())
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                assert sess.run(total) == pytest.approx(5.0)
                vv, uu = sess.run([v, u])
        assert np.std(vv) == pytest.approx(np.sqrt(2.0 / 200) * 0.8796 * np.sqrt(1.3), rel=0.03)
        assert np.abs(uu).max() <= np.sqrt(6.0 / 500) and np.std(uu) == pytest.approx(np.sqrt(2.0 / 500), rel=0.03)
