"""tf.metrics against real TensorFlow: the same graph built with both, fed the same random
batches; variable names, dtypes, shapes and collections, the value/update tensor names and the
numbers after every update must agree."""
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


# name -> builder(tf, inputs) -> (value, update); inputs: l (int64 labels in {0,1}), p (int64
# predictions), s/s2 (float32 scores in [0,1)), w (float32 weights), c (int64 classes) and
# their [N, 1] column versions lc/sc.
METRICS = {
    "accuracy": lambda tf, x: tf.metrics.accuracy(x["l"], x["p"]),
    "accuracy_weighted": lambda tf, x: tf.metrics.accuracy(x["l"], x["p"], weights=x["w"]),
    "accuracy_column_labels": lambda tf, x: tf.metrics.accuracy(x["lc"], x["p"], name="acc_col"),
    "accuracy_scalar_weight": lambda tf, x: tf.metrics.accuracy(x["c"], x["c2"], weights=2.0),
    "mean": lambda tf, x: tf.metrics.mean(x["s"]),
    "mean_weighted": lambda tf, x: tf.metrics.mean(x["s"], weights=x["w"]),
    "mean_column_weights": lambda tf, x: tf.metrics.mean(x["s"], weights=x["wc"]),
    "mean_2d_broadcast_weights": lambda tf, x: tf.metrics.mean(x["m"], weights=x["wrow"]),
    "precision": lambda tf, x: tf.metrics.precision(x["l"], x["p"]),
    "precision_weighted": lambda tf, x: tf.metrics.precision(x["l"], x["p"], weights=x["w"]),
    "recall": lambda tf, x: tf.metrics.recall(x["l"], x["p"]),
    "recall_weighted": lambda tf, x: tf.metrics.recall(x["l"], x["p"], weights=x["w"]),
    "auc": lambda tf, x: tf.metrics.auc(x["l"], x["s"]),
    "auc_pr": lambda tf, x: tf.metrics.auc(x["l"], x["s"], curve="PR"),
    "auc_weighted": lambda tf, x: tf.metrics.auc(x["l"], x["s"], weights=x["w"], num_thresholds=17),
    "auc_pr_careful": lambda tf, x: tf.metrics.auc(x["l"], x["s"], curve="PR",
                                                   summation_method="careful_interpolation"),
    "auc_roc_careful": lambda tf, x: tf.metrics.auc(x["l"], x["s"], summation_method="careful_interpolation"),
    "auc_minoring": lambda tf, x: tf.metrics.auc(x["l"], x["s"], summation_method="minoring",
                                                 thresholds=[0.3, 0.1, 0.7]),
    "auc_majoring_pr": lambda tf, x: tf.metrics.auc(x["lc"], x["sc"], curve="PR", summation_method="majoring"),
    "mean_squared_error": lambda tf, x: tf.metrics.mean_squared_error(x["s"], x["s2"]),
    "mean_squared_error_weighted": lambda tf, x: tf.metrics.mean_squared_error(x["s"], x["s2"], weights=x["w"]),
    "mean_absolute_error": lambda tf, x: tf.metrics.mean_absolute_error(x["s"], x["s2"], weights=x["w"]),
    "root_mean_squared_error": lambda tf, x: tf.metrics.root_mean_squared_error(x["s"], x["s2"]),
    "mean_iou": lambda tf, x: tf.metrics.mean_iou(x["c"], x["c2"], 4),
    "mean_iou_weighted": lambda tf, x: tf.metrics.mean_iou(x["c"], x["c2"], 5, weights=x["w"]),
    "mean_iou_2d": lambda tf, x: tf.metrics.mean_iou(x["cm"], x["cm2"], 4),
    "true_positives": lambda tf, x: tf.metrics.true_positives(x["l"], x["p"]),
    "false_positives": lambda tf, x: tf.metrics.false_positives(x["l"], x["p"], weights=x["w"]),
    "false_negatives": lambda tf, x: tf.metrics.false_negatives(x["l"], x["p"]),
    "true_negatives": lambda tf, x: tf.metrics.true_negatives(x["l"], x["p"], weights=x["w"]),
    "true_positives_at_thresholds": lambda tf, x: tf.metrics.true_positives_at_thresholds(x["l"], x["s"],
                                                                                           [0.2, 0.5, 0.9]),
    "false_positives_at_thresholds": lambda tf, x: tf.metrics.false_positives_at_thresholds(
        x["l"], x["s"], [0.2, 0.5], weights=x["w"]),
    "false_negatives_at_thresholds": lambda tf, x: tf.metrics.false_negatives_at_thresholds(x["l"], x["s"], [0.5]),
    "true_negatives_at_thresholds": lambda tf, x: tf.metrics.true_negatives_at_thresholds(x["l"], x["s"], [0.5]),
    "precision_at_thresholds": lambda tf, x: tf.metrics.precision_at_thresholds(x["l"], x["s"], [0.2, 0.5],
                                                                                weights=x["w"]),
    "recall_at_thresholds": lambda tf, x: tf.metrics.recall_at_thresholds(x["l"], x["s"], [0.2, 0.5]),
    "named": lambda tf, x: tf.metrics.auc(x["l"], x["s"], name="my_auc"),
}


