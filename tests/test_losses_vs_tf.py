"""tf.losses against real TensorFlow: every loss function x every Reduction x weights (scalar
float/int/tensor, zero, per-example, broadcast row/column, full with zeros) built in one graph
with both; the loss tensor names, dtypes, shapes, the LOSSES collection, the values and the
gradients w.r.t. predictions/logits must agree. Errors are raised as TF raises them."""
import numpy as np
import pytest

import tfvars_jax

pytestmark = pytest.mark.tensorflow


@pytest.fixture(scope="module")
def tf1():
    tf1 = pytest.importorskip("tensorflow.compat.v1")
    tf1.disable_v2_behavior()
    tf1.get_logger().setLevel("ERROR")
    return tf1


# SUM_OVER_NONZERO_WEIGHTS is the same value as SUM_BY_NONZERO_WEIGHTS (checked below).
REDUCTIONS = ["NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS"]

_rng = np.random.RandomState(0)
B, C = 4, 5
DATA = {
    "pred": _rng.randn(B, C).astype(np.float32),
    "label": _rng.randn(B, C).astype(np.float32),
    "prob": _rng.uniform(0.05, 0.95, (B, C)).astype(np.float32),
    "binary": (_rng.uniform(size=(B, C)) > 0.5).astype(np.float32),
    "onehot": np.eye(C, dtype=np.float32)[[0, 3, 1, 4]],
    "sparse": np.array([0, 3, 1, 4], np.int32),
    "unit_a": None, "unit_b": None,
    "w_full": np.array([[1, 0, 2, 1, 0.5], [0, 0, 0, 0, 0], [3, 1, 1, 0, 2], [1, 1, 1, 1, 1]],
                       np.float32),
}
DATA["unit_a"] = DATA["pred"] / np.linalg.norm(DATA["pred"], axis=1, keepdims=True)
DATA["unit_b"] = DATA["label"] / np.linalg.norm(DATA["label"], axis=1, keepdims=True)

# Weights for [B, C] losses, for [B] losses (cross-entropies over classes) and for [B, 1]
# losses (cosine distance); each a builder(tf) so tensors live in the graph being built.
W_SCALARS = {"float": lambda tf: 2.5, "int": lambda tf: 1, "zero": lambda tf: 0.0,
             "tensor": lambda tf: tf.constant(0.5)}
W_2D = {**W_SCALARS,
        "per_example": lambda tf: tf.constant([[1.0], [0.0], [2.0], [0.5]]),
        "row": lambda tf: tf.constant([[1.0, 0.0, 2.0, 1.0, 3.0]]),
        "full": lambda tf: tf.constant(DATA["w_full"]),
        "all_zero": lambda tf: tf.zeros([B, C])}
W_1D = {**W_SCALARS, "per_example": lambda tf: tf.constant([1.0, 0.0, 2.0, 0.5]),
        "ones_1": lambda tf: tf.ones([1])}
W_SPARSE = {**W_1D, "column": lambda tf: tf.constant([[1.0], [0.0], [2.0], [0.5]])}
W_COS = {**W_SCALARS, "per_example": lambda tf: tf.constant([[1.0], [0.0], [2.0], [0.5]])}

