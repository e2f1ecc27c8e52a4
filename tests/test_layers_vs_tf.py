"""Differential tests: the same `tf.layers` stacks on real TensorFlow (tf.compat.v1.layers through
tf-keras) and on tfvars_jax.

Each case builds one model in a fresh graph of each library; TF's initialized variable values
are copied into our session by name; then the variable list (names, shapes, dtypes, order,
collections), the op names of the outputs, the outputs, the gradients of a loss with respect
to every trainable variable and the input, and (batch norm) the moving statistics after running
UPDATE_OPS must agree.
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF 2.16+: tf.compat.v1.layers needs tf-keras
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
pytest.importorskip("tf_keras")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

RTOL, ATOL = 1e-5, 1e-5


def _collections(tf, var):
    keys = [tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.TRAINABLE_VARIABLES, tf.GraphKeys.LOCAL_VARIABLES,
            tf.GraphKeys.MODEL_VARIABLES, tf.GraphKeys.MOVING_AVERAGE_VARIABLES]
    return tuple(k for k in keys if any(v is var for v in tf.get_collection(k)))


def _run(tf, build, feeds_np, copy_from=None, run_updates=False):
    """Builds `build(tf)` in a fresh graph: {"inputs": {key: placeholder}, "outputs": [...],
    "extra": optional dict}. Returns a record of names and values."""
    graph = tf.Graph()
    with graph.as_default():
        model = build(tf)
        inputs, outputs = model["inputs"], model["outputs"]
        loss = tf.add_n([tf.reduce_sum(tf.square(o)) for o in outputs])
        variables = tf.global_variables()
        trainable = tf.trainable_variables()
        xs = [inputs[k] for k in sorted(inputs) if inputs[k].dtype.is_floating] + trainable
        grads = tf.gradients(loss, xs)
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            if copy_from is not None:
                for v in variables:
                    v.load(copy_from["values"][v.op.name], sess)
            feed = {inputs[k]: v for k, v in feeds_np.items()}
            values = {v.op.name: sess.run(v) for v in variables}
            out_vals = sess.run(outputs, feed)
            grad_vals = sess.run(grads, feed)
            reg_vals = sess.run(reg, feed) if reg else []
            after = None
            if run_updates and updates:
                sess.run(updates, feed)
                after = {v.op.name: sess.run(v) for v in variables}
        return {
            "vars": [(v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, _collections(tf, v))
                     for v in variables],
            "values": values,
            "output_names": [o.name for o in outputs],
            "outputs": out_vals,
            "grads": grad_vals,
            "n_updates": len(updates),
            "reg_names": [r.name for r in reg],
            "reg": reg_vals,
            "after": after,
        }


def _compare(build, feeds, run_updates=False, names=True):
    ref = _run(tf1, build, feeds, run_updates=run_updates)
    got = _run(tfj, build, feeds, copy_from=ref, run_updates=run_updates)
    assert got["vars"] == ref["vars"]
    if names:
        assert got["output_names"] == ref["output_names"]
        assert got["reg_names"] == ref["reg_names"]
    assert got["n_updates"] == ref["n_updates"]
    for a, b in zip(got["outputs"], ref["outputs"]):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    for a, b in zip(got["grads"], ref["grads"]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    for a, b in zip(got["reg"], ref["reg"]):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    if run_updates and ref["after"] is not None:
        for name in ref["after"]:
            np.testing.assert_allclose(got["after"][name], ref["after"][name], rtol=RTOL, atol=ATOL, err_msg=name)
    return ref, got


def _rand(*shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def test_dense_stack_names_values_and_gradients():
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        h = tf.layers.dense(x, 5, activation=tf.nn.relu)
        h = tf.layers.dense(h, 3, use_bias=False)
        shared = tf.layers.Dense(2, name="shared")
        y1, y2 = shared(h), shared(h * 2.0)
        with tf.variable_scope("outer"):
            z = tf.layers.dense(x, 2, name="fc")
        with tf.variable_scope("outer", reuse=True):
            z2 = tf.layers.dense(x, 2, name="fc")
        z3 = tf.layers.dense(x, 2, name="fc2")
        z4 = tf.layers.dense(x, 2, name="fc2", reuse=True)
        return {"inputs": {"x": x}, "outputs": [y1, y2, z, z2, z3, z4]}

    _compare(build, {"x": _rand(6, 4)})


def test_dense_rank3_input_regularizers_and_activity_regularizer():
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 5, 4], name="x")
        h = tf.layers.dense(x, 3, kernel_regularizer=lambda w: 0.1 * tf.reduce_sum(tf.square(w)),
                            bias_regularizer=lambda b: tf.reduce_sum(b),
                            activity_regularizer=lambda a: 0.01 * tf.reduce_sum(tf.abs(a)),
                            bias_initializer=tf.constant_initializer(0.5))
        return {"inputs": {"x": x}, "outputs": [h]}

    _compare(build, {"x": _rand(2, 5, 4)})


def test_conv_and_pooling_stack():
    def build(tf):
        img = tf.placeholder(tf.float32, [None, 9, 9, 3], name="img")
        c = tf.layers.conv2d(img, 4, 3, padding="same", activation=tf.nn.relu)
        c = tf.layers.conv2d(c, 5, (3, 2), strides=(2, 1), padding="valid")
        d = tf.layers.conv2d(img, 2, 3, dilation_rate=2, padding="same")
        p = tf.layers.max_pooling2d(c, 2, 2, padding="same")
        a = tf.layers.average_pooling2d(c, 3, 2, padding="same")
        f = tf.layers.flatten(p)
        y = tf.layers.dense(f, 3)
        return {"inputs": {"img": img}, "outputs": [y, a, d]}

    _compare(build, {"img": _rand(2, 9, 9, 3)})


def test_conv1d_conv3d_and_their_pools():
    def build(tf):
        seq = tf.placeholder(tf.float32, [None, 10, 3], name="seq")
        vol = tf.placeholder(tf.float32, [None, 6, 7, 5, 2], name="vol")
        c1 = tf.layers.conv1d(seq, 4, 3, strides=2, padding="same")
        k1 = tf.layers.conv1d(seq, 2, 3, padding="causal", dilation_rate=2)
        p1 = tf.layers.max_pooling1d(c1, 2, 1)
        a1 = tf.layers.average_pooling1d(seq, 3, 2, padding="same")
        c3 = tf.layers.conv3d(vol, 3, (3, 2, 2), padding="same")
        p3 = tf.layers.max_pooling3d(c3, 2, 2)
        a3 = tf.layers.average_pooling3d(c3, 2, 2, padding="same")
        return {"inputs": {"seq": seq, "vol": vol}, "outputs": [p1, a1, k1, p3, a3]}

    ref, _ = _compare(build, {"seq": _rand(2, 10, 3), "vol": _rand(2, 6, 7, 5, 2, seed=1)}, names=False)
    assert [n for n, *_ in ref["vars"]][:2] == ["conv1d/kernel", "conv1d/bias"]


def test_conv2d_transpose_and_separable_conv2d():
    def build(tf):
        img = tf.placeholder(tf.float32, [None, 5, 6, 3], name="img")
        t1 = tf.layers.conv2d_transpose(img, 4, 3, strides=2, padding="same")
        t2 = tf.layers.conv2d_transpose(img, 2, (3, 2), strides=(2, 3), padding="valid")
        s1 = tf.layers.separable_conv2d(img, 5, 3, depth_multiplier=2, padding="same")
        s2 = tf.layers.separable_conv2d(img, 2, 2, strides=2)
        return {"inputs": {"img": img}, "outputs": [t1, t2, s1, s2]}

    _compare(build, {"img": _rand(2, 5, 6, 3)}, names=False)


def test_channels_first_conv_and_pool():
    def build(tf):
        img = tf.placeholder(tf.float32, [2, 3, 8, 8], name="img")
        c = tf.layers.conv2d(img, 4, 3, data_format="channels_first", padding="same")
        p = tf.layers.max_pooling2d(c, 2, 2, data_format="channels_first")
        f = tf.layers.flatten(p, data_format="channels_first")
        return {"inputs": {"img": img}, "outputs": [f]}

    try:
        _compare(build, {"img": _rand(2, 3, 8, 8)}, names=False)
    except Exception as e:  # TF's CPU kernels reject NCHW convolution
        if "NHWC" in str(e) or "data format" in str(e).lower():
            pytest.skip(f"TensorFlow cannot run channels_first on this CPU: {str(e)[:80]}")
        raise


@pytest.mark.parametrize("shape,axis,fused", [
    ((8, 5), -1, None),
    ((4, 3, 3, 2), -1, None),   # TF's fused path: moving variance gets the Bessel-corrected batch variance
    ((4, 3, 3, 2), -1, False),
    ((4, 2, 3, 3), 1, None),
    ((4, 3, 5), 1, None),
    ((4, 3, 3, 2), [1, 3], None),
])
@pytest.mark.parametrize("training", [True, False, "tensor_true", "tensor_false"])
def test_batch_normalization_training_inference_and_updates(shape, axis, fused, training):
    if training is False and len(shape) != 4:
        pytest.skip("covered by the 4-D cases (keeps the TF comparison fast)")
    def build(tf):
        x = tf.placeholder(tf.float32, [None] + list(shape[1:]), name="x")
        inputs = {"x": x}
        if isinstance(training, str):
            t = tf.placeholder(tf.bool, [], name="training")
            inputs["training"] = t
        else:
            t = training
        y = tf.layers.batch_normalization(x, axis=axis, training=t, momentum=0.9, fused=fused,
                                          gamma_initializer=tf.random_uniform_initializer(0.5, 1.5),
                                          beta_initializer=tf.random_uniform_initializer(-1, 1))
        return {"inputs": inputs, "outputs": [y * 1.5]}

    feeds = {"x": _rand(*shape) * 2 + 1}
    if isinstance(training, str):
        feeds["training"] = training == "tensor_true"
    ref, got = _compare(build, feeds, run_updates=True, names=False)
    moving = [n for n, *_ in ref["vars"] if "moving" in n]
    assert moving == ["batch_normalization/moving_mean", "batch_normalization/moving_variance"]
    if training in (True, "tensor_true"):
        assert not np.allclose(ref["after"][moving[0]], 0.0)  # the updates did something


def test_batch_normalization_names_collections_and_reuse():
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y1 = tf.layers.batch_normalization(x, training=True, name="bn")
        y2 = tf.layers.batch_normalization(x, training=False, name="bn", reuse=True)
        y3 = tf.layers.batch_normalization(x, training=True, center=False, scale=False)
        return {"inputs": {"x": x}, "outputs": [y1, y2, y3]}

    ref, got = _compare(build, {"x": _rand(5, 3)}, run_updates=True)
    assert ref["n_updates"] == 4


def test_dropout_not_training_is_identity_and_names_match():
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        d1 = tf.layers.dropout(x, 0.3)
        d2 = tf.layers.Dropout(0.9)(x, training=False)
        return {"inputs": {"x": x}, "outputs": [d1, d2]}

    _compare(build, {"x": _rand(3, 4)})


def test_dropout_training_statistics_match_tf():
    """Random draws differ between the libraries; the kept fraction and the scale must not."""
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.ones([200, 100])
            t = tf.placeholder(tf.bool, [])
            y = tf.layers.dropout(x, rate=0.25, training=t)
            with tf.Session() as sess:
                on, off = sess.run(y, {t: True}), sess.run(y, {t: False})
        np.testing.assert_allclose(np.unique(on), [0.0, 1 / 0.75], rtol=1e-6)
        assert abs((on == 0).mean() - 0.25) < 0.02
        np.testing.assert_array_equal(off, np.ones([200, 100]))


def test_layer_object_properties_match_tf():
    records = []
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 4])
            dense = tf.layers.Dense(3, kernel_regularizer=lambda w, tf=tf: tf.reduce_sum(w),
                                     kernel_constraint=lambda w: w)
            dense(x)
            bn = tf.layers.BatchNormalization()
            bn(x, training=True)
            frozen = tf.layers.Dense(2, trainable=False)
            frozen(x)
            rec = []
            for layer in (dense, bn, frozen):
                # (layer.name is not compared: tf-keras counts layer names across graphs)
                rec.append((layer.scope_name, [v.name for v in layer.trainable_weights],
                            [v.name for v in layer.non_trainable_weights], [v.name for v in layer.variables],
                            [v.name for v in layer.weights], len(layer.losses), len(layer.updates), layer.built,
                            layer.dtype if isinstance(layer.dtype, str) else layer.dtype.name))
            rec.append(dense.kernel_constraint is not None)
            rec.append([v.name for v in tf.trainable_variables()])
            records.append(rec)
    assert records[1] == records[0]