def _placeholders(tf):
    return {
        "l": tf.placeholder(tf.int64, [None], name="l"), "p": tf.placeholder(tf.int64, [None], name="p"),
        "lc": tf.placeholder(tf.int64, [None, 1], name="lc"),
        "s": tf.placeholder(tf.float32, [None], name="s"), "s2": tf.placeholder(tf.float32, [None], name="s2"),
        "sc": tf.placeholder(tf.float32, [None, 1], name="sc"),
        "w": tf.placeholder(tf.float32, [None], name="w"), "wc": tf.placeholder(tf.float32, [None, 1], name="wc"),
        "c": tf.placeholder(tf.int32, [None], name="c"), "c2": tf.placeholder(tf.int32, [None], name="c2"),
        "cm": tf.placeholder(tf.int64, [None, 3], name="cm"), "cm2": tf.placeholder(tf.int64, [None, 3], name="cm2"),
        "m": tf.placeholder(tf.float32, [None, 3], name="m"), "wrow": tf.placeholder(tf.float32, [1, 3], name="wrow"),
    }


def _batch(rng, n):
    labels = rng.randint(0, 2, n)
    s = rng.rand(n).astype(np.float32)
    return {"l": labels, "p": rng.randint(0, 2, n), "lc": labels.reshape(-1, 1), "s": s,
            "s2": rng.rand(n).astype(np.float32),
            "sc": s.reshape(-1, 1), "w": rng.rand(n).astype(np.float32),
            "wc": rng.rand(n, 1).astype(np.float32), "c": rng.randint(0, 4, n).astype(np.int32),
            "c2": rng.randint(0, 4, n).astype(np.int32), "cm": rng.randint(0, 4, (n, 3)),
            "cm2": rng.randint(0, 4, (n, 3)), "m": rng.rand(n, 3).astype(np.float32),
            "wrow": rng.rand(1, 3).astype(np.float32)}


def _run(tf, names, seed=0, steps=4):
    """Builds the metrics `names` in one graph, runs `steps` random batches; returns the graph
    facts and the numbers."""
    rng = np.random.RandomState(seed)
    with tf.Graph().as_default():
        x = _placeholders(tf)
        outs = {k: METRICS[k](tf, x) for k in names}
        facts = {
            "outputs": {k: (v.name, u.name) for k, (v, u) in outs.items()},
            "local": [(v.name, v.dtype.base_dtype.name, v.shape.as_list()) for v in tf.local_variables()],
            "metric": [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)],
            "global": [v.name for v in tf.global_variables()],
            "trainable": [v.name for v in tf.trainable_variables()],
        }
        numbers = []
        with tf.Session() as sess:
            for _ in range(2):  # the local initializer resets every accumulator
                sess.run(tf.local_variables_initializer())
                for step in range(steps):
                    batch = _batch(rng, 6 + 3 * step)
                    feed = {x[k]: batch[k] for k in x}
                    ups = sess.run({k: u for k, (_, u) in outs.items()}, feed)
                    vals = sess.run({k: v for k, (v, _) in outs.items()})
                    numbers.append((ups, vals))
        return facts, numbers