# name -> (builder(tf, x, weights, reduction) -> loss, differentiated input key, weights)
LOSSES = {
    "absolute_difference": (lambda tf, x, w, r: tf.losses.absolute_difference(
        x["label"], x["pred"], weights=w, reduction=r), "pred", W_2D),
    "mean_squared_error": (lambda tf, x, w, r: tf.losses.mean_squared_error(
        x["label"], x["pred"], weights=w, reduction=r), "pred", W_2D),
    "huber_loss": (lambda tf, x, w, r: tf.losses.huber_loss(
        x["label"], x["pred"], weights=w, delta=0.7, reduction=r), "pred", W_2D),
    "log_loss": (lambda tf, x, w, r: tf.losses.log_loss(
        x["binary"], x["prob"], weights=w, reduction=r), "prob", W_2D),
    "hinge_loss": (lambda tf, x, w, r: tf.losses.hinge_loss(
        x["binary"], x["pred"], weights=w, reduction=r), "pred", W_2D),
    "cosine_distance": (lambda tf, x, w, r: tf.losses.cosine_distance(
        x["unit_b"], x["unit_a"], axis=1, weights=w, reduction=r), "unit_a", W_COS),
    "sigmoid_cross_entropy": (lambda tf, x, w, r: tf.losses.sigmoid_cross_entropy(
        x["binary"], x["pred"], weights=w, reduction=r), "pred", W_2D),
    "sigmoid_cross_entropy_smoothed": (lambda tf, x, w, r: tf.losses.sigmoid_cross_entropy(
        x["binary"], x["pred"], weights=w, label_smoothing=0.2, reduction=r), "pred", W_2D),
    "softmax_cross_entropy": (lambda tf, x, w, r: tf.losses.softmax_cross_entropy(
        x["onehot"], x["pred"], weights=w, reduction=r), "pred", W_1D),
    "softmax_cross_entropy_smoothed": (lambda tf, x, w, r: tf.losses.softmax_cross_entropy(
        x["onehot"], x["pred"], weights=w, label_smoothing=0.1, reduction=r), "pred", W_1D),
    "sparse_softmax_cross_entropy": (lambda tf, x, w, r: tf.losses.sparse_softmax_cross_entropy(
        x["sparse"], x["pred"], weights=w, reduction=r), "pred", W_SPARSE),
    "compute_weighted_loss": (lambda tf, x, w, r: tf.losses.compute_weighted_loss(
        tf.square(x["pred"]), weights=w, reduction=r), "pred", W_2D),
}
W_PAIRWISE = {**W_SCALARS, "per_example": lambda tf: tf.constant([[1.0], [0.0], [2.0], [0.5]]),
              "full": lambda tf: tf.constant(DATA["w_full"])}


def _inputs(tf):
    return {k: tf.constant(v, name=k) for k, v in DATA.items()}


def _build_all(tf):
    """Every case in one graph: (keys, losses, gradients w.r.t. the differentiated input). Each
    loss reads its own copy of that input, so one `tf.gradients` of the sum of all the losses
    gives each loss's gradient (TF builds 500 separate gradient calls slowly)."""
    keys, losses, wrt = [], [], []
    for name, (build, arg, weights) in LOSSES.items():
        for red in REDUCTIONS:
            for wname, w in weights.items():
                x = _inputs(tf)
                keys.append((name, red, wname))
                losses.append(build(tf, x, w(tf), getattr(tf.losses.Reduction, red)))
                wrt.append(x[arg])
    for wname, w in W_PAIRWISE.items():
        x = _inputs(tf)
        keys.append(("mean_pairwise_squared_error", None, wname))
        losses.append(tf.losses.mean_pairwise_squared_error(x["label"], x["pred"], weights=w(tf)))
        wrt.append(x["pred"])
    grads = tf.gradients(tf.add_n([tf.reduce_sum(loss) for loss in losses]), wrt)
    return keys, losses, grads


def _run(tf, build):
    with tf.Graph().as_default() as g:
        out = build(tf)
        fetches = [t for t in out[1:] if isinstance(t, list)]
        with tf.Session(graph=g) as sess:
            values = sess.run(fetches)
        names = [t.name for t in tf.get_collection(tf.GraphKeys.LOSSES)]
        return out, values, names


def test_every_loss_reduction_and_weights_matches_tf(tf1):
    (keys, ours, _), (our_vals, our_grads), our_coll = _run(tfvars_jax, _build_all)
    (_, theirs, _), (tf_vals, tf_grads), tf_coll = _run(tf1, _build_all)
    assert our_coll == tf_coll == [t.name for t in theirs]
    for key, a, b, va, vb, ga, gb in zip(keys, ours, theirs, our_vals, tf_vals, our_grads,
                                         tf_grads):
        assert a.name == b.name, key
        assert a.dtype.name == b.dtype.name, key
        assert a.shape.as_list() == b.shape.as_list(), key
        np.testing.assert_allclose(va, vb, rtol=2e-5, atol=1e-6, err_msg=str(key))
        np.testing.assert_allclose(ga, gb, rtol=2e-5, atol=1e-6, err_msg=str(key))


def _build_dtypes_and_collections(tf):
    """Input dtypes (float64/float16 logits keep their dtype; other losses compute in float32),
    int labels, a custom scope, a custom loss collection and loss_collection=None."""
    x = _inputs(tf)
    p64 = tf.constant(DATA["pred"].astype(np.float64))
    p16 = tf.constant(DATA["pred"].astype(np.float16))
    losses = [
        tf.losses.sigmoid_cross_entropy(DATA["binary"].astype(np.int32), p64),
        tf.losses.softmax_cross_entropy(DATA["onehot"].astype(np.int64), p64,
                                        reduction=tf.losses.Reduction.NONE),
        tf.losses.sparse_softmax_cross_entropy(tf.constant(DATA["sparse"].astype(np.int64)), p64,
                                               weights=[1.0, 0.0, 2.0, 1.0]),
        tf.losses.sparse_softmax_cross_entropy(x["sparse"], p16),
        tf.losses.absolute_difference(DATA["label"].astype(np.float64), p64),
        tf.losses.mean_squared_error(np.arange(C, dtype=np.int32), p64[0],
                                     reduction=tf.losses.Reduction.SUM),
        tf.losses.compute_weighted_loss(p64, weights=np.ones([B, 1]),
                                        reduction=tf.losses.Reduction.MEAN),
        tf.losses.compute_weighted_loss([[1.0, 2.0], [3.0, 4.0]], weights=[[0.0, 1.0]]),
        tf.losses.huber_loss(x["label"], x["pred"], scope="my_huber"),
        tf.losses.cosine_distance(x["unit_b"], x["unit_a"], dim=0, scope="outer/cos"),
        tf.losses.log_loss(x["binary"], x["prob"], epsilon=1e-3, loss_collection="mine"),
        tf.losses.hinge_loss(x["binary"], x["pred"], loss_collection=None),
        tf.losses.mean_pairwise_squared_error(x["label"][:, :1], x["pred"][:, :1]),
        tf.losses.mean_pairwise_squared_error(tf.reshape(x["label"], [B, 1, C]),
                                              tf.reshape(x["pred"], [B, 1, C]),
                                              weights=tf.reshape([1.0, 2.0, 0.0, 1.0], [B, 1, 1])),
        tf.losses.sparse_softmax_cross_entropy(x["sparse"][:, None], x["pred"]),
    ]
    with tf.name_scope("in_scope"):
        losses.append(tf.losses.mean_squared_error(x["label"], x["pred"]))
    mine = [t.name for t in tf.get_collection("mine")]
    return mine, losses, [tf.gradients(losses[0], [p64])[0]]


def test_dtypes_scopes_and_collections_match_tf(tf1):
    (our_mine, ours, _), (our_vals, our_grads), our_coll = _run(tfvars_jax,
                                                                 _build_dtypes_and_collections)
    (tf_mine, theirs, _), (tf_vals, tf_grads), tf_coll = _run(tf1, _build_dtypes_and_collections)
    assert our_coll == tf_coll and our_mine == tf_mine == ["log_loss/value:0"]
    assert "hinge_loss/value:0" not in our_coll
    for a, b, va, vb in zip(ours, theirs, our_vals, tf_vals):
        assert (a.name, a.dtype.name, a.shape.as_list()) == (b.name, b.dtype.name,
                                                             b.shape.as_list())
        rtol = 1e-2 if a.dtype.name == "float16" else 2e-5
        np.testing.assert_allclose(va, vb, rtol=rtol, atol=1e-6, err_msg=a.name)
    np.testing.assert_allclose(our_grads[0], tf_grads[0], rtol=1e-6)
    assert our_grads[0].dtype == np.float64


def _build_fed(tf):
    """Unknown batch sizes: weights checked against the losses when the run is traced."""
    logits = tf.placeholder(tf.float32, [None, C])
    labels = tf.placeholder(tf.int32, [None])
    weights = tf.placeholder(tf.float32, [None])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits, weights=weights)
    col = tf.placeholder(tf.float32, [None, 1])
    mse = tf.losses.mean_squared_error(logits, logits * 2.0, weights=col)
    pair = tf.losses.mean_pairwise_squared_error(logits, logits * 0.5, weights=col)
    return (logits, labels, weights, col), [loss, mse, pair], [tf.gradients(loss, [logits])[0]]


def test_unknown_batch_and_run_time_weight_checks_match_tf(tf1):
    feeds = [DATA["pred"], DATA["sparse"], np.array([1.0, 0.0, 2.0, 0.5], np.float32),
             np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)]
    bad = [DATA["pred"], DATA["sparse"], np.ones([3], np.float32), np.ones([2, 1], np.float32)]
    results = []
    for tf in (tfvars_jax, tf1):
        with tf.Graph().as_default() as g:
            phs, losses, grads = _build_fed(tf)
            with tf.Session(graph=g) as sess:
                results.append((sess.run([losses, grads], dict(zip(phs, feeds))),
                                [t.name for t in losses]))
                for fetch in (losses[1], losses[2]):
                    with pytest.raises(tf.errors.InvalidArgumentError):
                        sess.run(fetch, dict(zip(phs, bad)))
    (ours, our_names), (theirs, tf_names) = results
    assert our_names == tf_names
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