def _compare(names, tf1):
    ours_facts, ours = _run(tfvars_jax, names)
    theirs_facts, theirs = _run(tf1, names)
    assert ours_facts == theirs_facts
    for (our_up, our_val), (their_up, their_val) in zip(ours, theirs):
        for k in names:
            np.testing.assert_allclose(our_up[k], their_up[k], rtol=2e-5, atol=1e-6, err_msg=f"{k} update")
            np.testing.assert_allclose(our_val[k], their_val[k], rtol=2e-5, atol=1e-6, err_msg=f"{k} value")
            assert np.asarray(our_val[k]).dtype == np.asarray(their_val[k]).dtype, k


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_matches_tensorflow(name, tf1):
    _compare([name], tf1)


def test_all_metrics_in_one_graph_match_tensorflow(tf1):
    """Scope uniquifying (accuracy_1, auc_2, ...) and creation order across many metrics."""
    _compare(sorted(METRICS) + ["accuracy", "auc", "mean_iou", "precision"], tf1)


def test_collections_match_tensorflow(tf1):
    def build(tf):
        with tf.Graph().as_default():
            x = _placeholders(tf)
            tf.metrics.accuracy(x["l"], x["p"], metrics_collections=["m"], updates_collections=["u"])
            tf.metrics.auc(x["l"], x["s"], metrics_collections=["m", "m2"], updates_collections=["u"])
            tf.metrics.root_mean_squared_error(x["s"], x["s2"], metrics_collections=["m"], updates_collections=["u"])
            tf.metrics.true_positives(x["l"], x["p"], metrics_collections=["m"], updates_collections=["u"])
            tf.metrics.mean_iou(x["c"], x["c2"], 3, metrics_collections=["m"], updates_collections=["u"])
            tf.metrics.precision(x["l"], x["p"], metrics_collections=["m"], updates_collections=["u"])
            return {key: [t.name for t in tf.get_collection(key)] for key in ("m", "m2", "u")}

    assert build(tfvars_jax) == build(tf1)


def test_errors_match_tensorflow(tf1):
    def outcome(tf, fn):
        try:
            with tf.Graph().as_default():
                x = _placeholders(tf)
                fn(tf, x)
        except Exception as e:  # noqa: BLE001 - the type is what we compare
            return type(e).__name__
        return None

    cases = [
        lambda tf, x: tf.metrics.auc(x["l"], x["s"], curve="XY"),
        lambda tf, x: tf.metrics.auc(x["l"], x["s"], summation_method="nope"),
        lambda tf, x: tf.metrics.accuracy(tf.constant([1, 2, 3]), tf.constant([1, 2])),
        lambda tf, x: tf.metrics.mean(tf.constant([[1.0, 2.0]]), weights=tf.constant([[1.0, 2.0, 3.0]])),
        lambda tf, x: tf.metrics.true_positives(x["l"], x["p"], weights=x["m"]),
    ]
    for case in cases:
        assert outcome(tfvars_jax, case) == outcome(tf1, case) is not None


def test_run_time_checks_match_tensorflow(tf1):
    """Out-of-range predictions (auc) and classes (mean_iou) fail the update in both."""
    def fails(tf, build, feed):
        with tf.Graph().as_default():
            x = _placeholders(tf)
            _, update = build(tf, x)
            with tf.Session() as sess:
                sess.run(tf.local_variables_initializer())
                try:
                    sess.run(update, {x[k]: v for k, v in feed.items()})
                except tf.errors.InvalidArgumentError:
                    return True
                return False

    auc = (lambda tf, x: tf.metrics.auc(x["l"], x["s"]), {"l": [0, 1], "s": np.float32([0.5, 1.5])})
    iou_hi = (lambda tf, x: tf.metrics.mean_iou(x["c"], x["c2"], 3), {"c": np.int32([0, 3]), "c2": np.int32([0, 1])})
    iou_neg = (lambda tf, x: tf.metrics.mean_iou(x["c"], x["c2"], 3), {"c": np.int32([0, 1]), "c2": np.int32([0, -1])})
    ok = (lambda tf, x: tf.metrics.mean_iou(x["c"], x["c2"], 3), {"c": np.int32([0, 2]), "c2": np.int32([0, 1])})
    for build, feed in (auc, iou_hi, iou_neg, ok):
        assert fails(tfvars_jax, build, feed) == fails(tf1, build, feed)