# name -> (builder(tf, x), exception type, match) raised while the graph is built, as TF.
ERRORS = {
    "predictions_labels_shape": (lambda tf, x: tf.losses.mean_squared_error(
        x["label"], x["pred"][:, :3]), ValueError, "are incompatible"),
    "logits_labels_shape": (lambda tf, x: tf.losses.sigmoid_cross_entropy(
        x["binary"][:2], x["pred"]), ValueError, "are incompatible"),
    "softmax_labels_shape": (lambda tf, x: tf.losses.softmax_cross_entropy(
        x["onehot"][:, :2], x["pred"]), ValueError, "are incompatible"),
    "hinge_shape": (lambda tf, x: tf.losses.hinge_loss(
        x["binary"], x["pred"][:, :1]), ValueError, "are incompatible"),
    "weights_dim": (lambda tf, x: tf.losses.absolute_difference(
        x["label"], x["pred"], weights=tf.ones([B, 2])), ValueError,
        "weights can not be broadcast to values. Mismatch at dim 1"),
    "weights_rank": (lambda tf, x: tf.losses.softmax_cross_entropy(
        x["onehot"], x["pred"], weights=tf.ones([B, 1])), ValueError,
        "weights can not be broadcast to values. values.rank=1. weights.rank=2"),
    "weights_rank_1d_for_2d": (lambda tf, x: tf.losses.log_loss(
        x["binary"], x["prob"], weights=tf.ones([B])), ValueError,
        "weights can not be broadcast to values. values.rank=2. weights.rank=1"),
    "sparse_weights_dim": (lambda tf, x: tf.losses.sparse_softmax_cross_entropy(
        x["sparse"], x["pred"], weights=tf.ones([3])), ValueError,
        "weights can not be broadcast to values. Mismatch at dim 0"),
    "pairwise_weights": (lambda tf, x: tf.losses.mean_pairwise_squared_error(
        x["label"], x["pred"], weights=tf.ones([B])), ValueError,
        "weights can not be broadcast to values"),
    "sparse_labels_rank": (lambda tf, x: tf.losses.sparse_softmax_cross_entropy(
        tf.zeros([B, 2], tf.int32), x["pred"]), ValueError, "[Rr]ank"),  # 1.15/2.x wordings
    "sparse_weights_squeeze": (lambda tf, x: tf.losses.sparse_softmax_cross_entropy(
        x["sparse"], x["pred"], weights=tf.ones([B, 2])), ValueError,
        "Can not squeeze dim\\[1\\], expected a dimension of 1, got 2"),
    "reduction": (lambda tf, x: tf.losses.compute_weighted_loss(
        x["pred"], reduction="mean"), ValueError, "Invalid Reduction Key mean"),
    "labels_none": (lambda tf, x: tf.losses.huber_loss(None, x["pred"]), ValueError,
                    "Argument `labels` must not be None"),
    "logits_none": (lambda tf, x: tf.losses.sparse_softmax_cross_entropy(x["sparse"], None),
                    ValueError, "Argument `logits` must not be None"),
    "onehot_none": (lambda tf, x: tf.losses.softmax_cross_entropy(None, x["pred"]), ValueError,
                    "Argument `onehot_labels` must not be None"),
    "cosine_axis": (lambda tf, x: tf.losses.cosine_distance(x["unit_b"], x["unit_a"]),
                    ValueError, "You must specify argument `axis`"),
    "cosine_axis_and_dim": (lambda tf, x: tf.losses.cosine_distance(
        x["unit_b"], x["unit_a"], axis=1, dim=1), ValueError,
        "Cannot specify both 'dim' and 'axis'."),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_as_tf(tf1, case):
    build, exc, match = ERRORS[case]
    for tf in (tfvars_jax, tf1):
        with tf.Graph().as_default():
            with pytest.raises(exc, match=match):
                build(tf, _inputs(tf))


def test_namespace_lists_tf1_loss_functions(tf1):
    ours = {n for n in tfvars_jax.losses.__all__}
    theirs = {n for n in dir(tf1.losses) if not n.startswith("_")}
    assert ours == theirs
    ours, theirs = tfvars_jax.losses.Reduction, tf1.losses.Reduction
    assert ours.all() == theirs.all()
    assert ours.SUM_OVER_NONZERO_WEIGHTS == ours.SUM_BY_NONZERO_WEIGHTS
    assert tfvars_jax.losses.sparse_softmax_cross_entropy.__defaults__[-1] == (
        theirs.SUM_BY_NONZERO_WEIGHTS)
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        ours.validate("sum")
